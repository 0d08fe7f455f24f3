// When the behaviour does not happen, the items about it stay unticked: the checklist cannot be
// satisfied by a near miss. Each scenario leaves out the essential ingredient.
import { describe, expect, it } from 'vitest';
import { builtinPack } from './builtin.ts';
import { createChecklist } from './evaluate.ts';
import type { Exercise } from './schema.ts';
import * as S from './testing/scenarios.ts';
import { connect, Lab } from './testing/lab.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';

const ex = (id: string): Exercise => builtinPack().exercises.find((e) => e.id === id)!;

function ticked(e: Exercise, trace: readonly TraceEvent[]): string[] {
  const list = createChecklist(e);
  list.push(trace);
  return list.status().filter((s) => s.done).map((s) => s.id);
}

describe('negative: the behaviour did not happen, the item stays open', () => {
  it('handshake: looking only at the SYN leaves the SYN,ACK and ACK items unticked', () => {
    const t = ticked(ex('handshake'), S.handshake(ex('handshake'), 'syn-only'));
    expect(t).toContain('syn');
    expect(t).not.toContain('syn-ack');
    expect(t).not.toContain('ack');
  });

  it('cumulative ACK: segments that arrive a second apart get an ACK each', () => {
    const t = ticked(ex('cumulative-ack'), S.cumulativeAck(ex('cumulative-ack'), 'spread-out'));
    expect(t).toContain('four-segments');
    expect(t).not.toContain('one-ack');
  });

  it('four-way close: a simultaneous close does not tick the four-way paths', () => {
    const t = ticked(ex('four-way-close'), S.fourWayClose(ex('four-way-close'), 'simultaneous'));
    expect(t).not.toContain('active-path');
    expect(t).not.toContain('passive-path');
  });

  it('half-close: a peer that closes at once never sends from CLOSE-WAIT', () => {
    const t = ticked(ex('half-close'), S.halfClose(ex('half-close'), 'silent'));
    expect(t).toContain('half-open');
    expect(t).not.toContain('data-after-fin');
    expect(t).not.toContain('delivered');
  });

  it('TIME-WAIT: without the lost ACK there is no retransmitted FIN to answer', () => {
    const t = ticked(ex('time-wait'), S.timeWait(ex('time-wait'), 'no-loss'));
    expect(t).toEqual([]);
  });

  it('connection refused: a port with a listener answers SYN,ACK, not RST', () => {
    expect(ticked(ex('connection-refused'), S.connectionRefused(ex('connection-refused'), 'listening'))).toEqual([]);
  });

  it('lost SYN: without losses nothing is retransmitted and nobody gives up', () => {
    const t = ticked(ex('lost-syn'), S.lostSyn(ex('lost-syn'), 'no-loss'));
    expect(t).toEqual(['established']);
  });

  it('simultaneous open: an ordinary open ticks none of it', () => {
    const t = ticked(ex('simultaneous-open'), S.simultaneousOpen(ex('simultaneous-open'), 'normal-open'));
    expect(t).toEqual([]);
  });

  it('simultaneous close: a normal close never ticks the CLOSING items', () => {
    const trace = S.simultaneousClose(ex('simultaneous-close'), 'normal-close');
    expect(ticked(ex('simultaneous-close'), trace)).toEqual([]);
    const tf = ticked(ex('true-or-false'), trace);
    expect(tf).not.toContain('closing-crossing');
    expect(tf).not.toContain('closing-no-loss');
  });

  it('true or false: a lost ACK of a FIN does not lead to CLOSING either', () => {
    // The tutorial's claim, tried: lose host 2's ACK of host 1's FIN. Host 2's FIN,ACK then
    // acknowledges host 1's FIN, and host 1 goes FIN-WAIT-1 → FIN-WAIT-2 → TIME-WAIT.
    const e = ex('true-or-false');
    const lab = new Lab(e);
    lab.peer.listen(80);
    const c = connect(lab, 80);
    lab.run(100);
    const s = lab.peer.accept(80);
    if (!s.ok || s.value === null) throw new Error('not accepted');
    lab.apply({ rules: [{ dir: 'out', rule: { kind: 'match', set: 0x10, clear: 0x07, payload: 'none', count: 1 } }] }, 'peer');
    lab.you.close(c, lab.now);
    lab.run(100);
    lab.peer.close(s.value, lab.now);
    lab.run(12_000);
    expect(lab.trace.some((ev) => ev.type === 'fault' && ev.fault === 'rule')).toBe(true);
    const t = ticked(e, lab.trace);
    expect(t).not.toContain('closing-crossing');
    expect(t).not.toContain('closing-no-loss');
  });

  it('zero window: a receiver that keeps reading never advertises 0, and nobody probes', () => {
    const t = ticked(ex('zero-window'), S.zeroWindow(ex('zero-window'), 'reading'));
    expect(t).toEqual([]);
  });

  it('fast retransmit: a transfer without loss never ticks it', () => {
    const t = ticked(ex('fast-retransmit'), S.fastRetransmit(ex('fast-retransmit'), 'no-loss'));
    expect(t).toEqual([]);
  });

  it('congestion: without loss, cwnd only grows: no cut, no sawtooth', () => {
    const t = ticked(ex('congestion'), S.congestion(ex('congestion'), { bad: 'no-loss' }).trace);
    expect(t).toContain('slow-start');
    expect(t).not.toContain('cut');
    expect(t).not.toContain('sawtooth');
    expect(t).not.toContain('resent');
  });

  it('the handshake checklist stays open on a trace of another exercise that has no handshake in it', () => {
    expect(ticked(ex('handshake'), [])).toEqual([]);
  });
});
