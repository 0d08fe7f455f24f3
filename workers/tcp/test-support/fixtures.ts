// One fixture per state: a pair of hosts driven by hand until the connection under test
// sits in the named state, with the packets that got it there already delivered or lost.
import { B_ADDR, deliver, makePair, one, type Side } from './pair.ts';
import type { TcpState } from '../state.ts';
import type { StackSettings } from '../settings.ts';

export interface StateFixture {
  /** The side whose connection is in `state`. */
  side: Side;
  /** Its peer. */
  peer: Side;
  conn: number | null;
  /** Ports of the connection as seen from `side`. */
  localPort: number;
  remotePort: number;
  now: number;
}

export const FIXTURE_STATES: TcpState[] = [
  'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
];

export function fixture(state: TcpState, settings: Partial<StackSettings> = {}): StateFixture {
  const { a, b } = makePair(settings, { a: 1000, b: 5000 });
  b.host.listen(80);
  if (state === 'LISTEN') return { side: b, peer: a, conn: null, localPort: 80, remotePort: 40000, now: 0 };
  const c = a.host.connect({ remoteAddr: B_ADDR, remotePort: 80, localPort: 40000 }, 0);
  if (!c.ok) throw new Error(c.error.message);
  const ca = c.value;
  const syn = one(a);
  if (state === 'SYN-SENT') return { side: a, peer: b, conn: ca, localPort: 40000, remotePort: 80, now: 0 };
  deliver(b, syn, 1);
  const synAck = one(b);
  const cb = b.host.connections()[0]!.id;
  if (state === 'SYN-RECEIVED') return { side: b, peer: a, conn: cb, localPort: 80, remotePort: 40000, now: 1 };
  deliver(a, synAck, 2);
  deliver(b, one(a), 3);
  b.host.accept(80);
  const client = { side: a, peer: b, conn: ca, localPort: 40000, remotePort: 80 };
  const server = { side: b, peer: a, conn: cb, localPort: 80, remotePort: 40000 };
  if (state === 'ESTABLISHED') return { ...client, now: 3 };
  a.host.shutdown(ca, 10);
  const fin = one(a);
  if (state === 'FIN-WAIT-1') return { ...client, now: 10 };
  if (state === 'CLOSING') {
    b.host.shutdown(cb, 10);
    deliver(a, one(b), 11);
    one(a); // A's ACK of B's FIN, lost
    return { ...client, now: 11 };
  }
  deliver(b, fin, 11);
  const ackOfFin = one(b);
  if (state === 'CLOSE-WAIT') return { ...server, now: 11 };
  deliver(a, ackOfFin, 12);
  if (state === 'FIN-WAIT-2') return { ...client, now: 12 };
  b.host.shutdown(cb, 13);
  const finB = one(b);
  if (state === 'LAST-ACK') return { ...server, now: 13 };
  deliver(a, finB, 14);
  one(a);
  if (state === 'TIME-WAIT') return { ...client, now: 14 };
  throw new Error(`no fixture for ${state}`);
}
