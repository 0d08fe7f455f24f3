// Rooms: isolated virtual LANs. A room hands out addresses and hostnames, tells its members who
// comes and goes, and routes frames between them by destination address. It exists while it
// has at least one client; bots alone do not keep it open.
import { formatIpv4Address, parseIpv4Address } from '../workers/tcp/wire/address.ts';
import { AddressPool, SUBNET_TEXT } from './addresses.ts';
import { turnNow } from './clock.ts';
import { checkFrame } from './frame-check.ts';
import type { HostInfo, HostKind, LimitsInfo, Role, ServerMessage } from './protocol/messages.ts';
import { PROTOCOL_VERSION } from './protocol/messages.ts';
import type { Member } from './member.ts';
import { checkDisplayName, hostnameFor, uniqueHostname } from './protocol/names.ts';
import type { RoomApi, SendResult, VirtualHostHandle, VirtualHostSpec } from './room-api.ts';
import type { RoomTap, TapSnapshot } from './tap.ts';
import { RoomWorkshop } from './teacher.ts';
import type { HeldCodes } from './teacher-codes.ts';
import type { RelayDropReason } from './protocol/drop-reasons.ts';
import { Traffic, type HostTrafficSnapshot, type TrafficSnapshot } from './traffic.ts';
import { VirtualMember } from './virtual-host.ts';

/** What every room shares with the relay. */
export interface RoomContext {
  mtu: number;
  maxQueuedBytes: number;
  limits: LimitsInfo;
  /** The relay-wide counters, bumped along with the room's and the host's. */
  global: Traffic;
  log: (line: string) => void;
  openTap: (room: string) => RoomTap | null;
}

export interface Identity {
  address: number;
  info: HostInfo;
}

export interface HostSnapshot extends HostInfo {
  queuedBytes: number;
  traffic: HostTrafficSnapshot;
}

export interface RoomSnapshot {
  name: string;
  createdAt: string;
  clients: number;
  virtualHosts: number;
  traffic: TrafficSnapshot;
  pcap: TapSnapshot | null;
  hosts: HostSnapshot[];
}

export class Room implements RoomApi {
  readonly traffic = new Traffic();
  readonly createdAt = new Date();
  /** By address; a Map keeps joining order, which is the order hosts are listed in. */
  private readonly members = new Map<number, Member>();
  private readonly hostnames = new Set<string>();
  private readonly pool = new AddressPool();
  private readonly endListeners: (() => void)[] = [];
  private readonly tap: RoomTap | null;
  private clients = 0;
  private ended = false;
  /** Set once the room ends: resolves when its capture file is closed. */
  finished: Promise<void> | null = null;
  /** Set by the registry, to forget the room once it ends. */
  onEnded: ((room: Room) => void) | null = null;
  /** Teachers and every host's latest status (teacher.ts). */
  readonly workshop = new RoomWorkshop(() => this.members.values());

  constructor(
    readonly name: string,
    private readonly ctx: RoomContext,
  ) {
    this.tap = ctx.openTap(name);
  }

  get mtu(): number {
    return this.ctx.mtu;
  }

