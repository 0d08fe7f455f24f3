// The room tap writes what the relay forwards, and nothing else, to a pcap file per room.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LINKTYPE_RAW, readPcap } from '../workers/tcp/pcap.ts';
import { startRelay, tcpFrame, TestClient, waitFor, type TestRelay } from './test-support.ts';

let relay: TestRelay;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-pcap-'));
});
afterEach(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

function packetsOf(file: string): Uint8Array[] {
  const read = readPcap(readFileSync(file));
  if (!read.ok) throw new Error(read.reason);
  expect(read.value.linkType).toBe(LINKTYPE_RAW);
  return read.value.packets.map((p) => new Uint8Array(p.bytes));
}

describe('room tap', () => {
  it('writes the forwarded frames of each room to its own pcap file, closed when the room ends', async () => {
    relay = await startRelay({ pcapDir: join(dir, 'captures') }); // created on demand
    const a = await TestClient.join(relay, 'lab', 'A');
    const b = await TestClient.join(relay, 'lab', 'B');
    const other = await TestClient.join(relay, 'other', 'O');
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const ab = tcpFrame(a.address, b.address, 100 * i, i);
      const ba = tcpFrame(b.address, a.address, 1460, 1000 + i);
      a.send(ab);
      await b.waitFrames(i + 1);
      b.send(ba);
      await a.waitFrames(i + 1);
      sent.push(ab, ba);
    }
    a.send(tcpFrame(b.address, a.address)); // spoofed: not forwarded, not captured
    a.send(tcpFrame(a.address, '10.0.1.77')); // unreachable: not captured
    await a.next('unreachable');

    const lab = relay.stats().rooms.find((r) => r.name === 'lab')!;
    expect(lab.pcap?.file).toMatch(/[/\\]lab-\d{8}T\d{6}-\d{3}Z\.pcap$/);
    expect(lab.pcap?.records).toBe(10);
    await a.close();
    await b.close();
    // The room ended with its last client: its file is complete without closing the relay.
    await waitFor(() => relay.room('lab') === undefined, 'the room to end');
    await waitFor(() => packetsOf(lab.pcap!.file!).length === 10, 'the capture to be flushed');
    expect(packetsOf(lab.pcap!.file!)).toEqual(sent);

    // A room without traffic opens no file at all (issue 14: room creations alone filled the
    // directory); its snapshot says so.
    expect(relay.stats().rooms.find((r) => r.name === 'other')!.pcap).toMatchObject({ file: null, files: 0, records: 0 });
    await relay.close();
    await other.closed;
    const files = readdirSync(join(dir, 'captures')).sort();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^lab-/);
  });

  // Wireshark's own reader, where it is installed (it is not a dependency of the project).
  const hasTshark = spawnSync('tshark', ['--version']).status === 0;
  it.skipIf(!hasTshark)('writes files tshark reads as raw IPv4 carrying our TCP segments', async () => {
    relay = await startRelay({ pcapDir: dir });
    const a = await TestClient.join(relay, 'lab', 'A');
    const b = await TestClient.join(relay, 'lab', 'B');
    a.send(tcpFrame(a.address, b.address, 100, 5));
    await b.waitFrames(1);
    b.send(tcpFrame(b.address, a.address, 1460, 6));
    await a.waitFrames(1);
    const file = relay.stats().rooms[0]!.pcap!.file!;
    await relay.close();
    const out = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.len', '-e', 'tcp.seq_raw', '-e', 'tcp.checksum.status', '-o', 'tcp.check_checksum:TRUE'], {
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n').map((l) => l.split('\t'))).toEqual([
      ['10.0.1.1', '10.0.1.2', '100', '5', '1'], // checksum status 1: good
      ['10.0.1.2', '10.0.1.1', '1460', '6', '1'],
    ]);
  });

  // Issue 14: room creations and four clients filled the disk. Small caps here, same rules.
  async function sendThrough(n: number): Promise<Uint8Array[]> {
    const a = await TestClient.join(relay, 'lab', 'A');
    const b = await TestClient.join(relay, 'lab', 'B');
    const sent: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const f = tcpFrame(a.address, b.address, 960, i); // 1000-byte frame: a 1016-byte record
      a.send(f);
      sent.push(f);
      await b.waitFrames(i + 1);
    }
    await a.close();
    await b.close();
    await waitFor(() => relay.room('lab') === undefined, 'the room to end');
    return sent;
  }
  const onDisk = (): string[] => readdirSync(dir).sort();
  // In capture order: by the sequence number of each file's first packet (names made in the same
  // millisecond get "-2", which does not sort after the plain name).
  const firstSeq = (f: string): number => new DataView(packetsOf(join(dir, f))[0]!.buffer).getUint32(24);
  const inOrder = (files: string[]): string[] => [...files].sort((x, y) => firstSeq(x) - firstSeq(y));
  const sizeOf = (f: string): number => readFileSync(join(dir, f)).length;

  it('rotates a full file and deletes the oldest files beyond the total cap', async () => {
    relay = await startRelay({ pcapDir: dir, pcapMaxFileBytes: 4096, pcapMaxTotalBytes: 12288, pcapMaxFiles: 100 });
    writeFileSync(join(dir, 'not-ours.pcap'), 'x'.repeat(20_000)); // never counted, never deleted
    const sent = await sendThrough(30);
    const stats = relay.stats();
    await relay.close();
    const files = onDisk().filter((f) => f.startsWith('lab-'));
    // 4 records fill a 4096-byte file (24 + 4 × 1016): 30 records took 8 files, of which the
    // total cap keeps the newest three (2 full, 1 with the last 2 records).
    expect(stats.pcapFilesDeleted).toBe(5);
    expect(files).toHaveLength(3);
    for (const f of files) expect(sizeOf(f)).toBeLessThanOrEqual(4096);
    expect(files.reduce((n, f) => n + sizeOf(f), 0)).toBeLessThanOrEqual(12288);
    expect(inOrder(files).flatMap((f) => packetsOf(join(dir, f)))).toEqual(sent.slice(20));
    expect(onDisk()).toContain('not-ours.pcap');
  });

  it('keeps at most pcapMaxFiles files, deleting the oldest', async () => {
    relay = await startRelay({ pcapDir: dir, pcapMaxFileBytes: 4096, pcapMaxFiles: 2 });
    const sent = await sendThrough(10);
    await relay.close();
    const files = onDisk();
    expect(files).toHaveLength(2);
    expect(inOrder(files).flatMap((f) => packetsOf(join(dir, f)))).toEqual(sent.slice(4));
  });

  it('does not capture without pcapDir', async () => {
    relay = await startRelay();
    const a = await TestClient.join(relay, 'lab', 'A');
    expect(relay.stats().rooms[0]!.pcap).toBeNull();
    await a.close();
  });

  it('refuses a pcapDir it cannot create up front, and keeps rooms working when the directory goes bad later', async () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x'); // a file where the directory should be
    await expect(startRelay({ pcapDir: blocker })).rejects.toThrow(/pcapDir/);

    const captures = join(dir, 'captures');
    relay = await startRelay({ pcapDir: captures });
    rmSync(captures, { recursive: true });
    writeFileSync(captures, 'not a directory any more');
    const a = await TestClient.join(relay, 'lab', 'A');
    const b = await TestClient.join(relay, 'lab', 'B');
    a.send(tcpFrame(a.address, b.address));
    await b.waitFrames(1);
    // The file is only opened once the room has traffic, so that is when it fails (issue 14).
    expect(relay.stats().rooms[0]!.pcap).toMatchObject({ file: null, files: 0, records: 0, failed: true });
    expect(relay.logLines.join('\n')).toMatch(/pcap: cannot create/);
    await a.close();
    await b.close();
  });
});
