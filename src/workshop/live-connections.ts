// What the teacher's view shows of one student's host: its listeners and its live connection ends,
// read through the model's one connection tracker. Bounded however long the session runs: the
// tracker forgets a connection once it is CLOSED, and a listener once it is unlistened.
import type { ConnectionStatus } from '../../relay/protocol/messages.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import { ConnectionTracker } from '../model/connections.ts';

export class LiveConnections {
  private readonly conns = new ConnectionTracker({ forgetClosed: true });
  /** "host:port" → the listener; a Map keeps the order they appeared in. */
  private readonly listeners = new Map<string, ConnectionStatus>();
  private seen = 0;

  /** Feed every event in order; events that are not the core's (the shell's) change nothing. */
  observe(e: TraceEvent | { type: string }): void {
    const ev = e as TraceEvent;
    const index = this.seen++;
    if (ev.type !== 'user') {
      this.conns.observe(ev, index);
      return;
    }
    // Listeners are not connections in the core (no TCB), but a student's "LISTEN on 80" is
    // exactly what a teacher wants to see: take them from the socket calls.
    if (ev.result !== 'ok' || (ev.call !== 'listen' && ev.call !== 'unlisten')) return;
    const port = /port (\d+)/.exec(ev.detail ?? '')?.[1];
    if (port === undefined) return;
    const local = `${ev.host}:${port}`;
    if (ev.call === 'listen') this.listeners.set(local, { local, remote: '*', state: 'LISTEN' });
    else this.listeners.delete(local);
  }

  /** Listeners first, then connections, newest last; at most `max` (the newest are kept). */
  list(max: number): ConnectionStatus[] {
    const conns = this.conns.all().map((c): ConnectionStatus => c.tupleKnown
      ? { local: `${c.localAddr}:${c.localPort}`, remote: `${c.remoteAddr}:${c.remotePort}`, state: c.state }
      // A trace that starts mid-connection has no 'conn' event: show what is known.
      : { local: `${c.host}:?`, remote: '?', state: c.state });
    return [...[...this.listeners.values()].map((l) => ({ ...l })), ...conns].slice(-max);
  }
}
