// `npm run kernel-peer -- --room NAME [--relay URL] [--name NAME] [--netns NS | --host-namespace]`
// Puts this machine's Linux kernel into a room through a TUN device (relay/kernel/bridge.ts).
import { hostname } from 'node:os';
import { startKernelBridge, usageHints } from './kernel/bridge.ts';
import type { FaultSpec } from './kernel/faults.ts';

const USAGE = `usage: npm run kernel-peer -- --room NAME [--relay URL] [--name NAME] [--teacher CODE] [--netns NS | --host-namespace]
                            [--device DEV] [--loss P] [--delay MS] [--reorder P] [--duplicate P] [--corrupt P] [--seed N]

Linux only, as root (or with CAP_NET_ADMIN). Joins the room as a host of kind "kernel", creates a
TUN device with the address the relay gives, and forwards IPv4 packets between it and the room.
By default the device lives in a network namespace of its own (--netns, default tcpkp-PID), so the
room's 10.0.x.x addresses stay off this machine's network: reach the room with
"ip netns exec NS COMMAND" (the exact commands are printed once joined). --host-namespace puts the
device in this machine's own namespace instead: only if you know what that does to your routes.
Faults (applied by the bridge to both directions, seeded): --loss, --reorder, --duplicate,
--corrupt are probabilities 0-1, --delay adds milliseconds to every packet.
--teacher CODE joins with the room's teacher code (or chooses it, for a new room); a kernel peer that
creates a room without one prints the code the relay chose.
--relay defaults to $RELAY_URL or http://localhost:8080. Ctrl-C removes the device and namespace.`;

export interface KernelPeerArgs {
  relay: string;
  room: string;
  name: string;
  teacher: string | null;
  netns: string | null;
  device: string;
  faults: FaultSpec;
}

export function parseKernelPeerArgs(argv: string[]): { ok: true; value: KernelPeerArgs } | { ok: false; reason: string } {
  let relay = process.env.RELAY_URL ?? 'http://localhost:8080';
  let room: string | null = null;
  let name = `Linux ${hostname().split('.')[0] ?? 'kernel'}`.slice(0, 40);
  let netns: string | null = `tcpkp-${process.pid}`.slice(0, 15);
  let device = 'tcpkp0';
  let teacher: string | null = null;
  const faults: FaultSpec = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => argv[++i] ?? '';
    const num = (what: keyof FaultSpec): void => {
      const v = value();
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) throw new Error(`${a} needs a number, got "${v}"`);
      faults[what] = n;
    };
    try {
      if (a === '--help' || a === '-h') return { ok: false, reason: USAGE };
      else if (a === '--relay') relay = value();
      else if (a === '--room') room = value();
      else if (a === '--name') name = value();
      else if (a === '--teacher') teacher = value() || null;
      else if (a === '--netns') netns = value();
      else if (a === '--host-namespace') netns = null;
      else if (a === '--device') device = value();
      else if (a === '--loss') num('loss');
      else if (a === '--delay') num('delayMs');
      else if (a === '--reorder') num('reorder');
      else if (a === '--duplicate') num('duplicate');
      else if (a === '--corrupt') num('corrupt');
      else if (a === '--seed') num('seed');
      else return { ok: false, reason: `unknown argument ${a}\n\n${USAGE}` };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  }
  if (!room) return { ok: false, reason: `--room is required\n\n${USAGE}` };
  if (!relay) return { ok: false, reason: '--relay needs a URL' };
  return { ok: true, value: { relay, room, name, teacher, netns, device, faults } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseKernelPeerArgs(process.argv.slice(2));
  if (!args.ok) {
    process.stderr.write(`${args.reason}\n`);
    process.exit(args.reason === USAGE ? 0 : 2);
  }
  if (process.platform !== 'linux') {
    process.stderr.write('the kernel peer needs Linux (a TUN device and network namespaces)\n');
    process.exit(1);
  }
  const a = args.value;
  const log = (l: string): void => void process.stderr.write(`${l}\n`);
  let bridge;
  try {
    bridge = startKernelBridge({ relay: a.relay, room: a.room, name: a.name, teacher: a.teacher, netns: a.netns, device: a.device, faultsOut: a.faults, faultsIn: a.faults, log });
  } catch (e) {
    log((e as Error).message);
    process.exit(2);
  }
  const b = bridge;
  // Cleanup is synchronous, so it runs on every way out: Ctrl-C, kill, or an uncaught error.
  process.on('exit', () => b.stop('exiting'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => process.exit(0));
  b.ready.then((w) => log(usageHints(w, a.netns).join('\n')), () => {});
  const why = await b.done;
  process.exit(why === 'stopped' || why === 'exiting' ? 0 : 1);
}
