// The interop suite's handles on Linux: whether this machine can run it (root, /dev/net/tun,
// network namespaces, python3), the Linux-side socket tools run inside the bridge's namespace,
// and `ss` there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deleteNamespace } from '../kernel/netns.ts';

const TOOLS = fileURLToPath(new URL('./linux-tools.py', import.meta.url));

/** Why the suite cannot run here, or null when it can. Only true unavailability counts. */
export function unavailableReason(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not running as root (the bridge needs CAP_NET_ADMIN)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun does not exist';
  if (spawnSync('python3', ['-c', 'pass']).status !== 0) return 'python3 is missing';
  const probe = `tcpkp-probe${process.pid % 1000}`;
  const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (r.error) return `ip (iproute2) is missing: ${r.error.message}`;
  deleteNamespace(probe);
  if (r.status !== 0) return `network namespaces are unavailable: ${r.stderr.trim()}`;
  return null;
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export interface ToolResult {
  sent?: number;
  sentSha?: string;
  received?: number;
  receivedSha?: string;
  eof?: boolean;
  status?: string;
  body?: string;
  peer?: string;
}

export interface LinuxTool {
  /** Resolves once the tool printed `line` on standard error ("listening", "connecting"). */
  said(line: string): Promise<void>;
  result: Promise<ToolResult>;
  kill(): void;
}

/** Run one linux-tools.py command inside `ns`, bounded by `timeoutMs`. */
export function linuxTool(ns: string, args: readonly (string | number)[], timeoutMs = 40_000): LinuxTool {
  const child = spawn('ip', ['netns', 'exec', ns, 'python3', '-u', TOOLS, ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiting: { line: string; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    err += t;
    for (const w of [...waiting]) if (err.split('\n').includes(w.line)) w.resolve();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const result = new Promise<ToolResult>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as ToolResult);
      else reject(new Error(`linux-tools ${args.join(' ')} failed (${signal ?? code}${signal === 'SIGKILL' ? `, over ${timeoutMs} ms` : ''}): ${err.trim()}`));
    });
  });
  result.catch(() => {});
  return {
    said: (line) =>
      new Promise<void>((resolve, reject) => {
        if (err.split('\n').includes(line)) return resolve();
        waiting.push({ line, resolve });
        result.then(() => reject(new Error(`linux-tools ended before saying ${line}`)), reject);
      }),
    result,
    kill: () => child.kill('SIGKILL'),
  };
}

/** `ss -tanH` in `ns`: one { state, local, remote } per TCP socket. */
export function ss(ns: string): { state: string; local: string; remote: string }[] {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-tanH'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const f = l.trim().split(/\s+/);
      return { state: f[0]!, local: f[3]!, remote: f[4]! };
    });
}

/** The namespace's own TCP counters (`nstat`, absolute, history left alone): e.g. TcpRetransSegs,
 *  TcpExtTCPLossProbes, TcpExtTCPTimeouts, TcpExtTCPFastRetrans. */
export function nstat(ns: string): Record<string, number> {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'nstat', '-asz'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nstat failed: ${r.stderr}`);
  const out: Record<string, number> = {};
  for (const line of r.stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 2 && /^[A-Za-z]/.test(f[0]!) && !f[0]!.startsWith('#')) out[f[0]!] = Number(f[1]);
  }
  return out;
}
