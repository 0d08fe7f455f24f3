// The relay under attack, in a process of its own so that its memory (RSS) is its own: started by
// relay-process.ts with the relay options as JSON in argv[2]. It answers IPC requests for its
// figures; it never exits by itself except when its parent goes away.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRelay, type Relay } from '../relay.ts';
import { RelayOptionsError, type RelayOptions } from '../options.ts';

export type ToRelayChild =
  | { type: 'stats'; id: number }
  | { type: 'rss'; id: number }
  | { type: 'loop'; id: number }
  | { type: 'close'; id: number };

/** The relay's event-loop delay since the previous 'loop' request, ms: how late its timers and
 *  I/O callbacks ran. Tells a relay that is busy from bystanders starved of CPU by the attackers. */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** CPU the relay used over the same span, as a share of one core: near 1 with a late loop is
   *  a busy relay; low with a late loop is a relay the machine did not schedule. */
  cpuShare: number;
}
export type FromRelayChild =
  | { type: 'ready'; port: number; ignoredOptions: string[] }
  | { type: 'failed'; message: string }
  | { type: 'answer'; id: number; value: unknown };

/**
 * Options this relay does not know are dropped (and reported) rather than refused, so the suite
 * can ask for a limit a later relay has and still run against one without it.
 */
async function start(options: RelayOptions): Promise<{ relay: Relay; ignored: string[] }> {
  const ignored: string[] = [];
  const o: Record<string, unknown> = { ...options };
  for (;;) {
    try {
      return { relay: await createRelay(o as RelayOptions), ignored };
    } catch (err) {
      const unknown = err instanceof RelayOptionsError ? [...err.message.matchAll(/unknown option "([^"]+)"/g)].map((m) => m[1]!) : [];
      if (unknown.length === 0) throw err;
      for (const key of unknown) {
        delete o[key];
        ignored.push(key);
      }
    }
  }
}

async function main(): Promise<void> {
  const given = JSON.parse(process.argv[2] ?? '{}') as RelayOptions;
  const { relay, ignored } = await start({ port: 0, host: '127.0.0.1', staticDir: null, log: () => {}, ...given });
  const LOOP_RESOLUTION_MS = 10;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  let cpuFrom = process.cpuUsage();
  let wallFrom = performance.now();
  process.on('message', (m: ToRelayChild) => {
    const answer = (value: unknown): void => void process.send!({ type: 'answer', id: m.id, value } satisfies FromRelayChild);
    if (m.type === 'stats') answer(relay.stats());
    else if (m.type === 'loop') {
      // The histogram holds whole intervals between its samples: the lateness is what exceeds one.
      const ms = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100);
      const cpu = process.cpuUsage(cpuFrom);
      const wallMs = performance.now() - wallFrom;
      const cpuShare = Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, wallMs)) * 100) / 100;
      answer({ p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), cpuShare } satisfies LoopDelay);
      loop.reset();
      cpuFrom = process.cpuUsage();
      wallFrom = performance.now();
    }
    else if (m.type === 'rss') answer(process.memoryUsage().rss);
    else void relay.close().then(() => answer(true));
  });
  // The parent (a test) may die without saying goodbye: never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port: relay.port, ignoredOptions: ignored } satisfies FromRelayChild);
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', message: (err as Error)?.stack ?? String(err) } satisfies FromRelayChild);
  process.exit(1);
});
