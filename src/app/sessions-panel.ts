// <pg-sessions-panel>: the sessions kept in this browser. Reopen one read-only, export it as a
// JSON file or as a pcap for Wireshark, delete one, or clear them all. Deleting asks first, in
// place (no modal dialog), so the keyboard stays where it was.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { SessionActionDetail } from './app-events.ts';
import type { SessionMeta } from '../../workers/persistence/types.ts';

export function sessionTitle(s: SessionMeta): string {
  if (s.mode === 'offline') return `offline · ${s.hosts.map((h) => h.address).join(', ') || 'two hosts'}`;
  const who = s.hosts[0] ? `${s.hosts[0].hostname} ${s.hosts[0].address}` : (s.name ?? '');
  return `room ${s.room ?? '?'} · ${who}`;
}

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

@customElement('pg-sessions-panel')
export class PgSessionsPanel extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      ul {
        list-style: none;
        margin: 0.4em 0 0;
        padding: 0;
      }
      li {
        border-bottom: 1px solid var(--tcp-grid);
        padding: 0.35em 0;
      }
      li.current .title::after {
        content: ' (this tab)';
        color: var(--tcp-muted);
        font-weight: 400;
      }
      .title {
        font-weight: 600;
      }
      .meta {
        color: var(--tcp-muted);
        font-size: var(--tcp-small);
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
        margin-top: 0.25em;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
      }
      .confirm {
        color: var(--tcp-drop);
        font-weight: 600;
      }
      input[type='file'] {
        max-width: 16em;
      }
    `,
  ];

  @property({ attribute: false }) sessions: readonly SessionMeta[] = [];
  /** The live session of this tab (it cannot be deleted while it runs). */
  @property({ type: Number }) current: number | null = null;
  /** Stored records of the current live session are still being written. */
  @state() private confirming: number | 'all' | null = null;

  private send(detail: SessionActionDetail): void {
    this.confirming = null;
    this.dispatchEvent(appEvent('session-action', detail));
  }

  private importFile(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) this.send({ action: 'import', file });
    input.value = '';
  }

  override render() {
    const list = this.sessions;
    return html`
      <div class="top">
        <label class="inline">Import a session file (.json)
          <input type="file" accept=".json,application/json" @change=${this.importFile} />
        </label>
        ${list.length > 0
          ? this.confirming === 'all'
            ? html`<span class="confirm" role="alert">Delete all ${list.length} sessions?</span>
                <button type="button" class="danger" @click=${() => this.send({ action: 'clear' })}>Yes, delete all</button>
                <button type="button" @click=${() => (this.confirming = null)}>No</button>`
            : html`<button type="button" class="danger" @click=${() => (this.confirming = 'all')}>Clear all…</button>`
          : nothing}
      </div>
      ${list.length === 0 ? html`<p class="hint">No saved sessions yet. Every session you start is kept here.</p>` : nothing}
      <ul aria-label="saved sessions">
        ${list.map((s) => {
          const live = s.id === this.current;
          const hosts = s.mode === 'offline' && s.hosts.length > 1 ? s.hosts : [null];
          return html`<li class=${live ? 'current' : ''} data-session=${s.id}>
            <div class="title">${sessionTitle(s)}</div>
            <div class="meta">
              ${when(s.startedAt)}${s.endedAt !== null ? ` – ${new Date(s.endedAt).toLocaleTimeString()}` : ''} ·
              ${s.segments} segments · ${s.records} events${s.imported ? ' · imported' : ''}${s.profile ? ` · ${s.profile}` : ''}
            </div>
            <div class="buttons">
              <button type="button" @click=${() => this.send({ action: 'open', id: s.id })}>Open</button>
              ${s.mode === 'relay' && s.room && !live ? html`<button type="button" @click=${() => this.send({ action: 'continue', id: s.id })}>Continue in room ${s.room}</button>` : nothing}
              <button type="button" @click=${() => this.send({ action: 'export-json', id: s.id })}>Export JSON</button>
              ${hosts.map(
                (h) => html`<button type="button" @click=${() => this.send({ action: 'export-pcap', id: s.id, host: h?.address ?? s.hosts[0]?.address ?? null })}>
                  Export pcap${h ? ` (${h.hostname})` : ''}
                </button>`,
              )}
              ${live
                ? nothing
                : this.confirming === s.id
                  ? html`<span class="confirm" role="alert">Delete this session?</span>
                      <button type="button" class="danger" @click=${() => this.send({ action: 'delete', id: s.id })}>Yes, delete</button>
                      <button type="button" @click=${() => (this.confirming = null)}>No</button>`
                  : html`<button type="button" class="danger" @click=${() => (this.confirming = s.id)}>Delete…</button>`}
            </div>
          </li>`;
        })}
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-sessions-panel': PgSessionsPanel;
  }
}
