// What the SYNs negotiate: the MSS (RFC 9293 §3.7.1), window scale and timestamps (RFC 7323),
// SACK-permitted (RFC 2018). An option is on only when both SYNs carry it and our settings allow it.
import type { TcpOptions } from './wire/types.ts';
import type { StackSettings } from './settings.ts';
import type { TcpState } from './state.ts';
import { MAX_WSCALE } from './segment.ts';

export interface Agreement {
  /** Both sides scale windows (RFC 7323 §2). */
  wscaleOk: boolean;
  /** The peer's shift and ours, when scaling is on. */
  sndShift: number | null;
  rcvShift: number | null;
  tsOk: boolean;
  sackOk: boolean;
  /** Eff.snd.MSS (§3.7.1): min(SendMSS, our MTU's MSS) less the options every segment carries. */
  sndMss: number;
}

/** Before any SYN arrived: nothing is agreed. */
export const NOTHING_AGREED: Agreement = { wscaleOk: false, sndShift: null, rcvShift: null, tsOk: false, sackOk: false, sndMss: 0 };

/** The peer's SYN carried `o`; `ourShift` lets our whole receive buffer be advertised. */
export function negotiate(o: TcpOptions, s: StackSettings, ourShift: number): Agreement {
  const peerMss = o.mss ?? s.defaultSendMss;
  const wscaleOk = s.windowScale && o.windowScale !== undefined;
  const tsOk = s.timestamps && o.timestamps !== undefined;
  return {
    wscaleOk,
    sndShift: wscaleOk ? Math.min(MAX_WSCALE, o.windowScale ?? 0) : null,
    rcvShift: wscaleOk ? ourShift : null,
    tsOk,
    sackOk: s.sack && o.sackPermitted === true,
    sndMss: Math.max(1, Math.min(peerMss, s.mss) - (tsOk ? 12 : 0)),
  };
}

/**
 * The options of our SYN or SYN,ACK: a SYN offers every option our settings allow; a SYN,ACK
 * only those the peer's SYN offered too (RFC 7323 §2.2, §3.2; RFC 2018 §2).
 */
export function synOptions(s: StackSettings, state: TcpState, agreed: Agreement, ts: { tsVal: number; tsEcr: number }, ourShift: number): TcpOptions {
  const offer = state === 'SYN-SENT';
  const options: TcpOptions = { mss: s.mss };
  if (s.sack && (offer || agreed.sackOk)) options.sackPermitted = true;
  if (s.timestamps && (offer || agreed.tsOk)) options.timestamps = ts;
  if (s.windowScale && (offer || agreed.wscaleOk)) options.windowScale = ourShift;
  return options;
}
