// Finding the browsers the browser tests and benchmarks drive, the same way for every one of
// them: a variable the user set, else Playwright's own Chromium where `npx playwright install
// chromium` put it, else the usual system places. Nothing here downloads a browser: when none is
// found, the answer is one line saying where it looked and how to install one.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createRequire } from 'node:module';

export type BrowserKind = 'chromium' | 'firefox';

export type Discovery =
  | { ok: true; path: string; /** How it was found, for a log line: "$CHROMIUM", "Playwright's Chromium", "PATH", "system path". */ via: string }
  | { ok: false; /** Every path looked at, in order. */ tried: string[]; /** One line: what was looked for and how to install one. */ message: string };

export interface DiscoveryInput {
  /** The environment to read the variable and PATH from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where Playwright's own build would be (default: asks the installed Playwright); undefined for none. */
  playwrightPath?: () => string | undefined;
  /** The fixed places to look after PATH (default: this platform's usual ones). */
  systemPaths?: readonly string[];
}

interface Spec {
  title: string;
  variable: string;
  names: readonly string[];
  systemPaths: readonly string[];
  install: string;
}

const SPECS: Record<BrowserKind, Spec> = {
  chromium: {
    title: 'Chromium',
    variable: 'CHROMIUM',
    names: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'],
    systemPaths: [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/snap/bin/chromium',
      '/usr/bin/google-chrome',
      '/usr/bin/google-chrome-stable',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
    ],
    install:
      'Debian: `sudo apt-get install chromium`; Ubuntu: `sudo snap install chromium`; macOS: `brew install --cask chromium` (or install Google Chrome); ' +
      'anywhere: `npx playwright install chromium`; or set CHROMIUM=/path/to/chrome',
  },
  firefox: {
    title: 'Firefox',
    variable: 'FIREFOX',
    names: ['firefox-esr', 'firefox'],
    systemPaths: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'],
    // Playwright's own Firefox is a patched build it drives over its own protocol; the tests drive a
    // stock Firefox over WebDriver BiDi, so only a stock one will do.
    install:
      'Debian: `sudo apt-get install firefox-esr`; Ubuntu: `sudo snap install firefox`; macOS: `brew install --cask firefox`; ' +
      'or set FIREFOX=/path/to/firefox (a stock Firefox, not Playwright\'s patched build)',
  },
};

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The path of the Chromium build the installed Playwright expects, whether or not it is there. */
function playwrightChromiumPath(): string | undefined {
  try {
    // Loaded lazily: Playwright reads PLAYWRIGHT_BROWSERS_PATH once, when it is first loaded.
    const { chromium } = createRequire(import.meta.url)('@playwright/test') as { chromium: { executablePath(): string } };
    return chromium.executablePath();
  } catch {
    return undefined; // no Playwright build for this platform
  }
}

export function findBrowser(kind: BrowserKind, input: DiscoveryInput = {}): Discovery {
  const spec = SPECS[kind];
  const env = input.env ?? process.env;
  const set = env[spec.variable];
  if (set !== undefined && set !== '') {
    if (isExecutableFile(set)) return { ok: true, path: set, via: `$${spec.variable}` };
    return {
      ok: false,
      tried: [set],
      message: `no ${spec.title} for the browser tests: ${spec.variable}=${set} is not an executable file; point it at one, or unset it to look in the usual places`,
    };
  }
  const tried: string[] = [];
  const look = (path: string): boolean => {
    if (tried.includes(path)) return false;
    tried.push(path);
    return isExecutableFile(path);
  };
  const said: string[] = [`${spec.variable} is not set`];
  if (kind === 'chromium') {
    const pw = (input.playwrightPath ?? playwrightChromiumPath)();
    if (pw !== undefined && look(pw)) return { ok: true, path: pw, via: "Playwright's Chromium" };
    said.push(pw === undefined ? 'Playwright has no Chromium build for this platform' : `Playwright's Chromium is not at ${pw}`);
  }
  const dirs = [...new Set((env.PATH ?? '').split(delimiter).filter((d) => d !== ''))];
  for (const name of spec.names) {
    for (const dir of dirs) {
      const path = join(dir, name);
      if (look(path)) return { ok: true, path, via: 'PATH' };
    }
  }
  const names = `${spec.names.slice(0, -1).join(', ')} or ${spec.names.at(-1)}`;
  said.push(`no ${names} in any PATH directory (${dirs.join(delimiter)})`);
  const fixed = (input.systemPaths ?? spec.systemPaths).filter((path) => !tried.includes(path));
  for (const path of fixed) {
    if (look(path)) return { ok: true, path, via: 'system path' };
  }
  if (fixed.length > 0) said.push(`none at ${fixed.join(', ')}`);
  return { ok: false, tried, message: `no ${spec.title} for the browser tests: ${said.join('; ')}. Install one — ${spec.install}` };
}

const cache = new Map<BrowserKind, string>();

/** The browser's path, found once per process; throws the one-line message when there is none. */
export function browserPath(kind: BrowserKind): string {
  const known = cache.get(kind);
  if (known !== undefined) return known;
  const found = findBrowser(kind);
  if (!found.ok) throw new Error(found.message);
  cache.set(kind, found.path);
  return found.path;
}
