// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './fault-panel.ts';
import type { FaultActionDetail } from './app-events.ts';
import { $, $$, click, listen, mount, text, type, update } from './test-helpers.ts';
import { DEFAULT_FAULT_CONFIG } from '../../workers/tcp/sim/fault-config.ts';
import { Rules } from '../../workers/tcp/sim/fault-rules.ts';
import type { FaultStatus } from '../../workers/api.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { parseDraft, draftOf } from './fault-panel.ts';

afterEach(() => document.body.replaceChildren());

const counters = { processed: 0, forwarded: 0, loss: 0, duplicate: 0, reorder: 0, delay: 0, corrupt: 0, 'rate-limit': 0, rule: 0 };

function status(patch: Partial<FaultStatus['out']> = {}): FaultStatus {
  const dir = { config: { ...DEFAULT_FAULT_CONFIG }, rules: [], counters: { ...counters }, reorderHeld: 0 };
  return { seed: 1, out: { ...dir, ...patch }, in: { ...dir } };
}

async function panel(host = 0) {
  const el = await mount('pg-fault-panel', { host, status: status() });
  const field = (name: string) => $(el, `input[name=${name}]`) as HTMLInputElement;
  const apply = () => click(el, $(el, 'form button[type=submit]'));
  const button = (label: string) => $$(el, 'button').find((b) => text(b) === label)!;
  return { el, field, apply, button };
}

describe('<pg-fault-panel>', () => {
  it('emits the whole OUT config in the worker’s units', async () => {
    const { el, field, apply } = await panel(1);
    const got = listen<FaultActionDetail>(el, 'fault-action');
    await type(el, field('loss'), '30');
    await type(el, field('duplicate'), '5');
    await type(el, field('reorder'), '10');
    await type(el, field('reorderGap'), '4');
    await type(el, field('reorderTimeout'), '250');
    await type(el, field('delay'), '100');
    await type(el, field('jitter'), '20');
    await type(el, field('corrupt'), '1');
    await type(el, field('rateKBps'), '64');
    await type(el, field('queueLimitBytes'), '32000');
    await apply();
    expect(got.map((e) => e.detail)).toEqual([
      {
        action: 'set',
        host: 1,
        dir: 'out',
        config: { loss: 0.3, duplicate: 0.05, reorder: 0.1, reorderGap: 4, reorderTimeout: 250, delay: 100, jitter: 20, corrupt: 0.01, rateBytesPerSec: 64_000, queueLimitBytes: 32_000 },
      },
    ]);
  });

  it('edits the IN direction separately', async () => {
    const { el, field, apply, button } = await panel();
    const got = listen<FaultActionDetail>(el, 'fault-action');
    await click(el, button('IN (what reaches me)'));
    await type(el, field('delay'), '50');
    await apply();
    expect(got[0]!.detail).toEqual({ action: 'set', host: 0, dir: 'in', config: { ...DEFAULT_FAULT_CONFIG, delay: 50 } });
  });

  it('refuses a value out of range with a reason, and sends nothing', async () => {
    const { el, field, apply } = await panel();
    const got = listen<FaultActionDetail>(el, 'fault-action');
    await type(el, field('loss'), '130');
    await apply();
    expect(got).toHaveLength(0);
    expect(text($(el, '.error'))).toBe('Loss must be a percentage from 0 to 100.');
    expect(field('loss').getAttribute('aria-invalid')).toBe('true');
    await type(el, field('loss'), '3');
    await type(el, field('reorderGap'), '1.5');
    await apply();
    expect(text($(el, '.error'))).toContain('Reorder gap must be a whole number');
  });

  it('"No faults" sends the neutral config', async () => {
    const { el, button } = await panel();
    const got = listen<FaultActionDetail>(el, 'fault-action');
    await click(el, button('No faults OUT'));
    expect(got[0]!.detail).toEqual({ action: 'set', host: 0, dir: 'out', config: { ...DEFAULT_FAULT_CONFIG } });
  });

  it('shows the worker’s config and arms targeted rules', async () => {
    const { el, field, button } = await panel();
    await update(el, { status: status({ config: { ...DEFAULT_FAULT_CONFIG, loss: 0.3 } }) });
    expect(field('loss').value).toBe('30');
    expect(text($(el, '.now'))).toBe('OUT now: loss 30%');
    const got = listen<FaultActionDetail>(el, 'fault-action');
    await click(el, button('next SYN,ACK'));
    await click(el, button('next FIN'));
    await click(el, button('next final ACK'));
    await click(el, button('drop the Nth segment'));
    await click(el, button('blackout for T'));
    expect(got.map((e) => e.detail)).toEqual([
      { action: 'add-rule', host: 0, dir: 'out', rule: Rules.synAck() },
      { action: 'add-rule', host: 0, dir: 'out', rule: Rules.fin() },
      { action: 'add-rule', host: 0, dir: 'out', rule: Rules.pureAck() },
      { action: 'add-rule', host: 0, dir: 'out', rule: { kind: 'nth', n: 3 } },
      { action: 'add-rule', host: 0, dir: 'out', rule: { kind: 'blackout', duration: 500 } },
    ]);
    expect(Rules.synAck()).toMatchObject({ set: Flag.SYN | Flag.ACK });
  });

  it('lists armed rules with remove and clear', async () => {
    const { el, button } = await panel();
    const rule = { id: 7, kind: 'match' as const, label: 'SYN,ACK', set: 18, clear: 4, payload: 'any' as const, remaining: 1, from: -Infinity, until: Infinity, dropped: 0 };
    await update(el, { status: status({ rules: [rule] }) });
    expect(text($(el, 'ul[aria-label="armed rules"]'))).toContain('drop SYN,ACK');
    const got = listen<FaultActionDetail>(el, 'fault-action');
    await click(el, button('remove'));
    await click(el, button('Clear rules'));
    expect(got.map((e) => e.detail)).toEqual([
      { action: 'remove-rule', host: 0, dir: 'out', id: 7 },
      { action: 'clear-rules', host: 0, dir: 'out' },
    ]);
  });

  it('round-trips every default through the form', () => {
    expect(parseDraft(draftOf(DEFAULT_FAULT_CONFIG))).toEqual({ ok: true, config: { ...DEFAULT_FAULT_CONFIG } });
  });
});
