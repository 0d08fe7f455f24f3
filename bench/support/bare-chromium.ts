// A Chromium (e2e/support/find-browser.ts finds it) driven through a bare DevTools connection: pages opened and scripts run in
// them, nothing else. Playwright enables the Network domain on every page and worker, and then
// Chromium copies every WebSocket frame, base64-encoded, to the test process: during a bulk
// transfer that is tens of thousands of events a second, taking the browser's main thread, the
// DevTools pipe and the test process's CPU on a 2-core machine, so it measured its own overhead
// instead of the app's frames. A user's browser does none of this; this harness does none either.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, chromiumPath } from '../../e2e/support/browser.ts';
import { treeCpuMs } from './process-cpu.ts';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class BareBrowser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(
    private readonly proc: ChildProcess,
    private readonly ws: WebSocket,
    private readonly profileDir: string,
  ) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id === undefined) return; // events: none are enabled but the ones we ask for
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('the browser closed its DevTools connection'));
      this.pending.clear();
    });
  }

  static async launch(options: { width?: number; height?: number } = {}): Promise<BareBrowser> {
    const executable = chromiumPath();
    const profileDir = mkdtempSync(join(tmpdir(), 'bare-chromium-'));
    const proc = spawn(
      executable,
      [
        '--headless',
        ...CHROMIUM_ARGS,
        `--window-size=${options.width ?? 1280},${options.height ?? 720}`,
        `--user-data-dir=${profileDir}`,
        '--remote-debugging-port=0',
        'about:blank',
      ],
      { stdio: 'ignore' },
    );
    // A benchmark that gives up (its hard time limit calls process.exit) must not leave a browser
    // behind: exit handlers still run then.
    const killOnExit = (): void => void proc.kill('SIGKILL');
    process.on('exit', killOnExit);
    proc.once('exit', () => process.off('exit', killOnExit));
    // Chromium writes its DevTools port and path to the profile once it listens.
    const portFile = join(profileDir, 'DevToolsActivePort');
    let endpoint = '';
    for (let i = 0; i < 200 && endpoint === ''; i++) {
      try {
        const [port, path] = readFileSync(portFile, 'utf8').split('\n');
        if (port && path) endpoint = `ws://127.0.0.1:${port}${path}`;
      } catch {
        /* not yet */
      }
      if (endpoint === '') await new Promise((r) => setTimeout(r, 50));
    }
    if (endpoint === '') {
      proc.kill('SIGKILL');
      rmSync(profileDir, { recursive: true, force: true });
      throw new Error(`${executable} did not open its DevTools port within 10 s`);
    }
    const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const browser = new BareBrowser(proc, ws, profileDir);
    // The window Chromium opens with: not one of ours, nothing to draw.
    const { targetInfos } = await browser.send<{ targetInfos: { targetId: string; type: string }[] }>('Target.getTargets');
    for (const t of targetInfos) if (t.type === 'page') await browser.send('Target.closeTarget', { targetId: t.targetId });
    return browser;
  }

  send<T = unknown>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }));
    });
  }

  /**
   * A new page at `url` in a browser context of its own, as Playwright's browser.newPage() makes
   * them: each is shown (its frames are drawn), and no window chrome (omnibox pages) comes along,
   * which `newWindow` brings in headless mode, with a renderer of its own busy the whole time.
   */
  async newPage(url: string): Promise<BarePage> {
    const { browserContextId } = await this.send<{ browserContextId: string }>('Target.createBrowserContext', { disposeOnDetach: true });
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', { url, browserContextId });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
    return new BarePage(this, targetId, sessionId);
  }

  /**
   * Wait until the browser's processes together use less than `busyMs` of CPU in a span of
   * `spanMs`, at most `timeoutMs`: resolves to how long it waited and whether they did, or null
   * where CPU cannot be read (no /proc).
   * Each window opened brings its own renderer for the omnibox popup (chrome://omnibox-popup),
   * which builds itself over the next two seconds or so, 0.7 s of CPU; measured frames must not
   * share the cores with that.
   */
  async settle(options: { spanMs?: number; busyMs?: number; timeoutMs?: number } = {}): Promise<{ waitedMs: number; quiet: boolean } | null> {
    const { spanMs = 500, busyMs = 50, timeoutMs = 15_000 } = options;
    const pid = this.proc.pid;
    if (pid === undefined) return null;
    const from = Date.now();
    let before = treeCpuMs(pid);
    if (before === null) return null;
    while (Date.now() - from < timeoutMs) {
      await new Promise((r) => setTimeout(r, spanMs));
      const now = treeCpuMs(pid);
      if (now === null) return null;
      if (now - before < busyMs) return { waitedMs: Date.now() - from, quiet: true };
      before = now;
    }
    return { waitedMs: Date.now() - from, quiet: false };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await Promise.race([this.send('Browser.close'), new Promise((r) => setTimeout(r, 2_000))]);
    } catch {
      /* already gone */
    }
    this.ws.close();
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGKILL');
      await exited;
    }
    // The renderers may still be writing the profile as they die: retry, and leave it to the
    // system's temporary directory rather than fail a finished benchmark.
    try {
      rmSync(this.profileDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      /* left in tmpdir */
    }
  }
}

export class BarePage {
  constructor(
    private readonly browser: BareBrowser,
    readonly targetId: string,
    private readonly sessionId: string,
  ) {}

  /** Evaluate an expression in the page (promises awaited) and return its value as JSON. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.browser.send<{ result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      this.sessionId,
    );
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /**
   * Run `fn(arg)` in the page, like Playwright's page.evaluate: `fn` is sent as its source text,
   * so it may use only its argument and the page's globals (no closures, no named inner functions,
   * which tsx would wrap in a helper the page lacks); `arg` and the result cross as JSON.
   */
  call<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
    return this.evaluate<T>(`(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`);
  }

  /** Evaluate until the value is truthy (every 50 ms, at most `timeoutMs`). */
  async waitFor<T>(expression: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate<T>(expression);
      if (v) return v;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${expression.slice(0, 200)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    await this.browser.send('Target.closeTarget', { targetId: this.targetId });
  }
}
