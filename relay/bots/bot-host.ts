// One bot: a TCP host of the project's own core living in the relay process, attached to a room
// as a virtual host and driven on the real clock.
import { createHost, type Host } from '../../workers/tcp/host.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import { PROFILES, type StackSettings } from '../../workers/tcp/settings.ts';
import type { ServerMessage } from '../protocol/messages.ts';
import type { RoomApi, VirtualHostHandle } from '../room-api.ts';
import { HostDriver } from '../host-driver.ts';
import { realTimers, type Timers } from '../../workers/timers.ts';
import { createService, type Service, type ServiceName } from './services.ts';

/** Fixed addresses, after the service's port, so students can remember them ("echo is .7"). */
export const BOT_ADDRESSES: Record<ServiceName, string> = {
  echo: '10.0.0.7',
  discard: '10.0.0.9',
  daytime: '10.0.0.13',
  chargen: '10.0.0.19',
  http: '10.0.0.80',
};

/**
 * The stack settings of every bot host, in one place. A bot is the modern profile (what a Linux
 * server does, so a capture of a bot looks like one of a real server); what differs is what a
 * relay serving many students at once needs. Every other value is PROFILES.modern's.
 */
export const BOT_SETTINGS: Readonly<StackSettings> = Object.freeze({
  ...PROFILES.modern,
  // 64 KiB each way instead of 256 KiB: a bot holds 128 KiB per connection, not 512 KiB. It costs
  // no speed a student can reach: the relay lets one client send 2 MiB/s (bytesPerSecond), and a
  // 64 KiB window carries that up to a 32 ms round trip (window = rate × RTT, RFC 9293 §3.8.6),
  // far above a classroom's LAN. It also shows zero windows sooner to a client that stops reading.
  sendBufferSize: 64 * 1024,
  receiveBufferSize: 64 * 1024,
  // Kept from the modern profile on purpose, since they bound what one student can hold on a bot:
  // 16 half-open connections per listening port before further SYNs are ignored,
  backlog: PROFILES.modern.backlog,
  // TIME-WAIT of 2 × 5 s (RFC 9293 §3.4.2 asks 2 min; the playground shortens it everywhere),
  msl: PROFILES.modern.msl,
  // and 8 retransmissions (about 2 min with backoff) before an unanswered connection is dropped.
  dataRetries: PROFILES.modern.dataRetries,
  // A SYN flood must never deny a legitimate student: past a full backlog, SYNs are answered
  // statelessly (RFC 4987 §3.6) and the flood holds no memory.
  synCookies: true,
  // What one bot may hold in all. A connection that only shook hands costs about 1.6 KiB; one whose
  // client stops reading holds at most both 64 KiB buffers, so 256 bound a bot to 32 MiB.
  maxConnections: 256,
  // What one student (one address) may hold on one bot: far more than any exercise opens at once,
  // and an RST ("connection refused") past it, so the student sees the limit at once.
  maxConnectionsPerPeer: 16,
  // A connection nothing arrived on for 10 minutes is dropped, as a server drops idle clients:
  // long enough to read an exercise's text with a connection open.
  idleTimeout: 10 * 60_000,
  // A connection whose sent data (zero-window probes included) stays unacknowledged for 5 minutes
  // is dropped (RFC 5482; RFC 9293 §3.8.6.1 lets a sender probe for ever): the zero-window
  // exercise has five minutes to watch the probes, a stalled client cannot pin a bot for ever.
  userTimeout: 5 * 60_000,
});

export class BotHost {
  /** The bot's TCP host (for the relay's tests and status; the service owns its sockets). */
  readonly host: Host;
  readonly service: Service;
  private readonly handle: VirtualHostHandle;
  private readonly driver: HostDriver;

  constructor(room: RoomApi, name: ServiceName, clock: Timers = realTimers, seed = randomSeed()) {
    let driver: HostDriver | null = null;
    this.handle = room.attachVirtualHost({
      name,
      kind: 'bot',
      preferredAddress: BOT_ADDRESSES[name],
      deliver: (frame) => driver?.frame(frame),
      notify: (message) => this.notice(message),
      detached: () => driver?.stop(),
    });
    const h = createHost({ address: this.handle.addressNumber, random: createSeededRandom(seed), settings: BOT_SETTINGS });
    if (!h.ok) throw new Error(h.reason);
    this.host = h.value;
    this.service = createService(name, h.value, { wallClock: () => new Date(), hostName: () => this.handle.hostname });
    driver = new HostDriver(h.value, (p) => this.handle.send(p), (events, now) => this.service.handle(events, now), clock);
    this.driver = driver;
  }

  get address(): string {
    return this.handle.address;
  }

  stop(): void {
    this.driver.stop();
    this.handle.leave();
  }

  /**
   * A host that left the room takes its connections with it: nothing it sent will be acknowledged
   * or read any more, so each is aborted (RFC 9293 §3.10.5) rather than retransmitted to and
   * probed until the retries run out. No RST is sent: nobody holds the address now, and the next
   * host given it must not receive resets for connections it never had.
   */
  private notice(message: ServerMessage): void {
    if (message.type !== 'host-left') return;
    const r = this.host.abortPeer(message.host.address, this.driver.now(), { reset: false });
    if (r.ok && r.value > 0) this.driver.settle();
  }
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** Add echo, discard, daytime, chargen and http bots to a new room. */
export function attachBots(room: RoomApi, names: readonly ServiceName[] = ['echo', 'discard', 'daytime', 'chargen', 'http']): BotHost[] {
  return names.map((n) => new BotHost(room, n));
}
