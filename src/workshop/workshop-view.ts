// <tcp-workshop>: the whole workshop in one element: the pack's exercises, the open exercise with
// its live checklist, the "watched" banner for students, and the room view for teachers.
//
// Mounting contract (the app shell, one line, inside its own worker subscription):
//
//   html`<tcp-workshop .api=${api} .records=${update.records} .link=${link} .roomStatus=${roomStatus}
//          .room=${room} .hostName=${name}></tcp-workshop>`
//
// - `api`: the worker handle (comlink Remote<EndpointApi & WorkshopApi>, or any WorkshopWorker).
// - `records`: assign EVERY WorkerUpdate.records batch, in order, each time a new array. Each
//   assignment is consumed at once (not at the next render), so no batch is ever lost or pushed
//   twice; assigning the same array again is ignored.
// - `link`: the latest LinkState; `roomStatus`: the latest WorkerUpdate.roomStatus (teachers).
// - `room` / `hostName`: whose progress this is (IndexedDB key). Optional: default the joined
//   room and display name, or "offline" for both.
//
// The element handles its children's events (exercise-select, exercise-setup, step-arm,
// hint-open) itself, through WorkshopController, and stops them there so an app that also
// listens never applies a setup twice. User and pack text is rendered only through Lit bindings.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { HostStatusEntry } from '../../relay/protocol/messages.ts';
import type { LinkState, TraceRecord } from '../../workers/api.ts';
import { loadPackFromUrl, parsePack } from '../exercises/index.ts';
import { theme } from '../components/theme.ts';
import { defaultProgressStore, type ProgressStore } from './progress-store.ts';
import { WorkshopController, type Side, type WorkshopSnapshot, type WorkshopWorker } from './workshop-controller.ts';
import './exercise-list.ts';
import './exercise-panel.ts';
import './teacher-view.ts';
import './watched-banner.ts';

