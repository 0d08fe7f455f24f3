// The terminal peer and the bot hosts through a real relay on a loopback port.
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startRelay, type TestRelay } from './test-support.ts';
import { startPeer } from './peer.ts';
import { parsePeerArgs } from './peer-main.ts';
import type { TraceEvent } from '../workers/tcp/trace.ts';

let relay: TestRelay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function runPeer(command: Parameters<typeof startPeer>[0]['command'], input: Uint8Array | string) {
  if (!relay) throw new Error('no relay');
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const log: string[] = [];
  const peer = startPeer({ relay: relay.url, room: 'lab', name: 'tester', command, input: stdin, output: stdout, log: (l) => log.push(l), msl: 100 });
  stdin.end(typeof input === 'string' ? input : Buffer.from(input));
  return { peer, out: () => Buffer.concat(chunks), log };
}

describe('bot hosts through the relay', () => {
  it('the echo bot returns 1 MiB intact through the core (hash compared)', async () => {
    relay = await startRelay({ bots: true });
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 131 + 17) & 0xff);
    const p = runPeer({ kind: 'connect', host: 'echo', port: 7 }, data);
    expect(await p.peer.done).toBe(0);
    expect(p.out().length).toBe(data.length);
    expect(sha(p.out())).toBe(sha(data));
    expect(p.log.join('\n')).toMatch(/SYN-SENT → ESTABLISHED/);
    expect(p.log.join('\n')).toMatch(/TIME-WAIT → CLOSED/);
  }, 60_000);

  it('lists the bots in the room and answers daytime, http, discard', async () => {
    relay = await startRelay({ bots: true });
    const d = runPeer({ kind: 'connect', host: '10.0.0.13', port: 13 }, '');
    expect(await d.peer.done).toBe(0);
    expect(d.out().toString()).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n$/);
    expect(d.log[0]).toMatch(/echo 10\.0\.0\.7.*discard 10\.0\.0\.9.*daytime 10\.0\.0\.13.*chargen 10\.0\.0\.19.*http 10\.0\.0\.80/);
    const h = runPeer({ kind: 'connect', host: 'http', port: 80 }, 'GET / HTTP/1.0\r\n\r\n');
    expect(await h.peer.done).toBe(0);
    expect(h.out().toString()).toMatch(/^HTTP\/1\.0 200 OK/);
    const x = runPeer({ kind: 'connect', host: 'discard', port: 9 }, 'x'.repeat(50_000));
    expect(await x.peer.done).toBe(0);
    expect(x.out().length).toBe(0);
  }, 60_000);

  it('a connection to a port nobody listens on is refused with a clear error', async () => {
    relay = await startRelay({ bots: true });
    const p = runPeer({ kind: 'connect', host: 'echo', port: 8 }, '');
    expect(await p.peer.done).toBe(1);
    expect(p.log.join('\n')).toMatch(/ECONNREFUSED/);
  }, 30_000);
});

describe('the terminal peer (npm run peer)', () => {
  it("a connect's first SYN reaches the other end: sent from the welcome handler, not lost to the joined state (RFC 9293 §3.5: no 1 s retransmission)", async () => {
    relay = await startRelay({ bots: true });
    const stdin = new PassThrough();
    const out: TraceEvent[] = [];
    const peer = startPeer({ relay: relay.url, room: 'lab', name: 'tester', command: { kind: 'connect', host: 'echo', port: 7 }, input: stdin, output: new PassThrough(), log: () => {}, msl: 100, trace: (e) => out.push(e) });
    stdin.end('ping');
    expect(await peer.done).toBe(0);
    const segs = out.filter((e): e is Extract<TraceEvent, { type: 'segment' }> => e.type === 'segment' && e.dir === 'out');
    expect(segs.filter((e) => e.reason === 'syn')).toHaveLength(1);
    expect(segs.filter((e) => e.reason === 'retransmit' || e.reason === 'fast-retransmit')).toEqual([]);
    expect(out.filter((e) => e.type === 'timer' && e.action === 'fired' && e.timer === 'retransmit')).toEqual([]);
    const synAt = segs.find((e) => e.reason === 'syn')!.t;
    const est = out.find((e) => e.type === 'state' && e.to === 'ESTABLISHED')!;
    expect(est.t - synAt).toBeLessThan(500);
  }, 30_000);

  it('parses its command line and refuses bad arguments with a reason', () => {
    expect(parsePeerArgs(['--room', 'lab', 'connect', 'echo', '7'])).toMatchObject({ ok: true, value: { room: 'lab', command: { kind: 'connect', host: 'echo', port: 7 } } });
    expect(parsePeerArgs(['--room', 'lab', '--local-port', '5000', 'connect', 'bob', '6000'])).toMatchObject({ ok: true, value: { command: { localPort: 5000 } } });
    expect(parsePeerArgs(['connect', 'echo', '7'])).toMatchObject({ ok: false, reason: expect.stringMatching(/--room is required/) });
    expect(parsePeerArgs(['--room', 'lab', 'connect', 'echo', '99999'])).toMatchObject({ ok: false, reason: expect.stringMatching(/not a port/) });
    expect(parsePeerArgs(['--room', 'lab', 'dance'])).toMatchObject({ ok: false, reason: expect.stringMatching(/expected "connect/) });
  });

  it('two terminal peers, as processes, connect through the relay and transfer data both ways', async () => {
    relay = await startRelay({ bots: true });
    const main = fileURLToPath(new URL('./peer-main.ts', import.meta.url));
    const spawnPeer = (args: string[], input: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', main, '--relay', relay!.url, '--room', 'pair', '--msl', '100', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number>((r) => child.on('exit', (code) => r(code ?? -1)));
      return { child, exited, out: () => out, err: () => err, send: () => child.stdin.end(input) };
    };
    const alice = spawnPeer(['--name', 'alice', 'listen', '5000'], 'hello from alice\n');
    // Wait until alice is listening before bob connects.
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`alice never listened: ${alice.err()}`)), 20_000);
      alice.child.stderr.on('data', () => {
        if (alice.err().includes('listening on')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const bob = spawnPeer(['--name', 'bob', 'connect', 'alice', '5000'], 'hello from bob\n');
    bob.send();
    alice.send();
    const [ea, eb] = await Promise.all([alice.exited, bob.exited]);
    expect(alice.out()).toBe('hello from bob\n');
    expect(bob.out()).toBe('hello from alice\n');
    expect([ea, eb]).toEqual([0, 0]);
    expect(bob.err()).toMatch(/CLOSED → SYN-SENT/);
    expect(alice.err()).toMatch(/LISTEN → SYN-RECEIVED/);
  }, 60_000);
});
