// A session's segments as a classic pcap file (LINKTYPE_RAW), as they appeared on the wire:
// every segment the host sent or received, in trace order, stamped with the wall-clock time the
// worker recorded. Wireshark and tshark open it unchanged. Built from the stored records, so an
// old session exports the same way as the live one.
import type { TraceRecord } from './trace-record.ts';
import { createPcapWriter } from '../tcp/pcap.ts';

/**
 * `host`: only this host's segments (offline sessions have several hosts, and each packet is
 * seen twice, leaving one and reaching the other); null for all.
 */
export function sessionPcap(records: readonly TraceRecord[], host: string | null): Uint8Array<ArrayBuffer> {
  const w = createPcapWriter();
  for (const r of records) {
    const e = r.event;
    if (e.type === 'segment' && (host === null || e.host === host)) w.write(e.bytes, r.real);
  }
  return w.toBytes();
}

/** How many packets sessionPcap would write. */
export function pcapPacketCount(records: readonly TraceRecord[], host: string | null): number {
  let n = 0;
  for (const r of records) if (r.event.type === 'segment' && (host === null || r.event.host === host)) n++;
  return n;
}
