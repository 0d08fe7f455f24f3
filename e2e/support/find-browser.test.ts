// Browser discovery (find-browser.ts) on a fake file tree: a fake PATH, a fake Playwright cache
// and fake system paths, each holding (or not) an executable file. It must take them in order,
// skip what is not an executable file, and, when nothing is found, say in one line every path it
// tried and how to install a browser. Then the global setup that uses it, in a real vitest run.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser, type Discovery } from './find-browser.ts';
import { REPO_ROOT } from './build-app.ts';
import { browsersFor } from './browsers-setup.ts';
import { runFixture } from '../../test-fixtures/run-vitest.ts';

let root = '';
const at = (...p: string[]): string => join(root, ...p);

/** An executable file (a shell script that does nothing) at `path`. */
function executable(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'find-browser-'));
  executable(at('own', 'my-chrome'));
  executable(at('playwright', 'chromium-1', 'chrome'));
  executable(at('bin1', 'google-chrome'));
  writeFileSync(at('bin1', 'chromium'), 'not executable'); // a file without x bits is no browser
  mkdirSync(at('bin1', 'chromium-browser')); // nor is a directory
  executable(at('bin2', 'chromium'));
  executable(at('bin2', 'firefox'));
  executable(at('bin2', 'firefox-esr'));
  executable(at('usr', 'bin', 'chromium'));
  mkdirSync(at('empty'));
});

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

const PATH = () => [at('bin1'), at('bin2')].join(delimiter);
const chromium = (env: Record<string, string | undefined>, playwright: string | undefined, systemPaths: string[]): Discovery =>
  findBrowser('chromium', { env, playwrightPath: () => playwright, systemPaths });

describe('finding Chromium', () => {
  it('takes $CHROMIUM first, whatever else there is', () => {
    expect(chromium({ CHROMIUM: at('own', 'my-chrome'), PATH: PATH() }, at('playwright', 'chromium-1', 'chrome'), [at('usr', 'bin', 'chromium')])).toEqual({
      ok: true, path: at('own', 'my-chrome'), via: '$CHROMIUM',
    });
  });

  it('refuses a $CHROMIUM that is no executable file rather than pick another browser', () => {
    const d = chromium({ CHROMIUM: at('own', 'nothing-here'), PATH: PATH() }, at('playwright', 'chromium-1', 'chrome'), []);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.tried).toEqual([at('own', 'nothing-here')]);
    expect(d.message).toBe(`no Chromium for the browser tests: CHROMIUM=${at('own', 'nothing-here')} is not an executable file; point it at one, or unset it to look in the usual places`);
  });

  it("then Playwright's own Chromium, when it is installed", () => {
    expect(chromium({ PATH: PATH() }, at('playwright', 'chromium-1', 'chrome'), [at('usr', 'bin', 'chromium')])).toEqual({
      ok: true, path: at('playwright', 'chromium-1', 'chrome'), via: "Playwright's Chromium",
    });
  });

  it('then PATH, by name in order (chromium before google-chrome), skipping what is not an executable file', () => {
    expect(chromium({ PATH: PATH() }, at('playwright', 'missing', 'chrome'), [at('usr', 'bin', 'chromium')])).toEqual({ ok: true, path: at('bin2', 'chromium'), via: 'PATH' });
    expect(chromium({ PATH: at('bin1') }, undefined, [at('usr', 'bin', 'chromium')])).toEqual({ ok: true, path: at('bin1', 'google-chrome'), via: 'PATH' });
  });

  it('then the system paths, in order', () => {
    expect(chromium({ PATH: at('empty') }, undefined, [at('usr', 'bin', 'chromium-browser'), at('usr', 'bin', 'chromium')])).toEqual({
      ok: true, path: at('usr', 'bin', 'chromium'), via: 'system path',
    });
  });

  it('with none, says in one line every place it looked and how to install one', () => {
    const systemPaths = [at('usr', 'bin', 'chromium-browser'), '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
    const d = chromium({ PATH: [at('empty'), at('empty2')].join(delimiter) }, at('playwright', 'missing', 'chrome'), systemPaths);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
    expect(d.tried).toEqual([
      at('playwright', 'missing', 'chrome'),
      ...names.flatMap((n) => [at('empty', n), at('empty2', n)]),
      ...systemPaths,
    ]);
    expect(d.message).toBe(
      'no Chromium for the browser tests: CHROMIUM is not set; ' +
        `Playwright's Chromium is not at ${at('playwright', 'missing', 'chrome')}; ` +
        `no chromium, chromium-browser, google-chrome or google-chrome-stable in any PATH directory (${at('empty')}${delimiter}${at('empty2')}); ` +
        `none at ${systemPaths.join(', ')}. ` +
        'Install one — Debian: `sudo apt-get install chromium`; Ubuntu: `sudo snap install chromium`; macOS: `brew install --cask chromium` (or install Google Chrome); ' +
        'anywhere: `npx playwright install chromium`; or set CHROMIUM=/path/to/chrome',
    );
  });

  it('names a system path once when PATH already covered it', () => {
    const d = chromium({ PATH: at('empty') }, undefined, [at('empty', 'chromium'), at('usr', 'bin', 'chromium-browser')]);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.message).toContain('Playwright has no Chromium build for this platform');
    expect(d.message).toContain(`none at ${at('usr', 'bin', 'chromium-browser')}.`);
  });

  it("asks the installed Playwright where its Chromium would be, honouring PLAYWRIGHT_BROWSERS_PATH", async () => {
    // In a fresh process: Playwright reads the variable once, when it loads. No system paths: this
    // machine may have a Chromium there.
    const cache = at('pw-cache');
    const probe = async (): Promise<Discovery> => {
      const script = "import('./e2e/support/find-browser.ts').then((m) => console.log(JSON.stringify(m.findBrowser('chromium', { systemPaths: [] }))))";
      const env: Record<string, string | undefined> = { ...process.env, PLAYWRIGHT_BROWSERS_PATH: cache, PATH: at('empty') };
      delete env.CHROMIUM;
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, env });
      return JSON.parse(stdout) as Discovery;
    };
    const before = await probe();
    expect(before.ok).toBe(false);
    if (before.ok) return;
    const expected = before.tried[0]!;
    expect(expected.startsWith(cache + '/chromium-')).toBe(true); // where `npx playwright install chromium` would put it
    executable(expected);
    expect(await probe()).toEqual({ ok: true, path: expected, via: "Playwright's Chromium" });
  });
});

