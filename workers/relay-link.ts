// The worker's WebSocket link to the relay (relay/PROTOCOL.md): join a room, pass IPv4 frames
// both ways, follow who is in the room, and come back after a dropped connection with backoff.
// The TCP host is not here: it lives on across reconnects, and the link only moves its frames.
//
// The WebSocket, the timers and the random spread are injected, so tests drive every transition
// with a fake socket and fake timers.

import type {
  DroppedMessage,
  ErrorMessage,
  HostInfo,
  HostStatus,
  HostStatusEntry,
  Role,
  ServerMessage,
  UnreachableMessage,
  WelcomeMessage,
} from '../relay/protocol/messages.ts';
import { CloseCode } from '../relay/protocol/close-codes.ts';
import type { LinkState } from './api.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { TimerHandle, Timers } from './timers.ts';

/** The part of the browser's WebSocket the link uses. */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array | string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

/**
 * Close codes after which retrying cannot help (PROTOCOL.md §6): the room or the name was
 * refused, the teacher code was wrong, or the kind is unknown. Everything else (relay restart, room or relay full, rate limit, network loss) is retried.
 */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.BAD_ROOM, CloseCode.BAD_NAME, CloseCode.BAD_TEACHER_CODE, CloseCode.BAD_KIND]);

/** Frames beyond this many bytes waiting in the socket are dropped, like a full NIC queue. */
export const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;
/**
 * At most one status message this often: the relay ignores more than 4 a second (PROTOCOL.md
 * §2.3), so the link coalesces and sends the newest one when it may, never losing the last.
 */
export const STATUS_INTERVAL_MS = 300;
/** An open socket that brings no welcome within this time is closed and retried. */
const WELCOME_TIMEOUT_MS = 10_000;

export type SendResult = 'sent' | 'down' | 'queue-full';

export interface RelayLinkOptions {
  url: string;
  room: string;
  name: string;
  createSocket: SocketFactory;
  timers: Timers;
  /** Uniform [0, 1) for the backoff spread. */
  random: () => number;
  backoff?: BackoffOptions;
  maxBuffered?: number;
  /** The host's current address, to notice when a rejoin gives another one (null: no host yet). */
  hostAddress: () => string | null;
  onFrame: (frame: Uint8Array) => void;
  onState: (state: LinkState) => void;
  /** A welcome arrived; `rejoin` is true after a reconnect of the same join(). */
  onWelcome: (welcome: WelcomeMessage, rejoin: boolean) => void;
  onNotice: (notice: UnreachableMessage | DroppedMessage | ErrorMessage) => void;
  /** Teachers only: every other host's latest status changed (snapshot, update, or a host left). */
  onRoomStatus?: (hosts: HostStatusEntry[]) => void;
}

