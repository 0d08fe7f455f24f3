// A TCB snapshot for tests of what carries snapshots (the trace's batches, the page's live view),
// not of the snapshot's own numbers: an ESTABLISHED connection, any field overridden.
import type { TcbSnapshot } from '../trace.ts';

export function tcbSnapshot(overrides: Partial<TcbSnapshot> = {}): TcbSnapshot {
  return {
    state: 'ESTABLISHED', iss: 1, irs: 2, sndUna: 1, sndNxt: 1, sndWnd: 65535, sndWl1: 2, sndWl2: 1, rcvNxt: 3, rcvWnd: 65535,
    sndMss: 1460, rto: 1000, srtt: null, rttvar: null, cwnd: 14600, ssthresh: 65535, sendQueued: 0, recvQueued: 0, timers: {}, retransmits: 0,
    ...overrides,
  };
}
