// The socket-level side of each local connection, as the user drives it through the UI: listen,
// accept, connect, send, read, close; per connection what was sent (progress and CRC-32) and
// what arrived (counts, CRC-32 and the tail the card shows, ReceiveTracker).
import { transfer } from 'comlink';
import type { Remote } from 'comlink';
import type { SocketNote, WriteProgress } from '../../workers/api.ts';
import { connKey } from '../model/keys.ts';
import type { ConnKey } from '../model/keys.ts';
import { ReceiveTracker, TAIL_BYTES } from './received.ts';
import type { ReceivedView } from './received.ts';
import { generatedFileSliced } from './generated-file.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { NoticeCenter } from './notices.ts';
import type { HostControls } from './host-controls.ts';
import type { TraceIntake } from './trace-intake.ts';
import type { WorkerApi } from './worker-client.ts';
import type { SocketActionDetail } from './app-events.ts';

export interface SentView {
  /** Bytes handed to the worker, the bytes the send buffer took so far, their CRC-32. */
  queued: number;
  written: number;
  crc: number;
  done: boolean;
  error: string | null;
}

/** The socket-level side of one local connection: what was sent and read through the UI. */
export interface SocketView {
  key: ConnKey;
  host: number;
  conn: number;
  autoRead: boolean;
  received: ReceivedView;
  sent: SentView;
}

/** What the user chose: accept every waiting connection, read all data as it arrives. */
export interface SocketPrefs {
  autoAccept: boolean;
  autoRead: boolean;
}

const READ_CHUNK = 64 * 1024;
/** While busy, the received text on a card changes at most this often (paced()). */
const TAIL_PACE_MS = 1_000;
const EMPTY_SENT: SentView = { queued: 0, written: 0, crc: 0, done: true, error: null };

function sentView(p: WriteProgress): SentView {
  return { queued: p.queued, written: p.written, crc: p.crc, done: p.done, error: p.error ? `${p.error.message} (${p.error.code})` : null };
}

export class SocketViews {
  views = new Map<ConnKey, SocketView>();
  readonly prefs: SocketPrefs = { autoAccept: true, autoRead: true };
  private readonly trackers = new Map<ConnKey, ReceiveTracker>();
  /** When each connection's received text last changed on its card, and the catch-up pending (paced()). */
  private readonly tailShownAt = new Map<ConnKey, number>();
  private readonly tailTimers = new Map<ConnKey, ReturnType<typeof setTimeout>>();
  /** Per connection, the tail of a promise chain: sends and reads are hashed in order. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: Remote<WorkerApi>,
    private readonly feed: ChangeFeed,
    private readonly notices: NoticeCenter,
    private readonly hosts: HostControls,
    private readonly intake: TraceIntake,
  ) {}

  /** A new session: no connections yet. */
  reset(): void {
    this.views = new Map();
    this.trackers.clear();
    this.clearTailTimers();
  }

  /** A socket panel's action. Resolves with the new connection of a connect. */
  async action(d: SocketActionDetail): Promise<number | undefined> {
    switch (d.action) {
      case 'listen':
        if (await this.listen(d.host, d.port)) this.notices.notify('info', `Listening on port ${d.port}.`);
        break;
      case 'unlisten':
        await this.unlisten(d.host, d.port);
        break;
      case 'accept':
        await this.accept(d.host, d.port);
        break;
      case 'connect':
        return this.connect(d.host, d.remoteAddr, d.remotePort, d.localPort);
      case 'send-text':
        await this.sendText(d.host, d.conn, d.text);
        break;
      case 'send-file':
        await this.sendFile(d.host, d.conn, d.bytes);
        break;
      case 'read':
        await this.readNow(d.host, d.conn);
        break;
      case 'auto-read':
        await this.autoRead(d.host, d.conn);
        break;
      case 'shutdown':
        await this.shutdown(d.host, d.conn);
        break;
      case 'close':
        await this.close(d.host, d.conn);
        break;
      case 'abort':
        await this.abort(d.host, d.conn);
        break;
    }
    return undefined;
  }

  async listen(host: number, port: number): Promise<boolean> {
    const ok = await this.notices.succeeded(`Listen on port ${port}`, this.api.listen(port, undefined, host));
    await this.refreshListening(host);
    return ok;
  }

  async unlisten(host: number, port: number): Promise<void> {
    await this.notices.call(`Stop listening on port ${port}`, this.api.unlisten(port, host));
    await this.refreshListening(host);
  }

