// What the endpoint service drives, whichever way the hosts are connected: one host on the relay
// (relay-stage.ts) or several on a simulated link in this tab (offline.ts).

import type { ConfigResult, FaultConfig } from './tcp/sim/fault-config.ts';
import type { FaultRule, RuleResult } from './tcp/sim/fault-rules.ts';
import type { FaultDirection, FaultStatus, StepResult } from './api.ts';
import type { HostSlot } from './host-slot.ts';

export interface FaultControls {
  setConfig(dir: FaultDirection, config: FaultConfig): ConfigResult;
  addRule(dir: FaultDirection, rule: FaultRule): RuleResult;
  removeRule(dir: FaultDirection, id: number): boolean;
  clearRules(dir: FaultDirection): void;
  status(): FaultStatus;
}

export interface Stage {
  readonly kind: 'relay' | 'offline';
  readonly slots: readonly HostSlot[];
  /**
   * Run a user call on one host at the current stack time: due timers fire first, then `fn`,
   * then whatever the host wants sent leaves and the timer is re-armed.
   */
  call<T>(index: number, fn: (slot: HostSlot, now: number) => T): T;
  faults(index: number): FaultControls;
  /** The shared clock changed (factor, pause, resume): re-arm; after a resume, handle what waited. */
  clockChanged(): void;
  /** While paused: handle the next waiting packet, or jump to the next deadline. */
  step(): StepResult;
  /**
   * The page is drawing: leave the CPU to it until real time `until` (or endYield()). Arriving
   * packets wait and are handled, in order, when the yield ends; the stack clock runs on, so the
   * wait is queueing delay the trace shows as it is.
   */
  yieldUntil(until: number): void;
  endYield(): void;
  dispose(): void;
}