describe('finding Firefox', () => {
  const firefox = (env: Record<string, string | undefined>, systemPaths: string[]): Discovery => findBrowser('firefox', { env, systemPaths });

  it('takes $FIREFOX, then firefox-esr before firefox on PATH, then the system paths', () => {
    expect(firefox({ FIREFOX: at('own', 'my-chrome'), PATH: PATH() }, [])).toMatchObject({ ok: true, via: '$FIREFOX' });
    expect(firefox({ PATH: PATH() }, [])).toEqual({ ok: true, path: at('bin2', 'firefox-esr'), via: 'PATH' });
    expect(firefox({ PATH: at('empty') }, [at('usr', 'bin', 'chromium')])).toEqual({ ok: true, path: at('usr', 'bin', 'chromium'), via: 'system path' });
  });

  it('with none, names every path tried and how to install a stock Firefox', () => {
    const d = firefox({ PATH: at('empty') }, [at('usr', 'bin', 'firefox-esr')]);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.tried).toEqual([at('empty', 'firefox-esr'), at('empty', 'firefox'), at('usr', 'bin', 'firefox-esr')]);
    expect(d.message).not.toContain('\n');
    expect(d.message).toContain(`FIREFOX is not set; no firefox-esr or firefox in any PATH directory (${at('empty')}); none at ${at('usr', 'bin', 'firefox-esr')}. `);
    expect(d.message).toContain('sudo apt-get install firefox-esr');
  });
});

describe('the browser tests\' global setup', () => {
  it('wants Firefox for a file whose name says so, Chromium for every other one', () => {
    expect(browsersFor(['/r/e2e/ui.test.ts', '/r/e2e/endpoint.test.ts'])).toEqual(['chromium']);
    expect(browsersFor(['/r/e2e/firefox.test.ts'])).toEqual(['firefox']);
    expect(browsersFor(['/r/e2e/firefox.test.ts', '/r/e2e/ui.test.ts'])).toEqual(['chromium', 'firefox']);
    expect(browsersFor([])).toEqual(['chromium', 'firefox']);
  });

  it('stops the run before any test runs, with the one line and the closing line, exit code 1', async () => {
    const r = await runFixture('browsers-setup', [], { CHROMIUM: at('own', 'nothing-here'), FIREFOX: at('own', 'my-chrome') });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('FIXTURE RAN');
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('no '))).toEqual([
      `no Chromium for the browser tests: CHROMIUM=${at('own', 'nothing-here')} is not an executable file; point it at one, or unset it to look in the usual places`,
    ]);
    expect(r.lastLine).toBe('tests: 0 passed, 1 failed');
  });

  it('says one line per missing browser, and counts each as a failure', async () => {
    const r = await runFixture('browsers-setup', [], { CHROMIUM: at('own', 'nothing-here'), FIREFOX: at('own', 'no-fox') });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('FIXTURE RAN');
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('no ')).map((l) => l.split(':')[0])).toEqual(['no Chromium for the browser tests', 'no Firefox for the browser tests']);
    expect(r.lastLine).toBe('tests: 0 passed, 2 failed');
  });

  it('looks only for the browsers of the files that run', async () => {
    const r = await runFixture('browsers-setup', ['ran.fixture'], { CHROMIUM: at('own', 'my-chrome'), FIREFOX: at('own', 'no-fox') });
    expect(r.stdout).toContain('THE BROWSER FIXTURE RAN');
    expect(r.lastLine).toBe('tests: 1 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('lets the run go on when the browsers are there', async () => {
    const r = await runFixture('browsers-setup', [], { CHROMIUM: at('own', 'my-chrome'), FIREFOX: at('own', 'my-chrome') });
    expect(r.stdout).toContain('THE BROWSER FIXTURE RAN');
    expect(r.stdout).toContain('THE FIREFOX FIXTURE RAN');
    expect(r.lastLine).toBe('tests: 2 passed, 0 failed');
    expect(r.code).toBe(0);
  });
});
