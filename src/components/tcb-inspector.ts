// <tcp-tcb-inspector>: the live variables of one connection's TCB (RFC 9293 §3.3.1, with
// RFC 5681's cwnd/ssthresh and RFC 6298's SRTT/RTO), each with what it means, and the running
// timers counting down against `now`.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TcbSnapshot, TimerName } from '../../workers/tcp/trace.ts';
import { runningTimers, tcbFields } from '../model/tcb.ts';
import { theme } from './theme.ts';

@customElement('tcp-tcb-inspector')
export class TcpTcbInspector extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        overflow: auto;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      caption {
        text-align: left;
        font-weight: 600;
        padding: 0.4em 0.5em;
      }
      th,
      td {
        text-align: left;
        vertical-align: baseline;
        padding: 0.2em 0.5em;
        border-bottom: 1px solid var(--tcp-grid);
      }
      th {
        font-family: var(--tcp-mono);
        white-space: nowrap;
      }
      td.value {
        font-family: var(--tcp-mono);
        white-space: nowrap;
        text-align: right;
      }
      td.value .abs {
        display: block;
        color: var(--tcp-muted);
        font-size: var(--tcp-small);
      }
      td.note {
        color: var(--tcp-muted);
        font-size: var(--tcp-small);
      }
      .timer .bar {
        display: block;
        height: 4px;
        background: var(--tcp-grid);
        border-radius: 2px;
        margin-top: 2px;
      }
      .timer .bar span {
        display: block;
        height: 100%;
        background: var(--tcp-accent);
        border-radius: 2px;
      }
      .due td.value {
        color: var(--tcp-drop);
      }
    `,
  ];

  /** The connection's newest TCB snapshot (model: latestTcb), or null. */
  @property({ attribute: false }) tcb: TcbSnapshot | null = null;
  /** Stack time (ms) to count the timers down against. */
  @property({ type: Number }) now = 0;
  /** Running timers, when fresher than the snapshot's (model: TraceIndex.metrics(key).timers). */
  @property({ attribute: false }) timers: Partial<Record<TimerName, number>> | null = null;
  /** When each timer was set (model: TraceIndex.metrics(key).timerStarts), for the countdown bars. */
  @property({ attribute: false }) timerStarts: Partial<Record<TimerName, number>> = {};
  /** Absolute sequence numbers instead of relative to ISS / IRS. */
  @property({ type: Boolean }) absolute = false;

  override render() {
    const tcb = this.tcb;
    if (!tcb) return html`<div class="empty">No TCB snapshot for this connection yet.</div>`;
    const timers = runningTimers(this.timers ?? tcb.timers, this.now, this.timerStarts);
    return html`
      <table>
        <caption>Transmission control block</caption>
        <tbody>
          ${tcbFields(tcb, this.absolute).map(
            (f) => html`<tr data-var=${f.name}>
              <th scope="row">${f.name}</th>
              <td class="value">${f.value}${f.absolute !== null && f.absolute !== f.value ? html`<span class="abs">${f.absolute}</span>` : nothing}</td>
              <td class="note">${f.note}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <table>
        <caption>Timers</caption>
        <tbody>
          ${timers.length === 0
            ? html`<tr><td class="note" colspan="3">No timer running.</td></tr>`
            : timers.map(
                (t) => html`<tr class="timer ${t.remaining === 0 ? 'due' : ''}" data-timer=${t.name}>
                  <th scope="row">${t.name}</th>
                  <td class="value">
                    ${t.remaining === 0 ? 'due' : `${Math.ceil(t.remaining)} ms`}
                    ${t.left !== null ? html`<span class="bar" role="presentation"><span style="width:${(t.left * 100).toFixed(1)}%"></span></span>` : nothing}
                  </td>
                  <td class="note">${t.note}</td>
                </tr>`,
              )}
        </tbody>
      </table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-tcb-inspector': TcpTcbInspector;
  }
}
