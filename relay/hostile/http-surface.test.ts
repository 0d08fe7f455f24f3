// Issue 14 items 10 and 11: the static files and packs never follow a symbolic link out of their
// root, every method but GET and HEAD is refused with 405, and every answer carries the security
// headers; an oversized or unparseable request is answered, and the relay stays up.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { headersMethods, symlinkEscape } from './attacks/http-attacks.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

// A static root and a packs root, each with a link out to a directory holding a secret.
const dir = mkdtempSync(join(tmpdir(), 'hostile-http-'));
const SECRET = `SECRET-${process.pid}-${Date.now()}`;
const outside = join(dir, 'outside');
const staticDir = join(dir, 'static');
const packsDir = join(dir, 'packs');
for (const d of [outside, staticDir, packsDir]) mkdirSync(d);
writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
writeFileSync(join(outside, 'secret.json'), JSON.stringify({ name: SECRET, version: 1, exercises: [] }));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>hostile</title>\n');
writeFileSync(join(packsDir, 'basics.json'), JSON.stringify({ name: 'basics', version: 1, exercises: [] }));
symlinkSync(join(outside, 'secret.txt'), join(staticDir, 'leak.txt'));
symlinkSync(outside, join(staticDir, 'linked'));
symlinkSync(join(outside, 'secret.json'), join(packsDir, 'leak.json'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { s, idle } = useScenario({ staticDir, packsDir });

test('symbolic links out of the static and packs roots are not followed', async () => {
  const w = await s().measure(() =>
    symlinkEscape(s().target, { secret: SECRET, paths: ['/leak.txt', '/linked/secret.txt', '/packs/leak.json', '/packs/'] }),
  );
  expectSurvived('symlink escape', idle(), w);
  expect(w.result.indexStatus, 'a plain file in the root').toBe(200);
  expect.soft(w.result.answers, 'answers that carried the secret').toSatisfy((a: typeof w.result.answers) => Object.values(a).every((x) => !x.leaked));
}, ATTACK_TIMEOUT_MS);

test('other methods get 405, every answer has the security headers, bad heads get 431 and 400', async () => {
  const w = await s().measure(() => headersMethods(s().target));
  expectSurvived('headers and methods', idle(), w);
  expect.soft(w.result.methodsServed, 'requests with other methods not answered 405 with Allow').toEqual([]);
  expect.soft(w.result.missingHeaders, 'security headers missing, by answer').toEqual({});
  expect.soft(w.result.oversizedHead, 'a 64 KiB request head').toBe(431);
  expect.soft(w.result.garbage, 'a request line that is not HTTP').toBe(400);
}, ATTACK_TIMEOUT_MS);
