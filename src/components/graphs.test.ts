// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './seq-graph.ts';
import './cwnd-graph.ts';
import { timeSeries } from '../model/series.ts';
import { A, handshake, lossAndRetransmit, transfer } from '../model/test-fixtures.ts';
import { $, $$, listen, mount, text, update } from './test-helpers.ts';
import type { SegmentSelectDetail } from './events.ts';

afterEach(() => document.body.replaceChildren());

describe('<tcp-seq-graph>', () => {
  it('draws a bar per segment, the ACK and window lines, and marks the retransmission', async () => {
    const series = timeSeries(lossAndRetransmit().events, `${A}#1`)!;
    const el = await mount('tcp-seq-graph', { series });
    expect($$(el, 'g[data-key]')).toHaveLength(3); // SYN, the lost segment, its retransmission
    expect($$(el, 'line.seg.retransmission').length).toBeGreaterThan(0);
    expect($$(el, 'text.r').map(text)).toEqual(['R']);
    expect($$(el, 'path.cross')).toHaveLength(1); // the lost one
    expect($(el, 'path.ackline').getAttribute('d')).toMatch(/^M [\d.]+ [\d.]+ H/);
    expect($(el, 'path.winline').getAttribute('d')).not.toBe('');
    expect($$(el, '.title').map(text)).toEqual(['time (ms)', 'relative sequence number']);
  });

  it('dispatches segment-select when a segment is clicked and highlights the selection', async () => {
    const series = timeSeries(lossAndRetransmit().events, `${A}#1`)!;
    const el = await mount('tcp-seq-graph', { series });
    const got = listen<SegmentSelectDetail>(document, 'segment-select');
    const g = $$(el, 'g[data-key]')[2]!;
    g.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(got.map((e) => e.detail.key)).toEqual([g.getAttribute('data-key')]);
    await update(el, { selected: g.getAttribute('data-key') });
    expect($$(el, 'line.seg.selected').length).toBeGreaterThan(0);
  });

  it('shows the received direction on request', async () => {
    const series = timeSeries(lossAndRetransmit().events, `${A}#1`)!;
    const el = await mount('tcp-seq-graph', { series, direction: 'in' });
    expect($$(el, 'g[data-key]')).toHaveLength(1); // the peer's SYN only
  });

  it('keeps the drawing bounded for thousands of segments', async () => {
    const series = timeSeries(transfer(5000), `${A}#1`)!;
    const el = await mount('tcp-seq-graph', { series });
    expect(series.out.segments).toHaveLength(5001);
    expect($$(el, 'g[data-key]').length).toBeLessThanOrEqual(2 * 720 + 2);
  });

  it('says when there is nothing to draw', async () => {
    const el = await mount('tcp-seq-graph');
    expect(text($(el, '.empty'))).toContain('No data sent');
  });
});

describe('<tcp-cwnd-graph>', () => {
  it('draws cwnd as a staircase and ssthresh only where it is finite', async () => {
    const b = handshake();
    b.push({ type: 'cwnd', t: 11, host: A, conn: 1, cwnd: 14600, ssthresh: 0x3fffffff, reason: 'initial window' });
    b.push({ type: 'cwnd', t: 50, host: A, conn: 1, cwnd: 29200, ssthresh: 0x3fffffff, reason: 'slow start' });
    b.push({ type: 'cwnd', t: 90, host: A, conn: 1, cwnd: 1460, ssthresh: 14600, reason: 'RTO: loss' });
    b.push({ type: 'cwnd', t: 120, host: A, conn: 1, cwnd: 2920, ssthresh: 14600, reason: 'slow start' });
    const el = await mount('tcp-cwnd-graph', { series: timeSeries(b.events, `${A}#1`) });
    expect($(el, 'path.cwnd').getAttribute('d')!.match(/V/g)).toHaveLength(3);
    expect($$(el, 'path.ssthresh')).toHaveLength(1);
    expect($$(el, 'circle.change title').map(text)[2]).toBe('90 ms: cwnd 1460, ssthresh 14600 (RTO: loss)');
  });

  it('explains an empty graph', async () => {
    const el = await mount('tcp-cwnd-graph', { series: timeSeries(handshake().events, `${A}#1`) });
    expect(text($(el, '.empty'))).toContain('No congestion window');
  });
});
