// A two-host transfer over the simulated network: a client connects to a server, both send a
// stream, both close in a chosen order, and the run reports what each side received and where each
// connection ended. Property tests, the core benchmark and the goodput benchmark all drive this.
import { createHost, type Host } from '../host.ts';
import { createSeededRandom } from '../random.ts';
import type { StackSettings } from '../settings.ts';
import type { TcpState } from '../state.ts';
import type { TraceSink } from '../trace.ts';
import { createSimNetwork, type SimNetwork } from './network.ts';
import type { FaultConfig } from './fault-config.ts';

export type CloseOrder = 'client-first' | 'server-first' | 'simultaneous';

export interface TransferOptions {
  seed: number;
  settings: Partial<StackSettings>;
  /** Bytes the client sends to the server, and the server to the client. */
  clientBytes: number;
  serverBytes: number;
  /** Faults on every packet each host sends (the same config both ways)… */
  faults?: FaultConfig;
  /** …or per direction: what the client sends (data) and what the server sends (ACKs). */
  clientFaults?: FaultConfig;
  serverFaults?: FaultConfig;
  /** One-way latency of each host's link, ms. */
  latency?: number;
  closeOrder?: CloseOrder;
  /** Compare every received byte with what was sent (off for raw speed). */
  verify?: boolean;
  /** Give up after this much virtual time, ms. */
  maxTime?: number;
  trace?: TraceSink;
  /** Bytes handed to write() at once. */
  writeChunk?: number;
}

export interface SideResult {
  sent: number;
  received: number;
  /** Stream offset of the first byte that differed from what was sent, or null. */
  firstMismatch: number | null;
  eof: boolean;
  finalState: TcpState;
  error: string | null;
}

export interface TransferResult {
  client: SideResult;
  server: SideResult;
  /** Virtual time the run took, ms. */
  duration: number;
  /** Virtual time when the last data byte in each direction was read. */
  dataDoneAt: number | null;
  steps: number;
  packets: number;
  net: SimNetwork;
  /** What went wrong, in words; empty when everything arrived once, in order, and both ended CLOSED. */
  problems: string[];
}

const PATTERN_LEN = 65_521; // prime, so segment boundaries never line up with the pattern
const CLIENT_ADDR = '10.0.0.1';
const SERVER_ADDR = '10.0.0.2';
const PORT = 80;

function pattern(seed: number): Uint8Array {
  const p = new Uint8Array(PATTERN_LEN);
  const rng = createSeededRandom(seed);
  for (let i = 0; i < PATTERN_LEN; i += 4) {
    const x = rng.nextU32();
    p[i] = x;
    if (i + 1 < PATTERN_LEN) p[i + 1] = x >>> 8;
    if (i + 2 < PATTERN_LEN) p[i + 2] = x >>> 16;
    if (i + 3 < PATTERN_LEN) p[i + 3] = x >>> 24;
  }
  return p;
}

class Side {
  conn: number | null = null;
  written = 0;
  received = 0;
  firstMismatch: number | null = null;
  eof = false;
  shut = false;
  closed = false;
  error: string | null = null;
  /** Where reads land: the application's own buffer, reused. */
  private readonly inbox = new Uint8Array(256 * 1024);

  constructor(
    readonly host: Host,
    private readonly total: number,
    private readonly out: Uint8Array,
    private readonly expect: Uint8Array,
    private readonly verify: boolean,
    private readonly chunk: number,
  ) {}

  get doneWriting(): boolean {
    return this.written >= this.total;
  }

  pump(now: number): void {
    if (this.conn === null) return;
    while (this.written < this.total) {
      const at = this.written % PATTERN_LEN;
      const len = Math.min(this.total - this.written, PATTERN_LEN - at, this.chunk);
      const r = this.host.write(this.conn, this.out.subarray(at, at + len), now);
      if (!r.ok) {
        this.error ??= `${r.error.code}: ${r.error.message}`;
        return;
      }
      this.written += r.value;
      if (r.value < len) break;
    }
    for (;;) {
      if (this.closed) return;
      const r = this.host.readInto(this.conn, this.inbox, now);
      if (!r.ok) {
        this.error ??= `${r.error.code}: ${r.error.message}`;
        return;
      }
      const d = this.inbox.subarray(0, r.value.n);
      if (this.verify && this.firstMismatch === null) {
        for (let i = 0; i < d.length; i++) {
          if (d[i] !== this.expect[(this.received + i) % PATTERN_LEN]) {
            this.firstMismatch = this.received + i;
            break;
          }
        }
      }
      this.received += d.length;
      if (r.value.eof) this.eof = true;
      if (d.length === 0) return;
    }
  }

