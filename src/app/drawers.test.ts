// @vitest-environment happy-dom
// The drawers: one of sessions and class at a time, Escape closes them, focus lands in a drawer
// that opens; exercises toggles on its own.
import { afterEach, describe, expect, it } from 'vitest';
import { LitElement, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Drawers } from './drawers.ts';
import { mount } from './test-helpers.ts';

afterEach(() => document.body.replaceChildren());

@customElement('test-drawers')
class TestDrawers extends LitElement {
  readonly drawers = new Drawers(this);
  override render() {
    const d = this.drawers;
    return html`${d.sessions || d.klass ? html`<section class="drawer"><header><button>Close</button></header></section>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'test-drawers': TestDrawers;
  }
}

describe('Drawers', () => {
  it('opens sessions with a fresh list and focus inside; class replaces it; Escape closes both', async () => {
    const el = await mount('test-drawers', {});
    let refreshed = 0;
    await el.drawers.toggleSessions(async () => void refreshed++);
    expect(el.drawers.sessions).toBe(true);
    expect(refreshed).toBe(1);
    expect(el.shadowRoot!.activeElement?.textContent).toBe('Close');
    await el.drawers.toggleClass();
    expect(el.drawers).toMatchObject({ sessions: false, klass: true });
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(el.drawers).toMatchObject({ sessions: false, klass: false });
    await el.drawers.toggleSessions(async () => void refreshed++);
    await el.drawers.toggleSessions(async () => void refreshed++);
    expect(el.drawers.sessions).toBe(false);
    expect(refreshed).toBe(2);
  });

  it('toggles the exercises, closing the others', async () => {
    const el = await mount('test-drawers', {});
    el.drawers.set({ sessions: true });
    el.drawers.toggleExercises();
    expect(el.drawers).toMatchObject({ exercises: true, sessions: false, klass: false });
    el.drawers.toggleExercises();
    expect(el.drawers.exercises).toBe(false);
  });
});
