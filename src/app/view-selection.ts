// What the user has chosen to look at: the connection shown, the selected segment, absolute or
// relative numbers, the host whose controls are open, and a host/port picked from the hosts
// panel for the connect form. Selecting a segment anywhere selects it everywhere.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { peerOf } from '../model/pairing.ts';
import type { ConnKey } from '../model/keys.ts';
import type { TraceStore } from './trace-store.ts';
import type { HostPickDetail } from './app-events.ts';

export class ViewSelection implements ReactiveController {
  conn: ConnKey | null = null;
  selected: string | null = null;
  absolute = false;
  activeHost = 0;
  pick: HostPickDetail | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Change some of it and re-render. */
  set(patch: Partial<Pick<ViewSelection, 'conn' | 'selected' | 'absolute' | 'activeHost' | 'pick'>>): void {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }

  /** A new session or another saved one: nothing selected. */
  reset(): void {
    this.set({ conn: null, selected: null, activeHost: 0, pick: null });
  }

  /** A segment selected anywhere: select it everywhere, and show its connection if another one is shown. */
  selectSegment(key: string, trace: TraceStore | null): void {
    this.set({ selected: key });
    if (!trace) return;
    const ix = trace.index;
    const row = ix.row(key);
    if (!row || row.conn === null) return;
    const shown = this.shownConn(trace);
    if (shown === row.conn || (shown !== null && peerOf(ix, shown) === row.conn)) return;
    this.set({ conn: row.conn });
  }

  /** The connection on screen: the chosen one while it exists, else the newest. */
  shownConn(trace: TraceStore): ConnKey | null {
    const ix = trace.index;
    if (this.conn !== null && ix.connection(this.conn)) return this.conn;
    return ix.connections().at(-1)?.key ?? null;
  }
}
