// Issue 14 item 9: --pcap-dir is capped. The caps are shortened here (the defaults are 64 MiB a
// file, 512 MiB and 1,000 files in all) so that a 6-second flood of ~25 MB and a churn of new
// rooms reach them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { captureFlood } from './attacks/capture-attack.ts';
import { expectSurvived } from './expect-survived.ts';
import { ATTACK_TIMEOUT_MS, useScenario } from './scenario-test.ts';

const pcapDir = mkdtempSync(join(tmpdir(), 'hostile-pcap-'));
afterAll(() => rmSync(pcapDir, { recursive: true, force: true }));

const CAPS = { pcapMaxFileBytes: 1024 * 1024, pcapMaxTotalBytes: 4 * 1024 * 1024, pcapMaxFiles: 8 };
const { s, idle } = useScenario({ pcapDir, ...CAPS });

test('a capture flood and a churn of new rooms keep the capture directory within its caps', async () => {
  const w = await s().measure(() => captureFlood(s().target, { pcapDir }));
  expectSurvived('capture caps', idle(), w);
  expect(w.result.framesSent, 'frames sent to be captured').toBeGreaterThanOrEqual(10_000);
  expect(w.result.roomsCreated, 'rooms created, one capture file each').toBeGreaterThanOrEqual(20);
  expect.soft(w.result.maxTotalBytes, `capture directory bytes (cap ${CAPS.pcapMaxTotalBytes})`).toBeLessThanOrEqual(CAPS.pcapMaxTotalBytes);
  expect.soft(w.result.maxFiles, `capture files (cap ${CAPS.pcapMaxFiles})`).toBeLessThanOrEqual(CAPS.pcapMaxFiles);
}, ATTACK_TIMEOUT_MS);
