// Two passing tests, one skipped by its declaration and one that skips itself while running.
import { expect, it } from 'vitest';

it('adds', () => expect(1 + 1).toBe(2));
it('concatenates', () => expect('a' + 'b').toBe('ab'));
it.skip('is skipped by its declaration', () => {});
it('skips itself', (ctx) => ctx.skip());
