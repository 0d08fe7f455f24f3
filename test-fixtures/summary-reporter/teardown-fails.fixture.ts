// Its one test passes, then the file's afterAll throws.
import { afterAll, expect, it } from 'vitest';

afterAll(() => {
  throw new Error('teardown failed on purpose');
});

it('passes', () => expect(1).toBe(1));
