// `npm run peer -- --room NAME [--relay URL] [--name NAME] connect HOST PORT [--local-port P]`
// `npm run peer -- --room NAME [--relay URL] listen PORT`
import { hostname } from 'node:os';
import { startPeer, type PeerCommand } from './peer.ts';
import type { ProfileName } from '../workers/tcp/settings.ts';

const USAGE = `usage: npm run peer -- --room NAME [--relay URL] [--name NAME] [--profile modern|textbook] [--msl MS] COMMAND

  connect HOST PORT [--local-port P]   open a connection (HOST: a hostname or address in the room)
  listen PORT                          wait for one connection on PORT

Standard input goes to the connection, the connection to standard output. State changes,
errors and notices go to standard error. --relay defaults to $RELAY_URL or http://localhost:8080.`;

export function parsePeerArgs(argv: string[]): { ok: true; value: { relay: string; room: string; name: string; profile: ProfileName; msl?: number; command: PeerCommand } } | { ok: false; reason: string } {
  let relay = process.env.RELAY_URL ?? 'http://localhost:8080';
  let room: string | null = null;
  let name = `${hostname().split('.')[0] ?? 'peer'}-${process.pid}`.slice(0, 40);
  let profile: ProfileName = 'modern';
  let localPort: number | undefined;
  let msl: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string | null => argv[++i] ?? null;
    if (a === '--help' || a === '-h') return { ok: false, reason: USAGE };
    else if (a === '--relay') relay = value() ?? '';
    else if (a === '--room') room = value();
    else if (a === '--name') name = value() ?? '';
    else if (a === '--profile') {
      const p = value();
      if (p !== 'modern' && p !== 'textbook') return { ok: false, reason: `--profile must be modern or textbook, got ${p}` };
      profile = p;
    } else if (a === '--local-port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 1 || p > 65535) return { ok: false, reason: '--local-port must be a port number 1–65535' };
      localPort = p;
    } else if (a === '--msl') {
      const m = Number(value());
      if (!Number.isFinite(m) || m <= 0) return { ok: false, reason: '--msl must be a positive number of milliseconds' };
      msl = m;
    } else if (a.startsWith('--')) return { ok: false, reason: `unknown option ${a}\n\n${USAGE}` };
    else rest.push(a);
  }
  if (!room) return { ok: false, reason: `--room is required\n\n${USAGE}` };
  if (!relay) return { ok: false, reason: '--relay needs a URL' };
  const port = (s: string | undefined): number | null => {
    const n = Number(s);
    return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
  };
  let command: PeerCommand;
  if (rest[0] === 'connect' && rest.length === 3) {
    const p = port(rest[2]);
    if (p === null) return { ok: false, reason: `"${rest[2]}" is not a port number 1–65535` };
    command = { kind: 'connect', host: rest[1]!, port: p, ...(localPort !== undefined ? { localPort } : {}) };
  } else if (rest[0] === 'listen' && rest.length === 2) {
    const p = port(rest[1]);
    if (p === null) return { ok: false, reason: `"${rest[1]}" is not a port number 1–65535` };
    command = { kind: 'listen', port: p };
  } else {
    return { ok: false, reason: `expected "connect HOST PORT" or "listen PORT", got "${rest.join(' ')}"\n\n${USAGE}` };
  }
  return { ok: true, value: { relay, room, name, profile, command, ...(msl !== undefined ? { msl } : {}) } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parsePeerArgs(process.argv.slice(2));
  if (!args.ok) {
    process.stderr.write(`${args.reason}\n`);
    process.exit(args.reason === USAGE ? 0 : 2);
  }
  const peer = startPeer({ ...args.value, input: process.stdin, output: process.stdout, log: (l) => process.stderr.write(`${l}\n`) });
  process.on('SIGINT', () => peer.stop());
  const code = await peer.done;
  process.stdout.write('', () => process.exit(code));
}
