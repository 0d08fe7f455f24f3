// One line that says what is bent right now: "OUT loss 30% · hold ON (2 held) · time 0.1×".
// Shown in the header at all times, so a 30% loss switched on an hour ago is never forgotten.
// Pure: from the fault status, hold state and clock the controller keeps.
import type { ClockState, FaultDirection, FaultStatus } from '../../workers/api.ts';
import type { ResolvedFaultConfig } from '../../workers/tcp/sim/fault-config.ts';

export interface HostFaultState {
  hostname: string;
  faults: FaultStatus | null;
  hold: boolean;
  held: number;
}

export interface SummaryItem {
  text: string;
  /** 'fault': the link is impaired; 'hold' / 'time': the user holds the flow of time or packets. */
  kind: 'fault' | 'rule' | 'hold' | 'time';
}

export function percent(p: number): string {
  const v = p * 100;
  return `${Number.isInteger(v) ? v : +v.toPrecision(3)}%`;
}

export function rate(bytesPerSec: number): string {
  if (bytesPerSec >= 1e6) return `${+(bytesPerSec / 1e6).toPrecision(3)} MB/s`;
  if (bytesPerSec >= 1e3) return `${+(bytesPerSec / 1e3).toPrecision(3)} kB/s`;
  return `${bytesPerSec} B/s`;
}

/** The impairments of one direction's config, in netem's order; [] when it changes nothing. */
export function describeConfig(c: ResolvedFaultConfig): string[] {
  const out: string[] = [];
  if (c.loss > 0) out.push(`loss ${percent(c.loss)}`);
  if (c.duplicate > 0) out.push(`duplicate ${percent(c.duplicate)}`);
  if (c.reorder > 0) out.push(`reorder ${percent(c.reorder)} gap ${c.reorderGap}`);
  if (c.delay > 0 || c.jitter > 0) out.push(`delay ${c.delay} ms${c.jitter > 0 ? ` ±${c.jitter}` : ''}`);
  if (c.corrupt > 0) out.push(`corrupt ${percent(c.corrupt)}`);
  if (c.rateBytesPerSec > 0) out.push(`rate ${rate(c.rateBytesPerSec)}${c.queueLimitBytes > 0 ? ` queue ${c.queueLimitBytes} B` : ''}`);
  return out;
}

export function summarizeFaults(hosts: readonly HostFaultState[], clock: ClockState | null): SummaryItem[] {
  const items: SummaryItem[] = [];
  const named = hosts.length > 1;
  for (const h of hosts) {
    const prefix = named ? `${h.hostname} ` : '';
    if (h.faults !== null) {
      for (const dir of ['out', 'in'] as FaultDirection[]) {
        const d = h.faults[dir];
        const parts = describeConfig(d.config);
        if (parts.length > 0) items.push({ kind: 'fault', text: `${prefix}${dir.toUpperCase()} ${parts.join(', ')}` });
        for (const r of d.rules) items.push({ kind: 'rule', text: `${prefix}${dir.toUpperCase()} drop ${r.label}` });
      }
    }
    if (h.hold) items.push({ kind: 'hold', text: `${prefix}hold ON${h.held > 0 ? ` (${h.held} held)` : ''}` });
  }
  if (clock !== null) {
    if (clock.factor !== 1) items.push({ kind: 'time', text: `time ${clock.factor}×` });
    if (clock.paused) items.push({ kind: 'time', text: 'time paused' });
  }
  return items;
}
