// Each built-in exercise, made to really happen on the core: what a student (and partner, or bot)
// would do, with the exercise's own setup applied. Each returns the trace of everything that
// happened, both hosts and the links, in order. Variants (`bad`) leave out the essential
// ingredient, for the negative tests: the checklist must then stay unticked where it matters.
import type { TraceEvent } from '../../../workers/tcp/trace.ts';
import { deliver, sent, settle, type Side } from '../../../workers/tcp/test-support/pair.ts';
import type { Exercise } from '../schema.ts';
import { advance, autoRead, bytes, chargenBot, connect, discardBot, echoBot, handPair, Lab, PEER, writeAll, YOU } from './lab.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Accept connections on the peer as they come; returns the accepted ids (in order). */
function acceptAll(lab: Lab, port: number): number[] {
  const accepted: number[] = [];
  lab.app(() => {
    for (;;) {
      const a = lab.peer.accept(port);
      if (!a.ok || a.value === null) return;
      accepted.push(a.value);
    }
  });
  return accepted;
}

function stepSetup(ex: Exercise, i: number): NonNullable<Exercise['steps'][number]['apply']> {
  const apply = ex.steps[i]?.apply;
  if (apply === undefined) throw new Error(`${ex.id}: step ${i} has no setup to apply`);
  return apply;
}

export function handshake(ex: Exercise, bad?: 'syn-only'): TraceEvent[] {
  const lab = new Lab(ex);
  echoBot(lab);
  const c = connect(lab, 7);
  autoRead(lab, lab.you, c);
  lab.run(100);
  lab.you.write(c, text('hello\n'), lab.now);
  lab.run(1000);
  // "Only look at the SYN": the checklist is given the trace up to the first segment.
  if (bad === 'syn-only') return lab.trace.slice(0, lab.trace.findIndex((e) => e.type === 'segment') + 1);
  return lab.trace;
}

export function cumulativeAck(ex: Exercise, bad?: 'spread-out'): TraceEvent[] {
  const lab = new Lab(ex);
  lab.peer.listen(5000);
  const accepted = acceptAll(lab, 5000);
  const c = connect(lab, 5000);
  autoRead(lab, lab.you, c);
  lab.run(100);
  const s = accepted[0];
  if (s === undefined) throw new Error('not accepted');
  const parts = ['Hello, B!', 'Ready? Go', 'Four writes, four segments. ', 'One ACK? :)'];
  // Held and released together = written in one instant with Nagle off: four segments back to back.
  // The bad variant writes them a second apart, so each is acknowledged on its own.
  for (const p of parts) {
    lab.peer.write(s, text(p), lab.now);
    if (bad === 'spread-out') lab.run(1000);
  }
  lab.run(1000);
  return lab.trace;
}

export function fourWayClose(ex: Exercise, bad?: 'simultaneous'): TraceEvent[] {
  const lab = new Lab(ex);
  lab.peer.listen(80);
  const accepted = acceptAll(lab, 80);
  const c = connect(lab, 80);
  lab.run(100);
  const s = accepted[0] as number;
  lab.you.close(c, lab.now);
  if (bad !== 'simultaneous') lab.run(100);
  lab.peer.close(s, lab.now);
  lab.run(11_000);
  return lab.trace;
}

export function halfClose(ex: Exercise, bad?: 'silent'): TraceEvent[] {
  const lab = new Lab(ex);
  lab.peer.listen(5000);
  const accepted = acceptAll(lab, 5000);
  const c = connect(lab, 5000);
  const got = autoRead(lab, lab.you, c);
  lab.run(100);
  const s = accepted[0] as number;
  lab.you.shutdown(c, lab.now);
  lab.run(100);
  // The partner, in CLOSE-WAIT, keeps talking (unless the variant has it close at once).
  if (bad !== 'silent') {
    lab.peer.write(s, text('still here\n'), lab.now);
    lab.run(100);
    lab.peer.write(s, text('and here\n'), lab.now);
    lab.run(100);
  }
  lab.peer.close(s, lab.now);
  lab.run(11_000);
  if (bad !== 'silent' && got.received !== 20) throw new Error(`half-close: received ${got.received} bytes`);
  return lab.trace;
}

