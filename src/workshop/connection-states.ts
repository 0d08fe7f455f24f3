// The current state of every connection end (and listener) in a trace, for the teacher's view.
// Incremental and bounded: an end is forgotten once it is CLOSED, so the map only holds what is
// alive, however long the session runs.
import type { ConnectionStatus } from '../../relay/protocol/messages.ts';
import type { TcpState } from '../../workers/tcp/state.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';

interface End {
  local: string;
  remote: string;
  state: TcpState;
}

export class ConnectionStates {
  /** host|conn, or host|L|port for a listener; a Map keeps the order they appeared in. */
  private readonly ends = new Map<string, End>();

  observe(e: TraceEvent | { type: string }): void {
    const ev = e as TraceEvent;
    switch (ev.type) {
      case 'conn':
        this.ends.set(`${ev.host}|${ev.conn}`, {
          local: `${ev.localAddr}:${ev.localPort}`,
          remote: `${ev.remoteAddr}:${ev.remotePort}`,
          state: this.ends.get(`${ev.host}|${ev.conn}`)?.state ?? 'CLOSED',
        });
        return;
      case 'state': {
        const key = `${ev.host}|${ev.conn}`;
        if (ev.to === 'CLOSED') {
          this.ends.delete(key);
          return;
        }
        const end = this.ends.get(key);
        // A trace that starts mid-connection has no 'conn' event: show what is known.
        if (end === undefined) this.ends.set(key, { local: `${ev.host}:?`, remote: '?', state: ev.to });
        else end.state = ev.to;
        return;
      }
      case 'user': {
        // Listeners are not connections in the core (no TCB), but a student's "LISTEN on 80" is
        // exactly what a teacher wants to see: take them from the socket calls.
        if (ev.result !== 'ok' || (ev.call !== 'listen' && ev.call !== 'unlisten')) return;
        const port = /port (\d+)/.exec(ev.detail ?? '')?.[1];
        if (port === undefined) return;
        const key = `${ev.host}|L|${port}`;
        if (ev.call === 'listen') this.ends.set(key, { local: `${ev.host}:${port}`, remote: '*', state: 'LISTEN' });
        else this.ends.delete(key);
        return;
      }
      default:
        return;
    }
  }

  /** Listeners first, then connections, newest last; at most `max` (the newest are kept). */
  list(max: number): ConnectionStatus[] {
    const all = [...this.ends.entries()];
    const listeners = all.filter(([k]) => k.includes('|L|')).map(([, e]) => ({ ...e }));
    const conns = all.filter(([k]) => !k.includes('|L|')).map(([, e]) => ({ ...e }));
    return [...listeners, ...conns].slice(-max);
  }
}
