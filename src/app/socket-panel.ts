// <pg-socket-panel>: the socket API of one local host. Listen on a port (and accept what waits
// there), connect to a host and port (with an optional local port: two hosts connecting to each
// other's port at once is a simultaneous open), and one card per connection. Forms are checked
// here for shape (a port is 1–65535); everything else is the core's to refuse, and its message
// comes back through the controller's notices.
import { LitElement, html, css, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { HostPickDetail } from './app-events.ts';
import type { ConnectionInfo } from '../model/connections.ts';
import type { ConnKey } from '../model/keys.ts';
import type { LocalHostView } from './host-controls.ts';
import type { SocketView } from './socket-views.ts';
import { parseIpv4Address } from '../../workers/tcp/wire/address.ts';
import './connection-card.ts';

export function parsePort(text: string, optional = false): { ok: true; port: number | undefined } | { ok: false; reason: string } {
  const t = text.trim();
  if (t === '' && optional) return { ok: true, port: undefined };
  if (!/^\d+$/.test(t)) return { ok: false, reason: 'A port is a whole number from 1 to 65535.' };
  const port = Number(t);
  if (port < 1 || port > 65535) return { ok: false, reason: `Port ${t} is out of range: use 1 to 65535.` };
  return { ok: true, port };
}

/** States after which the connection is gone for the user (the card folds away). */
const FINISHED = new Set(['CLOSED']);

@customElement('pg-socket-panel')
export class PgSocketPanel extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      section + section {
        margin-top: 0.7em;
      }
      .ports {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
        margin-top: 0.3em;
      }
      .port {
        display: inline-flex;
        align-items: center;
        gap: 0.3em;
        border: 1px solid var(--tcp-border);
        border-radius: 999px;
        padding: 0.05em 0.2em 0.05em 0.6em;
        font-family: var(--tcp-mono);
      }
      input.port-input {
        width: 5.5em;
      }
      input.addr-input {
        width: 9em;
      }
      .cards {
        display: flex;
        flex-direction: column;
        gap: 0.5em;
      }
      details summary {
        cursor: pointer;
        color: var(--tcp-muted);
      }
    `,
  ];

  /** Local host index (0 in relay mode). */
  @property({ type: Number }) host = 0;
  @property({ attribute: false }) view: LocalHostView | null = null;
  /** This host's connections (model). */
  @property({ attribute: false }) connections: readonly ConnectionInfo[] = [];
  @property({ attribute: false }) sockets: ReadonlyMap<ConnKey, SocketView> = new Map();
  @property() selected: ConnKey | null = null;
  /** A host picked in the hosts panel: fills in the connect form. */
  @property({ attribute: false }) pick: HostPickDetail | null = null;

  @state() private listenPort = '80';
  @state() private remoteAddr = '';
  @state() private remotePort = '';
  @state() private localPort = '';
  @state() private errors: Partial<Record<'listen' | 'addr' | 'port' | 'local', string>> = {};

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('pick') && this.pick) {
      this.remoteAddr = this.pick.address;
      if (this.pick.port !== null) this.remotePort = String(this.pick.port);
    }
  }

  private listen(e: Event): void {
    e.preventDefault();
    const p = parsePort(this.listenPort);
    this.errors = { ...this.errors, listen: p.ok ? undefined : p.reason };
    if (p.ok && p.port !== undefined) this.dispatchEvent(appEvent('socket-action', { action: 'listen', host: this.host, port: p.port }));
  }

  private connect(e: Event): void {
    e.preventDefault();
    const addr = this.remoteAddr.trim();
    const remote = parsePort(this.remotePort);
    const local = parsePort(this.localPort, true);
    const errors = {
      addr: parseIpv4Address(addr) === null ? `“${addr}” is not an IPv4 address like 10.0.1.2 (pick a host above).` : undefined,
      port: remote.ok ? undefined : remote.reason,
      local: local.ok ? undefined : local.reason,
    };
    this.errors = { ...this.errors, ...errors };
    if (errors.addr || !remote.ok || !local.ok || remote.port === undefined) return;
    this.dispatchEvent(
      appEvent('socket-action', {
        action: 'connect',
        host: this.host,
        remoteAddr: addr,
        remotePort: remote.port,
        ...(local.port === undefined ? {} : { localPort: local.port }),
      }),
    );
  }

  override render() {
    const v = this.view;
    const err = this.errors;
    const live = this.connections.filter((c) => !FINISHED.has(c.state));
    const done = this.connections.filter((c) => FINISHED.has(c.state));
    const card = (c: ConnectionInfo) => html`<pg-connection-card
      .host=${this.host}
      .connection=${c}
      .connState=${c.state}
      .socket=${this.sockets.get(c.key) ?? null}
      ?selected=${c.key === this.selected}
    ></pg-connection-card>`;
    return html`
      <section aria-label="listen">
        <form @submit=${this.listen}>
          <label>Port
            <input class="port-input" inputmode="numeric" .value=${this.listenPort} aria-invalid=${err.listen ? 'true' : 'false'}
              @input=${(e: Event) => (this.listenPort = (e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit">Listen</button>
        </form>
        ${err.listen ? html`<div class="error" role="alert">${err.listen}</div>` : nothing}
        ${v && v.listening.length > 0
          ? html`<div class="ports" aria-label="listening ports">
              ${v.listening.map((port) => {
                const waiting = v.waiting[port]?.length ?? 0;
                return html`<span class="port">LISTEN ${port}
                  ${waiting > 0 ? html`<button type="button" @click=${() => this.dispatchEvent(appEvent('socket-action', { action: 'accept', host: this.host, port }))}>accept (${waiting})</button>` : nothing}
                  <button type="button" aria-label=${`stop listening on ${port}`} @click=${() => this.dispatchEvent(appEvent('socket-action', { action: 'unlisten', host: this.host, port }))}>×</button>
                </span>`;
              })}
            </div>`
          : nothing}
      </section>
      <section aria-label="connect">
        <form @submit=${this.connect}>
          <label>Remote address
            <input class="addr-input" .value=${this.remoteAddr} placeholder="10.0.0.7" aria-invalid=${err.addr ? 'true' : 'false'}
              @input=${(e: Event) => (this.remoteAddr = (e.target as HTMLInputElement).value)} />
          </label>
          <label>Port
            <input class="port-input" inputmode="numeric" .value=${this.remotePort} placeholder="7" aria-invalid=${err.port ? 'true' : 'false'}
              @input=${(e: Event) => (this.remotePort = (e.target as HTMLInputElement).value)} />
          </label>
          <label title="Leave empty for an ephemeral port. Set it to the port the other side connects to for a simultaneous open.">Local port (optional)
            <input class="port-input" inputmode="numeric" .value=${this.localPort} placeholder="auto" aria-invalid=${err.local ? 'true' : 'false'}
              @input=${(e: Event) => (this.localPort = (e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary">Connect</button>
        </form>
        ${[err.addr, err.port, err.local].filter((m) => m).map((m) => html`<div class="error" role="alert">${m}</div>`)}
      </section>
      <section aria-label="connections">
        ${live.length === 0 && done.length === 0 ? html`<p class="hint">No connections yet.</p>` : nothing}
        <div class="cards">${live.map(card)}</div>
        ${done.length > 0
          ? html`<details>
              <summary>Closed connections (${done.length})</summary>
              <div class="cards">${done.map(card)}</div>
            </details>`
          : nothing}
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-socket-panel': PgSocketPanel;
  }
}
