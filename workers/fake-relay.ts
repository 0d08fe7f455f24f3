// Test support: an in-memory relay for EndpointService tests in Node. It speaks the protocol of
// relay/PROTOCOL.md (welcome, host-joined/left, unreachable, frames routed by IPv4 destination)
// to sockets it hands out, with a fixed one-way latency on the (fake) timers, so whole sessions
// run under vitest's fake timers. Not used by the worker itself.

import { CloseCode } from '../relay/protocol/close-codes.ts';
import type { HostInfo, ServerMessage } from '../relay/protocol/messages.ts';
import type { SocketLike } from './relay-link.ts';

export class FakeRelaySocket implements SocketLike {
  binaryType = 'blob';
  readyState = 0;
  bufferedAmount = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  info: HostInfo | null = null;

  constructor(
    private readonly relay: FakeRelay,
    readonly url: string,
  ) {}

  send(data: Uint8Array | string): void {
    if (this.readyState !== 1) return;
    if (typeof data === 'string') return;
    this.relay.route(this, data.slice());
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.relay.left(this);
    setTimeout(() => this.onclose?.({ code, reason }), 0);
  }

  /** The relay side cuts the connection (relay restart, network loss). */
  cut(code: number = CloseCode.ABNORMAL, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.relay.left(this);
    this.onclose?.({ code, reason });
  }

  deliver(data: ArrayBuffer | string): void {
    if (this.readyState === 1) this.onmessage?.({ data });
  }
}

export class FakeRelay {
  readonly sockets: FakeRelaySocket[] = [];
  private readonly members = new Map<string, FakeRelaySocket>();
  /** Addresses handed out next, in order (default 10.0.1.1, 10.0.1.2, …). */
  nextAddresses: string[] = [];
  private counter = 0;
  /** When false, new sockets never open (relay down). */
  up = true;
  framesRouted = 0;

  constructor(readonly latencyMs = 1) {}

  readonly createSocket = (url: string): SocketLike => {
    const s = new FakeRelaySocket(this, url);
    this.sockets.push(s);
    setTimeout(() => {
      if (!this.up) {
        s.readyState = 3;
        s.onclose?.({ code: CloseCode.ABNORMAL, reason: '' });
        return;
      }
      s.readyState = 1;
      s.onopen?.({});
      this.join(s);
    }, this.latencyMs);
    return s;
  };

  private join(s: FakeRelaySocket): void {
    const name = new URL(s.url).searchParams.get('name') ?? 'x';
    const address = this.nextAddresses.shift() ?? `10.0.1.${++this.counter}`;
    s.info = { address, hostname: name.toLowerCase(), name, kind: 'client' };
    const others = [...this.members.values()].map((m) => m.info as HostInfo);
    this.members.set(address, s);
    this.send(s, {
      type: 'welcome', protocol: 1, room: 'lab', address, hostname: s.info.hostname, name, subnet: '10.0.0.0/16', mtu: 1500, hosts: others,
      limits: { framesPerSecond: 1e9, frameBurst: 1e9, bytesPerSecond: 1e12, byteBurst: 1e12, maxPayload: 65536, maxQueuedBytes: 1 << 20, heartbeatMs: 0 },
    });
    for (const m of this.members.values()) if (m !== s) this.send(m, { type: 'host-joined', host: s.info });
  }

  left(s: FakeRelaySocket): void {
    if (s.info === null || this.members.get(s.info.address) !== s) return;
    this.members.delete(s.info.address);
    for (const m of this.members.values()) this.send(m, { type: 'host-left', host: s.info });
  }

  route(from: FakeRelaySocket, frame: Uint8Array): void {
    const dst = `${frame[16]}.${frame[17]}.${frame[18]}.${frame[19]}`;
    const to = this.members.get(dst);
    if (to === undefined) {
      this.send(from, { type: 'unreachable', dst });
      return;
    }
    this.framesRouted++;
    const buf = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
    setTimeout(() => to.deliver(buf), this.latencyMs);
  }

  private send(s: FakeRelaySocket, m: ServerMessage): void {
    const text = JSON.stringify(m);
    setTimeout(() => s.deliver(text), this.latencyMs);
  }
}
