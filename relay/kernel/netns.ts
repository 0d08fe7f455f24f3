// The kernel peer's place on the machine: a network namespace of its own (the default), so the
// room's 10.0.x.x addresses never reach the machine's real network, or the host's namespace for
// users who know what they do. Everything here runs `ip` (iproute2) synchronously, so cleanup
// also works from a process exit handler.
import { spawnSync } from 'node:child_process';

/** Run `ip ARGS`; throws with ip's own message on failure. */
export function ip(args: readonly string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw new Error(`cannot run ip ${args.join(' ')}: ${r.error.message} (install iproute2)`);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Namespace and device names: the kernel allows 15 characters for a device; we use the same
 *  short rule for both. */
export const NAME_RULE = /^[a-z][a-z0-9-]{0,14}$/;

export function namespaceExists(ns: string): boolean {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 && r.stdout.split('\n').some((l) => l.split(' ')[0] === ns);
}

/** Create `ns` with its loopback up. Refuses a namespace that already exists: it may be someone
 *  else's, and we delete ours at exit. */
export function createNamespace(ns: string): void {
  if (!NAME_RULE.test(ns)) throw new Error(`namespace name ${JSON.stringify(ns)} must be 1-15 of a-z 0-9 -, starting with a letter`);
  if (namespaceExists(ns)) throw new Error(`network namespace ${ns} exists already: choose another with --netns, or remove it (ip netns del ${ns})`);
  ip(['netns', 'add', ns]);
  ip(['-n', ns, 'link', 'set', 'lo', 'up']);
}

/** Delete `ns` if it exists; never throws (used on the way out). */
export function deleteNamespace(ns: string): void {
  spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
}

/** Give the TUN device the room address with the room's /16 (which routes the whole room through
 *  it, and nothing else), the relay's MTU, and bring it up. */
export function configureDevice(ns: string | null, device: string, address: string, prefix: number, mtu: number): void {
  const n = ns === null ? [] : ['-n', ns];
  ip([...n, 'addr', 'add', `${address}/${prefix}`, 'dev', device]);
  ip([...n, 'link', 'set', device, 'mtu', String(mtu), 'up']);
}

/** The argv that runs `command` inside `ns` (or as it is in the host's namespace). */
export function inNamespace(ns: string | null, command: readonly string[]): string[] {
  return ns === null ? [...command] : ['ip', 'netns', 'exec', ns, ...command];
}