/** ws(s)://host:port/ws?room=…&name=… from a ws(s) or http(s) address (a bare origin gets /ws). */
export function relaySocketUrl(url: string, room: string, name: string, base?: string): string {
  const u = new URL(url, base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  else if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new Error(`relay URL must be ws://, wss://, http:// or https://, got ${url}`);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/ws';
  u.searchParams.set('room', room);
  u.searchParams.set('name', name);
  u.hash = '';
  return u.toString();
}

export class RelayLink {
  private readonly o: RelayLinkOptions;
  private readonly socketUrl: string;
  private socket: SocketLike | null = null;
  private timer: TimerHandle | null = null;
  private welcomeTimer: TimerHandle | null = null;
  private current: LinkState = { status: 'idle' };
  /** Failed attempts since the last welcome (drives the backoff). */
  private failures = 0;
  private attempt = 0;
  private welcomed = false;
  private stopped = false;
  private peers: HostInfo[] = [];
  private welcome: WelcomeMessage | null = null;
  /** Workshop state from the relay: our role, and whether a teacher is in the room. */
  private role: Role = 'student';
  private teacherCode: string | null = null;
  private watched = false;
  /** By address: the latest status of every other host (teachers only). */
  private readonly statuses = new Map<string, HostStatusEntry>();
  /** The newest status to publish (JSON), what this connection last sent, and when. */
  private statusJson: string | null = null;
  private sentStatusJson: string | null = null;
  private statusSentAt = -Infinity;
  private statusTimer: TimerHandle | null = null;
  /** Frames not sent because the link was down or its queue full. */
  notSent = 0;

  constructor(options: RelayLinkOptions) {
    this.o = options;
    this.socketUrl = relaySocketUrl(options.url, options.room, options.name, typeof location === 'undefined' ? undefined : String(location.href));
  }

  get state(): LinkState {
    return this.current;
  }

  get url(): string {
    return this.socketUrl;
  }

  start(): void {
    if (this.socket !== null || this.stopped) return;
    this.open();
  }

  /** Close for good (leave()). */
  stop(reason = 'left the room'): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    if (s !== null) {
      detach(s);
      try {
        s.close(CloseCode.NORMAL, reason);
      } catch {
        // already closing
      }
    }
    this.setState({ status: 'closed', code: CloseCode.NORMAL, reason, byUser: true });
  }

  send(frame: Uint8Array): SendResult {
    const s = this.socket;
    // Admitted, not 'joined': the relay routes our frames from its welcome on (PROTOCOL.md), and the
    // owner may send from inside onWelcome, before the joined state is published (a connect()'s SYN).
    if (s === null || s.readyState !== OPEN || !this.welcomed) {
      this.notSent++;
      return 'down';
    }
    if (s.bufferedAmount + frame.length > (this.o.maxBuffered ?? DEFAULT_MAX_BUFFERED)) {
      this.notSent++;
      return 'queue-full';
    }
    s.send(frame);
    return 'sent';
  }

  /** Teachers: every other host's latest status, in the order first heard of. */
  get roomStatus(): HostStatusEntry[] {
    return [...this.statuses.values()];
  }

  /**
   * Publish this host's status to the room's teachers. Coalesced: at most one message per
   * STATUS_INTERVAL_MS, always the newest, never a repeat; kept while the link is down and
   * sent again after every (re)join, since a new connection starts with no status at the relay.
   */
  publishStatus(status: HostStatus): void {
    this.statusJson = JSON.stringify({ type: 'status', ...status });
    this.flushStatus();
  }

  private flushStatus(): void {
    const s = this.socket;
    const json = this.statusJson;
    if (json === null || this.statusTimer !== null) return;
    if (s === null || s.readyState !== OPEN || this.current.status !== 'joined') return; // sent on the welcome
    if (json === this.sentStatusJson) return;
    const wait = this.statusSentAt + STATUS_INTERVAL_MS - this.o.timers.now();
    if (wait > 0) {
      this.statusTimer = this.o.timers.setTimeout(() => {
        this.statusTimer = null;
        this.flushStatus();
      }, wait);
      return;
    }
    s.send(json);
    this.sentStatusJson = json;
    this.statusSentAt = this.o.timers.now();
  }

  /** Recompute the joined state (after the host adopted the relay's address). */
  refresh(): void {
    if (this.current.status === 'joined' && this.welcome !== null) this.setState(this.joinedState(this.welcome));
  }

  private open(): void {
    this.attempt++;
    this.welcomed = false;
    this.setState({ status: 'connecting', url: this.o.url, room: this.o.room, name: this.o.name, attempt: this.attempt });
    let s: SocketLike;
    try {
      s = this.o.createSocket(this.openUrl());
    } catch (err) {
      // A URL the platform refuses outright will not get better: give up with its message.
      this.stopped = true;
      this.setState({ status: 'closed', code: CloseCode.ABNORMAL, reason: `cannot open ${this.socketUrl}: ${(err as Error).message}`, byUser: false });
      return;
    }
    this.socket = s;
    this.sentStatusJson = null; // a new connection: the relay has no status of ours yet
    s.binaryType = 'arraybuffer';
    s.onopen = () => {
      this.welcomeTimer = this.o.timers.setTimeout(() => {
        this.welcomeTimer = null;
        if (this.socket === s && !this.welcomed) s.close(CloseCode.NO_WELCOME, 'no welcome from the relay');
      }, WELCOME_TIMEOUT_MS);
    };
    s.onmessage = (ev) => this.onMessage(ev.data);
    s.onerror = () => {
      // The close event that follows carries the code; nothing to do here.
    };
    s.onclose = (ev) => this.onClose(s, ev.code, ev.reason);
  }

  private onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      this.o.onFrame(new Uint8Array(data));
      return;
    }
    if (ArrayBuffer.isView(data)) {
      this.o.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      return;
    }
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      return; // the relay only sends JSON; ignore anything else rather than fail
    }
    switch (msg.type) {
      case 'welcome': {
        const rejoin = this.welcome !== null;
        this.welcomed = true;
        this.failures = 0;
        this.attempt = 0;
        if (this.welcomeTimer !== null) this.o.timers.clearTimeout(this.welcomeTimer);
        this.welcomeTimer = null;
        this.welcome = msg;
        this.peers = [...msg.hosts];
        // An older relay sends no workshop fields: everyone is a student, nobody watches.
        this.role = msg.role === 'teacher' ? 'teacher' : 'student';
        // Kept across reconnects, so a teacher whose link drops comes back as a teacher.
        if (typeof msg.teacherCode === 'string') this.teacherCode = msg.teacherCode;
        this.watched = msg.watchedByTeacher === true;
        const hadStatuses = this.statuses.size > 0;
        this.statuses.clear(); // a teacher gets a fresh snapshot right after the welcome
        // The owner creates or keeps its host first, so the joined state can compare addresses.
        this.o.onWelcome(msg, rejoin);
        this.setState(this.joinedState(msg));
        if (hadStatuses) this.o.onRoomStatus?.([]);
        this.flushStatus();
        return;
      }
      case 'host-joined':
        this.peers = [...this.peers.filter((h) => h.address !== msg.host.address), msg.host];
        this.refresh();
        return;
      case 'host-left':
        this.peers = this.peers.filter((h) => h.address !== msg.host.address);
        this.refresh();
        if (this.statuses.delete(msg.host.address)) this.o.onRoomStatus?.(this.roomStatus);
        return;
      case 'hosts': {
        // A fresh list after events this tab missed while it was not reading (PROTOCOL.md §2.1):
        // it replaces ours, and a status of a host no longer there (or whose address another
        // host took) is dropped.
        this.peers = Array.isArray(msg.hosts) ? [...msg.hosts] : [];
        const byAddress = new Map(this.peers.map((h) => [h.address, h.hostname]));
        let pruned = false;
        for (const [address, s] of this.statuses) {
          if (byAddress.get(address) !== s.host) pruned = this.statuses.delete(address) || pruned;
        }
        this.refresh();
        if (pruned) this.o.onRoomStatus?.(this.roomStatus);
        return;
      }
      case 'teacher':
        this.watched = msg.present === true;
        this.refresh();
        return;
      case 'room-status':
        this.statuses.clear();
        for (const h of Array.isArray(msg.hosts) ? msg.hosts : []) this.statuses.set(h.address, h);
        this.o.onRoomStatus?.(this.roomStatus);
        return;
      case 'status': {
        const { type: _type, ...entry } = msg;
        this.statuses.set(entry.address, entry);
        this.o.onRoomStatus?.(this.roomStatus);
        return;
      }
      case 'unreachable':
      case 'dropped':
      case 'error':
        this.o.onNotice(msg);
        return;
      default:
        return; // pong, and anything a newer relay adds
    }
  }

  private onClose(s: SocketLike, code: number, reason: string): void {
    if (this.socket !== s) return;
    this.socket = null;
    detach(s);
    this.clearTimers();
    if (this.stopped) return;
    if (FINAL_CLOSE_CODES.has(code)) {
      this.stopped = true;
      this.setState({ status: 'closed', code, reason: reason || `refused by the relay (code ${code})`, byUser: false });
      return;
    }
    this.failures++;
    const delayMs = backoffDelay(this.failures, this.o.random(), this.o.backoff);
    const retryAt = this.o.timers.now() + delayMs;
    this.setState({
      status: 'reconnecting',
      url: this.o.url,
      room: this.o.room,
      name: this.o.name,
      attempt: this.attempt + 1,
      retryAt,
      delayMs,
      code,
      reason: reason || closeText(code),
    });
    this.timer = this.o.timers.setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delayMs);
  }

  private joinedState(w: WelcomeMessage): LinkState {
    const hostAddress = this.o.hostAddress();
    return {
      status: 'joined',
      url: this.o.url,
      room: w.room,
      name: w.name,
      address: w.address,
      hostname: w.hostname,
      subnet: w.subnet,
      mtu: w.mtu,
      hosts: [...this.peers],
      role: this.role,
      teacherCode: this.role === 'teacher' ? this.teacherCode : null,
      watchedByTeacher: this.watched,
      addressChanged: hostAddress !== null && hostAddress !== w.address ? { hostAddress, relayAddress: w.address } : null,
    };
  }

  private setState(state: LinkState): void {
    this.current = state;
    this.o.onState(state);
  }

  /** The socket URL for the next attempt: with the teacher code once the relay gave us one. */
  private openUrl(): string {
    if (this.teacherCode === null) return this.socketUrl;
    const u = new URL(this.socketUrl);
    u.searchParams.set('teacher', this.teacherCode);
    return u.toString();
  }

  private clearTimers(): void {
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    if (this.welcomeTimer !== null) this.o.timers.clearTimeout(this.welcomeTimer);
    if (this.statusTimer !== null) this.o.timers.clearTimeout(this.statusTimer);
    this.timer = null;
    this.welcomeTimer = null;
    this.statusTimer = null;
  }
}

function detach(s: SocketLike): void {
  s.onopen = null;
  s.onmessage = null;
  s.onerror = null;
  s.onclose = null;
}

function closeText(code: number): string {
  switch (code) {
    case CloseCode.NORMAL:
      return 'closed';
    case CloseCode.GOING_AWAY:
      return 'relay going away';
    case CloseCode.ABNORMAL:
      return 'connection lost (or the relay could not be reached)';
    case CloseCode.MESSAGE_TOO_BIG:
      return 'message too big for the relay';
    default:
      return `closed with code ${code}`;
  }
}