@customElement('tcp-workshop')
export class TcpWorkshop extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .layout {
        display: grid;
        grid-template-columns: minmax(14em, 1fr) 2fr;
        gap: 0.8em;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: center;
        padding: 0.4em 0.6em;
      }
      .errors {
        color: var(--tcp-drop);
        margin: 0.3em 0.6em;
        white-space: pre-wrap;
      }
      .report {
        margin: 0.3em 0.9em;
        white-space: pre-wrap;
      }
      .report[data-ok='false'] {
        color: var(--tcp-drop);
      }
      .teacher {
        margin-bottom: 0.8em;
      }
      .code {
        font-family: var(--tcp-mono);
      }
    `,
  ];

  /** The worker handle. */
  @property({ attribute: false }) api: WorkshopWorker | null = null;
  @property({ attribute: false }) link: LinkState = { status: 'idle' };
  @property({ attribute: false }) roomStatus: HostStatusEntry[] = [];
  @property() room = '';
  @property() hostName = '';
  /** Where progress is saved (default: IndexedDB). Set before the element is connected. */
  @property({ attribute: false }) store: ProgressStore | null = null;

  @state() private snap: WorkshopSnapshot | null = null;
  @state() private packErrors: string[] = [];
  @state() private packUrl = '';

  private controller: WorkshopController | null = null;
  private unsubscribe: (() => void) | null = null;
  private lastRecords: readonly TraceRecord[] | null = null;
  /** Records assigned before the controller existed (before connection to the page). */
  private pending: TraceRecord[] = [];

  /** New trace records: consumed on assignment (see the header). */
  @property({ attribute: false })
  set records(batch: readonly TraceRecord[]) {
    if (batch === this.lastRecords) return;
    this.lastRecords = batch;
    if (this.controller === null) this.pending.push(...batch);
    else this.controller.push(batch);
  }
  get records(): readonly TraceRecord[] {
    return this.lastRecords ?? [];
  }

  /** The controller, for an app (or a test) that wants to drive the workshop directly. */
  get workshop(): WorkshopController | null {
    return this.controller;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.controller === null) {
      this.controller = new WorkshopController(this.api, { store: this.store ?? defaultProgressStore() });
      this.unsubscribe = this.controller.subscribe((s) => (this.snap = s));
      this.snap = this.controller.snapshot();
      this.controller.setLink(this.link);
      const pending = this.pending;
      this.pending = [];
      this.controller.push(pending);
      this.syncIdentity();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.controller?.dispose();
    this.controller = null;
    this.unsubscribe = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const c = this.controller;
    if (c === null) return;
    if (changed.has('api')) c.setApi(this.api);
    if (changed.has('link')) c.setLink(this.link);
    if (changed.has('link') || changed.has('room') || changed.has('hostName')) this.syncIdentity();
  }

  private syncIdentity(): void {
    const link = this.link;
    const joined = link.status === 'joined' ? link : null;
    const room = this.room || joined?.room || 'offline';
    const host = this.hostName || joined?.name || 'offline';
    void this.controller?.setIdentity(room, host);
  }

  override render() {
    const s = this.snap;
    if (s === null) return nothing;
    const link = this.link;
    const joined = link.status === 'joined' ? link : null;
    const teacher = joined !== null && joined.role === 'teacher';
    return html`
      ${joined !== null && !teacher ? html`<tcp-watched-banner ?watched=${joined.watchedByTeacher}></tcp-watched-banner>` : nothing}
      ${teacher
        ? html`<section class="teacher" aria-label="Your room">
            <p class="bar">You are the teacher of room <strong>${joined.room}</strong>.
              ${joined.teacherCode !== null ? html`Teacher code: <span class="code">${joined.teacherCode}</span>` : nothing}</p>
            <tcp-teacher-view .hosts=${joined.hosts} .statuses=${this.roomStatus}></tcp-teacher-view>
          </section>`
        : nothing}
      ${this.renderPackBar(s)}
      <div class="layout" @exercise-select=${this.onSelect} @exercise-setup=${this.onSetup} @step-arm=${this.onArm} @hint-open=${this.onHint}>
        <tcp-exercise-list .pack=${s.pack} .progress=${s.progress} .selected=${s.exercise?.id ?? null}></tcp-exercise-list>
        <div>
          ${s.exercise?.needs === 'partner' ? this.renderSide(s.side) : nothing}
          <tcp-exercise-panel .exercise=${s.exercise} .checks=${s.checks} .hintsOpened=${s.hintsOpened}></tcp-exercise-panel>
          ${s.busy ? html`<p class="report" role="status">Setting up…</p>` : nothing}
          ${!s.busy && s.setup !== null
            ? html`<p class="report" role="status" data-ok=${s.setup.ok ? 'true' : 'false'}>${s.setup.summary}</p>`
            : nothing}
          ${s.storeError !== null ? html`<p class="errors" role="alert">${s.storeError}</p>` : nothing}
          ${s.exercise !== null ? html`<button type="button" class="reset" @click=${() => this.controller?.resetExercise()}>Start this exercise over</button>` : nothing}
        </div>
      </div>
    `;
  }

  private renderSide(side: Side) {
    const pick = (e: Event) => this.controller?.setSide((e.target as HTMLSelectElement).value === 'peer' ? 'peer' : 'you');
    return html`<label class="bar side"
      >In this exercise I play
      <select @change=${pick}>
        <option value="you" ?selected=${side === 'you'}>“You”</option>
        <option value="peer" ?selected=${side === 'peer'}>the other end (my partner's “you”)</option>
      </select></label
    >`;
  }

  private renderPackBar(s: WorkshopSnapshot) {
    return html`<div class="bar pack" role="group" aria-label="Exercise pack">
        <span>Pack: <strong class="pack-name">${s.pack.name}</strong> <span class="muted">${s.pack.version}</span></span>
        <label>Load pack from file <input type="file" class="pack-file" accept=".json,application/json" @change=${this.onFile} /></label>
        <form class="pack-url" @submit=${this.onUrl}>
          <input type="url" placeholder="https://…/pack.json" aria-label="Pack URL" .value=${this.packUrl} @input=${(e: Event) => (this.packUrl = (e.target as HTMLInputElement).value)} />
          <button type="submit">Load from URL</button>
        </form>
      </div>
      ${this.packErrors.length > 0
        ? html`<div class="errors" role="alert">
            <p>This pack could not be loaded:</p>
            <ul>${this.packErrors.map((line) => html`<li>${line}</li>`)}</ul>
          </div>`
        : nothing}`;
  }

  private onSelect = (e: CustomEvent<{ id: string }>): void => {
    e.stopPropagation();
    this.controller?.selectExercise(e.detail.id);
  };

  private onSetup = (e: Event): void => {
    e.stopPropagation();
    void this.controller?.applySetup();
  };

  private onArm = (e: CustomEvent<{ step: number }>): void => {
    e.stopPropagation();
    void this.controller?.arm(e.detail.step);
  };

  private onHint = (e: Event): void => {
    e.stopPropagation();
    this.controller?.openHint();
  };

  private onFile = async (e: Event): Promise<void> => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (err) {
      this.packErrors = [`${file.name}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`];
      return;
    }
    const r = parsePack(json);
    this.usePack(r.ok ? r : { ok: false, errors: r.errors.map((line) => `${file.name}: ${line}`) });
  };

  private onUrl = async (e: Event): Promise<void> => {
    e.preventDefault();
    const url = this.packUrl.trim();
    if (url === '') return;
    this.usePack(await loadPackFromUrl(url, (u) => fetch(u)));
  };

  private usePack(r: ReturnType<typeof parsePack>): void {
    if (!r.ok) {
      this.packErrors = r.errors;
      return;
    }
    this.packErrors = [];
    this.controller?.loadPack(r.value);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-workshop': TcpWorkshop;
  }
}
