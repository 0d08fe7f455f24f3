import { describe, expect, it } from 'vitest';
import { groupDigits } from './labels.ts';

describe('groupDigits', () => {
  it('groups thousands with commas, as English does', () => {
    for (const n of [0, 7, 999, 1_000, 26_082, 100_000, 1_234_567, -4_321, Number.MAX_SAFE_INTEGER]) {
      expect(groupDigits(n)).toBe(n.toLocaleString('en'));
    }
  });

  it('leaves what is not a whole number as String() writes it', () => {
    expect(groupDigits(1.5)).toBe('1.5');
    expect(groupDigits(Infinity)).toBe('Infinity');
    expect(groupDigits(NaN)).toBe('NaN');
  });
});
