// Public surface of the simulated network and its fault injector.

export { createSimNetwork, SimNetwork } from './network.ts';
export type {
  AddHostResult,
  Direction,
  HostOptions,
  NetworkStats,
  RunOptions,
  RunResult,
  SimHost,
  SimNetworkOptions,
} from './network.ts';
export { createFaultInjector, FAULT_KINDS, FaultInjector } from './faults.ts';
export type { FaultCounters, FaultEvent, FaultInjectorOptions, FaultKind } from './faults.ts';
export { DEFAULT_FAULT_CONFIG, validateFaultConfig } from './fault-config.ts';
export type { ConfigResult, FaultConfig, ResolvedFaultConfig } from './fault-config.ts';
export { Rules } from './fault-rules.ts';
export type { ArmedRule, FaultRule, PayloadMatch, RuleResult } from './fault-rules.ts';