  private async refreshListening(host: number): Promise<void> {
    const ports = await this.notices.call('Listening ports', this.api.listening(host), true);
    if (ports) this.hosts.setListening(host, ports);
  }

  /** Take every connection waiting on `port`. */
  async accept(host: number, port: number, auto = false): Promise<number[]> {
    const got: number[] = [];
    for (;;) {
      const conn = await this.notices.call(`Accept on port ${port}`, this.api.accept(port, host), auto);
      if (conn === undefined || conn === null) break;
      got.push(conn);
      this.ensureView(host, conn);
      if (this.prefs.autoRead) await this.autoRead(host, conn);
    }
    this.hosts.takeWaiting(host, port, got);
    if (!auto && got.length === 0) this.notices.notify('info', `No connection is waiting on port ${port}.`);
    this.feed.changed();
    return got;
  }

  async connect(host: number, remoteAddr: string, remotePort: number, localPort?: number): Promise<number | undefined> {
    const to = { remoteAddr, remotePort, ...(localPort === undefined ? {} : { localPort }) };
    const conn = await this.notices.call(`Connect to ${remoteAddr}:${remotePort}`, this.api.connect(to, host));
    if (conn === undefined) return undefined;
    this.ensureView(host, conn);
    if (this.prefs.autoRead) await this.autoRead(host, conn);
    this.feed.changed();
    return conn;
  }

  /** Let the worker read everything arriving on the connection (it cannot be turned off again). */
  async autoRead(host: number, conn: number): Promise<void> {
    const v = this.ensureView(host, conn);
    if (!v || v.autoRead) return;
    // The worker counts and hashes every byte; only the end, which the card shows, comes here.
    if (!(await this.notices.succeeded('Read automatically', this.api.autoRead(conn, { collect: true, keep: TAIL_BYTES }, host)))) return;
    this.updateView(this.current(v), { autoRead: true });
    await this.takeReceived(this.current(v));
  }

  /** Read what waits in the receive buffer now (when auto-read is off). */
  async readNow(host: number, conn: number): Promise<void> {
    const v = this.ensureView(host, conn);
    if (!v) return;
    const tracker = this.trackers.get(v.key)!;
    await this.serial(`read ${v.key}`, async () => {
      let got = 0;
      for (let i = 0; i < 256; i++) {
        const r = await this.notices.call('Read', this.api.read(conn, READ_CHUNK, host));
        if (!r) break;
        got += r.data.length;
        const received = await tracker.addChunked(r.data, r.eof);
        this.updateView(this.current(v), { received });
        if (r.eof || r.data.length === 0) break;
      }
      if (got === 0 && !tracker.state.eof) this.notices.notify('info', 'Nothing to read: the receive buffer is empty.');
    });
  }

  async sendText(host: number, conn: number, text: string): Promise<boolean> {
    return this.send(host, conn, new TextEncoder().encode(text), 'Send');
  }

  /** Send N generated bytes (numbered text lines). */
  async sendFile(host: number, conn: number, n: number): Promise<boolean> {
    const bytes = await generatedFileSliced(n);
    this.intake.sending(n);
    return this.send(host, conn, bytes, `Send ${n} bytes`);
  }

  async shutdown(host: number, conn: number): Promise<void> {
    await this.notices.call('Shutdown', this.api.shutdown(conn, host));
  }

  async close(host: number, conn: number): Promise<void> {
    await this.notices.call('Close', this.api.close(conn, host));
  }

  async abort(host: number, conn: number): Promise<void> {
    await this.notices.call('Abort', this.api.abort(conn, host));
  }

  /** Socket events from an update: accept (or queue) new connections, take data, poll progress. */
  socketNotes(notes: readonly SocketNote[]): void {
    const take = new Set<SocketView>();
    const progress = new Set<SocketView>();
    for (const { host, event } of notes) {
      if (event.kind === 'accept') {
        if (this.prefs.autoAccept) void this.accept(host, event.port, true);
        else this.hosts.addWaiting(host, event.port, event.conn);
        continue;
      }
      const view = this.viewOf(host, event.conn);
      if (!view) continue;
      if (event.kind === 'writable' || event.kind === 'error' || event.kind === 'closed') if (!view.sent.done) progress.add(view);
      if (event.kind === 'readable' || event.kind === 'error' || event.kind === 'closed') if (view.autoRead) take.add(view);
    }
    for (const v of take) void this.takeReceived(v);
    for (const v of progress) void this.pollProgress(v);
  }

