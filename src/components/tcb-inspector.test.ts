// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './tcb-inspector.ts';
import type { TcbSnapshot } from '../../workers/tcp/trace.ts';
import { $, $$, mount, text, update } from './test-helpers.ts';

afterEach(() => document.body.replaceChildren());

const tcb: TcbSnapshot = {
  state: 'TIME-WAIT', iss: 1000, irs: 5000, sndUna: 1102, sndNxt: 1102, sndWnd: 65535, sndWl1: 5001, sndWl2: 1102,
  rcvNxt: 5002, rcvWnd: 65535, sndMss: 1460, rto: 1000, srtt: 10, rttvar: 5, cwnd: 14600, ssthresh: 0x3fffffff,
  sendQueued: 0, recvQueued: 0, timers: { 'time-wait': 10_040 }, retransmits: 0,
};

const value = (el: Element, name: string) => text($(el, `tr[data-var="${name}"] td.value`));

describe('<tcp-tcb-inspector>', () => {
  it('shows each variable with its value and a one-line explanation', async () => {
    const el = await mount('tcp-tcb-inspector', { tcb, now: 5040 });
    const names = $$(el, 'tr[data-var] th').map(text);
    for (const n of ['SND.UNA', 'SND.NXT', 'SND.WND', 'RCV.NXT', 'RCV.WND', 'cwnd', 'ssthresh', 'SRTT', 'RTO']) expect(names).toContain(n);
    // Relative to ISS / IRS, with the absolute number under it.
    expect(value(el, 'SND.UNA')).toBe('1021102');
    expect(text($(el, 'tr[data-var="SND.UNA"] .abs'))).toBe('1102');
    expect(text($(el, 'tr[data-var="RCV.NXT"] .abs'))).toBe('5002');
    expect(value(el, 'RCV.NXT')).toBe('25002');
    expect(value(el, 'ssthresh')).toBe('∞');
    expect(value(el, 'SRTT')).toBe('10 ms');
    expect(text($(el, 'tr[data-var="RCV.WND"] td.note'))).toContain('advertise');
  });

  it('counts running timers down against now', async () => {
    const el = await mount('tcp-tcb-inspector', { tcb, now: 5040, timerStarts: { 'time-wait': 40 } });
    expect(text($(el, 'tr[data-timer="time-wait"] td.value'))).toBe('5000 ms');
    expect(($(el, 'tr[data-timer="time-wait"] .bar span') as HTMLElement).style.width).toBe('50.0%');
    expect(text($(el, 'tr[data-timer="time-wait"] td.note'))).toContain('2×MSL');
    await update(el, { now: 10_100 });
    expect(text($(el, 'tr[data-timer="time-wait"] td.value'))).toBe('due');
  });

  it('prefers fresher timers when given, and says when none runs', async () => {
    const el = await mount('tcp-tcb-inspector', { tcb, now: 0, timers: { retransmit: 700 } });
    expect($$(el, 'tr[data-timer]').map((r) => r.getAttribute('data-timer'))).toEqual(['retransmit']);
    await update(el, { timers: {} });
    expect(text($$(el, 'table')[1]!)).toContain('No timer running.');
  });

  it('shows absolute numbers on the toggle', async () => {
    const el = await mount('tcp-tcb-inspector', { tcb, absolute: true });
    expect(value(el, 'SND.UNA')).toBe('1102');
    expect($$(el, '.abs')).toHaveLength(0);
  });

  it('says when there is no snapshot', async () => {
    const el = await mount('tcp-tcb-inspector');
    expect(text($(el, '.empty'))).toContain('No TCB snapshot');
  });
});
