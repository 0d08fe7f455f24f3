// <tcp-exercise-list>: the exercises of a pack, each with what it needs and how far the student
// got. Choosing one sends `exercise-select`; the app opens it.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Exercise, Pack, Progress } from '../exercises/index.ts';
import { emptyProgress, progressKey } from '../exercises/index.ts';
import { theme } from '../components/theme.ts';
import { exerciseSelect } from './events.ts';

/** What an exercise needs, in the words a student acts on. */
export function needsText(ex: Exercise): string {
  switch (ex.needs) {
    case 'partner':
      return 'a partner: a second tab in the same room';
    case 'bot':
      return ex.bot ? `a bot: ${ex.bot.service} on port ${ex.bot.port}` : 'a bot';
    case 'offline':
      return 'offline: two hosts in this tab';
  }
}

@customElement('tcp-exercise-list')
export class TcpExerciseList extends LitElement {
  static override styles = [
    theme,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.1em 0.8em;
        width: 100%;
        text-align: left;
        border: none;
        border-bottom: 1px solid var(--tcp-grid);
        border-radius: 0;
        background: none;
        padding: 0.5em 0.6em;
      }
      li button:hover {
        background: var(--tcp-hover-bg);
      }
      li button[aria-current='true'] {
        background: var(--tcp-selected-bg);
      }
      .title {
        font-weight: 600;
      }
      .needs {
        color: var(--tcp-muted);
        font-size: var(--tcp-small);
      }
      .progress {
        grid-row: span 2;
        align-self: center;
        font-family: var(--tcp-mono);
      }
      [data-complete] .progress {
        color: var(--tcp-ok);
      }
    `,
  ];

  @property({ attribute: false }) pack: Pack | null = null;
  /** Saved progress (progress.ts); items are looked up by progressKey(pack.name, id). */
  @property({ attribute: false }) progress: Progress = emptyProgress();
  /** Id of the exercise open now. */
  @property() selected: string | null = null;

  override render() {
    const pack = this.pack;
    if (pack === null) return html`<p class="empty">No exercise pack loaded.</p>`;
    return html`<ol aria-label=${`Exercises: ${pack.name}`}>
      ${pack.exercises.map((ex) => {
        const items = this.progress.exercises[progressKey(pack.name, ex.id)]?.items ?? {};
        const done = ex.checks.filter((c) => items[c.id] !== undefined).length;
        const total = ex.checks.length;
        return html`<li data-id=${ex.id} data-needs=${ex.needs} ?data-complete=${done === total}>
          <button type="button" aria-current=${this.selected === ex.id ? 'true' : 'false'} @click=${() => this.dispatchEvent(exerciseSelect({ id: ex.id }))}>
            <span class="title">${ex.title}</span>
            <span class="progress" aria-label=${`${done} of ${total} checks done`}>${done}/${total}${done === total ? html` ✓` : nothing}</span>
            <span class="needs">Needs ${needsText(ex)}</span>
          </button>
        </li>`;
      })}
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-exercise-list': TcpExerciseList;
  }
}
