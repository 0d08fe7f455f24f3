// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './exercise-list.ts';
import { builtinPack, emptyProgress, progressKey, recordStatus } from '../exercises/index.ts';
import { $, $$, listen, mount, text } from '../components/test-helpers.ts';

afterEach(() => document.body.replaceChildren());

const pack = builtinPack();

describe('<tcp-exercise-list>', () => {
  it('lists every exercise with what it needs and its progress, and sends exercise-select', async () => {
    const hs = pack.exercises.find((e) => e.id === 'handshake')!;
    const first = hs.checks[0]!;
    const progress = recordStatus(emptyProgress(), progressKey(pack.name, 'handshake'), [{ id: first.id, label: first.label, done: true, doneAt: 5 }], 1);
    const el = await mount('tcp-exercise-list', { pack, progress, selected: 'handshake' });
    expect($$(el, 'li')).toHaveLength(pack.exercises.length);
    const row = $(el, 'li[data-id="handshake"]');
    expect(text(row.querySelector('.title'))).toBe(hs.title);
    expect(text(row.querySelector('.progress'))).toBe(`1/${hs.checks.length}`);
    expect(text(row.querySelector('.needs'))).toBe('Needs a bot: echo on port 7');
    expect(row.querySelector('button')!.getAttribute('aria-current')).toBe('true');
    expect(text($(el, 'li[data-needs="offline"] .needs'))).toContain('two hosts in this tab');
    const partner = $$(el, 'li[data-needs="partner"] .needs');
    if (partner.length > 0) expect(text(partner[0])).toContain('second tab');
    const got = listen<{ id: string }>(el, 'exercise-select');
    ($(el, 'li[data-id="four-way-close"] button') as HTMLButtonElement).click();
    expect(got.map((e) => e.detail.id)).toEqual(['four-way-close']);
  });

  it('says when there is no pack', async () => {
    const el = await mount('tcp-exercise-list');
    expect(text($(el, '.empty'))).toContain('No exercise pack');
  });
});
