// One browser tab (or any WebSocket program) in a room. This is the relay's hot path: every
// frame passes through onMessage, so it reads the clock at most once (clock.ts), allocates
// nothing of its own for a good frame and passes the received bytes on as they are.
import type { RawData, WebSocket } from 'ws';
import { turnNow } from './clock.ts';
import { CloseCode, CloseReason } from './protocol/close-codes.ts';
import { parseClientMessage, type HostInfo, type Role, type ServerMessage } from './protocol/messages.ts';
import type { DeliverResult, Member } from './member.ts';
import { NoticeQueue } from './notice-queue.ts';
import type { Identity, Room } from './rooms.ts';
import { RateLimiter, type RateLimitSettings } from './rate-limit.ts';
import { statusBucket } from './teacher.ts';
import { TokenBucket } from './token-bucket.ts';
import { HostTraffic } from './traffic.ts';

export interface ClientSettings extends RateLimitSettings {
  maxQueuedBytes: number;
  noticesPerSecond: number;
}

/** What the relay wants to hear about a client's life. */
export interface ClientEvents {
  closedForAbuse(client: ClientMember): void;
  gone(client: ClientMember): void;
}

// Reused for every frame: ws spreads it into its own options object, so sharing is safe.
const BINARY = { binary: true } as const;
const OPEN = 1; // WebSocket.OPEN, without importing the class into the hot path

export class ClientMember implements Member {
  readonly address: number;
  readonly info: HostInfo;
  readonly traffic = new HostTraffic();
  /** Cleared when a ping goes out, set again by the pong: still clear at the next ping
   *  means the client is gone (see relay.ts heartbeat). */
  alive = true;
  private readonly limiter: RateLimiter;
  private readonly notices: TokenBucket;
  /** Status messages fan out to every teacher: their own, tighter budget (teacher.ts). */
  private readonly statuses: TokenBucket;
  /** Room events, bounded by maxQueuedBytes like frames (notice-queue.ts). */
  private readonly roomEvents: NoticeQueue;
  private detached = false;

  constructor(
    readonly ws: WebSocket,
    id: Identity,
    private readonly room: Room,
    private readonly s: ClientSettings,
    private readonly events: ClientEvents,
  ) {
    this.address = id.address;
    this.info = id.info;
    const now = Date.now();
    this.limiter = new RateLimiter(s, now);
    this.notices = new TokenBucket(s.noticesPerSecond, s.noticesPerSecond, now);
    this.statuses = statusBucket(now);
    this.roomEvents = new NoticeQueue(
      {
        buffered: () => this.ws.bufferedAmount,
        write: (text) => {
          if (!this.detached && this.ws.readyState === OPEN) this.ws.send(text);
        },
        hosts: () => this.room.hosts().filter((h) => h !== this.info),
      },
      s.maxQueuedBytes,
    );
  }

  /** Decided at the handshake (relay.ts); fixed for the connection's life. */
  role: Role = 'student';

  /** Start listening; called once the member is in the room and welcomed. */
  attach(): void {
    this.ws.on('message', this.onMessage);
    this.ws.on('pong', this.onPong);
    this.ws.once('close', this.onClose);
  }

  deliver(frame: Uint8Array): DeliverResult {
    const ws = this.ws;
    if (this.detached || ws.readyState !== OPEN) return 'receiver-gone';
    // Like a router's output queue: when the receiver does not drain, drop instead of buffering.
    // While room events wait (notice-queue.ts), frames may fill only half of the queue, so the
    // events are not starved by a stream of frames (as a router keeps room for control traffic).
    const limit = this.roomEvents.pending ? this.s.maxQueuedBytes >>> 1 : this.s.maxQueuedBytes;
    if (ws.bufferedAmount + frame.length > limit) return 'queue-full';
    ws.send(frame, BINARY);
    return 'ok';
  }

  notify(message: ServerMessage): void {
    if (this.detached || this.ws.readyState !== OPEN) return;
    this.roomEvents.offer(message);
  }

  mayNotice(nowMs: number): boolean {
    if (this.detached || this.ws.bufferedAmount > this.s.maxQueuedBytes) return false;
    return this.notices.tryTake(1, nowMs);
  }

  queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  detach(): void {
    this.detached = true;
    this.roomEvents.stop();
  }

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.detached) return;
    // binaryType is 'nodebuffer', so ws gives one Buffer per message (fragments joined).
    const bytes = data as Buffer;
    const room = this.room;
    room.countIn(this, bytes.length);
    const verdict = this.limiter.check(bytes.length, turnNow(), this.traffic.framesDelivered);
    if (verdict !== 'pass') {
      room.countDrop(this, 'rate-limited');
      if (verdict === 'abusive') {
        this.events.closedForAbuse(this);
        this.ws.close(CloseCode.RATE_LIMIT, CloseReason.RATE_LIMIT);
        this.detached = true; // nothing more from or to it while the close handshake runs
      }
      return;
    }
    if (isBinary) room.route(this, bytes);
    else this.onText(bytes.toString('utf8'));
  };

  private onText(text: string): void {
    const parsed = parseClientMessage(text);
    const value = parsed.ok ? parsed.value : null;
    if (value?.type === 'status') {
      const { type: _type, ...status } = value;
      // Over the status budget: ignored and counted, without a notice (a well-behaved client
      // coalesces and sends the newest status once it may; see PROTOCOL.md §2.3).
      if (!this.statuses.tryTake(1, turnNow())) {
        this.room.countDrop(this, 'rate-limited');
        this.room.workshop.statusRateLimited++;
        return;
      }
      this.room.workshop.publish(this, status);
      return;
    }
    if (value?.type === 'ping') {
      // The pong is not counted against the notice budget: the ping already passed the rate
      // limit, and one small reply per ping amplifies nothing.
      if (this.ws.bufferedAmount <= this.s.maxQueuedBytes) this.notify({ type: 'pong', id: value.id ?? null });
      return;
    }
    if (parsed.ok) return;
    this.room.countDrop(this, 'bad-message');
    if (this.mayNotice(turnNow())) this.notify({ type: 'error', reason: 'bad-message', detail: parsed.detail });
  }

  private readonly onPong = (): void => {
    this.alive = true;
  };

  private readonly onClose = (): void => {
    this.roomEvents.stop();
    this.ws.off('message', this.onMessage);
    this.ws.off('pong', this.onPong);
    this.room.leave(this);
    this.events.gone(this);
  };
}
