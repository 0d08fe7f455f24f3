// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './exercise-panel.ts';
import { builtinPack, parseExercise, planSetup, type CheckStatus, type Exercise } from '../exercises/index.ts';
import { $, $$, listen, mount, text, update } from '../components/test-helpers.ts';
import type { ExerciseSetupDetail, HintOpenDetail, StepArmDetail } from './events.ts';

afterEach(() => document.body.replaceChildren());

const pack = builtinPack();
const tof = pack.exercises.find((e) => e.id === 'true-or-false')!;
const unticked = (ex: Exercise): CheckStatus[] => ex.checks.map((c) => ({ id: c.id, label: c.label, done: false }));

describe('<tcp-exercise-panel>', () => {
  it('reveals hints one at a time and says which one', async () => {
    const el = await mount('tcp-exercise-panel', { exercise: tof, checks: unticked(tof) });
    const got = listen<HintOpenDetail>(el, 'hint-open');
    expect($$(el, '.hint')).toHaveLength(0);
    for (let i = 0; i < tof.hints.length; i++) {
      ($(el, '.more-hint') as HTMLButtonElement).click();
      await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
      expect($$(el, '.hint').map(text)).toEqual(tof.hints.slice(0, i + 1));
    }
    expect($$(el, '.more-hint')).toHaveLength(0);
    expect(got.map((e) => e.detail)).toEqual(tof.hints.map((_, index) => ({ exerciseId: 'true-or-false', index })));
    // Opened hints come back from saved progress too.
    await update(el, { hintsOpened: 1 });
    expect($$(el, '.hint')).toHaveLength(1);
  });

  it('sends the planned worker calls for Set up and for each Arm', async () => {
    const el = await mount('tcp-exercise-panel', { exercise: tof, checks: unticked(tof) });
    const setups = listen<ExerciseSetupDetail>(el, 'exercise-setup');
    const arms = listen<StepArmDetail>(el, 'step-arm');
    ($(el, 'button.setup') as HTMLButtonElement).click();
    expect(setups[0]!.detail).toEqual({ exerciseId: 'true-or-false', needs: 'offline', plan: planSetup(tof.setup) });
    expect(setups[0]!.detail.plan.you).toEqual([{ call: 'configure', settings: expect.objectContaining({ congestionControl: expect.anything() }) }]);
    const armButtons = $$(el, 'button.arm') as HTMLButtonElement[];
    expect(armButtons).toHaveLength(tof.steps.filter((s) => s.apply).length);
    armButtons[0]!.click();
    expect(arms[0]!.detail).toEqual({ exerciseId: 'true-or-false', step: 1, plan: planSetup(tof.steps[1]!.apply) });
    expect(arms[0]!.detail.plan).toEqual({ you: [{ call: 'setHold', on: true }], peer: [{ call: 'setHold', on: true }] });
    expect($$(el, 'li[data-step="0"] button')).toHaveLength(0);
  });

  it('ticks items only from the status given, with when and the evidence; claims show what the stack showed', async () => {
    const checks = unticked(tof);
    const el = await mount('tcp-exercise-panel', { exercise: tof, checks });
    const first = tof.checks[0]!;
    const item = () => $(el, `li[data-id="${first.id}"]`);
    // Clicking an item does nothing: there is no control to tick it by hand.
    (item() as HTMLElement).click();
    await update(el, {});
    expect(item().hasAttribute('data-done')).toBe(false);
    expect(item().querySelectorAll('button, input')).toHaveLength(0);
    expect(text(item().querySelector('.claim'))).toBe(`Claim: “${first.claim}”`);
    expect(text(item().querySelector('.claim-block'))).toContain('What the stack showed: nothing yet');

    const done: CheckStatus[] = checks.map((c, i) => (i === 0 ? { ...c, done: true, doneAt: 1234, evidence: 'SYN seq=1000; SYN,ACK seq=5000 ack=1001; ACK seq=1001 ack=5001' } : c));
    await update(el, { checks: done });
    expect(item().hasAttribute('data-done')).toBe(true);
    expect(text(item().querySelector('.mark'))).toBe('✓');
    expect(text(item().querySelector('.done-at'))).toBe('at 1.234 s');
    expect(text(item().querySelector('.claim-block'))).toContain('What the stack showed: SYN seq=1000; SYN,ACK seq=5000 ack=1001; ACK seq=1001 ack=5001');
    expect(text(item().querySelector('.explain'))).toBe(first.explain);
    expect($$(el, 'li[data-done]')).toHaveLength(1);

    // An item without a claim shows its evidence directly.
    const hs = pack.exercises.find((e) => e.id === 'handshake')!;
    await update(el, { exercise: hs, checks: [{ id: hs.checks[0]!.id, label: hs.checks[0]!.label, done: true, doneAt: 10, evidence: 'SYN seq=42' }] });
    expect(text($(el, `li[data-id="${hs.checks[0]!.id}"] .evidence`))).toBe('SYN seq=42');
  });

  it('renders text from a pack as text, never as markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const r = parseExercise({
      id: 'evil',
      title: `Title ${evil}`,
      goal: `Goal ${evil}`,
      needs: 'offline',
      roles: { you: `you ${evil}` },
      steps: [`Step ${evil}`, { text: `Armed ${evil}`, apply: { hold: true } }],
      hints: [`Hint ${evil}`],
      checks: [{ id: 'c', label: `Label ${evil}`, claim: `Claim ${evil}`, explain: `Explain ${evil}`, when: { error: {} } }],
    });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const el = await mount('tcp-exercise-panel', { exercise: r.value, checks: [{ id: 'c', label: `Label ${evil}`, done: true, doneAt: 1, evidence: `evidence ${evil}` }], hintsOpened: 1 });
    const root = el.shadowRoot!;
    expect(root.querySelectorAll('img')).toHaveLength(0);
    expect(text($(el, 'h2'))).toBe(`Title ${evil}`);
    for (const part of ['Goal', 'you', 'Step', 'Armed', 'Hint', 'Label', 'Claim', 'Explain', 'evidence']) {
      expect(root.textContent).toContain(`${part} ${evil}`);
    }
  });
});
