// <tcp-teacher-view>: the whole room for the teacher, live: every host (students and bots), each
// connection's state, and each student's exercise progress, from the relay's status messages
// (PROTOCOL.md §2.3). Sortable by name or progress; `presentation` makes it readable on a projector.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HostInfo, HostStatus, HostStatusEntry } from '../../relay/protocol/messages.ts';
import { theme } from '../components/theme.ts';
import { stateChips, stateFamily } from './state-colors.ts';

export type TeacherSort = 'name' | 'progress';

interface Row {
  address: string;
  hostname: string;
  name: string;
  kind: HostInfo['kind'];
  status: HostStatus | null;
  /** Checks done over checks in the exercises begun: 0…1, -1 without a status. */
  share: number;
}

function share(s: HostStatus | null): number {
  if (s === null) return -1;
  let done = 0;
  let total = 0;
  for (const p of Object.values(s.progress)) {
    done += p.done;
    total += p.total;
  }
  return total === 0 ? 0 : done / total;
}

/** One row per host, by address: the host list and the statuses, whichever arrived first. */
export function teacherRows(hosts: readonly HostInfo[], statuses: readonly HostStatusEntry[], sort: TeacherSort): Row[] {
  const rows = new Map<string, Row>();
  for (const h of hosts) rows.set(h.address, { address: h.address, hostname: h.hostname, name: h.name, kind: h.kind, status: null, share: -1 });
  for (const s of statuses) {
    const row = rows.get(s.address);
    if (row !== undefined) row.status = s.status;
    else rows.set(s.address, { address: s.address, hostname: s.host, name: s.name, kind: 'client', status: s.status, share: -1 });
  }
  const list = [...rows.values()];
  for (const r of list) r.share = share(r.status);
  const byName = (a: Row, b: Row): number => a.name.localeCompare(b.name) || a.address.localeCompare(b.address);
  return list.sort(sort === 'name' ? byName : (a, b) => b.share - a.share || byName(a, b));
}

@customElement('tcp-teacher-view')
export class TcpTeacherView extends LitElement {
  static override styles = [
    theme,
    stateChips,
    css`
      :host {
        overflow: auto;
      }
      .toolbar {
        display: flex;
        gap: 0.5em;
        align-items: center;
        padding: 0.4em 0.5em;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        vertical-align: top;
        padding: 0.35em 0.5em;
        border-bottom: 1px solid var(--tcp-grid);
      }
      .who .addr {
        display: block;
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
      }
      .kind {
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
      }
      .conn {
        display: block;
        white-space: nowrap;
        margin-bottom: 0.15em;
      }
      .conn .ends {
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
        margin-left: 0.4em;
      }
      .ex {
        display: block;
      }
      .ex[data-current] {
        font-weight: 600;
      }
      meter {
        width: 6em;
        vertical-align: middle;
      }
    `,
  ];

  /** Everyone else in the room (LinkState.hosts): rows for hosts that publish nothing, like bots. */
  @property({ attribute: false }) hosts: HostInfo[] = [];
  /** Every host's latest status (WorkerUpdate.roomStatus). */
  @property({ attribute: false }) statuses: HostStatusEntry[] = [];
  @state() sortBy: TeacherSort = 'name';

  override render() {
    const rows = teacherRows(this.hosts, this.statuses, this.sortBy);
    return html`
      <div class="toolbar" role="group" aria-label="Sort">
        <span class="muted">Sort by</span>
        <button type="button" data-sort="name" aria-pressed=${this.sortBy === 'name' ? 'true' : 'false'} @click=${() => (this.sortBy = 'name')}>Name</button>
        <button type="button" data-sort="progress" aria-pressed=${this.sortBy === 'progress' ? 'true' : 'false'} @click=${() => (this.sortBy = 'progress')}>
          Progress
        </button>
        <span class="muted">${rows.length} host${rows.length === 1 ? '' : 's'}</span>
      </div>
      ${rows.length === 0
        ? html`<p class="empty">Nobody else is in the room yet.</p>`
        : html`<table>
            <thead>
              <tr><th scope="col">Host</th><th scope="col">Connections</th><th scope="col">Exercises</th></tr>
            </thead>
            <tbody>
              ${rows.map((r) => this.renderRow(r))}
            </tbody>
          </table>`}
    `;
  }

  private renderRow(r: Row) {
    const s = r.status;
    return html`<tr data-address=${r.address} data-host=${r.hostname}>
      <td class="who">
        <strong class="name">${r.name}</strong> ${r.kind !== 'client' ? html`<span class="kind">(${r.kind})</span>` : nothing}
        <span class="addr">${r.hostname} · ${r.address}</span>
      </td>
      <td class="conns">
        ${s === null
          ? html`<span class="muted">${r.kind === 'client' ? 'no status yet' : '—'}</span>`
          : s.connections.length === 0
            ? html`<span class="muted">no connection</span>`
            : s.connections.map(
                (c) => html`<span class="conn"
                  ><span class="state" data-family=${stateFamily(c.state)}>${c.state}</span
                  ><span class="ends">${c.local} → ${c.remote}</span></span
                >`,
              )}
      </td>
      <td class="progress">
        ${s === null
          ? nothing
          : Object.entries(s.progress).map(
              ([id, p]) => html`<span class="ex" data-exercise=${id} ?data-current=${s.exercise === id}>
                <meter min="0" max=${p.total} value=${p.done}></meter>
                <span class="count">${p.done}/${p.total}</span> ${p.title || id}${p.done === p.total ? ' ✓' : ''}
              </span>`,
            )}
      </td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-teacher-view': TcpTeacherView;
  }
}
