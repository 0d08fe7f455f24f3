// A suite whose beforeAll throws: its two runnable tests never run. One test beside it passes.
import { beforeAll, describe, expect, it } from 'vitest';

describe('a suite that cannot set up', () => {
  beforeAll(() => {
    throw new Error('setup failed on purpose');
  });
  it('would pass', () => expect(1).toBe(1));
  it('would pass too', () => expect(2).toBe(2));
  it.skip('is skipped by its declaration', () => {});
});

it('passes outside the suite', () => expect(3).toBe(3));
