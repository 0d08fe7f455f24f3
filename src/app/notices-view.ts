// <pg-notices>: the controller's messages, newest last. Errors are announced (role=alert), the
// rest politely; each can be dismissed. Text only: messages may quote names users typed.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appEvent } from './app-events.ts';
import type { Notice } from './notice-list.ts';

@customElement('pg-notices')
export class PgNotices extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        background: transparent;
        pointer-events: none;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 0.4em;
      }
      li {
        pointer-events: auto;
        display: flex;
        gap: 0.6em;
        align-items: start;
        background: var(--tcp-bg);
        border: 1px solid var(--tcp-border);
        border-left: 5px solid var(--tcp-accent);
        border-radius: 6px;
        padding: 0.4em 0.6em;
        box-shadow: 0 2px 10px rgb(0 0 0 / 0.18);
        max-width: 36em;
      }
      li.error {
        border-left-color: var(--tcp-drop);
      }
      li.warning {
        border-left-color: var(--tcp-retrans);
      }
      .text {
        flex: 1 1 auto;
        overflow-wrap: anywhere;
      }
      .count {
        color: var(--tcp-muted);
      }
    `,
  ];

  @property({ attribute: false }) notices: readonly Notice[] = [];

  override render() {
    if (this.notices.length === 0) return nothing;
    return html`<ul aria-label="messages">
      ${this.notices.map(
        (n) => html`<li class=${n.level} role=${n.level === 'error' ? 'alert' : 'status'}>
          <span class="text">${n.text}${n.count > 1 ? html` <span class="count">×${n.count}</span>` : nothing}</span>
          <button type="button" aria-label="dismiss message" @click=${() => this.dispatchEvent(appEvent('notice-dismiss', { id: n.id }))}>×</button>
        </li>`,
      )}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-notices': PgNotices;
  }
}
