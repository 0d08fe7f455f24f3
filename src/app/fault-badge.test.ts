// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './fault-badge.ts';
import { $, $$, mount, text } from './test-helpers.ts';
import { summarizeFaults } from './fault-summary.ts';
import type { HostFaultState } from './fault-summary.ts';
import { DEFAULT_FAULT_CONFIG } from '../../workers/tcp/sim/fault-config.ts';
import type { ClockState, FaultStatus } from '../../workers/api.ts';
import type { ArmedRule } from '../../workers/tcp/sim/fault-rules.ts';

afterEach(() => document.body.replaceChildren());

const counters = { processed: 0, forwarded: 0, loss: 0, duplicate: 0, reorder: 0, delay: 0, corrupt: 0, 'rate-limit': 0, rule: 0 };
const clock = (factor: number, paused = false): ClockState => ({ factor, paused, stack: 0, real: 0 });

function faults(out: Partial<typeof DEFAULT_FAULT_CONFIG> = {}, inn: Partial<typeof DEFAULT_FAULT_CONFIG> = {}, rules: ArmedRule[] = []): FaultStatus {
  const dir = (c: Partial<typeof DEFAULT_FAULT_CONFIG>, r: ArmedRule[]) => ({ config: { ...DEFAULT_FAULT_CONFIG, ...c }, rules: r, counters: { ...counters }, reorderHeld: 0 });
  return { seed: 1, out: dir(out, rules), in: dir(inn, []) };
}

const host = (f: FaultStatus | null, hold = false, held = 0, hostname = 'ana'): HostFaultState => ({ hostname, faults: f, hold, held });

describe('active faults at a glance', () => {
  it('is empty when nothing is bent', () => {
    expect(summarizeFaults([host(faults())], clock(1))).toEqual([]);
    expect(summarizeFaults([host(null)], null)).toEqual([]);
  });

  it('names every impairment per direction, rules, hold and time', () => {
    const synAck: ArmedRule = { id: 1, kind: 'match', label: 'SYN,ACK', set: 18, clear: 4, payload: 'any', remaining: 1, from: -Infinity, until: Infinity, dropped: 0 };
    const items = summarizeFaults(
      [host(faults({ loss: 0.3, rateBytesPerSec: 64_000 }, { delay: 100, jitter: 20, reorder: 0.05, reorderGap: 3 }, [synAck]), true, 2)],
      clock(0.1, true),
    );
    expect(items.map((i) => i.text)).toEqual([
      'OUT loss 30%, rate 64 kB/s',
      'OUT drop SYN,ACK',
      'IN reorder 5% gap 3, delay 100 ms ±20',
      'hold ON (2 held)',
      'time 0.1×',
      'time paused',
    ]);
  });

  it('names the host when the tab runs several', () => {
    const items = summarizeFaults([host(faults({ loss: 0.1 }), false, 0, 'host-1'), host(faults(), true, 0, 'host-2')], clock(1));
    expect(items.map((i) => i.text)).toEqual(['host-1 OUT loss 10%', 'host-2 hold ON']);
  });
});

describe('<pg-fault-badge>', () => {
  it('says "no faults" quietly when nothing is active', async () => {
    const el = await mount('pg-fault-badge', { items: [] });
    expect(text($(el, '.badge'))).toBe('no faults');
    expect($(el, '.badge').classList.contains('active')).toBe(false);
  });

  it('stands out with every active item, for the eye and for a screen reader', async () => {
    const items = summarizeFaults([host(faults({ loss: 0.3 }), true, 0)], clock(1));
    const el = await mount('pg-fault-badge', { items });
    const badge = $(el, '.badge');
    expect(badge.classList.contains('active')).toBe(true);
    expect($$(el, '.item').map(text)).toEqual(['OUT loss 30%', 'hold ON']);
    expect(badge.getAttribute('aria-label')).toBe('active faults: OUT loss 30%; hold ON');
    let cleared = 0;
    el.addEventListener('clear-faults', () => cleared++);
    ($(el, 'button') as HTMLButtonElement).click();
    expect(cleared).toBe(1);
  });
});
