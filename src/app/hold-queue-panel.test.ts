// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './hold-queue-panel.ts';
import type { HoldActionDetail } from './app-events.ts';
import { $, $$, click, listen, mount, text } from './test-helpers.ts';
import type { HeldPacketView } from '../../workers/api.ts';

afterEach(() => document.body.replaceChildren());

function held(id: number, flagNames: string): HeldPacketView {
  return {
    id, flagNames, flags: 0, length: 0, src: '10.0.1.1', dst: '10.0.1.2', heldAt: 0, bytes: new Uint8Array(40),
    summary: `10.0.1.1:49152 → 10.0.1.2:80 [${flagNames}] seq=0 win=65535 len=0`,
  };
}

const buttonsOf = (el: Element, id: number) => [...$(el, `li[data-id="${id}"]`).querySelectorAll('button')];
const named = (el: Element, id: number, label: string) => buttonsOf(el, id).find((b) => text(b).startsWith(label))!;

describe('<pg-hold-queue>', () => {
  it('turns hold mode on and off', async () => {
    const el = await mount('pg-hold-queue', { host: 1, hold: false, held: [] });
    const got = listen<HoldActionDetail>(el, 'hold-action');
    await click(el, $$(el, 'button')[0]!);
    expect(got[0]!.detail).toEqual({ action: 'hold', host: 1, on: true });
    el.hold = true;
    await el.updateComplete;
    expect($$(el, 'button')[0]!.getAttribute('aria-pressed')).toBe('true');
    await click(el, $$(el, 'button')[0]!);
    expect(got[1]!.detail).toEqual({ action: 'hold', host: 1, on: false });
  });

  it('lists held segments first to leave first, with their summary as text', async () => {
    const el = await mount('pg-hold-queue', { hold: true, held: [held(1, 'SYN'), held(2, 'ACK')] });
    expect($$(el, 'li').map((li) => li.getAttribute('data-id'))).toEqual(['1', '2']);
    expect(text($(el, 'li .summary'))).toContain('[SYN] seq=0');
    expect(text($$(el, 'button')[1]!)).toBe('Release all (2)');
  });

  it('releases, drops, duplicates and moves one segment, and releases all', async () => {
    const el = await mount('pg-hold-queue', { host: 0, hold: true, held: [held(4, 'SYN'), held(5, 'FIN,ACK'), held(6, 'ACK')] });
    const got = listen<HoldActionDetail>(el, 'hold-action');
    await click(el, named(el, 5, 'release'));
    await click(el, named(el, 5, 'drop'));
    await click(el, named(el, 5, 'duplicate'));
    await click(el, named(el, 5, '↑'));
    await click(el, named(el, 5, '↓'));
    await click(el, $$(el, 'button')[1]!);
    expect(got.map((e) => e.detail)).toEqual([
      { action: 'release', host: 0, id: 5 },
      { action: 'drop', host: 0, id: 5 },
      { action: 'duplicate', host: 0, id: 5 },
      { action: 'move', host: 0, id: 5, index: 0 },
      { action: 'move', host: 0, id: 5, index: 2 },
      { action: 'release-all', host: 0 },
    ]);
  });

  it('cannot move the first earlier or the last later', async () => {
    const el = await mount('pg-hold-queue', { hold: true, held: [held(1, 'SYN'), held(2, 'ACK')] });
    expect((named(el, 1, '↑') as HTMLButtonElement).disabled).toBe(true);
    expect((named(el, 2, '↓') as HTMLButtonElement).disabled).toBe(true);
    expect((named(el, 1, '↓') as HTMLButtonElement).disabled).toBe(false);
  });
});
