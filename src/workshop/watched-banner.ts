// <tcp-watched-banner>: tells a student, plainly and all the time, that the teacher sees what
// their tab publishes (relay PROTOCOL.md §2.3). Shows nothing when no teacher is in the room.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';

@customElement('tcp-watched-banner')
export class TcpWatchedBanner extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        background: none;
      }
      p {
        margin: 0;
        padding: 0.35em 0.8em;
        background: var(--tcp-selected-bg);
        border: 1px solid var(--tcp-accent);
        border-radius: 6px;
      }
    `,
  ];

  /** A teacher is in the room (LinkState.watchedByTeacher). */
  @property({ type: Boolean }) watched = false;

  override render() {
    if (!this.watched) return nothing;
    return html`<p role="status"><span aria-hidden="true">👁</span> Your teacher can see your connections and exercise progress.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-watched-banner': TcpWatchedBanner;
  }
}
