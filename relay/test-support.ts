// Helpers for the relay's tests: a relay on 127.0.0.1:0, real `ws` clients that record what
// they receive, and frames built with the shared codec (valid checksums, exact lengths).
import { WebSocket, type ClientOptions } from 'ws';
import { encodePacket } from '../workers/tcp/wire/packet.ts';
import { parseIpv4Address } from '../workers/tcp/wire/address.ts';
import { Flag } from '../workers/tcp/wire/types.ts';
import type { ServerMessage, WelcomeMessage } from './protocol/messages.ts';
import type { RelayOptions } from './options.ts';
import { createRelay, type Relay } from './relay.ts';

/** A relay whose log lines are kept for the test to read. */
export type TestRelay = Relay & { logLines: string[] };

/** A relay for one test: loopback only, quiet, no UI files and no bots unless asked. */
export async function startRelay(options: RelayOptions = {}): Promise<TestRelay> {
  const logLines: string[] = [];
  const relay = await createRelay({
    port: 0,
    host: '127.0.0.1',
    staticDir: null,
    bots: false,
    log: (line) => logLines.push(line),
    ...options,
  });
  return Object.assign(relay, { logLines });
}

export function wsUrl(relay: Relay, query: string): string {
  return `ws://127.0.0.1:${relay.port}/ws${query === '' ? '' : '?' + query}`;
}

export function addr(text: string): number {
  const n = parseIpv4Address(text);
  if (n === null) throw new Error(`bad address ${text}`);
  return n;
}

/** One IPv4+TCP packet from `src` to `dst` with `payloadLength` bytes of data (a counting pattern). */
export function tcpFrame(src: string | number, dst: string | number, payloadLength = 0, seq = 1000): Uint8Array {
  const payload = new Uint8Array(payloadLength);
  for (let i = 0; i < payloadLength; i++) payload[i] = (i + seq) & 0xff;
  return encodePacket(
    { src: typeof src === 'number' ? src : addr(src), dst: typeof dst === 'number' ? dst : addr(dst) },
    {
      srcPort: 40000,
      dstPort: 7,
      seq,
      ack: 0,
      flags: Flag.ACK | Flag.PSH,
      window: 65535,
      urgent: 0,
      options: {},
      payload,
    },
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll until `cond` holds; throws with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A real ws client that keeps every message and frame it receives. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly frames: Buffer[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  private readonly opened: Promise<void>;

  constructor(
    readonly ws: WebSocket,
  ) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    this.opened.catch(() => {}); // observed through open()/closed
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
      });
    });
    ws.on('error', () => {}); // errors surface as close codes in the tests
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push(data as Buffer);
      else this.messages.push(JSON.parse((data as Buffer).toString()) as ServerMessage);
    });
  }

  static open(url: string, options?: ClientOptions): TestClient {
    return new TestClient(new WebSocket(url, options));
  }

  /** Connect and wait for the welcome. */
  static async join(relay: Relay, room: string, name: string, options?: ClientOptions): Promise<TestClient> {
    const c = TestClient.open(wsUrl(relay, `room=${encodeURIComponent(room)}&name=${encodeURIComponent(name)}`), options);
    await c.opened;
    await c.next('welcome');
    return c;
  }

  get welcome(): WelcomeMessage {
    const w = this.messages.find((m) => m.type === 'welcome');
    if (w === undefined) throw new Error('no welcome yet');
    return w as WelcomeMessage;
  }

  get address(): string {
    return this.welcome.address;
  }

  /** Wait for a message of `type` (already received or arriving); does not consume it. */
  async next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    await waitFor(() => this.messages.some((m) => m.type === type), `a "${type}" message`, timeoutMs);
    return this.messages.find((m) => m.type === type) as Extract<ServerMessage, { type: T }>;
  }

  ofType<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((m) => m.type === type) as Extract<ServerMessage, { type: T }>[];
  }

  async waitFrames(n: number, timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.frames.length >= n, `${n} frames (have ${this.frames.length})`, timeoutMs);
  }

  send(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /** Wait until everything this client sent has left its socket. */
  async flush(): Promise<void> {
    await waitFor(() => this.ws.bufferedAmount === 0, 'the client to flush');
  }

  close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close();
    return this.closed;
  }
}

/** Open a connection that the relay is expected to close; resolves with the close code and reason. */
export async function refusedWith(relay: Relay, query: string): Promise<CloseInfo> {
  const c = TestClient.open(wsUrl(relay, query));
  return c.closed;
}

/** Send a message through the relay and wait for it to come back, so everything sent before
 *  it by `from` has been handled (one connection is processed in order). */
export async function roundTrip(from: TestClient): Promise<void> {
  const before = from.ofType('pong').length;
  from.send(JSON.stringify({ type: 'ping', id: 'sync' }));
  await waitFor(() => from.ofType('pong').length > before, 'a pong');
}
