// The bystanders' process: runs the Bystanders given as JSON in argv[2] (bystander.ts), apart from
// the attackers' event loop so an attacker's own CPU use does not show up as the relay's latency.
// IPC: 'take' answers every bystander's samples since the last take; 'stop' ends them.
import { Bystander, type BystanderOptions, type BystanderSamples } from './bystander.ts';

export type BystanderReady = { type: 'ready'; addresses: string[] };

const list = (JSON.parse(process.argv[2] ?? '[]') as BystanderOptions[]).map((o) => new Bystander(o));

process.on('message', (m: { type: string; id: number }) => {
  if (m.type === 'take') {
    const value: BystanderSamples[] = list.map((b) => b.take());
    process.send!({ type: 'answer', id: m.id, value });
  } else if (m.type === 'stop') {
    for (const b of list) b.stop();
    process.send!({ type: 'answer', id: m.id, value: true });
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));

// Ready once every bystander has joined and completed a first echo round trip.
const started = Date.now();
const wait = setInterval(() => {
  if (list.every((b) => b.joined && b.warmedUp)) {
    clearInterval(wait);
    process.send!({ type: 'ready', addresses: list.map((b) => b.welcome?.address ?? '') } satisfies BystanderReady);
  } else if (Date.now() - started > 15_000) {
    clearInterval(wait);
    console.error('bystanders: not joined and echoing within 15 s');
    process.exit(1);
  }
}, 20);
