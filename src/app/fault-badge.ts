// <pg-fault-badge>: what is bent right now, always in the header: "OUT loss 30% · hold ON".
// Nothing active reads "no faults" in quiet colours; anything active stands out.
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import type { SummaryItem } from './fault-summary.ts';

@customElement('pg-fault-badge')
export class PgFaultBadge extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: inline-block;
        background: transparent;
        min-width: 0;
      }
      .badge {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0.2em 0.5em;
        align-items: center;
        border-radius: 6px;
        padding: 0.15em 0.6em;
        border: 1px solid var(--tcp-border);
        color: var(--tcp-muted);
        font-size: var(--tcp-small);
      }
      .badge.active {
        border-color: var(--tcp-drop);
        background: var(--tcp-current-bg);
        color: var(--tcp-fg);
        font-weight: 600;
      }
      .item.fault,
      .item.rule {
        color: var(--tcp-drop);
      }
      .item.hold,
      .item.time {
        color: var(--tcp-retrans);
      }
      .sep {
        color: var(--tcp-muted);
      }
      button {
        font-size: var(--tcp-small);
      }
    `,
  ];

  @property({ attribute: false }) items: readonly SummaryItem[] = [];

  override render() {
    const items = this.items;
    if (items.length === 0) return html`<span class="badge" role="status" aria-label="active faults: none">no faults</span>`;
    return html`<span class="badge active" role="status" aria-label=${`active faults: ${items.map((i) => i.text).join('; ')}`}>
      <span aria-hidden="true">⚠</span>
      ${items.map((i, n) => html`${n > 0 ? html`<span class="sep">·</span>` : ''}<span class="item ${i.kind}">${i.text}</span>`)}
      <button type="button" title="Switch off every fault, rule and hold, and run time at 1×" @click=${() => this.dispatchEvent(new CustomEvent('clear-faults', { bubbles: true, composed: true }))}>clear all</button>
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-fault-badge': PgFaultBadge;
  }
  interface HTMLElementEventMap {
    'clear-faults': CustomEvent<void>;
  }
}
