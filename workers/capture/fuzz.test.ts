// Random and mutated capture files never make the reader or the analysis throw or hang: each
// case finishes within a time bound. fast-check with fixed seeds; a failure prints its seed and
// the shrunk case (fast-check's report), so it can be replayed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { CaptureReader } from './capture-file.ts';
import { openCapture } from './open-capture.ts';
import { FIXTURE_DIR, fixture } from './test-files.ts';

const FILES = readdirSync(FIXTURE_DIR).filter((f) => /\.(pcap|pcapng)$/.test(f)).map((f) => fixture(f));
/** Per case; a fixture opens in about a millisecond. */
const CASE_BOUND_MS = 500;

function openBounded(chunks: Uint8Array[]): void {
  const started = performance.now();
  const report = openCapture(chunks);
  const took = performance.now() - started;
  expect(took).toBeLessThan(CASE_BOUND_MS);
  expect(report.messages.length).toBeGreaterThan(0);
  expect(report.status.frames).toBeGreaterThanOrEqual(0);
}

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const mutation = fc.record({
  file: fc.nat({ max: FILES.length - 1 }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});

describe('capture fuzz', () => {
  it('random bytes (with a capture magic or not), in random chunks', () => {
    const magic = fc.constantFrom(
      [], [0xd4, 0xc3, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x4d, 0x3c, 0xb2, 0xa1],
      [0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a],
    );
    fc.assert(
      fc.property(magic, fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 5 }), (m, body, cuts) => {
        const bytes = Uint8Array.from([...m, ...body]);
        openBounded(chunked(bytes, cuts));
      }),
      { seed: 20_2026, numRuns: 300 },
    );
  });

  it('real fixtures with flipped bytes, cut short, in random chunks', () => {
    fc.assert(
      fc.property(mutation, ({ file, flips, cut, cuts }) => {
        const bytes = FILES[file]!.slice(0, cut === undefined ? undefined : cut % (FILES[file]!.length + 1));
        for (const [at, v] of flips) if (bytes.length > 0) bytes[at % bytes.length] = v;
        openBounded(chunked(bytes, cuts));
      }),
      { seed: 4_242, numRuns: 400 },
    );
  });

  it('a record length claiming gigabytes stops the reading instead of waiting forever', () => {
    const bytes = FILES[0]!.slice(0, 40);
    new DataView(bytes.buffer).setUint32(24 + 8, 0xffffff00, true);
    const r = new CaptureReader();
    r.push(bytes);
    expect(r.end().error).toMatch(/damaged pcap record/);
  });
});