  dispose(): void {
    this.clearTailTimers();
  }

  private async send(host: number, conn: number, bytes: Uint8Array<ArrayBuffer>, label: string): Promise<boolean> {
    const v = this.ensureView(host, conn);
    if (!v) {
      this.notices.notify('error', `${label}: no host ${host}`);
      return false;
    }
    return this.serial(`send ${v.key}`, async () => {
      // Transferred, not copied: the worker hashes what it queues (WriteProgress.crc).
      const p = await this.notices.call(label, this.api.writeAll(conn, transfer(bytes, [bytes.buffer]), host));
      if (!p) return false;
      this.updateView(this.current(v), { sent: sentView(p) });
      return true;
    });
  }

  private async pollProgress(v: SocketView): Promise<void> {
    const p = await this.notices.call('Send progress', this.api.writeProgress(v.conn, v.host), true);
    if (p) this.updateView(this.current(v), { sent: sentView(p) });
  }

  private takeReceived(v: SocketView): Promise<void> {
    return this.serial(`read ${v.key}`, async () => {
      const r = await this.notices.call('Read', this.api.takeReceived(v.conn, v.host), true);
      const tracker = this.trackers.get(v.key);
      if (!r || !tracker) return;
      // EBADF: the connection is gone (closed here, or reset and forgotten): the end, not a fault.
      const error = r.error && r.error.code !== 'EBADF' ? `${r.error.message} (${r.error.code})` : null;
      const received = tracker.received(r.data, r.skipped, r.total, r.crc, r.eof, error);
      this.updateView(this.current(v), { received: this.paced(v.key, received) });
    });
  }

  /**
   * While the trace streams, the text that arrived changes on the card once a second at most
   * (the count and CRC every time): laying out new text is most of what a card's render costs,
   * and nobody reads text scrolling by at megabytes a second. The newest text follows a second
   * later in any case, and at once at the end of the stream.
   */
  private paced(key: ConnKey, received: ReceivedView): ReceivedView {
    const now = performance.now();
    const shown = this.views.get(key)?.received;
    const last = this.tailShownAt.get(key) ?? -Infinity;
    if (!this.intake.busy || received.eof || received.error !== null || shown === undefined || now - last >= TAIL_PACE_MS) {
      this.tailShownAt.set(key, now);
      return received;
    }
    if (!this.tailTimers.has(key)) {
      this.tailTimers.set(
        key,
        setTimeout(() => {
          this.tailTimers.delete(key);
          const t = this.trackers.get(key);
          const v = this.views.get(key);
          if (t && v && v.received.tail !== t.state.tail) {
            this.tailShownAt.set(key, performance.now());
            this.updateView(v, { received: t.state });
          }
        }, TAIL_PACE_MS - (now - last)),
      );
    }
    return { ...received, tail: shown.tail };
  }

  private viewOf(host: number, conn: number): SocketView | undefined {
    const address = this.hosts.address(host);
    return address === undefined ? undefined : this.views.get(connKey(address, conn));
  }

  /** The socket view of a connection, made on first use. */
  private ensureView(host: number, conn: number): SocketView | undefined {
    const address = this.hosts.address(host);
    if (address === undefined) return undefined;
    const key = connKey(address, conn);
    let v = this.views.get(key);
    if (!v) {
      v = { key, host, conn, autoRead: false, received: new ReceiveTracker().state, sent: EMPTY_SENT };
      this.views.set(key, v);
      this.trackers.set(key, new ReceiveTracker());
    }
    return v;
  }

  private updateView(v: SocketView, patch: Partial<SocketView>): void {
    const next = { ...v, ...patch };
    this.views = new Map(this.views).set(v.key, next);
    this.feed.changed();
  }

  private current(v: SocketView): SocketView {
    return this.views.get(v.key) ?? v;
  }

  /**
   * Run `fn` after everything queued before it under `key`. Hashing yields to the event loop,
   * so without this two reads (or two sends) of one connection could hash out of order.
   */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(key) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => {});
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }

  private clearTailTimers(): void {
    for (const t of this.tailTimers.values()) clearTimeout(t);
    this.tailTimers.clear();
    this.tailShownAt.clear();
  }
}
