// The attackers' tools: a WebSocket client that joins a room from a chosen loopback address and
// sends IPv4+TCP packets crafted with the project's codec, and a pacer that sends a fixed count at
// a fixed rate for at most a fixed time. Nothing here keeps TCP state: each attack keeps what it
// needs (a sequence number, a port), so a flood costs the attacker almost nothing.
import { WebSocket } from 'ws';
import { decodePacket, encodePacket } from '../../workers/tcp/wire/packet.ts';
import { parseIpv4Address } from '../../workers/tcp/wire/address.ts';
import type { Packet } from '../../workers/tcp/wire/types.ts';
import type { ServerMessage, WelcomeMessage } from '../protocol/messages.ts';

export interface JoinOptions {
  localAddress?: string;
  teacher?: string;
  /** Give up on the handshake after this long (ms). Default 5000. */
  timeoutMs?: number;
}

export type JoinResult = { ok: true; client: RawClient } | { ok: false; code: number; reason: string };

export function ipv4(text: string): number {
  const n = parseIpv4Address(text);
  if (n === null) throw new Error(`bad address ${text}`);
  return n;
}

export interface SegmentFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Uint8Array;
}

/** One packet from `src` to `dst`, both checksums right, in its own buffer. */
export function craft(src: number, dst: number, f: SegmentFields): Uint8Array {
  return encodePacket(
    { src, dst },
    {
      srcPort: f.srcPort,
      dstPort: f.dstPort,
      seq: f.seq >>> 0,
      ack: (f.ack ?? 0) >>> 0,
      flags: f.flags,
      window: f.window ?? 65535,
      urgent: 0,
      options: {},
      payload: f.payload ?? new Uint8Array(0),
    },
  ).slice();
}

export class RawClient {
  readonly address: number;
  readonly messages: ServerMessage[] = [];
  /** Called for every packet the relay delivers (decoded; undecodable ones are only counted). */
  onPacket: ((p: Packet) => void) | null = null;
  framesIn = 0;
  closeInfo: { code: number; reason: string } | null = null;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly ws: WebSocket,
    readonly welcome: WelcomeMessage,
  ) {
    this.address = ipv4(welcome.address);
    this.closed = new Promise((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) resolve((this.closeInfo = { code: 1006, reason: '' }));
      ws.once('close', (code, reason) => resolve((this.closeInfo = { code, reason: reason.toString() })));
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        this.messages.push(JSON.parse(String(data)) as ServerMessage);
        return;
      }
      this.framesIn++;
      if (this.onPacket === null) return;
      const d = decodePacket(new Uint8Array(data as Buffer));
      if (d.ok) this.onPacket(d.value);
    });
  }

  /** Open /ws?room=…&name=… and wait for the welcome, or for the relay's refusal. */
  static join(wsBase: string, room: string, name: string, o: JoinOptions = {}): Promise<JoinResult> {
    const q = new URLSearchParams({ room, name });
    if (o.teacher !== undefined) q.set('teacher', o.teacher);
    return new Promise((resolve) => {
      const ws = new WebSocket(`${wsBase}?${q}`, { perMessageDeflate: false, ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }) });
      let settled = false;
      const settle = (r: JoinResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.off('message', onFirst);
        resolve(r);
      };
      const timer = setTimeout(() => {
        ws.terminate();
        settle({ ok: false, code: 0, reason: 'no welcome in time' });
      }, o.timeoutMs ?? 5000);
      const onFirst = (data: unknown, isBinary: boolean): void => {
        if (isBinary) return;
        const m = JSON.parse(String(data)) as ServerMessage;
        if (m.type === 'welcome') {
          const c = new RawClient(ws, m);
          c.messages.push(m);
          settle({ ok: true, client: c });
        }
      };
      ws.on('message', onFirst);
      ws.on('error', () => {});
      ws.once('unexpected-response', (_req, res) => {
        settle({ ok: false, code: res.statusCode ?? 0, reason: `HTTP ${res.statusCode}` });
        ws.terminate();
      });
      ws.once('close', (code, reason) => settle({ ok: false, code, reason: reason.toString() }));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Uint8Array | string): void {
    if (this.open) this.ws.send(frame);
  }

  close(): Promise<unknown> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    // A relay that never answers our close must not hold the attack up.
    return Promise.race([this.closed, new Promise((r) => setTimeout(r, 1000))]).then(() => this.ws.terminate());
  }
}

/**
 * Call `send(i)` for i = 0 … count−1 at `perSecond`, in 10 ms steps, stopping at `count`, at
 * `maxMs`, or when `send` returns false. Resolves with the number sent.
 */
export function paced(perSecond: number, count: number, maxMs: number, send: (i: number) => boolean | void): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    let sent = 0;
    const step = (): void => {
      const elapsed = Date.now() - started;
      const due = Math.min(count, Math.floor((elapsed * perSecond) / 1000) + 1);
      while (sent < due) {
        if (send(sent) === false) return finish();
        sent++;
      }
      if (sent >= count || elapsed >= maxMs) return finish();
    };
    const timer = setInterval(step, 10);
    const finish = (): void => {
      clearInterval(timer);
      resolve(sent);
    };
    step();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
