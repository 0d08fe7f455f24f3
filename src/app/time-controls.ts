// <pg-time-controls>: how fast the stacks' clock runs (1×, 0.5×, 0.1×, …: a handshake at 0.1× takes
// long enough to watch), pause, and step while paused (one packet or one timer at a time).
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { ClockState } from '../../workers/api.ts';

export const FACTORS = [2, 1, 0.5, 0.25, 0.1, 0.05, 0.01] as const;

@customElement('pg-time-controls')
export class PgTimeControls extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      .row {
        align-items: center;
      }
      .factors {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 0.2em;
      }
    `,
  ];

  @property({ attribute: false }) clock: ClockState | null = null;

  override render() {
    const c = this.clock;
    const factor = c?.factor ?? 1;
    const paused = c?.paused ?? false;
    return html`
      <div class="row">
        <span class="factors" role="group" aria-label="time factor">
          ${FACTORS.map(
            (f) => html`<button type="button" aria-pressed=${f === factor ? 'true' : 'false'} @click=${() => this.dispatchEvent(appEvent('time-action', { action: 'factor', factor: f }))}>${f}×</button>`,
          )}
        </span>
      </div>
      <div class="row" style="margin-top:0.4em">
        <button type="button" aria-pressed=${paused ? 'true' : 'false'} @click=${() => this.dispatchEvent(appEvent('time-action', { action: paused ? 'resume' : 'pause' }))}>
          ${paused ? '▶ Resume' : '⏸ Pause'}
        </button>
        <button type="button" ?disabled=${!paused} title="While paused: deliver the next packet, or fire the next timer" @click=${() => this.dispatchEvent(appEvent('time-action', { action: 'step' }))}>Step</button>
        <span class="hint num">stack time ${c ? (c.stack / 1000).toFixed(3) : '0.000'} s${paused ? ' (paused)' : ''}</span>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-time-controls': PgTimeControls;
  }
}