  get clientCount(): number {
    return this.clients;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  hosts(): HostInfo[] {
    return [...this.members.values()].map((m) => m.info);
  }

  /**
   * Give a new host an address and a hostname, welcome it with the list of everyone else and
   * tell everyone else. `displayName` is already checked. `make` builds the member once its
   * identity is known. `role` is decided by the relay (the room's first client, or the teacher
   * code); virtual hosts are always students.
   */
  join<M extends Member>(
    displayName: string,
    kind: HostKind,
    preferred: number | null,
    make: (id: Identity) => M,
    role: Role = 'student',
  ): M {
    if (this.ended) throw new Error(`room ${this.name} has ended`);
    let address: number | null;
    if (preferred !== null) {
      if (!this.pool.take(preferred)) {
        throw new Error(`address ${formatIpv4Address(preferred)} is taken or not a host address of ${SUBNET_TEXT}`);
      }
      address = preferred;
    } else {
      address = isClient(kind) ? this.pool.takeClientAddress() : this.pool.takeBotAddress();
      if (address === null) throw new Error(`room ${this.name} has no free ${isClient(kind) ? 'client' : 'bot'} address`);
    }
    const hostname = uniqueHostname(hostnameFor(displayName), (h) => this.hostnames.has(h));
    const info: HostInfo = { address: formatIpv4Address(address), hostname, name: displayName, kind };
    const member = make({ address, info });
    const others = this.hosts();
    this.members.set(address, member);
    this.hostnames.add(hostname);
    if (isClient(kind)) this.clients++;
    member.notify({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      room: this.name,
      address: info.address,
      hostname,
      name: displayName,
      subnet: SUBNET_TEXT,
      mtu: this.ctx.mtu,
      hosts: others,
      limits: this.ctx.limits,
      ...this.workshop.welcomeFields(role),
    });
    this.broadcast({ type: 'host-joined', host: info }, member);
    this.workshop.joined(member, role);
    return member;
  }

  /** Take a host out (idempotent); ends the room when its last client leaves. */
  leave(member: Member): void {
    if (this.members.get(member.address) !== member) return;
    this.members.delete(member.address);
    this.hostnames.delete(member.info.hostname);
    this.pool.release(member.address);
    if (isClient(member.info.kind)) this.clients--;
    member.detach();
    if (this.ended) return;
    this.broadcast({ type: 'host-left', host: member.info }, null);
    this.workshop.left(member);
    // Only a client leaving can end the room: a bot leaving during onRoomCreated must not.
    if (isClient(member.info.kind) && this.clients === 0) void this.end();
  }

  /**
   * Check one frame from `from` and hand it to its destination. The frame is passed on as the
   * same bytes, never copied or changed.
   */
  route(from: Member, frame: Uint8Array): SendResult {
    const checked = checkFrame(frame, from.address, this.ctx.mtu);
    if (typeof checked !== 'number') {
      this.countDrop(from, checked.reason);
      if (from.mayNotice(turnNow())) from.notify({ type: 'dropped', reason: checked.reason, detail: checked.detail });
      return checked.reason;
    }
    const to = this.members.get(checked);
    if (to === undefined) {
      this.countDrop(from, 'unreachable');
      if (from.mayNotice(turnNow())) from.notify({ type: 'unreachable', dst: formatIpv4Address(checked) });
      return 'unreachable';
    }
    const delivered = to.deliver(frame);
    if (delivered !== 'ok') {
      this.countDrop(from, delivered);
      if (delivered === 'queue-full') to.traffic.queueDropsToHost++;
      return delivered;
    }
    const n = frame.length;
    from.traffic.framesForwarded++;
    from.traffic.bytesForwarded += n;
    to.traffic.framesDelivered++;
    to.traffic.bytesDelivered += n;
    this.traffic.framesForwarded++;
    this.traffic.bytesForwarded += n;
    this.ctx.global.framesForwarded++;
    this.ctx.global.bytesForwarded += n;
    if (this.tap !== null) this.tap.write(frame, Date.now());
    return 'forwarded';
  }

  /** Count a message received from `from` (before any check). */
  countIn(from: Member, bytes: number): void {
    from.traffic.framesIn++;
    from.traffic.bytesIn += bytes;
    this.traffic.framesIn++;
    this.traffic.bytesIn += bytes;
    this.ctx.global.framesIn++;
    this.ctx.global.bytesIn += bytes;
  }

  countDrop(from: Member, reason: RelayDropReason): void {
    from.traffic.dropped[reason]++;
    from.traffic.droppedTotal++;
    this.traffic.dropped[reason]++;
    this.traffic.droppedTotal++;
    this.ctx.global.dropped[reason]++;
    this.ctx.global.droppedTotal++;
  }

  attachVirtualHost(spec: VirtualHostSpec): VirtualHostHandle {
    const name = checkDisplayName(typeof spec.name === 'string' ? spec.name : null, 'virtual');
    if (!name.ok) throw new Error(`virtual host: ${name.reason}`);
    if (typeof spec.deliver !== 'function') throw new Error('virtual host: deliver must be a function');
    let preferred: number | null = null;
    if (spec.preferredAddress !== undefined) {
      preferred = typeof spec.preferredAddress === 'number' ? spec.preferredAddress : parseIpv4Address(spec.preferredAddress);
      if (preferred === null || !Number.isInteger(preferred)) {
        throw new Error(`virtual host: preferredAddress ${JSON.stringify(spec.preferredAddress)} is not an IPv4 address`);
      }
    }
    const member = this.join(name.value, spec.kind ?? 'bot', preferred, (id) => {
      return new VirtualMember(id.address, id.info, spec, this.ctx.maxQueuedBytes, this.ctx.log);
    });
    const room = this;
    return {
      address: member.info.address,
      addressNumber: member.address,
      hostname: member.info.hostname,
      room: this.name,
      send(frame: Uint8Array): SendResult {
        if (member.isDetached) return 'receiver-gone';
        room.countIn(member, frame.length);
        return room.route(member, frame);
      },
      leave(): void {
        room.leave(member);
      },
    };
  }

  onEnd(listener: () => void): void {
    if (this.ended) queueMicrotask(listener);
    else this.endListeners.push(listener);
  }

  /**
   * End the room: detach everyone left (virtual hosts; clients too when the relay closes),
   * run the end listeners, finish the capture file. Resolves when the pcap file is closed.
   */
  end(): Promise<void> {
    if (this.finished !== null) return this.finished;
    this.ended = true;
    for (const m of this.members.values()) m.detach();
    this.members.clear();
    for (const listener of this.endListeners.splice(0)) {
      try {
        listener();
      } catch (err) {
        this.ctx.log(`room ${this.name}: an end listener threw: ${(err as Error)?.stack ?? String(err)}`);
      }
    }
    this.finished = this.tap?.close() ?? Promise.resolve();
    this.onEnded?.(this);
    return this.finished;
  }

  snapshot(): RoomSnapshot {
    let virtualHosts = 0;
    const hosts: HostSnapshot[] = [];
    for (const m of this.members.values()) {
      if (!isClient(m.info.kind)) virtualHosts++;
      hosts.push({ ...m.info, queuedBytes: m.queuedBytes(), traffic: m.traffic.snapshot() });
    }
    return {
      name: this.name,
      createdAt: this.createdAt.toISOString(),
      clients: this.clients,
      virtualHosts,
      traffic: this.traffic.snapshot(),
      pcap: this.tap?.snapshot() ?? null,
      hosts,
    };
  }

  /** Send an event to everyone but `except`. */
  private broadcast(message: ServerMessage, except: Member | null): void {
    for (const m of this.members.values()) if (m !== except) m.notify(message);
  }
}

/** All live rooms by name. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  /** Rooms that ended and whose capture files are still being flushed. */
  private readonly finishing = new Set<Promise<void>>();