export function timeWait(ex: Exercise, bad?: 'no-loss'): TraceEvent[] {
  const lab = new Lab(ex);
  lab.peer.listen(80);
  const accepted = acceptAll(lab, 80);
  const c = connect(lab, 80);
  lab.run(100);
  if (bad !== 'no-loss') lab.apply(stepSetup(ex, 1), 'you');
  lab.you.close(c, lab.now);
  lab.run(100);
  lab.peer.close(accepted[0] as number, lab.now);
  lab.run(15_000);
  return lab.trace;
}

export function connectionRefused(ex: Exercise, bad?: 'listening'): TraceEvent[] {
  const lab = new Lab(ex);
  echoBot(lab, 7);
  if (bad === 'listening') echoBot(lab, 8);
  connect(lab, ex.bot?.port ?? 8);
  lab.run(2000);
  return lab.trace;
}

export function lostSyn(ex: Exercise, bad?: 'no-loss'): TraceEvent[] {
  const lab = new Lab(bad === 'no-loss' ? null : ex);
  if (bad === 'no-loss') lab.apply({ profile: 'textbook' }, 'you');
  lab.peer.listen(80);
  acceptAll(lab, 80);
  connect(lab, 80);
  lab.run(10_000);
  if (bad !== 'no-loss') {
    lab.apply(stepSetup(ex, 2), 'you');
    connect(lab, 80);
    lab.run(20_000);
  }
  return lab.trace;
}

/** Take what each side has sent (held), then deliver both sets at the same moment: they cross. */
function cross(a: Side, b: Side, t: number): void {
  const fromA = sent(a);
  const fromB = sent(b);
  deliver(b, fromA, t);
  deliver(a, fromB, t);
}

export function simultaneousOpen(ex: Exercise, bad?: 'normal-open'): TraceEvent[] {
  const { a, b, trace } = handPair(ex);
  if (bad === 'normal-open') {
    b.host.listen(6000);
    a.host.connect({ remoteAddr: PEER, remotePort: 6000, localPort: 5000 }, 0);
    settle(a, b, 0);
    return trace;
  }
  // Hold on both: the SYNs wait; release all on both: they cross. Then the SYN,ACKs cross too.
  a.host.connect({ remoteAddr: PEER, remotePort: 6000, localPort: 5000 }, 0);
  b.host.connect({ remoteAddr: YOU, remotePort: 5000, localPort: 6000 }, 0);
  cross(a, b, 10);
  cross(a, b, 20);
  settle(a, b, 20);
  return trace;
}

