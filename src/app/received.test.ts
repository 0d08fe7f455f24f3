import { describe, expect, it } from 'vitest';
import { crc32, crc32Update, crcText } from '../../workers/crc32.ts';
import { ReceiveTracker, TAIL_CHARS } from './received.ts';
import { generatedFile, generatedFileSliced } from './generated-file.ts';
import { NoticeList } from './notice-list.ts';

describe('what arrived', () => {
  it('computes the standard CRC-32, also piece by piece', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(crcText(crc32(bytes))).toBe('cbf43926');
    expect(crc32Update(crc32Update(0, bytes.subarray(0, 4)), bytes.subarray(4))).toBe(crc32(bytes));
  });

  it('counts bytes, hashes them, and keeps the end as text across split characters', () => {
    const t = new ReceiveTracker();
    const bytes = new TextEncoder().encode('héllo');
    t.add(bytes.subarray(0, 2));
    const v = t.add(bytes.subarray(2), true);
    expect(v).toMatchObject({ bytes: 6, tail: 'héllo', eof: true, crc: crc32(bytes) });
  });

  it('takes the count and CRC from the worker and shows the end of what it sent', () => {
    const t = new ReceiveTracker();
    const enc = new TextEncoder();
    let v = t.received(enc.encode('héllo '), 0, 6, 0x1234);
    expect(v).toMatchObject({ bytes: 6, crc: 0x1234, tail: 'héllo ', eof: false });
    // A character split between two takes still decodes.
    const w = enc.encode('wörld');
    v = t.received(w.subarray(0, 2), 0, 8, 1);
    v = t.received(w.subarray(2), 0, 11, 2, true);
    expect(v).toMatchObject({ bytes: 11, crc: 2, tail: 'héllo wörld', eof: true });
    // Bytes the worker did not send: the tail starts again at what came.
    const u = new ReceiveTracker();
    u.received(enc.encode('old text'), 0, 8, 3);
    expect(u.received(enc.encode('new'), 5_000, 5_011, 4).tail).toBe('new');
  });

  it('keeps only the last few thousand characters', () => {
    const t = new ReceiveTracker();
    const file = generatedFile(100_000);
    for (let i = 0; i < file.length; i += 1460) t.add(file.subarray(i, i + 1460));
    expect(t.state.bytes).toBe(100_000);
    expect(t.state.tail.length).toBe(TAIL_CHARS);
    expect(t.state.crc).toBe(crc32(file));
  });

  it('generates numbered readable lines', () => {
    const f = new TextDecoder().decode(generatedFile(130));
    expect(f.startsWith('line 000001 abc')).toBe(true);
    expect(f.slice(64, 75)).toBe('line 000002');
    expect(f.length).toBe(130);
  });

  it('builds the same bytes a slice at a time as at once, including a cut last line', async () => {
    for (const n of [0, 63, 64, 130, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 100]) {
      expect(await generatedFileSliced(n)).toEqual(generatedFile(n));
    }
    // The first line of the second slice carries its own number (1 MiB / 64 = 16384 lines before it).
    const f = await generatedFileSliced(1024 * 1024 + 64);
    expect(new TextDecoder().decode(f.subarray(1024 * 1024, 1024 * 1024 + 15))).toBe('line 016385 abc');
  });
});

describe('notices', () => {
  it('counts a repeated message instead of stacking it, and lets info expire', () => {
    const n = new NoticeList();
    n.add('warning', 'host unreachable', 0);
    n.add('warning', 'host unreachable', 1000);
    n.add('info', 'Listening on port 80.', 1000);
    expect(n.all.map((x) => [x.text, x.count])).toEqual([['host unreachable', 2], ['Listening on port 80.', 1]]);
    n.expire(60_000);
    expect(n.all.map((x) => x.text)).toEqual(['host unreachable']);
  });
});
