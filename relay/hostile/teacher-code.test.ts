// Issue 14 item 7: teacher codes cannot be guessed (attempts are limited per source) and a room
// that empties keeps its teacher code, so the next one in does not become its teacher.
import { expect, test } from 'vitest';
import { codeGuessing, roomTakeover } from './attacks/room-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { CLASS_SOURCE } from './harness.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const { s, idle } = useScenario();

/** Guesses one address may have checked in the few seconds of the attack (the limit is ~5 a minute). */
const MAX_CHECKED_GUESSES = 10;

test('teacher codes guessed from one address: a few are checked, then every attempt is refused', async () => {
  const w = await s().measure(() => codeGuessing(s().target, { classSource: CLASS_SOURCE }));
  expectSurvived('teacher-code guessing', idle(), w);
  expect(w.result.guesses, 'guesses tried').toBeGreaterThanOrEqual(30);
  expect(w.result.admitted, 'guesses admitted as teacher').toBe(0);
  expect.soft(w.result.checked, 'guesses checked (refused as a wrong code, not for too many attempts)').toBeLessThanOrEqual(MAX_CHECKED_GUESSES);
  expect.soft(w.result.realCodeFromAttacker, 'the real code from the guessing address, once limited').not.toBe('teacher');
  expect.soft(w.result.realCodeFromTeacher, 'the real code from the teacher\'s own address').toBe('teacher');
}, ATTACK_TIMEOUT_MS);

test('a room that empties keeps its teacher: the next one in is a student', async () => {
  const w = await s().measure(() => roomTakeover(s().target, { classSource: CLASS_SOURCE }));
  expectSurvived('room takeover', idle(), w);
  expect.soft(w.result.intruderRole, 'the first one into the emptied room, without a code').toBe('student');
  expect.soft(w.result.intruderWithOwnCode, 'an intruder bringing a code of its own').not.toBe('teacher');
  expect.soft(w.result.teacherBack, 'the teacher back with its code').toBe('teacher');
}, ATTACK_TIMEOUT_MS);
