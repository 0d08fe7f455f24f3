// One local host as the shells (relay mode, offline mode) drive it: the core's Host plus what the
// worker adds around it, the hold queue and the socket pumps. It is itself an Endpoint, so the
// simulated network can drive it exactly like a bare host: its output comes out of the hold
// queue's gate, and its socket events are handled (pumps) and reported on every takeOutput().

import type { Endpoint } from './tcp/endpoint.ts';
import type { Host, SocketEvent } from './tcp/host.ts';
import type { TraceEvent } from './tcp/trace.ts';
import { HoldQueue } from './hold-queue.ts';
import { SocketPumps } from './socket-pumps.ts';
import type { HeldPacketView } from './api.ts';

export interface HostSlotHooks {
  trace: (event: TraceEvent) => void;
  socketEvents: (index: number, events: SocketEvent[]) => void;
  heldChanged: (index: number) => void;
}

/** Rounds of "handle events → more output → more events" per drain; the pumps settle in one or two. */
const MAX_ROUNDS = 32;

export class HostSlot implements Endpoint {
  readonly hold = new HoldQueue();
  readonly pumps = new SocketPumps();
  /** Released from the hold queue, waiting to leave with the next takeOutput(). */
  private released: Uint8Array[] = [];
  private clock = 0;

  constructor(
    readonly index: number,
    readonly host: Host,
    private readonly hooks: HostSlotHooks,
  ) {}

  get address(): number {
    return this.host.address;
  }

  get name(): string {
    return this.host.hostName;
  }

  /** Stack time of the latest input, poll or call. */
  get now(): number {
    return this.clock;
  }

  input(packet: Uint8Array, now: number): void {
    this.clock = now;
    this.host.input(packet, now);
  }

  poll(now: number): void {
    this.clock = now;
    this.host.poll(now);
  }

  nextDeadline(): number | null {
    return this.host.nextDeadline();
  }

  /** Mark the time of a user call (calls made through the slot use it for pumps). */
  at(now: number): void {
    this.clock = now;
  }

  /**
   * What leaves the host now: released packets first (they were waiting longest), then new
   * output, unless hold mode takes it. Socket events are handled on the way.
   */
  takeOutput(): Uint8Array[] {
    const now = this.clock;
    let out = this.released;
    this.released = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const events = this.host.takeEvents();
      if (events.length > 0) {
        this.pumps.handle(this.host, events, now);
        this.hooks.socketEvents(this.index, events);
      }
      const fresh = this.host.takeOutput();
      if (fresh.length === 0 && events.length === 0) break;
      if (fresh.length === 0) continue;
      if (this.hold.enabled) {
        for (const p of fresh) {
          const h = this.hold.hold(p, now);
          this.traceHold(h, `held as #${h.id}: ${h.flagNames || 'no flags'}, ${h.length} bytes`);
        }
        this.hooks.heldChanged(this.index);
      } else if (out.length === 0) {
        out = fresh;
      } else {
        for (const p of fresh) out.push(p);
      }
    }
    return out;
  }

  /** Queue a released packet to leave with the next takeOutput(). */
  queueReleased(bytes: Uint8Array): void {
    this.released.push(bytes);
  }

  traceHold(item: HeldPacketView, detail: string): void {
    this.hooks.trace({ type: 'fault', t: this.clock, host: this.name, dir: 'out', fault: 'hold', bytes: item.bytes, detail });
  }
}
