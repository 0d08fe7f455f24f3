import { describe, expect, it } from 'vitest';
import { RttEstimator } from './rtt.ts';

const settings = { initialRto: 1000, minRto: 200, maxRto: 60_000 };

describe('RTO estimation (RFC 6298)', () => {
  it('starts at the initial RTO before any sample (§2.1)', () => {
    expect(new RttEstimator(settings).rto).toBe(1000);
  });

  it('first sample: SRTT=R, RTTVAR=R/2, RTO=SRTT+4·RTTVAR (§2.2)', () => {
    const e = new RttEstimator(settings);
    e.sample(100);
    expect(e.srtt).toBe(100);
    expect(e.rttvar).toBe(50);
    expect(e.rto).toBe(300);
  });

  it('later samples use alpha=1/8, beta=1/4 (§2.3)', () => {
    const e = new RttEstimator(settings);
    e.sample(100);
    e.sample(200);
    expect(e.rttvar).toBeCloseTo(0.75 * 50 + 0.25 * 100);
    expect(e.srtt).toBeCloseTo(0.875 * 100 + 0.125 * 200);
    expect(e.rto).toBeCloseTo(112.5 + 4 * 62.5);
  });

  it('never goes below the minimum RTO (§2.4)', () => {
    const e = new RttEstimator(settings);
    e.sample(1);
    expect(e.rto).toBe(200);
  });

  it('doubles on backoff up to the maximum, and a sample ends the backoff (§5.5, §5.7)', () => {
    const e = new RttEstimator(settings);
    e.backoff();
    expect(e.rto).toBe(2000);
    e.backoff();
    expect(e.rto).toBe(4000);
    for (let i = 0; i < 20; i++) e.backoff();
    expect(e.rto).toBe(60_000);
    e.sample(100);
    expect(e.rto).toBe(300);
  });

  it('uses 3 s after a SYN timeout when no sample was taken (§5.7)', () => {
    const e = new RttEstimator(settings);
    e.backoff();
    e.resetAfterSynTimeout();
    expect(e.rto).toBe(3000);
  });
});
