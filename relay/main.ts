// `npm start` entry: parse flags and environment, start the relay, print where to find it,
// and close it cleanly (capture files flushed) on Ctrl-C or SIGTERM.
import { networkInterfaces } from 'node:os';
import { parseCli } from './cli.ts';
import { isHostAllowed } from './host-check.ts';
import { createRelay } from './relay.ts';

/** The URLs students can type: every IPv4 address of this machine when listening on all. */
function reachableUrls(host: string, port: number): string[] {
  if (host !== '0.0.0.0') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}/`];
  const urls = [`http://localhost:${port}/`];
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) {
      if (nic.family === 'IPv4' && !nic.internal) urls.push(`http://${nic.address}:${port}/`);
    }
  }
  return urls;
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (cli.kind === 'help') {
    process.stdout.write(cli.text);
    return;
  }
  if (cli.kind === 'error') {
    console.error(cli.message);
    process.exitCode = 2;
    return;
  }
  const relay = await createRelay(cli.options);
  const o = relay.options;
  console.log(`tcp-playground relay listening on ${o.host}:${relay.port}`);
  for (const url of reachableUrls(o.host, relay.port)) {
    const refused = !isHostAllowed(new URL(url).host, o.allowedHosts);
    console.log(`  open ${url}${refused ? '   (refused: add it with --allowed-host)' : ''}`);
  }
  console.log(`  stats ${relay.url}stats   pcap ${o.pcapDir ?? 'off'}   bots ${o.bots ? 'on' : 'off'}`);
  // The token is for whoever runs the relay: it unlocks room names, display names and addresses.
  console.log(`  admin token ${o.adminToken}   (per-room stats: curl -H 'Authorization: Bearer ${o.adminToken}' ${relay.url}stats)`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      console.log('second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: closing the relay`);
    relay.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error((err as Error).message ?? err);
  process.exit(1);
});
