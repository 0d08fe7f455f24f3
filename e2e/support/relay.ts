// A relay for UI tests and benchmarks: loopback only, a free port, the built app as its static
// root, bots in every room, quiet, and rate limits high enough for a bulk transfer at full speed
// (the defaults are a classroom's).
import { createRelay, type Relay } from '../../relay/relay.ts';
import type { RelayOptions } from '../../relay/options.ts';

const MiB = 1024 * 1024;

export async function startUiRelay(staticDir: string, options: RelayOptions = {}): Promise<Relay> {
  return createRelay({
    port: 0,
    host: '127.0.0.1',
    staticDir,
    bots: true,
    heartbeatMs: 0,
    log: () => {},
    bytesPerSecond: 1e9,
    byteBurst: 64 * MiB,
    framesPerSecond: 1e6,
    frameBurst: 1e6,
    maxQueuedBytes: 8 * MiB,
    ...options,
  });
}
