// The address plan of every room. Rooms are isolated, so all of them use the same private
// subnet: 10.0.0.0/16. The first /24 (10.0.0.1–10.0.0.254) is kept for bots and other virtual
// hosts, so their addresses are short and stable ("echo is 10.0.0.7"); clients get addresses
// from 10.0.1.1 upward. Host parts ending in .0 and .255 are never handed out: they look like
// network and broadcast addresses to anyone used to /24s, and would only confuse.
import { formatIpv4Address } from '../workers/tcp/wire/address.ts';

export const SUBNET_BASE = 0x0a000000; // 10.0.0.0
export const SUBNET_PREFIX = 16;
export const SUBNET_TEXT = `${formatIpv4Address(SUBNET_BASE)}/${SUBNET_PREFIX}`;
const SUBNET_SIZE = 2 ** (32 - SUBNET_PREFIX);

export const BOT_FIRST = SUBNET_BASE + 1; // 10.0.0.1
export const BOT_LAST = SUBNET_BASE + 254; // 10.0.0.254
export const CLIENT_FIRST = SUBNET_BASE + 256 + 1; // 10.0.1.1
const SUBNET_LAST = SUBNET_BASE + SUBNET_SIZE - 1;

/** Usable client addresses: 255 /24 blocks (10.0.1.x … 10.0.255.x) of 254 hosts each. */
export const MAX_CLIENT_ADDRESSES = 255 * 254;

export function inSubnet(address: number): boolean {
  return address >= SUBNET_BASE && address <= SUBNET_LAST;
}

function usableHostPart(address: number): boolean {
  const last = address & 0xff;
  return last !== 0 && last !== 255;
}

/**
 * Which addresses of one room are taken. Allocation takes the lowest free address of the
 * range, so a student who reloads a tab in a quiet room usually gets the same address back.
 * Scanning is linear in the room's size, which is bounded (maxClientsPerRoom) and only paid
 * on join.
 */
export class AddressPool {
  private readonly used = new Set<number>();

  has(address: number): boolean {
    return this.used.has(address);
  }

  /** Take a specific address; false when it is taken or not a usable host address. */
  take(address: number): boolean {
    if (!inSubnet(address) || !usableHostPart(address) || this.used.has(address)) return false;
    this.used.add(address);
    return true;
  }

  /** The lowest free address of the bot range, or null when all 254 are taken. */
  takeBotAddress(): number | null {
    return this.takeFirstFree(BOT_FIRST, BOT_LAST);
  }

  /** The lowest free client address, or null when the subnet is full. */
  takeClientAddress(): number | null {
    return this.takeFirstFree(CLIENT_FIRST, SUBNET_LAST);
  }

  release(address: number): void {
    this.used.delete(address);
  }

  private takeFirstFree(first: number, last: number): number | null {
    for (let a = first; a <= last; a++) {
      if (usableHostPart(a) && !this.used.has(a)) {
        this.used.add(a);
        return a;
      }
    }
    return null;
  }
}
