// The hosts store on a real EndpointService (offline mode): faults set and refused, rules armed
// and cleared, the hold queue, the clock, the panic button, and the accept queues the socket views
// report.
import { afterEach, describe, expect, it } from 'vitest';
import { realPlayground } from './playground-test-support.ts';

const started: { dispose(): void }[] = [];
afterEach(() => started.splice(0).forEach((s) => s.dispose()));

async function offline() {
  const r = realPlayground();
  started.push(r.service);
  await r.pg.start();
  expect(await r.pg.session.startOffline(2)).toBe(true);
  return r.pg;
}

describe('HostControls', () => {
  it('lists the offline hosts and reads each one’s fault status', async () => {
    const pg = await offline();
    const h = pg.hostControls;
    expect(h.hosts.map((x) => x.info.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(h.address(1)).toBe('10.0.0.2');
    expect(h.address(5)).toBeUndefined();
    await h.refreshFaults();
    expect(h.hosts.every((x) => x.faults !== null)).toBe(true);
  });

  it('sets faults through the fault panel’s action, and turns a refused config into a notice', async () => {
    const pg = await offline();
    const h = pg.hostControls;
    await h.faultAction({ action: 'set', host: 0, dir: 'out', config: { loss: 0.25 } });
    expect(h.hosts[0]!.faults!.out.config.loss).toBe(0.25);
    expect(await h.setFaults(0, 'out', { loss: 7 })).toBe(false);
    expect(pg.notices.all.at(-1)).toMatchObject({ level: 'error' });
    expect(pg.notices.all.at(-1)!.text).toMatch(/^Faults \(out\): /);
    expect(h.hosts[0]!.faults!.out.config.loss).toBe(0.25);
  });

  it('holds segments and lets them go again; the panic button clears faults, holds and the clock', async () => {
    const pg = await offline();
    const h = pg.hostControls;
    await h.holdAction({ action: 'hold', host: 0, on: true });
    expect(h.hosts[0]!.hold).toBe(true);
    await h.setFaults(1, 'in', { loss: 0.5 });
    await h.timeAction({ action: 'factor', factor: 0.25 });
    expect(h.clock?.factor).toBe(0.25);
    await h.timeAction({ action: 'pause' });
    expect(h.clock?.paused).toBe(true);
    await h.calmEverything();
    expect(h.hosts[0]!.hold).toBe(false);
    expect(h.hosts[1]!.faults!.in.config.loss).toBe(0);
    expect(h.clock).toMatchObject({ factor: 1, paused: false });
  });

  it('runs the stack clock on between updates, and stands still while paused', async () => {
    const pg = await offline();
    const h = pg.hostControls;
    expect(h.stackNow(-1)).toBeGreaterThanOrEqual(0);
    h.clock = { factor: 2, paused: false, stack: 1_000, real: performance.timeOrigin + performance.now() - 100 };
    expect(h.stackNow(-1)).toBeGreaterThanOrEqual(1_200);
    h.clock = { ...h.clock, paused: true };
    expect(h.stackNow(-1)).toBe(1_000);
    h.clock = null;
    expect(h.stackNow(42)).toBe(42);
  });

  it('keeps the accept queues and listening ports the socket views report', async () => {
    const pg = await offline();
    const h = pg.hostControls;
    h.addWaiting(1, 80, 3);
    h.addWaiting(1, 80, 4);
    h.addWaiting(9, 80, 1); // no such host: ignored
    expect(h.hosts[1]!.waiting).toEqual({ 80: [3, 4] });
    h.takeWaiting(1, 80, [3]);
    expect(h.hosts[1]!.waiting).toEqual({ 80: [4] });
    h.setListening(1, [80, 443]);
    expect(h.hosts[1]!.listening).toEqual([80, 443]);
    // A new list of the same hosts keeps what each had.
    h.hostsChanged(h.hosts.map((x) => x.info));
    expect(h.hosts[1]!.listening).toEqual([80, 443]);
    h.clear();
    expect(h.hosts).toEqual([]);
  });
});
