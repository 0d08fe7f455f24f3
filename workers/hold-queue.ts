// The hold queue: in hold mode a host's outgoing segments wait here instead of leaving, and the
// student decides what happens to each (release, drop, duplicate, move). Holding two SYNs on two
// hosts and releasing them together is how a simultaneous open is made on demand.
// Pure: it stores and reorders packets; the caller sends what is released and traces each action.

import { decodePacket } from './tcp/wire/packet.ts';
import { formatIpv4Address } from './tcp/wire/address.ts';
import { flagNames, summarize } from './tcp/wire/describe.ts';
import { tcpFlags, tcpPayloadLength } from './tcp/wire/peek.ts';
import type { HeldPacketView } from './api.ts';
import { ownBytes } from './clone-safe.ts';

export class HoldQueue {
  /** While on, the owner passes outgoing packets to hold() instead of sending them. */
  enabled = false;
  private items: HeldPacketView[] = [];
  private nextId = 1;

  get size(): number {
    return this.items.length;
  }

  /** The queue, first to leave first. The views are shared: do not modify them. */
  list(): readonly HeldPacketView[] {
    return this.items;
  }

  get(id: number): HeldPacketView | undefined {
    return this.items.find((h) => h.id === id);
  }

  /** Put a packet at the end of the queue. */
  hold(bytes: Uint8Array, now: number): HeldPacketView {
    // A copy of its own: the core's packets are views into shared slabs, and the view goes to the UI.
    const item = describe(this.nextId++, ownBytes(bytes), now);
    this.items.push(item);
    return item;
  }

  /** Take one packet out to be sent. */
  release(id: number): HeldPacketView | undefined {
    return this.take(id);
  }

  /** Take every packet out, in queue order. */
  releaseAll(): HeldPacketView[] {
    const all = this.items;
    this.items = [];
    return all;
  }

  /** Take one packet out to be forgotten. */
  drop(id: number): HeldPacketView | undefined {
    return this.take(id);
  }

  /** Queue a copy (same bytes, new id) right behind the original. */
  duplicate(id: number): HeldPacketView | undefined {
    const i = this.index(id);
    const original = this.items[i];
    if (original === undefined) return undefined;
    const copy: HeldPacketView = { ...original, id: this.nextId++ };
    this.items.splice(i + 1, 0, copy);
    return copy;
  }

  /** Move a packet to position `index` (clamped to the queue); false when there is no such id. */
  move(id: number, index: number): boolean {
    const i = this.index(id);
    const item = this.items[i];
    if (item === undefined) return false;
    this.items.splice(i, 1);
    const to = Math.max(0, Math.min(this.items.length, Math.trunc(Number.isFinite(index) ? index : 0)));
    this.items.splice(to, 0, item);
    return true;
  }

  private index(id: number): number {
    return this.items.findIndex((h) => h.id === id);
  }

  private take(id: number): HeldPacketView | undefined {
    const i = this.index(id);
    if (i < 0) return undefined;
    return this.items.splice(i, 1)[0];
  }
}

/** The UI's view of a held packet: decoded once, when it is held. */
export function describe(id: number, bytes: Uint8Array, now: number): HeldPacketView {
  const decoded = decodePacket(bytes);
  if (!decoded.ok) {
    // Not decodable (should not happen for our own output): show what the raw bytes say.
    const flags = tcpFlags(bytes);
    return {
      id,
      summary: `undecodable packet: ${decoded.reason}`,
      flags,
      flagNames: flags < 0 ? '' : flagNames(flags),
      length: Math.max(0, tcpPayloadLength(bytes)),
      src: '',
      dst: '',
      heldAt: now,
      bytes,
    };
  }
  const { ip, tcp } = decoded.value;
  const src = formatIpv4Address(ip.src);
  const dst = formatIpv4Address(ip.dst);
  return {
    id,
    // summarize() starts with "srcPort → dstPort"; put the addresses in front of the ports.
    summary: `${src}:${summarize(tcp).replace(' → ', ` → ${dst}:`)}`,
    flags: tcp.flags,
    flagNames: flagNames(tcp.flags),
    length: tcp.payload.length,
    src,
    dst,
    heldAt: now,
    bytes,
  };
}
