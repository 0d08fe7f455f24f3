// Issue 14 item 9: the capture directory. With --pcap-dir every room's traffic is written to
// disk; a flood of frames and a churn of new rooms must not grow it past its caps.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Flag } from '../../../workers/tcp/wire/types.ts';
import { craft, ipv4, paced, RawClient, sleep } from '../raw-client.ts';
import { attackerSource, type Target } from './target.ts';

const DISCARD = ipv4('10.0.0.9');

export interface CaptureResult {
  framesSent: number;
  roomsCreated: number;
  /** The capture directory's largest total size and file count seen (sampled 4 times a second). */
  maxTotalBytes: number;
  maxFiles: number;
}

function measureDir(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(dir)) {
    try {
      const st = statSync(join(dir, name));
      if (st.isFile()) {
        bytes += st.size;
        files++;
      }
    } catch {
      // deleted since the listing: the relay made room
    }
  }
  return { bytes, files };
}

/**
 * Three clients send 1,400-byte segments to the discard bot at 1,000 a second each (inside the
 * rate limit: everything is forwarded, so everything is captured), while a fourth creates new
 * rooms one after another, each with one forwarded frame (a new capture file each), for `seconds`.
 */
export async function captureFlood(t: Target, o: { pcapDir: string; seconds?: number; rooms?: number }): Promise<CaptureResult> {
  const seconds = o.seconds ?? 6;
  const r: CaptureResult = { framesSent: 0, roomsCreated: 0, maxTotalBytes: 0, maxFiles: 0 };
  const sample = (): void => {
    const m = measureDir(o.pcapDir);
    r.maxTotalBytes = Math.max(r.maxTotalBytes, m.bytes);
    r.maxFiles = Math.max(r.maxFiles, m.files);
  };
  const sampler = setInterval(sample, 250);
  const flooders: RawClient[] = [];
  for (let i = 0; i < 3; i++) {
    const j = await RawClient.join(t.wsBase, t.room, `capture-flood-${i}`, { localAddress: attackerSource(120 + i) });
    if (!j.ok) throw new Error(`flooder could not join: ${j.code} ${j.reason}`);
    flooders.push(j.client);
  }
  const payload = new Uint8Array(1400).fill(0x63);
  const flood = Promise.all(
    flooders.map((c, ci) => {
      // The segments need not be in a connection to be captured: one frame, sent over and over.
      const frame = craft(c.address, DISCARD, { srcPort: 5000 + ci, dstPort: 9, seq: 1, ack: 1, flags: Flag.ACK, payload });
      return paced(1000, 1000 * seconds, seconds * 1000, () => c.send(frame));
    }),
  );
  const churn = (async () => {
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until && r.roomsCreated < (o.rooms ?? 200)) {
      const j = await RawClient.join(t.wsBase, `capture-${r.roomsCreated}`, 'room maker', { localAddress: attackerSource(125) });
      r.roomsCreated++;
      if (!j.ok) continue;
      j.client.send(craft(j.client.address, DISCARD, { srcPort: 6000, dstPort: 9, seq: 1, flags: Flag.SYN }));
      await sleep(20);
      await j.client.close();
    }
  })();
  const counts = await flood;
  await churn;
  r.framesSent = counts.reduce((a, b) => a + b, 0);
  await Promise.all(flooders.map((c) => c.close()));
  await sleep(500); // rooms end, files are closed
  clearInterval(sampler);
  sample();
  return r;
}
