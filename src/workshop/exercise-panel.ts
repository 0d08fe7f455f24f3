// <tcp-exercise-panel>: one exercise: goal, roles, steps (with "Arm" for steps that switch
// something on), hints revealed one at a time, a "Set up" button, and the live checklist.
//
// The checklist only shows what it is given (`checks`, from the exercise session that reads the
// trace): there is nothing to click on an item. Everything from a pack is rendered through Lit
// text bindings, so a pack's text can never become markup.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CheckStatus, Exercise } from '../exercises/index.ts';
import { planSetup } from '../exercises/index.ts';
import { theme } from '../components/theme.ts';
import { exerciseSetup, hintOpen, stepArm } from './events.ts';
import { needsText } from './exercise-list.ts';

/** Stack time of a tick, as the packet log shows times. */
export function formatDoneAt(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

@customElement('tcp-exercise-panel')
export class TcpExercisePanel extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        padding: 0.6em 0.9em;
      }
      h2 {
        margin: 0 0 0.3em;
        font-size: 1.25em;
      }
      h3 {
        margin: 1em 0 0.3em;
        font-size: 1em;
      }
      .goal {
        margin: 0 0 0.4em;
      }
      ol,
      ul {
        margin: 0;
        padding-left: 1.4em;
      }
      li {
        margin: 0.2em 0;
      }
      .checks {
        list-style: none;
        padding: 0;
      }
      .checks li {
        display: grid;
        grid-template-columns: 1.6em 1fr;
        padding: 0.3em 0;
        border-bottom: 1px solid var(--tcp-grid);
      }
      .mark {
        font-weight: 700;
        color: var(--tcp-muted);
      }
      .checks li[data-done] .mark {
        color: var(--tcp-ok);
      }
      .detail {
        grid-column: 2;
        font-size: var(--tcp-small);
      }
      .evidence {
        font-family: var(--tcp-mono);
        overflow-wrap: anywhere;
      }
      .claim {
        font-style: italic;
      }
      .error {
        color: var(--tcp-drop);
      }
      .actions {
        display: flex;
        gap: 0.5em;
        margin: 0.5em 0;
      }
    `,
  ];

  @property({ attribute: false }) exercise: Exercise | null = null;
  /** The live checklist (ExerciseSession.status()): the only thing that ticks an item. */
  @property({ attribute: false }) checks: CheckStatus[] = [];
  /** Hints revealed so far (saved progress). Clicking "Show a hint" raises it by one and says so. */
  @property({ type: Number }) hintsOpened = 0;

  override render() {
    const ex = this.exercise;
    if (ex === null) return html`<p class="empty">Choose an exercise.</p>`;
    return html`
      <h2>${ex.title}</h2>
      <p class="goal">${ex.goal}</p>
      <p class="needs muted">Needs ${needsText(ex)}</p>
      ${ex.roles?.you || ex.roles?.peer
        ? html`<ul class="roles">
            ${ex.roles.you ? html`<li><strong>You:</strong> ${ex.roles.you}</li>` : nothing}
            ${ex.roles.peer ? html`<li><strong>Other end:</strong> ${ex.roles.peer}</li>` : nothing}
          </ul>`
        : nothing}
      <div class="actions">
        <button type="button" class="setup" @click=${this.setUp}>Set up</button>
      </div>
      <h3>Steps</h3>
      <ol class="steps">
        ${ex.steps.map(
          (s, i) => html`<li data-step=${i}>
            ${s.text}
            ${s.apply
              ? html` <button type="button" class="arm" @click=${() => this.dispatchEvent(stepArm({ exerciseId: ex.id, step: i, plan: planSetup(s.apply) }))}>Arm</button>`
              : nothing}
          </li>`,
        )}
      </ol>
      ${this.renderHints(ex)}
      <h3>Checklist</h3>
      <ul class="checks" aria-label="Checklist, ticked from what your stack did">
        ${this.checks.map((c) => this.renderCheck(ex, c))}
      </ul>
    `;
  }

  private renderHints(ex: Exercise) {
    if (ex.hints.length === 0) return nothing;
    const shown = Math.min(Math.max(0, Math.floor(this.hintsOpened)), ex.hints.length);
    return html`<h3>Hints</h3>
      <ol class="hints">
        ${ex.hints.slice(0, shown).map((h) => html`<li class="hint">${h}</li>`)}
      </ol>
      ${shown < ex.hints.length
        ? html`<button type="button" class="more-hint" @click=${() => this.openNextHint(ex, shown)}>
            Show a hint (${shown + 1} of ${ex.hints.length})
          </button>`
        : nothing}`;
  }

  private renderCheck(ex: Exercise, c: CheckStatus) {
    const check = ex.checks.find((k) => k.id === c.id);
    return html`<li data-id=${c.id} ?data-done=${c.done} aria-label=${`${c.done ? 'done' : 'not yet'}: ${c.label}`}>
      <span class="mark" aria-hidden="true">${c.done ? '✓' : '○'}</span>
      <span class="label">${c.label}</span>
      ${check?.claim !== undefined
        ? html`<span class="detail claim-block">
            <span class="claim">Claim: “${check.claim}”</span><br />
            <span>What the stack showed: </span>
            ${c.done ? html`<span class="evidence">${c.evidence ?? ''}</span>` : html`<span class="muted">nothing yet</span>`}
          </span>`
        : nothing}
      ${c.done
        ? html`<span class="detail done-at muted">at ${c.doneAt !== undefined ? formatDoneAt(c.doneAt) : 'an earlier session'}</span>
            ${c.evidence !== undefined && check?.claim === undefined ? html`<span class="detail evidence">${c.evidence}</span>` : nothing}
            ${check?.explain !== undefined ? html`<span class="detail explain">${check.explain}</span>` : nothing}`
        : nothing}
      ${c.error !== undefined ? html`<span class="detail error">This item cannot tick: ${c.error}</span>` : nothing}
    </li>`;
  }

  private setUp = (): void => {
    const ex = this.exercise;
    if (ex === null) return;
    this.dispatchEvent(exerciseSetup({ exerciseId: ex.id, needs: ex.needs, plan: planSetup(ex.setup) }));
  };

  private openNextHint(ex: Exercise, index: number): void {
    // Shown at once; the app records it (progress.ts openHint) and passes it back down.
    this.hintsOpened = index + 1;
    this.dispatchEvent(hintOpen({ exerciseId: ex.id, index }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-exercise-panel': TcpExercisePanel;
  }
}
