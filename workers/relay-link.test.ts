import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage, WelcomeMessage } from '../relay/protocol/messages.ts';
import type { LinkState } from './api.ts';
import { backoffDelay } from './backoff.ts';
import { RelayLink, relaySocketUrl, type SocketLike } from './relay-link.ts';
import { dateTimers } from './timers.ts';

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket implements SocketLike {
  binaryType = 'blob';
  readyState = 0;
  bufferedAmount = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  sent: Array<Uint8Array | string> = [];
  closedWith: { code?: number; reason?: string } | null = null;
  constructor(readonly url: string) {}
  send(data: Uint8Array | string): void {
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  // --- driven by the test ---
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  message(m: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  frame(bytes: number[]): void {
    this.onmessage?.({ data: new Uint8Array(bytes).buffer });
  }
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function welcome(address: string, extra: Partial<WelcomeMessage> = {}): WelcomeMessage {
  return {
    type: 'welcome', protocol: 1, room: 'lab', address, hostname: 'ana', name: 'Ana', subnet: '10.0.0.0/16', mtu: 1500,
    hosts: [{ address: '10.0.0.7', hostname: 'echo', name: 'echo', kind: 'bot' }],
    limits: { framesPerSecond: 1, frameBurst: 1, bytesPerSecond: 1, byteBurst: 1, maxPayload: 1, maxQueuedBytes: 1, heartbeatMs: 1 },
    ...extra,
  };
}

function setup(opts: { hostAddress?: () => string | null } = {}) {
  const sockets: FakeSocket[] = [];
  const states: LinkState[] = [];
  const frames: number[][] = [];
  const notices: ServerMessage[] = [];
  const welcomes: Array<{ w: WelcomeMessage; rejoin: boolean }> = [];
  const link = new RelayLink({
    url: 'http://127.0.0.1:8080/',
    room: 'lab',
    name: 'Ana Lima',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers: dateTimers,
    random: () => 0.5, // no spread: delays are exactly the schedule
    hostAddress: opts.hostAddress ?? (() => null),
    onFrame: (f) => frames.push([...f]),
    onState: (s) => states.push(s),
    onWelcome: (w, rejoin) => welcomes.push({ w, rejoin }),
    onNotice: (n) => notices.push(n),
  });
  const last = () => sockets[sockets.length - 1] as FakeSocket;
  return { link, sockets, states, frames, notices, welcomes, last };
}

describe('relaySocketUrl', () => {
  it('turns a page address into the relay socket address with room and name', () => {
    expect(relaySocketUrl('http://127.0.0.1:8080/', 'lab', 'Ana Lima')).toBe('ws://127.0.0.1:8080/ws?room=lab&name=Ana+Lima');
    expect(relaySocketUrl('https://relay.example/', 'lab', 'Zoë')).toBe('wss://relay.example/ws?room=lab&name=Zo%C3%AB');
    expect(relaySocketUrl('ws://h:1/ws', 'r', 'n')).toBe('ws://h:1/ws?room=r&name=n');
    expect(() => relaySocketUrl('ftp://h/', 'r', 'n')).toThrow(/ws:\/\//);
  });
});

describe('backoffDelay', () => {
  it('doubles from 500 ms up to 15 s, spread ±20 %', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(backoffDelay(1, 0)).toBe(400);
    expect(backoffDelay(1, 0.999999)).toBe(600);
  });
});

describe('RelayLink', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('connects, joins on welcome, follows the room, and passes frames both ways', () => {
    const { link, states, frames, welcomes, last, notices } = setup();
    link.start();
    expect(last().url).toBe('ws://127.0.0.1:8080/ws?room=lab&name=Ana+Lima');
    expect(last().binaryType).toBe('arraybuffer');
    expect(states.at(-1)).toMatchObject({ status: 'connecting', attempt: 1 });
    last().open();
    expect(link.send(new Uint8Array([1]))).toBe('down'); // nothing before the welcome
    last().message(welcome('10.0.1.1'));
    expect(welcomes).toEqual([{ w: welcome('10.0.1.1'), rejoin: false }]);
    expect(states.at(-1)).toMatchObject({ status: 'joined', address: '10.0.1.1', hostname: 'ana', mtu: 1500, addressChanged: null });
    last().message({ type: 'host-joined', host: { address: '10.0.1.2', hostname: 'bo', name: 'Bo', kind: 'client' } });
    expect(link.state.status === 'joined' && link.state.hosts.map((h) => h.hostname)).toEqual(['echo', 'bo']);
    last().message({ type: 'host-left', host: { address: '10.0.0.7', hostname: 'echo', name: 'echo', kind: 'bot' } });
    expect(link.state.status === 'joined' && link.state.hosts.map((h) => h.hostname)).toEqual(['bo']);
    last().frame([0x45, 0, 0, 20]);
    expect(frames).toEqual([[0x45, 0, 0, 20]]);
    expect(link.send(new Uint8Array([9, 9]))).toBe('sent');
    expect(last().sent).toEqual([new Uint8Array([9, 9])]);
    last().message({ type: 'unreachable', dst: '10.0.1.9' });
    last().message({ type: 'pong', id: 1 });
    expect(notices).toEqual([{ type: 'unreachable', dst: '10.0.1.9' }]);
  });

  it('replaces its host list with a `hosts` resync and drops the statuses of hosts no longer there', () => {
    const { link, last } = setup();
    link.start();
    last().open();
    last().message(welcome('10.0.1.1', { role: 'teacher', teacherCode: 'ABCD2345', watchedByTeacher: true }));
    const st = { connections: [], progress: {}, exercise: null };
    last().message({ type: 'status', host: 'bo', address: '10.0.1.2', name: 'Bo', status: st });
    last().message({ type: 'status', host: 'cy', address: '10.0.1.3', name: 'Cy', status: st });
    expect(link.roomStatus.map((h) => h.host)).toEqual(['bo', 'cy']);
    // Bo left and Di took his address while this tab was not reading; Cy stayed.
    last().message({
      type: 'hosts',
      hosts: [
        { address: '10.0.0.7', hostname: 'echo', name: 'echo', kind: 'bot' },
        { address: '10.0.1.3', hostname: 'cy', name: 'Cy', kind: 'client' },
        { address: '10.0.1.2', hostname: 'di', name: 'Di', kind: 'client' },
      ],
    });
    expect(link.state.status === 'joined' && link.state.hosts.map((h) => h.hostname)).toEqual(['echo', 'cy', 'di']);
    expect(link.roomStatus.map((h) => h.host)).toEqual(['cy']);
  });

  it('reconnects after a drop with growing delays, and resets the backoff once welcomed', async () => {
    const { link, sockets, states, last, welcomes } = setup();
    link.start();
    last().open();
    last().message(welcome('10.0.1.1'));
    last().drop(1006);
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', attempt: 1, delayMs: 500, retryAt: 1_000_500, code: 1006 });
    expect(link.send(new Uint8Array([1]))).toBe('down');
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    expect(states.at(-1)).toMatchObject({ status: 'connecting', attempt: 1 });
    // The relay is still down: each failure waits longer.
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      last().drop(1006);
      const s = states.at(-1);
      if (s?.status !== 'reconnecting') throw new Error('expected reconnecting');
      delays.push(s.delayMs);
      await vi.advanceTimersByTimeAsync(s.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
    expect(sockets).toHaveLength(8);
    last().open();
    last().message(welcome('10.0.1.1'));
    expect(welcomes.map((w) => w.rejoin)).toEqual([false, true]);
    last().drop(1001, 'relay shutting down');
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', delayMs: 500, reason: 'relay shutting down' });
  });

  it('says so when a rejoin brings a different address than the host has', () => {
    let hostAddress: string | null = null;
    const { link, last, states } = setup({ hostAddress: () => hostAddress });
    link.start();
    last().open();
    last().message(welcome('10.0.1.1'));
    hostAddress = '10.0.1.1';
    last().drop();
    vi.advanceTimersByTime(500);
    last().open();
    last().message(welcome('10.0.1.3'));
    expect(states.at(-1)).toMatchObject({
      status: 'joined',
      address: '10.0.1.3',
      addressChanged: { hostAddress: '10.0.1.1', relayAddress: '10.0.1.3' },
    });
    hostAddress = '10.0.1.3';
    link.refresh();
    expect(states.at(-1)).toMatchObject({ status: 'joined', addressChanged: null });
  });

  it('gives up for good when the relay refuses the room or the name', () => {
    const { link, last, states, sockets } = setup();
    link.start();
    last().open();
    last().drop(4002, 'invalid name: it is empty');
    expect(states.at(-1)).toEqual({ status: 'closed', code: 4002, reason: 'invalid name: it is empty', byUser: false });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('retries a full room (it may empty)', () => {
    const { link, last, states } = setup();
    link.start();
    last().drop(4003, 'room full: ask the teacher for another room code');
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting', code: 4003 });
  });

  it('closes a socket that opens but never welcomes, and tries again', async () => {
    const { link, last, sockets, states } = setup();
    link.start();
    last().open();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets[0]?.closedWith).toEqual({ code: 4000, reason: 'no welcome from the relay' });
    sockets[0]?.drop(4000, 'no welcome from the relay');
    expect(states.at(-1)).toMatchObject({ status: 'reconnecting' });
  });

  it('stops for good on leave: no more attempts, state closed by user', async () => {
    const { link, last, states, sockets } = setup();
    link.start();
    last().open();
    last().message(welcome('10.0.1.1'));
    last().drop();
    link.stop();
    expect(states.at(-1)).toEqual({ status: 'closed', code: 1000, reason: 'left the room', byUser: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('drops frames instead of queueing without bound when the socket is backed up', () => {
    const { link, last } = setup();
    link.start();
    last().open();
    last().message(welcome('10.0.1.1'));
    last().bufferedAmount = 4 * 1024 * 1024;
    expect(link.send(new Uint8Array(100))).toBe('queue-full');
    expect(link.notSent).toBe(1);
  });
});
