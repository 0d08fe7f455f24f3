// <pg-hosts-panel>: who is on this network. Your own host(s), the other students (name,
// hostname, address) and the room's bots with the service each runs. Picking one fills in the
// connect form. With a class of forty, a filter box narrows the list.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { HostInfo } from '../../relay/protocol/messages.ts';
import type { LocalHostInfo } from '../../workers/api.ts';

/** The built-in bots' services (relay/bots), by hostname. */
export const BOT_SERVICES: Record<string, { port: number; what: string }> = {
  echo: { port: 7, what: 'sends back whatever you send (RFC 862)' },
  discard: { port: 9, what: 'reads and throws away everything (RFC 863)' },
  daytime: { port: 13, what: 'sends the date and time, then closes (RFC 867)' },
  chargen: { port: 19, what: 'sends characters until you close (RFC 864)' },
  http: { port: 80, what: 'a tiny web server: send “GET / HTTP/1.0” and two newlines' },
};

const FILTER_FROM = 8;

@customElement('pg-hosts-panel')
export class PgHostsPanel extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 16em;
        overflow: auto;
      }
      li {
        display: flex;
        align-items: baseline;
        gap: 0.5em;
        padding: 0.2em 0;
        border-bottom: 1px solid var(--tcp-grid);
      }
      li .who {
        flex: 1 1 auto;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .addr {
        font-family: var(--tcp-mono);
      }
      .kind {
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
      }
      .self {
        font-weight: 600;
      }
      input[type='search'] {
        width: 100%;
        margin-bottom: 0.3em;
      }
    `,
  ];

  /** This tab's host(s). */
  @property({ attribute: false }) local: readonly LocalHostInfo[] = [];
  /** Everyone else in the room (relay mode). */
  @property({ attribute: false }) room: readonly HostInfo[] = [];
  @state() private filter = '';

  private pick(address: string, port: number | null): void {
    this.dispatchEvent(appEvent('host-pick', { address, port }));
  }

  override render() {
    const f = this.filter.trim().toLowerCase();
    const match = (h: HostInfo) => f === '' || h.name.toLowerCase().includes(f) || h.hostname.includes(f) || h.address.includes(f);
    const bots = this.room.filter((h) => h.kind === 'bot' && match(h));
    const people = this.room.filter((h) => h.kind !== 'bot' && match(h));
    return html`
      ${this.room.length >= FILTER_FROM
        ? html`<input type="search" placeholder="Find a host by name or address" aria-label="find a host" .value=${this.filter} @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />`
        : nothing}
      <ul aria-label="hosts on this network">
        ${this.local.map(
          (h) => html`<li class="self">
            <span class="who">${h.hostname} <span class="kind">(${this.local.length > 1 ? `host ${h.index + 1} in this tab` : 'you'})</span></span>
            <span class="addr">${h.address}</span>
            ${this.local.length > 1 ? html`<button type="button" @click=${() => this.pick(h.address, null)} aria-label=${`connect to ${h.hostname}`}>use</button>` : nothing}
          </li>`,
        )}
        ${people.map(
          (h) => html`<li>
            <span class="who" title=${h.name}>${h.name} <span class="kind">${h.hostname}${h.kind === 'peer' ? ' · peer' : h.kind === 'kernel' ? ' · Linux kernel' : ''}</span></span>
            <span class="addr">${h.address}</span>
            <button type="button" @click=${() => this.pick(h.address, null)} aria-label=${`connect to ${h.name}`}>use</button>
          </li>`,
        )}
        ${bots.map((h) => {
          const svc = BOT_SERVICES[h.hostname];
          return html`<li>
            <span class="who" title=${svc?.what ?? 'bot'}>${h.hostname} <span class="kind">bot${svc ? ` · ${svc.what}` : ''}</span></span>
            <span class="addr">${h.address}${svc ? `:${svc.port}` : ''}</span>
            <button type="button" @click=${() => this.pick(h.address, svc?.port ?? null)} aria-label=${`connect to ${h.hostname}`}>use</button>
          </li>`;
        })}
      </ul>
      ${this.room.length === 0 && this.local.length <= 1 ? html`<p class="hint">Nobody else here yet. Open the room in a second tab, or ask a classmate for the room code.</p>` : nothing}
      ${f !== '' && bots.length + people.length === 0 ? html`<p class="hint">No host matches “${this.filter}”.</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-hosts-panel': PgHostsPanel;
  }
}