export function simultaneousClose(ex: Exercise, bad?: 'normal-close'): TraceEvent[] {
  const { a, b, trace } = handPair(ex);
  b.host.listen(80);
  const c = a.host.connect({ remoteAddr: PEER, remotePort: 80 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  let t = settle(a, b, 0);
  const s = b.host.accept(80);
  if (!s.ok || s.value === null) throw new Error('not accepted');
  t += 100;
  if (bad === 'normal-close') {
    a.host.close(c.value, t);
    t = settle(a, b, t);
    b.host.close(s.value, t + 100);
    t = settle(a, b, t + 100);
  } else {
    // Hold on, close on both, hold off: the FINs cross.
    a.host.close(c.value, t);
    b.host.close(s.value, t);
    cross(a, b, t + 10);
    t = settle(a, b, t + 10);
  }
  advance(a, b, t, t + 11_000);
  return trace;
}

export function zeroWindow(ex: Exercise, bad?: 'reading'): TraceEvent[] {
  const lab = new Lab(ex);
  chargenBot(lab);
  const c = connect(lab, 19);
  const reader = autoRead(lab, lab.you, c);
  reader.paused = bad !== 'reading'; // auto-read off
  lab.run(8000);
  reader.paused = false; // read again
  lab.run(2000);
  lab.you.close(c, lab.now);
  lab.run(500);
  return lab.trace;
}

export function fastRetransmit(ex: Exercise, bad?: 'no-loss'): TraceEvent[] {
  const lab = new Lab(bad === 'no-loss' ? null : ex);
  if (bad === 'no-loss') lab.apply({ profile: 'modern' }, 'you');
  discardBot(lab);
  const c = connect(lab, 9);
  lab.run(100);
  const done = writeAll(lab, lab.you, c, bytes(1 << 20));
  lab.runUntil(done, 60_000);
  lab.you.close(c, lab.now);
  lab.run(2000);
  return lab.trace;
}

export function congestion(ex: Exercise, options: { bytes?: number; bad?: 'no-loss'; trace?: boolean } = {}): { trace: TraceEvent[]; lab: Lab } {
  const lab = new Lab(options.bad === 'no-loss' ? null : ex, { trace: options.trace ?? true });
  if (options.bad === 'no-loss') lab.apply({ profile: 'modern' }, 'you');
  discardBot(lab);
  const c = connect(lab, 9);
  lab.run(100);
  const done = writeAll(lab, lab.you, c, bytes(options.bytes ?? 2 << 20));
  lab.runUntil(done, 600_000);
  lab.you.close(c, lab.now);
  lab.run(5000);
  return { trace: lab.trace, lab };
}

export function trueOrFalse(ex: Exercise): TraceEvent[] {
  const { a, b, trace } = handPair(ex);
  // 1. A normal open, a line of data, a normal close.
  b.host.listen(80);
  const c = a.host.connect({ remoteAddr: PEER, remotePort: 80 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  let t = settle(a, b, 0);
  const s = b.host.accept(80);
  if (!s.ok || s.value === null) throw new Error('not accepted');
  a.host.write(c.value, text('hello\n'), t);
  t = settle(a, b, t);
  a.host.close(c.value, t);
  t = settle(a, b, t);
  b.host.close(s.value, t + 50);
  t = advance(a, b, t + 50, t + 11_000);
  // 2. Simultaneous open (hold on both, hold off: the SYNs cross).
  const ca = a.host.connect({ remoteAddr: PEER, remotePort: 6000, localPort: 5000 }, t);
  const cb = b.host.connect({ remoteAddr: YOU, remotePort: 5000, localPort: 6000 }, t);
  if (!ca.ok || !cb.ok) throw new Error('connect failed');
  cross(a, b, t + 10);
  t = settle(a, b, t + 10);
  // 3. Simultaneous close of that connection.
  t += 100;
  a.host.close(ca.value, t);
  b.host.close(cb.value, t);
  cross(a, b, t + 10);
  t = settle(a, b, t + 10);
  advance(a, b, t, t + 11_000);
  return trace;
}

/** Every built-in exercise's scenario, by exercise id. */
export const SCENARIOS: Record<string, (ex: Exercise) => TraceEvent[]> = {
  handshake: (ex) => handshake(ex),
  'cumulative-ack': (ex) => cumulativeAck(ex),
  'four-way-close': (ex) => fourWayClose(ex),
  'half-close': (ex) => halfClose(ex),
  'time-wait': (ex) => timeWait(ex),
  'connection-refused': (ex) => connectionRefused(ex),
  'lost-syn': (ex) => lostSyn(ex),
  'simultaneous-open': (ex) => simultaneousOpen(ex),
  'simultaneous-close': (ex) => simultaneousClose(ex),
  'zero-window': (ex) => zeroWindow(ex),
  'fast-retransmit': (ex) => fastRetransmit(ex),
  congestion: (ex) => congestion(ex).trace,
  'true-or-false': (ex) => trueOrFalse(ex),
};
