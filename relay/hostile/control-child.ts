// The control: a process that does nothing but measure how late its own timers run. What it sees
// is the machine's share of the blame for a late round trip (other programs on a shared machine,
// the attackers' own CPU), which no fix in the relay can remove. IPC 'take' answers its lateness
// since the previous take, in ms.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;
const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
h.enable();
const late = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

process.on('message', (m: { type: string; id: number }) => {
  if (m.type !== 'take') return;
  process.send!({ type: 'answer', id: m.id, value: { p95: late(h.percentile(95)), p99: late(h.percentile(99)), max: late(h.max) } });
  h.reset();
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