  constructor(
    private readonly ctx: RoomContext,
    /** Runs once per new room (bots, then the user's hook); errors are logged, not thrown. */
    private readonly onCreated: (room: Room) => void,
    /** Where an emptied room's teacher code is kept for a while (teacher-codes.ts). */
    private readonly heldCodes: HeldCodes | null = null,
  ) {}

  get(name: string): Room | undefined {
    return this.rooms.get(name);
  }

  get size(): number {
    return this.rooms.size;
  }

  getOrCreate(name: string): Room {
    const existing = this.rooms.get(name);
    if (existing !== undefined) return existing;
    const room = new Room(name, this.ctx);
    room.onEnded = (r) => {
      if (this.rooms.get(r.name) === r) this.rooms.delete(r.name);
      this.heldCodes?.hold(r.name, r.workshop.teacherCode, Date.now());
      const done: Promise<void> = (r.finished ?? Promise.resolve()).finally(() => this.finishing.delete(done));
      this.finishing.add(done);
    };
    this.rooms.set(name, room);
    this.heldCodes?.release(name); // the live room's workshop has the code now (relay.ts adopts it)
    this.onCreated(room);
    return room;
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** End every room; resolves when all capture files are closed. */
  async endAll(): Promise<void> {
    for (const r of this.all()) void r.end();
    await Promise.all([...this.finishing]);
  }
}

/** A WebSocket client, however it is listed: `kernel` (a TUN bridge, PROTOCOL.md §1) changes only
 *  the host list, never the address pool, the client count or when the room ends. */
function isClient(kind: HostKind): boolean {
  return kind === 'client' || kind === 'kernel';
}
