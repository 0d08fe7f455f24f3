// Command line and environment → relay options. Kept apart from main.ts so it can be tested
// without starting anything.
import { parseArgs } from 'node:util';
import { DEFAULTS, type RelayOptions } from './options.ts';

export type CliResult =
  | { kind: 'run'; options: RelayOptions }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

const MiB = 1024 * 1024;

export const HELP = `tcp-playground relay: serves the UI (dist/) and the WebSocket rooms on one port.

Usage: npm start -- [options]        (builds the UI, then runs tsx relay/main.ts)
       npx tsx relay/main.ts [options]

Options (defaults in brackets):
  --port N                   port for HTTP and WebSocket [env PORT, else ${DEFAULTS.port}]
  --host ADDR                interface to listen on [${DEFAULTS.host}: reachable from the LAN,
                             as a workshop needs; use 127.0.0.1 to keep it on this machine]
  --mtu N                    largest packet forwarded, 68-65535 [${DEFAULTS.mtu}]
  --origin URL               also allow browser pages from this origin (repeatable; * = any)
                             [same origin and localhost pages only]
  --pcap-dir DIR             write each room's traffic to DIR/<room>-<time>.pcap [off]
  --packs-dir DIR            serve the exercise packs in DIR at /packs/ (a listing) and /packs/NAME.json [off]
  --no-bots                  do not add the built-in bot hosts to rooms [bots on]
  --static-dir DIR           serve the UI from DIR [dist/]
  --heartbeat-ms N           ping interval; silent clients are dropped after two [${DEFAULTS.heartbeatMs}]
  --max-clients N            clients on the relay [${DEFAULTS.maxClients}]
  --max-clients-per-room N   clients in one room [${DEFAULTS.maxClientsPerRoom}]
  --frames-per-second N      per-client message rate [${DEFAULTS.framesPerSecond}]
  --bytes-per-second N       per-client byte rate [${DEFAULTS.bytesPerSecond / MiB} MiB]
  --max-queued-bytes N       bytes queued for one receiver before frames to it drop [${DEFAULTS.maxQueuedBytes / 1024} KiB]
  HTTP side:
  --admin-token TOKEN        token for per-room detail in /stats [env RELAY_ADMIN_TOKEN, else
                             a random one, printed at start]
  --allowed-host HOST        answer only to this Host (repeatable; e.g. 192.168.1.20:8080 or
                             relay.lan; localhost always): the defence against DNS rebinding [any]
  --max-connections-per-source N  open connections from one address, WebSockets included [${DEFAULTS.maxConnectionsPerSource}]
  --headers-timeout-ms N     time to send a request's headers [${DEFAULTS.headersTimeoutMs}]
  --request-timeout-ms N     time to send a whole request [${DEFAULTS.requestTimeoutMs}]
  --keep-alive-timeout-ms N  idle keep-alive connections close after [${DEFAULTS.keepAliveTimeoutMs}]
  --idle-timeout-ms N        an HTTP socket silent both ways closes after [${DEFAULTS.idleTimeoutMs}]
  --max-header-bytes N       largest request head; larger gets 431 [${DEFAULTS.maxHeaderBytes}]
  --max-clients-per-source N clients from one address [${DEFAULTS.maxClientsPerSource}]
  --joins-per-source-per-second N
                             joins from one address per second, after a burst of 2 x max-clients-per-source [${DEFAULTS.joinsPerSourcePerSecond}]
  --teacher-code-hold-seconds N
                             an emptied room keeps its teacher code this long [${DEFAULTS.teacherCodeHoldSeconds}]
  --teacher-code-attempts-per-minute N
                             wrong teacher codes allowed per address and minute [${DEFAULTS.teacherCodeAttemptsPerMinute}]
  --pcap-max-file-bytes N    largest capture file; a full one is rotated [${DEFAULTS.pcapMaxFileBytes / MiB} MiB]
  --pcap-max-total-bytes N   all capture files together; the oldest are deleted [${DEFAULTS.pcapMaxTotalBytes / MiB} MiB]
  --pcap-max-files N         capture files kept; the oldest are deleted [${DEFAULTS.pcapMaxFiles}]
  -h, --help                 this text

Endpoints: /  the UI    /ws?room=ROOM&name=NAME  the WebSocket (relay/PROTOCOL.md)
           /stats  counts as JSON (with the admin token: every room and host)    /healthz  liveness
`;