  shutdown(now: number): void {
    if (this.shut || this.conn === null) return;
    // CLOSE in SYN-SENT deletes the TCB (RFC 9293 §3.10.4): wait for the handshake first.
    const st = this.host.status(this.conn);
    if (st.ok && st.value.state === 'SYN-SENT') return;
    this.shut = true;
    const r = this.host.shutdown(this.conn, now);
    if (!r.ok) this.error ??= `${r.error.code}: ${r.error.message}`;
  }

  /** Release the socket once both directions are done. */
  maybeClose(now: number): void {
    if (this.closed || !this.shut || !this.eof || this.conn === null) return;
    this.closed = true;
    this.host.close(this.conn, now);
  }

  result(): SideResult {
    let finalState: TcpState = 'CLOSED';
    if (this.conn !== null) {
      const st = this.host.status(this.conn);
      if (st.ok) finalState = st.value.state;
      if (st.ok && st.value.error && !this.error) this.error = `${st.value.error.code}: ${st.value.error.message}`;
    }
    return { sent: this.written, received: this.received, firstMismatch: this.firstMismatch, eof: this.eof, finalState, error: this.error };
  }
}

export function runTransfer(o: TransferOptions): TransferResult {
  const net = createSimNetwork({ seed: o.seed, ...(o.trace ? { trace: o.trace } : {}) });
  const mk = (address: string, salt: number): Host => {
    const r = createHost({ address, random: createSeededRandom(o.seed ^ salt), settings: o.settings, ...(o.trace ? { trace: o.trace } : {}) });
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  const clientHost = mk(CLIENT_ADDR, 0x1111);
  const serverHost = mk(SERVER_ADDR, 0x2222);
  const links = [
    [clientHost, o.clientFaults ?? o.faults],
    [serverHost, o.serverFaults ?? o.faults],
  ] as const;
  for (const [h, out] of links) {
    const r = net.addHost(h, { latency: o.latency ?? 5, ...(out ? { out } : {}) });
    if (!r.ok) throw new Error(r.reason);
  }
  const cPattern = pattern(o.seed ^ 0xc11e);
  const sPattern = pattern(o.seed ^ 0x5e12);
  const verify = o.verify ?? true;
  const chunk = o.writeChunk ?? 65_536;
  const client = new Side(clientHost, o.clientBytes, cPattern, sPattern, verify, chunk);
  const server = new Side(serverHost, o.serverBytes, sPattern, cPattern, verify, chunk);
  const order = o.closeOrder ?? 'client-first';

  serverHost.listen(PORT);
  const c = clientHost.connect({ remoteAddr: SERVER_ADDR, remotePort: PORT }, 0);
  if (!c.ok) throw new Error(c.error.message);
  client.conn = c.value;

  let dataDoneAt: number | null = null;
  let started = false;
  const app = (): void => {
    const now = net.now;
    // Like a real application, each side acts only when its host reports something.
    const serverEvents = serverHost.takeEvents();
    for (const e of serverEvents) {
      if (e.kind === 'accept' && server.conn === null) {
        const a = serverHost.accept(PORT);
        if (a.ok && a.value !== null) server.conn = a.value;
      }
    }
    if (clientHost.takeEvents().length > 0 || !started) client.pump(now);
    if (serverEvents.length > 0) server.pump(now);
    started = true;
    if (dataDoneAt === null && client.received >= o.serverBytes && server.received >= o.clientBytes && server.conn !== null) dataDoneAt = now;
    // Close in the order asked: the first closer shuts once its data is written; the other waits for EOF.
    const first = order === 'server-first' ? server : client;
    const second = order === 'server-first' ? client : server;
    if (first.doneWriting) first.shutdown(now);
    if (second.doneWriting && (order === 'simultaneous' || second.eof)) second.shutdown(now);
    client.maybeClose(now);
    server.maybeClose(now);
  };

  const maxTime = o.maxTime ?? 3_600_000;
  let steps = 0;
  app();
  while (net.now <= maxTime && net.step()) {
    steps++;
    app();
  }
  const problems: string[] = [];
  const cr = client.result();
  const sr = server.result();
  const check = (name: string, r: SideResult, expected: number): void => {
    if (r.received !== expected) problems.push(`${name} received ${r.received} of ${expected} bytes`);
    if (r.firstMismatch !== null) problems.push(`${name} received a wrong byte at offset ${r.firstMismatch}`);
    if (!r.eof) problems.push(`${name} never saw the peer's FIN`);
    if (r.finalState !== 'CLOSED') problems.push(`${name} ended in ${r.finalState}, not CLOSED`);
    if (r.error) problems.push(`${name} error: ${r.error}`);
  };
  check('client', cr, o.serverBytes);
  check('server', sr, o.clientBytes);
  if (server.conn === null) problems.push('the server never accepted the connection');
  if (net.now > maxTime) problems.push(`still running after ${maxTime} ms of virtual time`);
  return { client: cr, server: sr, duration: net.now, dataDoneAt, steps, packets: net.stats().sent, net, problems };
}
