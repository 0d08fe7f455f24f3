// Setup as data, turned into the worker calls the UI makes.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../workers/tcp/settings.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { builtinPack } from './builtin.ts';
import { Issues } from './issues.ts';
import { parseSetup, planSetup } from './setup.ts';

function parse(json: unknown): ReturnType<typeof parseSetup> {
  const issues = new Issues();
  const s = parseSetup(json, 'setup', issues);
  if (issues.count > 0) throw new Error(issues.list.join('\n'));
  return s;
}

describe('setup', () => {
  it('plans configure (profile expanded, then settings), faults, rules, hold, in that order', () => {
    const s = parse({ profile: 'modern', settings: { receiveBufferSize: 4096 }, faults: { out: { loss: 0.01 } }, rules: [{ dir: 'in', rule: { preset: 'synAck' } }], hold: true });
    const { you, peer } = planSetup(s ?? undefined);
    expect(you).toEqual([
      { call: 'configure', settings: { ...PROFILES.modern, receiveBufferSize: 4096 } },
      { call: 'setFaults', dir: 'out', config: { loss: 0.01 } },
      { call: 'addRule', dir: 'in', rule: { kind: 'match', set: Flag.SYN | Flag.ACK, clear: Flag.RST, count: 1, label: 'SYN,ACK' } },
      { call: 'setHold', on: true },
    ]);
    expect(peer).toEqual([]);
  });

  it('accepts rules with flags by name or as numbers, and the other rule kinds', () => {
    const s = parse({
      rules: [
        { dir: 'out', rule: { kind: 'match', set: 'ACK', clear: 'SYN, FIN, RST', payload: 'none' } },
        { dir: 'out', rule: { kind: 'match', set: Flag.FIN } },
        { dir: 'out', rule: { kind: 'nth', n: 5 } },
        { dir: 'in', rule: { kind: 'blackout', duration: 500, label: 'cable pulled' } },
      ],
    });
    expect(s?.rules?.map((r) => r.rule)).toEqual([
      { kind: 'match', set: Flag.ACK, clear: Flag.SYN | Flag.FIN | Flag.RST, payload: 'none' },
      { kind: 'match', set: Flag.FIN, clear: 0 },
      { kind: 'nth', n: 5 },
      { kind: 'blackout', duration: 500, label: 'cable pulled' },
    ]);
  });

  it('the peer part plans for the other host; steps carry setup to apply later', () => {
    const tw = builtinPack().exercises.find((e) => e.id === 'time-wait')!;
    expect(planSetup(tw.setup).peer[0]).toMatchObject({ call: 'configure', settings: { msl: 5000, congestionControl: false } });
    expect(planSetup(tw.steps[1]?.apply).you).toEqual([{ call: 'addRule', dir: 'out', rule: { kind: 'match', set: Flag.ACK, clear: Flag.SYN | Flag.FIN | Flag.RST, payload: 'none', count: 1, label: 'pure ACK' } }]);
  });
});
