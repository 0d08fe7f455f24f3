// SCHEMA.md stays true: its complete example is a valid pack, its predicate snippets compile, and
// it documents every field the engine knows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_FIELDS, EVENT_FIELDS } from './fields.ts';
import { Issues } from './issues.ts';
import { parsePack } from './pack.ts';
import { compilePredicate } from './predicates.ts';

const doc = readFileSync(new URL('./SCHEMA.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const PREDICATE_KEYS = new Set(['then', 'statePath', 'count', 'absent', 'spacing', 'series', 'all', 'any', ...Object.keys(EVENT_FIELDS)]);

describe('SCHEMA.md', () => {
  it('its complete example is a valid pack', () => {
    const packs = blocks.flatMap((b) => {
      try {
        const j = JSON.parse(b) as Record<string, unknown>;
        return 'exercises' in j ? [j] : [];
      } catch {
        return [];
      }
    });
    expect(packs.length).toBeGreaterThan(0);
    for (const p of packs) {
      const r = parsePack(p);
      expect(r.ok ? [] : r.errors).toEqual([]);
    }
  });

  it('every predicate snippet compiles', () => {
    let n = 0;
    for (const b of blocks) {
      let j: unknown;
      try {
        j = JSON.parse(b);
      } catch {
        continue; // a fragment with "…"
      }
      if (typeof j !== 'object' || j === null || Array.isArray(j)) continue;
      const keys = Object.keys(j);
      if (!keys.some((k) => PREDICATE_KEYS.has(k))) continue;
      const issues = new Issues();
      compilePredicate(j, 'doc', issues);
      expect(issues.list, b).toEqual([]);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(6);
  });

  it('names every event type and field', () => {
    for (const [type, fields] of Object.entries(EVENT_FIELDS)) {
      expect(doc, type).toContain(`\`${type}\``);
      for (const f of Object.keys(fields)) expect(doc, `${type}.${f}`).toContain(`\`${f}\``);
    }
    for (const f of Object.keys(COMMON_FIELDS)) expect(doc, f).toContain(`\`${f}\``);
  });
});
