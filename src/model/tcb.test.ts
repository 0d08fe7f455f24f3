import { describe, expect, it } from 'vitest';
import { latestTcb, runningTimers, tcbFields, TIMER_NOTES } from './tcb.ts';
import { A, handshake } from './test-fixtures.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';

const snap: TcbSnapshot = {
  state: 'ESTABLISHED', iss: 0xfffffff0, irs: 5000, sndUna: 0xfffffff1, sndNxt: 0x00000010, sndWnd: 65535, sndWl1: 5001, sndWl2: 0xfffffff1,
  rcvNxt: 5101, rcvWnd: 65000, sndMss: 1460, rto: 1000, srtt: 12.5, rttvar: 6.25, cwnd: 14600, ssthresh: 0xffffffff,
  sendQueued: 31, recvQueued: 0, timers: { retransmit: 1200, 'time-wait': 900 }, retransmits: 0,
};

describe('tcbFields', () => {
  it('lists the RFC variables with relative values and their absolute numbers', () => {
    const byName = Object.fromEntries(tcbFields(snap).map((f) => [f.name, f]));
    expect(byName['SND.UNA']).toMatchObject({ value: '1', absolute: String(0xfffffff1) });
    expect(byName['SND.NXT']).toMatchObject({ value: '32' }); // across the 2^32 wrap
    expect(byName['RCV.NXT']).toMatchObject({ value: '101', absolute: '5101' });
    expect(byName['in flight']!.value).toBe('31 B');
    expect(byName['ssthresh']!.value).toBe('∞');
    expect(byName['SRTT']!.value).toBe('12.5 ms');
    for (const f of tcbFields(snap)) expect(f.note.length, f.name).toBeGreaterThan(20);
  });

  it('shows absolute values on request', () => {
    const una = tcbFields(snap, true).find((f) => f.name === 'SND.UNA')!;
    expect(una).toMatchObject({ value: String(0xfffffff1), absolute: null });
  });
});

describe('runningTimers', () => {
  it('sorts by deadline and gives the time left, never negative', () => {
    expect(runningTimers(snap.timers, 1000)).toEqual([
      { name: 'time-wait', deadline: 900, remaining: 0, left: null, note: TIMER_NOTES['time-wait'] },
      { name: 'retransmit', deadline: 1200, remaining: 200, left: null, note: TIMER_NOTES.retransmit },
    ]);
  });

  it('tells how much of a timer is left when its start is known', () => {
    const [t] = runningTimers({ 'time-wait': 10_040 }, 5_040, { 'time-wait': 40 });
    expect(t).toMatchObject({ remaining: 5000, left: 0.5 });
  });
});

describe('latestTcb', () => {
  it('finds the newest snapshot, or the newest at a time', () => {
    const b = handshake();
    b.push({ type: 'tcb', t: 10, host: A, conn: 1, tcb: { ...snap, rto: 1 } });
    b.push({ type: 'tcb', t: 20, host: A, conn: 1, tcb: { ...snap, rto: 2 } });
    expect(latestTcb(b.events, `${A}#1`)!.tcb.rto).toBe(2);
    expect(latestTcb(b.events, `${A}#1`, 15)!.tcb.rto).toBe(1);
    expect(latestTcb(b.events, `${A}#1`, 5)).toBeNull();
    expect(latestTcb(b.events, 'x#1')).toBeNull();
  });
});
