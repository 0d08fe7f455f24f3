// <pg-control-sidebar>: the controls of a live session in collapsible sections: hosts on the
// network, the socket API, faults, the hold queue and time. Offline, a host switch chooses which
// of this tab's hosts the socket, fault and hold sections act on.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import type { HostPickDetail } from './app-events.ts';
import type { LocalHostView } from './host-controls.ts';
import type { SocketView } from './socket-views.ts';
import type { ConnectionInfo } from '../model/connections.ts';
import type { ConnKey } from '../model/keys.ts';
import type { HostInfo } from '../../relay/protocol/messages.ts';
import type { ClockState } from '../../workers/api.ts';
import './hosts-panel.ts';
import './socket-panel.ts';
import './fault-panel.ts';
import './hold-queue-panel.ts';
import './time-controls.ts';


@customElement('pg-control-sidebar')
export class PgControlSidebar extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      :host {
        display: block;
        overflow: auto;
        background: var(--tcp-panel);
        border-right: 1px solid var(--tcp-border);
        padding: 0.4em 0.6em 2em;
        contain: strict;
      }
      details {
        border-bottom: 1px solid var(--tcp-border);
        padding: 0.3em 0 0.5em;
      }
      summary {
        cursor: pointer;
        font-weight: 700;
        padding: 0.2em 0;
      }
      summary .count {
        font-weight: 400;
        color: var(--tcp-muted);
      }
      summary .on {
        color: var(--tcp-drop);
        font-weight: 600;
      }
      .hosts {
        display: flex;
        gap: 0.3em;
        margin: 0.2em 0 0.4em;
        flex-wrap: wrap;
      }
    `,
  ];

  @property({ attribute: false }) hosts: readonly LocalHostView[] = [];
  @property({ type: Number }) active = 0;
  @property({ attribute: false }) room: readonly HostInfo[] = [];
  @property({ attribute: false }) connections: readonly ConnectionInfo[] = [];
  @property({ attribute: false }) sockets: ReadonlyMap<ConnKey, SocketView> = new Map();
  @property() selected: ConnKey | null = null;
  @property({ attribute: false }) pick: HostPickDetail | null = null;
  @property({ attribute: false }) clock: ClockState | null = null;
  @property({ attribute: false }) prefs: { autoAccept: boolean; autoRead: boolean } = { autoAccept: true, autoRead: true };

  private pref(patch: Partial<{ autoAccept: boolean; autoRead: boolean }>): void {
    this.dispatchEvent(new CustomEvent('pref-change', { detail: patch, bubbles: true, composed: true }));
  }

  override render() {
    const h = this.hosts[this.active] ?? this.hosts[0] ?? null;
    const index = h?.info.index ?? 0;
    const mine = h ? this.connections.filter((c) => c.host === h.info.address) : [];
    const st = h?.faults;
    const faultCount = st ? st.out.rules.length + st.in.rules.length : 0;
    const name = h ? `${h.info.hostname} (${h.info.address})` : '';
    return html`
      ${this.hosts.length > 1
        ? html`<div class="hosts" role="group" aria-label="act as host">
            ${this.hosts.map(
              (x) => html`<button type="button" aria-pressed=${x.info.index === index ? 'true' : 'false'}
                @click=${() => this.dispatchEvent(new CustomEvent('host-switch', { detail: x.info.index, bubbles: true, composed: true }))}>
                ${x.info.hostname} ${x.info.address}
              </button>`,
            )}
          </div>`
        : nothing}
      <details open>
        <summary>Hosts <span class="count">(${this.room.length + this.hosts.length})</span></summary>
        <pg-hosts-panel .local=${this.hosts.map((x) => x.info)} .room=${this.room}></pg-hosts-panel>
      </details>
      <details open>
        <summary>Sockets${this.hosts.length > 1 ? ` of ${name}` : ''} <span class="count">(${mine.length} connections)</span></summary>
        <div class="row" style="margin-bottom:0.4em">
          <label class="inline" title="Take every connection a listening port has ready, as a server's accept loop would">
            <input type="checkbox" .checked=${this.prefs.autoAccept} @change=${(e: Event) => this.pref({ autoAccept: (e.target as HTMLInputElement).checked })} /> accept automatically
          </label>
          <label class="inline" title="Off: arriving data waits in the receive buffer until you press Read (watch the window shrink)">
            <input type="checkbox" .checked=${this.prefs.autoRead} @change=${(e: Event) => this.pref({ autoRead: (e.target as HTMLInputElement).checked })} /> read new connections automatically
          </label>
        </div>
        <pg-socket-panel .host=${index} .view=${h} .connections=${mine} .sockets=${this.sockets} .selected=${this.selected} .pick=${this.pick}></pg-socket-panel>
      </details>
      <details>
        <summary>Faults${this.hosts.length > 1 ? ` of ${h?.info.hostname ?? ''}` : ''} ${faultCount > 0 ? html`<span class="on">(${faultCount} ${faultCount === 1 ? 'rule' : 'rules'} armed)</span>` : nothing}</summary>
        <pg-fault-panel .host=${index} .status=${st ?? null}></pg-fault-panel>
      </details>
      <details>
        <summary>Hold queue ${h?.hold ? html`<span class="on">ON${h.held.length > 0 ? ` (${h.held.length})` : ''}</span>` : nothing}</summary>
        <pg-hold-queue .host=${index} ?hold=${h?.hold ?? false} .held=${h?.held ?? []}></pg-hold-queue>
      </details>
      <details>
        <summary>Time ${this.clock && (this.clock.factor !== 1 || this.clock.paused) ? html`<span class="on">${this.clock.paused ? 'paused' : `${this.clock.factor}×`}</span>` : nothing}</summary>
        <pg-time-controls .clock=${this.clock}></pg-time-controls>
      </details>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-control-sidebar': PgControlSidebar;
  }
  interface HTMLElementEventMap {
    'host-switch': CustomEvent<number>;
  }
}
