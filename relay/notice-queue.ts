// The room events for one WebSocket client, bounded like its frames (PROTOCOL.md §7).
//
// A room event (a host joined or left, a host's status for a teacher, the teacher's presence)
// is written to the socket while the client's queue has room for it: `maxQueuedBytes`, the same
// bound as frames. A client that does not read (a paused tab, a stalled laptop) would otherwise
// be sent every event of a busy room and hold megabytes in the relay. So once an event does not
// fit, the client's events are kept here instead, and only their latest state:
//
//   - host-joined / host-left: one flag, "the host list changed"; when the queue has room again
//     the client gets one `hosts` message with the room's host list as it is then (the
//     `welcome`'s list, fresh), which replaces whatever it had;
//   - status (teachers): the latest status per host address, older ones are forgotten; a host
//     that left takes its pending status with it;
//   - teacher presence: the latest value.
//
// So what is kept is bounded by the room's size, not by how long the client has been stalled,
// and a client that reads again ends up with the same picture as one that never stopped. Notices
// (unreachable, dropped, error) and pongs are not kept: they are skipped while the queue is full.
// The `welcome` is always sent (it is the first message, on an empty queue), and a message is
// always sent on an empty queue even if it alone is larger than the bound.
import type { HostInfo, HostStatusEntry, HostStatusMessage, ServerMessage } from './protocol/messages.ts';

/** How often a client with kept events is looked at again (its queue drains meanwhile). */
export const NOTICE_RETRY_MS = 20;

export interface NoticeSocket {
  /** Bytes waiting in the socket (ws bufferedAmount). */
  buffered(): number;
  write(text: string): void;
  /** Everyone else in the room now, in joining order. */
  hosts(): HostInfo[];
}

export class NoticeQueue {
  private hostsChanged = false;
  private teacherPresent: boolean | null = null;
  /** By host address, oldest first. */
  private readonly statuses = new Map<string, HostStatusMessage>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Events folded into a kept state instead of being sent one by one. */
  coalesced = 0;
  /** Notices and pongs not sent because the queue was full. */
  skipped = 0;

  constructor(
    private readonly socket: NoticeSocket,
    private readonly maxQueuedBytes: number,
  ) {}

  /** Something is kept and waits for room in the queue. */
  get pending(): boolean {
    return this.hostsChanged || this.teacherPresent !== null || this.statuses.size > 0;
  }

  /** Send `message` now if it fits, else keep its latest state. */
  offer(message: ServerMessage): void {
    if (this.stopped) return;
    if (message.type === 'welcome') return this.socket.write(JSON.stringify(message));
    if (message.type === 'room-status') return this.offerRoomStatus(message.hosts);
    if (!this.pending) {
      const text = JSON.stringify(message);
      if (this.fits(text)) return this.socket.write(text);
    }
    this.keep(message);
  }

  /** The client is gone: forget everything, stop retrying. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.statuses.clear();
    this.hostsChanged = false;
    this.teacherPresent = null;
  }

  private fits(text: string): boolean {
    const queued = this.socket.buffered();
    return queued === 0 || queued + Buffer.byteLength(text) <= this.maxQueuedBytes;
  }

  private keep(message: ServerMessage): void {
    switch (message.type) {
      case 'host-joined':
        this.hostsChanged = true;
        break;
      case 'host-left':
        this.hostsChanged = true;
        this.statuses.delete(message.host.address);
        break;
      case 'status':
        this.statuses.delete(message.address); // re-inserted last: the newest
        this.statuses.set(message.address, message);
        break;
      case 'teacher':
        this.teacherPresent = message.present;
        break;
      default:
        // pong and notices: worth nothing later
        this.skipped++;
        return;
    }
    this.coalesced++;
    this.schedule();
  }

  /**
   * The snapshot a teacher gets after its welcome: as many hosts as fit now, the rest kept as
   * pending statuses (the page treats a `status` after `room-status` as an update of one host).
   */
  private offerRoomStatus(hosts: HostStatusEntry[]): void {
    const whole = JSON.stringify({ type: 'room-status', hosts });
    if (!this.pending && this.fits(whole)) return this.socket.write(whole);
    const room = Math.max(0, this.maxQueuedBytes - this.socket.buffered() - 64);
    let used = 0;
    let n = 0;
    for (; n < hosts.length; n++) {
      used += Buffer.byteLength(JSON.stringify(hosts[n])) + 1;
      if (used > room) break;
    }
    this.socket.write(JSON.stringify({ type: 'room-status', hosts: hosts.slice(0, n) }));
    for (const h of hosts.slice(n)) this.keep({ type: 'status', ...h });
  }

  private schedule(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setTimeout(this.flush, NOTICE_RETRY_MS);
    this.timer.unref?.();
  }

  private readonly flush = (): void => {
    this.timer = null;
    if (this.stopped) return;
    // The host list first: a kept status may be of a host that joined meanwhile.
    if (this.hostsChanged) {
      const text = JSON.stringify({ type: 'hosts', hosts: this.socket.hosts() });
      if (!this.fits(text)) return this.schedule();
      this.hostsChanged = false;
      this.socket.write(text);
    }
    if (this.teacherPresent !== null) {
      const text = JSON.stringify({ type: 'teacher', present: this.teacherPresent });
      if (!this.fits(text)) return this.schedule();
      this.teacherPresent = null;
      this.socket.write(text);
    }
    for (const [address, message] of this.statuses) {
      const text = JSON.stringify(message);
      if (!this.fits(text)) return this.schedule();
      this.statuses.delete(address);
      this.socket.write(text);
    }
  };
}
