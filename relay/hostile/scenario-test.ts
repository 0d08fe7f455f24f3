// The frame of every hostile test file: one scenario (relay, teacher, bystanders) for the file,
// its idle figures measured first, stopped afterwards.
import { afterAll, beforeAll } from 'vitest';
import { Scenario, type Window } from './harness.ts';
import type { ChildRelayOptions } from './relay-process.ts';

/** Waiting for the suite lock (another hostile file running) is part of the setup. */
const SETUP_TIMEOUT_MS = 10 * 60_000;
export const ATTACK_TIMEOUT_MS = 60_000;

export function useScenario(options: ChildRelayOptions = {}): { s: () => Scenario; idle: () => Window<null> } {
  let scenario: Scenario | null = null;
  let idle: Window<null> | null = null;
  beforeAll(async () => {
    scenario = await Scenario.start(options);
    if (scenario.relay.ignoredOptions.length > 0) {
      console.log(`[hostile] this relay does not know the options ${scenario.relay.ignoredOptions.join(', ')}: run with its defaults`);
    }
    idle = await scenario.idle();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await scenario?.stop();
  }, 20_000);
  return {
    s: () => scenario ?? assertNever('scenario not started'),
    idle: () => idle ?? assertNever('idle not measured'),
  };
}

function assertNever(what: string): never {
  throw new Error(what);
}
