// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { CSSResult, LitElement } from 'lit';
import './index.ts';
import { theme } from './theme.ts';
import { mount } from './test-helpers.ts';

afterEach(() => document.body.replaceChildren());

const TAGS = ['tcp-state-diagram', 'tcp-ladder', 'tcp-packet-log', 'tcp-packet-detail', 'tcp-tcb-inspector', 'tcp-seq-graph', 'tcp-cwnd-graph'] as const;

describe('theme', () => {
  it('is part of every element’s styles', () => {
    for (const tag of TAGS) {
      const ctor = customElements.get(tag) as unknown as typeof LitElement;
      expect(ctor, tag).toBeDefined();
      expect((ctor.styles as CSSResult[]).includes(theme), tag).toBe(true);
    }
  });

  it('defines light, dark, auto and presentation variables', () => {
    const css = theme.cssText;
    expect(css).toContain("--tcp-bg: #ffffff");
    expect(css).toContain(":host([theme='dark'])");
    expect(css).toContain('prefers-color-scheme: dark');
    expect(css).toContain(':host([presentation])');
    expect(css).toContain(':focus-visible');
    expect(css).toContain('prefers-reduced-motion');
  });

  it('sets the palette only where a theme attribute is, so elements inside inherit the root’s', () => {
    const css = theme.cssText;
    // The bare :host rule uses the variables and defines none: a definition there would cut off
    // the palette inherited from the app's root through the shadow roots.
    const bare = css.slice(css.indexOf(':host {'));
    const block = bare.slice(0, bare.indexOf('}'));
    expect(block).toContain('var(--tcp-bg)');
    expect(block).not.toMatch(/--tcp-[a-z-]+\s*:/);
    expect(css).toContain(':host([theme])');
    expect(css.indexOf('--tcp-bg: #ffffff')).toBeGreaterThan(css.indexOf(':host([theme])'));
    expect(css).toContain('--tcp-log-row: 32px');
    expect(css).toContain('--tcp-ladder-row: 42px');
  });

  it('gives no element a theme or presentation property of its own: they come from the page', async () => {
    for (const tag of TAGS) {
      const el = await mount(tag, {});
      expect('theme' in el, tag).toBe(false);
      expect('presentation' in el, tag).toBe(false);
      expect(el.hasAttribute('theme'), tag).toBe(false);
    }
  });
});

describe('rendering discipline', () => {
  it('never renders trace data as markup: no unsafeHTML or innerHTML in the elements', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    for (const f of readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const src = readFileSync(join(here, f), 'utf8');
      expect(src, f).not.toMatch(/unsafeHTML|unsafeSVG|innerHTML|outerHTML|insertAdjacentHTML/);
    }
  });
});
