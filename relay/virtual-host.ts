// A room member that lives in the relay process (a bot, an in-process terminal peer). Frames
// and messages for it are queued and handed over on a later turn of the event loop: that keeps
// its `deliver` from running inside its own `send` (or inside another bot's), so two bots
// answering each other can never recurse, and a bot sees the same ordering a client would.
import type { HostInfo, ServerMessage } from './protocol/messages.ts';
import type { DeliverResult, Member } from './member.ts';
import type { VirtualHostSpec } from './room-api.ts';
import { HostTraffic } from './traffic.ts';

export class VirtualMember implements Member {
  readonly traffic = new HostTraffic();
  private queue: (Uint8Array | ServerMessage)[] = [];
  private queued = 0;
  private scheduled = false;
  private detached = false;

  constructor(
    readonly address: number,
    readonly info: HostInfo,
    private readonly spec: VirtualHostSpec,
    private readonly maxQueuedBytes: number,
    private readonly log: (line: string) => void,
  ) {}

  get isDetached(): boolean {
    return this.detached;
  }

  deliver(frame: Uint8Array): DeliverResult {
    if (this.detached) return 'receiver-gone';
    if (this.queued + frame.length > this.maxQueuedBytes) return 'queue-full';
    this.queued += frame.length;
    // Frames from WebSocket clients are Node Buffers, whose slice() does not copy: a bot that
    // copies with slice() before changing bytes would change the sender's frame (and the
    // capture). A plain Uint8Array view over the same bytes makes slice() copy, as it reads.
    this.enqueue(Buffer.isBuffer(frame) ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) : frame);
    return 'ok';
  }

  notify(message: ServerMessage): void {
    if (this.detached || this.spec.notify === undefined) return;
    this.enqueue(message);
  }

  mayNotice(): boolean {
    // In-process code is not flooded by its own notices the way a browser tab's socket is,
    // but a bot that wants none leaves out notify.
    return !this.detached && this.spec.notify !== undefined;
  }

  queuedBytes(): number {
    return this.queued;
  }

  detach(): void {
    if (this.detached) return;
    this.detached = true;
    this.queue = [];
    this.queued = 0;
    this.guard('detached', () => this.spec.detached?.());
  }

  private enqueue(item: Uint8Array | ServerMessage): void {
    this.queue.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    this.queued = 0;
    for (const item of items) {
      if (this.detached) return;
      if (item instanceof Uint8Array) this.guard('deliver', () => this.spec.deliver(item));
      else this.guard('notify', () => this.spec.notify?.(item));
    }
  };

  /** A bug in one bot must not take the relay (and every student's room) down with it. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`virtual host ${this.info.hostname} (${this.info.address}): ${what} threw: ${(err as Error)?.stack ?? String(err)}`);
    }
  }
}
