// A test that passes, having started a promise that rejects with nobody to catch it.
import { expect, it } from 'vitest';

it('passes but leaves a rejection unhandled', async () => {
  void Promise.reject(new Error('rejected on purpose, never caught'));
  await new Promise((r) => setTimeout(r, 20));
  expect(1).toBe(1);
});
