// <pg-hold-queue>: hold mode and the hold queue of one local host. While hold is on, every
// segment the host sends waits here; the student releases them one by one or all at once, drops
// one, duplicates one, or moves one ahead of another (reordering by hand). Holding both SYNs of
// two hosts and releasing them together is a simultaneous open.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { HoldActionDetail } from './app-events.ts';
import type { HeldPacketView } from '../../workers/api.ts';

@customElement('pg-hold-queue')
export class PgHoldQueue extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      ol {
        margin: 0.4em 0 0;
        padding: 0;
        list-style: none;
        max-height: 18em;
        overflow: auto;
      }
      li {
        border-bottom: 1px solid var(--tcp-grid);
        padding: 0.25em 0;
      }
      .summary {
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
        overflow-wrap: anywhere;
      }
      .flags {
        font-weight: 700;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25em;
        margin-top: 0.2em;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
      }
    `,
  ];

  @property({ type: Number }) host = 0;
  @property({ type: Boolean }) hold = false;
  @property({ attribute: false }) held: readonly HeldPacketView[] = [];

  private send(detail: HoldActionDetail): void {
    this.dispatchEvent(appEvent('hold-action', detail));
  }

  override render() {
    const h = this.host;
    const n = this.held.length;
    return html`
      <div class="top">
        <button type="button" aria-pressed=${this.hold ? 'true' : 'false'} @click=${() => this.send({ action: 'hold', host: h, on: !this.hold })}>
          ${this.hold ? 'Hold is ON: turn off (sends all)' : 'Hold outgoing segments'}
        </button>
        <button type="button" ?disabled=${n === 0} @click=${() => this.send({ action: 'release-all', host: h })}>Release all${n > 0 ? ` (${n})` : ''}</button>
      </div>
      ${n === 0
        ? html`<p class="hint">${this.hold ? 'Nothing held yet: the next segment this host sends waits here.' : 'With hold on, every segment this host sends waits here until you release it.'}</p>`
        : html`<ol aria-label="held segments, first to leave first">
            ${this.held.map(
              (p, i) => html`<li data-id=${p.id}>
                <div class="summary"><span class="flags">#${p.id} ${p.flagNames || '?'}</span> ${p.summary}</div>
                <div class="buttons">
                  <button type="button" @click=${() => this.send({ action: 'release', host: h, id: p.id })}>release</button>
                  <button type="button" @click=${() => this.send({ action: 'drop', host: h, id: p.id })}>drop</button>
                  <button type="button" @click=${() => this.send({ action: 'duplicate', host: h, id: p.id })}>duplicate</button>
                  <button type="button" ?disabled=${i === 0} aria-label=${`move #${p.id} earlier`} @click=${() => this.send({ action: 'move', host: h, id: p.id, index: i - 1 })}>↑ earlier</button>
                  <button type="button" ?disabled=${i === n - 1} aria-label=${`move #${p.id} later`} @click=${() => this.send({ action: 'move', host: h, id: p.id, index: i + 1 })}>↓ later</button>
                </div>
              </li>`,
            )}
          </ol>`}
      ${nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-hold-queue': PgHoldQueue;
  }
}
