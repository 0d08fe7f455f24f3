// <pg-fault-panel>: the worker's fault injection for one local host, per direction (OUT: what
// this host sends; IN: what arrives for it): netem-like loss, duplication, reordering with its
// gap, delay and jitter, corruption, bandwidth with a queue limit; and targeted rules (drop the
// next SYN,ACK / FIN / final ACK / the Nth segment / everything for T ms). Emits 'fault-action'
// with the full config in the worker's units (probabilities 0…1, bytes per second).
import { LitElement, html, css, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { FaultDirection, FaultRule, FaultStatus } from '../../workers/api.ts';
import type { ResolvedFaultConfig } from '../../workers/tcp/sim/fault-config.ts';
import { DEFAULT_FAULT_CONFIG } from '../../workers/tcp/sim/fault-config.ts';
import { Rules } from '../../workers/tcp/sim/fault-rules.ts';
import { describeConfig } from './fault-summary.ts';

/** The form's fields, as typed (percent, ms, kB/s). */
export interface FaultDraft {
  loss: string;
  duplicate: string;
  reorder: string;
  reorderGap: string;
  reorderTimeout: string;
  delay: string;
  jitter: string;
  corrupt: string;
  rateKBps: string;
  queueLimitBytes: string;
}

const pct = (p: number) => String(+(p * 100).toPrecision(6));

export function draftOf(c: ResolvedFaultConfig): FaultDraft {
  return {
    loss: pct(c.loss),
    duplicate: pct(c.duplicate),
    reorder: pct(c.reorder),
    reorderGap: String(c.reorderGap),
    reorderTimeout: String(c.reorderTimeout),
    delay: String(c.delay),
    jitter: String(c.jitter),
    corrupt: pct(c.corrupt),
    rateKBps: String(c.rateBytesPerSec / 1000),
    queueLimitBytes: String(c.queueLimitBytes),
  };
}

type Parsed = { ok: true; config: ResolvedFaultConfig } | { ok: false; field: keyof FaultDraft; reason: string };

/** The draft in the worker's units, or the first field that is wrong and why. */
export function parseDraft(d: FaultDraft): Parsed {
  const out = { ...DEFAULT_FAULT_CONFIG };
  const num = (field: keyof FaultDraft, what: string, check: (v: number) => string | null): number | Parsed => {
    const text = d[field].trim();
    const v = text === '' ? 0 : Number(text);
    if (!Number.isFinite(v)) return { ok: false, field, reason: `${what}: “${text}” is not a number.` };
    const problem = check(v);
    return problem === null ? v : { ok: false, field, reason: `${what} ${problem}` };
  };
  const percent = (v: number) => (v >= 0 && v <= 100 ? null : 'must be a percentage from 0 to 100.');
  const nonNeg = (v: number) => (v >= 0 ? null : 'cannot be negative.');
  const steps: [keyof FaultDraft, string, (v: number) => string | null, (v: number) => void][] = [
    ['loss', 'Loss', percent, (v) => (out.loss = v / 100)],
    ['duplicate', 'Duplication', percent, (v) => (out.duplicate = v / 100)],
    ['reorder', 'Reordering', percent, (v) => (out.reorder = v / 100)],
    ['reorderGap', 'Reorder gap', (v) => (Number.isInteger(v) && v >= 1 ? null : 'must be a whole number of packets, at least 1.'), (v) => (out.reorderGap = v)],
    ['reorderTimeout', 'Reorder timeout', (v) => (v > 0 ? null : 'must be more than 0 ms.'), (v) => (out.reorderTimeout = v)],
    ['delay', 'Delay', nonNeg, (v) => (out.delay = v)],
    ['jitter', 'Jitter', nonNeg, (v) => (out.jitter = v)],
    ['corrupt', 'Corruption', percent, (v) => (out.corrupt = v / 100)],
    ['rateKBps', 'Bandwidth', nonNeg, (v) => (out.rateBytesPerSec = Math.round(v * 1000))],
    ['queueLimitBytes', 'Queue limit', (v) => (Number.isInteger(v) && v >= 0 ? null : 'must be a whole number of bytes.'), (v) => (out.queueLimitBytes = v)],
  ];
  for (const [field, what, check, set] of steps) {
    // An empty reorder gap or timeout means the default, not 0.
    if ((field === 'reorderGap' || field === 'reorderTimeout') && d[field].trim() === '') continue;
    const v = num(field, what, check);
    if (typeof v !== 'number') return v;
    set(v);
  }
  return { ok: true, config: out };
}

const RULE_BUTTONS: readonly { label: string; title: string; rule: () => FaultRule }[] = [
  { label: 'SYN', title: 'Drop the next SYN (a connection request)', rule: () => Rules.syn() },
  { label: 'SYN,ACK', title: 'Drop the next SYN,ACK (the answer to a connection request)', rule: () => Rules.synAck() },
  { label: 'final ACK', title: 'Drop the next pure ACK: right after connect, the handshake’s third segment', rule: () => Rules.pureAck() },
  { label: 'data', title: 'Drop the next segment that carries data', rule: () => Rules.data() },
  { label: 'FIN', title: 'Drop the next FIN', rule: () => Rules.fin() },
  { label: 'RST', title: 'Drop the next RST', rule: () => Rules.rst() },
];

@customElement('pg-fault-panel')
export class PgFaultPanel extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      .dirs {
        display: flex;
        gap: 0.3em;
        margin-bottom: 0.5em;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 0.35em 0.6em;
      }
      .grid label {
        min-width: 0;
      }
      .grid input {
        width: 100%;
      }
      fieldset {
        border: 1px solid var(--tcp-border);
        border-radius: 6px;
        margin: 0.5em 0 0;
        padding: 0.3em 0.5em 0.5em;
      }
      legend {
        font-weight: 600;
        padding: 0 0.3em;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
        margin-top: 0.4em;
      }
      ul {
        margin: 0.3em 0 0;
        padding-left: 1.2em;
      }
      .now {
        font-size: var(--tcp-small);
        margin: 0.2em 0;
      }
      .now.active {
        color: var(--tcp-drop);
        font-weight: 600;
      }
      input.small {
        width: 5em;
      }
    `,
  ];

  @property({ type: Number }) host = 0;
  @property({ attribute: false }) status: FaultStatus | null = null;
  /** Which direction the form edits. */
  @property() side: FaultDirection = 'out';

  @state() private drafts: Record<FaultDirection, FaultDraft> = { out: draftOf(DEFAULT_FAULT_CONFIG), in: draftOf(DEFAULT_FAULT_CONFIG) };
  @state() private dirty: Record<FaultDirection, boolean> = { out: false, in: false };
  @state() private problem: { field: keyof FaultDraft; reason: string } | null = null;
  @state() private nth = '3';
  @state() private blackout = '500';
  @state() private ruleError: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The worker's config shows in the form unless the user is in the middle of editing it.
    if (changed.has('status') && this.status) {
      const drafts = { ...this.drafts };
      for (const d of ['out', 'in'] as const) if (!this.dirty[d]) drafts[d] = draftOf(this.status[d].config);
      this.drafts = drafts;
    }
  }

  private edit(field: keyof FaultDraft, value: string): void {
    const d = this.side;
    this.drafts = { ...this.drafts, [d]: { ...this.drafts[d], [field]: value } };
    this.dirty = { ...this.dirty, [d]: true };
  }

  private apply(e: Event): void {
    e.preventDefault();
    const parsed = parseDraft(this.drafts[this.side]);
    if (!parsed.ok) {
      this.problem = { field: parsed.field, reason: parsed.reason };
      return;
    }
    this.problem = null;
    this.dirty = { ...this.dirty, [this.side]: false };
    this.dispatchEvent(appEvent('fault-action', { action: 'set', host: this.host, dir: this.side, config: parsed.config }));
  }

  private reset(): void {
    this.problem = null;
    this.dirty = { ...this.dirty, [this.side]: false };
    this.drafts = { ...this.drafts, [this.side]: draftOf(DEFAULT_FAULT_CONFIG) };
    this.dispatchEvent(appEvent('fault-action', { action: 'set', host: this.host, dir: this.side, config: { ...DEFAULT_FAULT_CONFIG } }));
  }

  private addRule(rule: FaultRule): void {
    this.ruleError = null;
    this.dispatchEvent(appEvent('fault-action', { action: 'add-rule', host: this.host, dir: this.side, rule }));
  }

  private addNth(): void {
    const n = Number(this.nth);
    if (!Number.isInteger(n) || n < 1) {
      this.ruleError = 'N is a whole number, at least 1 (1 = the very next segment).';
      return;
    }
    this.addRule(Rules.nth(n));
  }

  private addBlackout(): void {
    const t = Number(this.blackout);
    if (!Number.isFinite(t) || t <= 0) {
      this.ruleError = 'A blackout lasts more than 0 ms.';
      return;
    }
    this.addRule(Rules.blackout(t));
  }

  override render() {
    const dir = this.side;
    const d = this.drafts[dir];
    const st = this.status?.[dir];
    const active = st ? describeConfig(st.config) : [];
    const input = (field: keyof FaultDraft, label: string, unit: string) => html`<label>
      ${label} (${unit})
      <input
        name=${field}
        inputmode="decimal"
        .value=${d[field]}
        aria-invalid=${this.problem?.field === field ? 'true' : 'false'}
        @input=${(e: Event) => this.edit(field, (e.target as HTMLInputElement).value)}
      />
    </label>`;
    const counters = st ? Object.entries(st.counters).filter(([k, v]) => k !== 'processed' && k !== 'forwarded' && v > 0) : [];
    return html`
      <div class="dirs" role="group" aria-label="direction">
        ${(['out', 'in'] as const).map(
          (x) => html`<button type="button" aria-pressed=${x === dir ? 'true' : 'false'} @click=${() => ((this.side = x), (this.problem = null))}>
            ${x === 'out' ? 'OUT (what I send)' : 'IN (what reaches me)'}
          </button>`,
        )}
      </div>
      <p class="now ${active.length > 0 ? 'active' : ''}" aria-live="polite">
        ${active.length > 0 ? `${dir.toUpperCase()} now: ${active.join(', ')}` : `${dir.toUpperCase()}: no link faults.`}
      </p>
      <form @submit=${this.apply} aria-label=${`${dir} link faults`}>
        <div class="grid">
          ${input('loss', 'Loss', '%')} ${input('duplicate', 'Duplicate', '%')} ${input('reorder', 'Reorder', '%')}
          ${input('reorderGap', 'Reorder gap', 'packets')} ${input('reorderTimeout', 'Reorder timeout', 'ms')}
          ${input('delay', 'Delay', 'ms')} ${input('jitter', 'Jitter', '± ms')} ${input('corrupt', 'Corrupt', '%')}
          ${input('rateKBps', 'Bandwidth', 'kB/s, 0 = unlimited')} ${input('queueLimitBytes', 'Queue limit', 'bytes, 0 = none')}
        </div>
        ${this.problem ? html`<div class="error" role="alert">${this.problem.reason}</div>` : nothing}
        <div class="buttons">
          <button type="submit" class="primary">Apply ${dir.toUpperCase()}</button>
          <button type="button" @click=${this.reset}>No faults ${dir.toUpperCase()}</button>
        </div>
      </form>
      ${counters.length > 0 ? html`<p class="hint">Struck so far: ${counters.map(([k, v]) => `${k} ${v}`).join(', ')}</p>` : nothing}
      <fieldset>
        <legend>Drop on purpose (${dir.toUpperCase()})</legend>
        <div class="buttons" role="group" aria-label="drop the next segment of a kind">
          ${RULE_BUTTONS.map((b) => html`<button type="button" title=${b.title} @click=${() => this.addRule(b.rule())}>next ${b.label}</button>`)}
        </div>
        <div class="row" style="margin-top:0.4em">
          <label>N <input class="small" inputmode="numeric" .value=${this.nth} @input=${(e: Event) => (this.nth = (e.target as HTMLInputElement).value)} /></label>
          <button type="button" @click=${this.addNth}>drop the Nth segment</button>
          <label>T (ms) <input class="small" inputmode="decimal" .value=${this.blackout} @input=${(e: Event) => (this.blackout = (e.target as HTMLInputElement).value)} /></label>
          <button type="button" @click=${this.addBlackout}>blackout for T</button>
        </div>
        ${this.ruleError ? html`<div class="error" role="alert">${this.ruleError}</div>` : nothing}
        ${st && st.rules.length > 0
          ? html`<ul aria-label="armed rules">
                ${st.rules.map(
                  (r) => html`<li>
                    drop ${r.label}${r.kind === 'match' && r.remaining > 1 ? ` ×${r.remaining}` : ''}${r.dropped > 0 ? ` (dropped ${r.dropped})` : ''}
                    <button type="button" class="link" @click=${() => this.dispatchEvent(appEvent('fault-action', { action: 'remove-rule', host: this.host, dir, id: r.id }))}>remove</button>
                  </li>`,
                )}
              </ul>
              <button type="button" @click=${() => this.dispatchEvent(appEvent('fault-action', { action: 'clear-rules', host: this.host, dir }))}>Clear rules</button>`
          : html`<p class="hint">No rule armed.</p>`}
      </fieldset>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-fault-panel': PgFaultPanel;
  }
}
