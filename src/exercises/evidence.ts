// One short line per matched event, so a ticked item can say what proved it:
//   "SYN seq=1000; SYN,ACK seq=5000 ack=1001; ACK seq=1001 ack=5001"
// Numbers are absolute, as on the wire. Fields a check tested or bound beyond the usual ones are
// shown too (win=0, reason), so the evidence answers the question the item asked.
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { flagNames } from '../../workers/tcp/wire/describe.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { tcpFlags, tcpPayloadLength } from '../../workers/tcp/wire/peek.ts';
import type { EventContext } from './fields.ts';
import { fieldFor } from './fields.ts';
import type { CompiledMatcher } from './predicates.ts';

/** Fields each type's line already shows (not repeated when a matcher mentions them). */
const BUILT_IN: Record<string, readonly string[]> = {
  segment: ['seq', 'ack', 'len', 'dir', 'reason'],
  drop: ['seq', 'ack', 'len', 'reason'],
  state: ['from', 'to'],
  timer: ['timer', 'action'],
  cwnd: ['cwnd', 'reason'],
  deliver: ['bytes'],
  user: ['call', 'result'],
  error: ['code'],
  fault: ['fault', 'dir', 'len'],
  'syn-cookies': ['port', 'action'],
  conn: [],
  tcb: [],
};

export function describeEvent(ev: TraceEvent, m: CompiledMatcher | null, at: EventContext, withHost: boolean): string {
  let s = base(ev);
  if (m !== null) {
    const skip = BUILT_IN[ev.type] ?? [];
    for (const f of m.shown) {
      if (skip.includes(f)) continue;
      const v = fieldFor(ev.type, f)?.get(ev, at);
      if (v !== undefined) s += ` ${short(f)}=${String(v)}`;
    }
  }
  return withHost ? `${ev.host} ${s}` : s;
}

function short(field: string): string {
  return field === 'window' ? 'win' : field;
}

function base(ev: TraceEvent): string {
  switch (ev.type) {
    case 'segment': {
      // Why it was sent, when that is news (a retransmission, a probe), not for plain data and ACKs.
      const r = ev.reason;
      const why = r !== undefined && r !== 'data' && r !== 'ack' && r !== 'syn' && r !== 'syn-ack' && r !== 'fin' ? ` (${r})` : '';
      return segmentLine(ev.seg.flags, ev.seg.seq, ev.seg.ack, ev.seg.payload.length) + why;
    }
    case 'drop':
      return ev.seg === null ? `dropped (${ev.reason})` : `dropped ${segmentLine(ev.seg.flags, ev.seg.seq, ev.seg.ack, ev.seg.payload.length)} (${ev.reason})`;
    case 'state':
      return `${ev.from} → ${ev.to}`;
    case 'conn':
      return `${ev.localAddr}:${ev.localPort} → ${ev.remoteAddr}:${ev.remotePort} (${ev.role})`;
    case 'timer':
      return `${ev.timer} timer ${ev.action}`;
    case 'tcb':
      return `TCB in ${ev.tcb.state}`;
    case 'cwnd':
      return `cwnd=${ev.cwnd} (${ev.reason})`;
    case 'deliver':
      return `${ev.bytes} bytes delivered`;
    case 'user':
      return `${ev.call} → ${ev.result}`;
    case 'error':
      return ev.code;
    case 'syn-cookies':
      return `SYN cookies ${ev.action} for port ${ev.port}`;
    case 'fault': {
      const f = tcpFlags(ev.bytes);
      const len = tcpPayloadLength(ev.bytes);
      return `${ev.fault} (${ev.dir}) ${f < 0 ? 'non-TCP packet' : `${flagNames(f) || '<none>'}${len > 0 ? ` len=${len}` : ''}`}`;
    }
  }
}

function segmentLine(flags: number, seq: number, ack: number, len: number): string {
  let s = `${flagNames(flags) || '<none>'} seq=${seq}`;
  if (flags & Flag.ACK) s += ` ack=${ack}`;
  if (len > 0) s += ` len=${len}`;
  return s;
}
