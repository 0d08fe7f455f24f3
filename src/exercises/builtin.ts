// The built-in exercises: one JSON file each in builtin/, gathered into a pack of the same format a
// teacher serves from the relay, and validated by the same parser. The JSON is imported as modules
// (Vite and vitest both support it, and tsc resolves .json under "moduleResolution": "bundler"), so
// the files stay plain data a teacher can copy as a starting point.
import handshake from './builtin/01-handshake.json' with { type: 'json' };
import cumulativeAck from './builtin/02-cumulative-ack.json' with { type: 'json' };
import fourWayClose from './builtin/03-four-way-close.json' with { type: 'json' };
import halfClose from './builtin/04-half-close.json' with { type: 'json' };
import timeWait from './builtin/05-time-wait.json' with { type: 'json' };
import connectionRefused from './builtin/06-connection-refused.json' with { type: 'json' };
import lostSyn from './builtin/07-lost-syn.json' with { type: 'json' };
import simultaneousOpen from './builtin/08-simultaneous-open.json' with { type: 'json' };
import simultaneousClose from './builtin/09-simultaneous-close.json' with { type: 'json' };
import zeroWindow from './builtin/10-zero-window.json' with { type: 'json' };
import fastRetransmit from './builtin/11-fast-retransmit.json' with { type: 'json' };
import congestion from './builtin/12-congestion.json' with { type: 'json' };
import trueOrFalse from './builtin/13-true-or-false.json' with { type: 'json' };
import { parsePack, type Pack } from './pack.ts';
import type { ParseResult } from './schema.ts';

/** The built-in pack as raw JSON (what parsePack receives), e.g. to offer as a template. */
export const BUILTIN_PACK_JSON: unknown = {
  name: 'tcp-playground',
  version: '1',
  description: 'The built-in exercises: handshake, data and ACKs, closing, losses, windows, congestion, and tutorial claims checked on the stack.',
  exercises: [
    handshake,
    cumulativeAck,
    fourWayClose,
    halfClose,
    timeWait,
    connectionRefused,
    lostSyn,
    simultaneousOpen,
    simultaneousClose,
    zeroWindow,
    fastRetransmit,
    congestion,
    trueOrFalse,
  ],
};

let cached: ParseResult<Pack> | null = null;

/** The built-in pack, validated (once). */
export function builtinPackResult(): ParseResult<Pack> {
  cached ??= parsePack(BUILTIN_PACK_JSON);
  return cached;
}

/** The built-in pack. Throws only if a built-in file is invalid: a bug the tests catch. */
export function builtinPack(): Pack {
  const r = builtinPackResult();
  if (!r.ok) throw new Error(`built-in exercises are invalid:\n${r.errors.join('\n')}`);
  return r.value;
}
