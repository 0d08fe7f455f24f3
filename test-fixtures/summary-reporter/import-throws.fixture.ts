// A file that throws while it loads: vitest collects no test from it.
import { it } from 'vitest';

throw new Error('this file fails to load on purpose');

it('is never collected', () => {});