const INT_FLAGS = {
  port: 'port',
  mtu: 'mtu',
  'heartbeat-ms': 'heartbeatMs',
  'max-clients': 'maxClients',
  'max-clients-per-room': 'maxClientsPerRoom',
  'frames-per-second': 'framesPerSecond',
  'bytes-per-second': 'bytesPerSecond',
  'max-queued-bytes': 'maxQueuedBytes',
  'max-connections-per-source': 'maxConnectionsPerSource',
  'headers-timeout-ms': 'headersTimeoutMs',
  'request-timeout-ms': 'requestTimeoutMs',
  'keep-alive-timeout-ms': 'keepAliveTimeoutMs',
  'idle-timeout-ms': 'idleTimeoutMs',
  'max-header-bytes': 'maxHeaderBytes',
  'max-clients-per-source': 'maxClientsPerSource',
  'joins-per-source-per-second': 'joinsPerSourcePerSecond',
  'teacher-code-hold-seconds': 'teacherCodeHoldSeconds',
  'teacher-code-attempts-per-minute': 'teacherCodeAttemptsPerMinute',
  'pcap-max-file-bytes': 'pcapMaxFileBytes',
  'pcap-max-total-bytes': 'pcapMaxTotalBytes',
  'pcap-max-files': 'pcapMaxFiles',
} as const satisfies Record<string, keyof RelayOptions>;

function parseInteger(label: string, text: string): number | string {
  if (!/^\d+$/.test(text)) return `${label} needs a whole number, got ${JSON.stringify(text)}`;
  return Number(text);
}

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        origin: { type: 'string', multiple: true },
        'pcap-dir': { type: 'string' },
        'packs-dir': { type: 'string' },
        'no-bots': { type: 'boolean' },
        'static-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'admin-token': { type: 'string' },
        'allowed-host': { type: 'string', multiple: true },
        ...Object.fromEntries(Object.keys(INT_FLAGS).map((k) => [k, { type: 'string' as const }])),
      },
    });
  } catch (err) {
    return { kind: 'error', message: `${(err as Error).message}\nRun with --help for the options.` };
  }
  const v = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (v.help === true) return { kind: 'help', text: HELP };

  const options: RelayOptions = {};
  const portText = (v.port as string | undefined) ?? env.PORT;
  for (const [flag, key] of Object.entries(INT_FLAGS)) {
    const text = flag === 'port' ? portText : (v[flag] as string | undefined);
    if (text === undefined || text === '') continue;
    const n = parseInteger(flag === 'port' && v.port === undefined ? 'environment variable PORT' : `--${flag}`, text);
    if (typeof n === 'string') return { kind: 'error', message: n };
    options[key] = n;
  }
  if (typeof v.host === 'string') options.host = v.host;
  if (Array.isArray(v.origin)) options.allowedOrigins = v.origin;
  if (typeof v['pcap-dir'] === 'string') options.pcapDir = v['pcap-dir'];
  if (typeof v['packs-dir'] === 'string') options.packsDir = v['packs-dir'];
  if (typeof v['static-dir'] === 'string') options.staticDir = v['static-dir'];
  if (v['no-bots'] === true) options.bots = false;
  const adminToken = (v['admin-token'] as string | undefined) ?? env.RELAY_ADMIN_TOKEN;
  if (adminToken !== undefined && adminToken !== '') options.adminToken = adminToken;
  if (Array.isArray(v['allowed-host'])) options.allowedHosts = v['allowed-host'];
  return { kind: 'run', options };
}
