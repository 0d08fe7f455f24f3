// <pg-app-header>: who and where I am (room, my hostname and address, or offline, or a saved
// session), the relay link's state, the active-faults badge (always visible), and the app-wide
// switches: theme, presentation (large type), sidebar, sessions, leave.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ThemeName } from '../components/base.ts';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import './fault-badge.ts';
import '../workshop/watched-banner.ts';
import type { SummaryItem } from './fault-summary.ts';
import type { LinkState, LocalHostInfo } from '../../workers/api.ts';

export type HeaderAction = 'class' | 'exercises' | 'theme' | 'presentation' | 'sidebar' | 'sessions' | 'leave' | 'export-pcap' | 'export-json' | 'adopt-address';

/** One short phrase for the link's state; `now` counts down to a reconnect. */
export function linkText(link: LinkState, now: number): string {
  switch (link.status) {
    case 'idle':
      return '';
    case 'connecting':
      return `connecting to the relay (attempt ${link.attempt})…`;
    case 'joined':
      return link.addressChanged ? 'address changed: frames are dropped' : 'connected';
    case 'reconnecting':
      return `link lost (${link.reason || `code ${link.code}`}); reconnecting in ${Math.max(0, Math.ceil((link.retryAt - now) / 1000))} s`;
    case 'closed':
      return link.byUser ? 'left the room' : `disconnected: ${link.reason || `code ${link.code}`}`;
  }
}

@customElement('pg-app-header')
export class PgAppHeader extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      :host {
        display: block;
        background: var(--tcp-panel);
        border-bottom: 1px solid var(--tcp-border);
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3em 0.8em;
        padding: 0.3em 0.6em;
      }
      .tools button,
      .tools a {
        font-size: var(--tcp-small);
      }
      h1 {
        font-size: 1.1em;
        margin: 0;
        white-space: nowrap;
      }
      .where {
        display: flex;
        gap: 0.5em;
        align-items: baseline;
        min-width: 0;
      }
      .me {
        font-family: var(--tcp-mono);
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        max-width: 28em;
        white-space: nowrap;
      }
      .link {
        font-size: var(--tcp-small);
        color: var(--tcp-muted);
      }
      .link.bad {
        color: var(--tcp-drop);
        font-weight: 600;
      }
      .link.good {
        color: var(--tcp-ok);
      }
      .spacer {
        flex: 1 1 auto;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
        align-items: center;
      }
      .teacher {
        font-size: var(--tcp-small);
        font-weight: 700;
        color: var(--tcp-passive);
        border: 1px solid var(--tcp-passive);
        border-radius: 6px;
        padding: 0 0.4em;
      }
      tcp-watched-banner {
        font-size: var(--tcp-small);
      }
      .readonly {
        background: var(--tcp-current-bg);
        border: 1px solid var(--tcp-current);
        border-radius: 6px;
        padding: 0.05em 0.5em;
        font-size: var(--tcp-small);
        font-weight: 600;
      }
    `,
  ];

  @property() mode: 'join' | 'live' | 'archive' = 'join';
  @property({ attribute: false }) link: LinkState = { status: 'idle' };
  @property({ attribute: false }) local: readonly LocalHostInfo[] = [];
  @property() room: string | null = null;
  /** The display name the user joined with (text, never markup). */
  @property() name: string | null = null;
  @property({ attribute: false }) faults: readonly SummaryItem[] = [];
  /** For an archived session: what it was. */
  @property() archiveTitle = '';
  @property({ type: Boolean }) sidebar = true;
  @property({ type: Number }) now = 0;
  /** Where "open in a new tab" leads. */
  @property() newTabHref = '';
  /** The effective theme name shown on the toggle. */
  @property() themeChoice: ThemeName = 'auto';
  /** Presentation mode is on (the button shows it pressed). */
  @property({ type: Boolean }) presenting = false;
  /** Teachers: how many students are in the room. */
  @property({ type: Number }) classSize = 0;

  private act(action: HeaderAction): void {
    this.dispatchEvent(new CustomEvent<HeaderAction>('header-action', { detail: action, bubbles: true, composed: true }));
  }

  override render() {
    const l = this.link;
    const live = this.mode === 'live';
    const linkState = linkText(l, this.now);
    const bad = l.status === 'reconnecting' || (l.status === 'closed' && !l.byUser) || (l.status === 'joined' && l.addressChanged !== null);
    return html`<header>
      <h1>TCP playground</h1>
      <div class="where">
        ${this.mode === 'archive'
          ? html`<span class="readonly">saved session · read-only</span><span class="me">${this.archiveTitle}</span>`
          : live && this.local.length > 1
            ? html`<span class="me">offline · ${this.local.map((h) => `${h.hostname} ${h.address}`).join(' · ')}</span>`
            : live
              ? html`<span class="me" title=${this.name ?? ''}>${this.room ? `room ${this.room} · ` : ''}${this.name ?? ''}${this.local[0] ? ` · ${this.local[0].hostname} ${this.local[0].address}` : ''}</span>`
              : nothing}
        ${live && linkState !== '' ? html`<span class="link ${bad ? 'bad' : l.status === 'joined' ? 'good' : ''}" role="status">${linkState}</span>` : nothing}
        ${live && l.status === 'joined' && l.role === 'teacher' ? html`<span class="teacher" title="You see every student's connections (Class)">teacher</span>` : nothing}
        ${live && l.status === 'joined' && l.addressChanged ? html`<button type="button" @click=${() => this.act('adopt-address')}>adopt ${l.addressChanged.relayAddress}</button>` : nothing}
      </div>
      ${live && l.status === 'joined' && l.role !== 'teacher' && l.watchedByTeacher
        ? html`<tcp-watched-banner watched></tcp-watched-banner>`
        : nothing}
      ${live ? html`<pg-fault-badge .items=${this.faults}></pg-fault-badge>` : nothing}
      <span class="spacer"></span>
      <div class="tools">
        ${live && l.status === 'joined' && l.role === 'teacher'
          ? html`<button type="button" title="Every student's connections, as they publish them" @click=${() => this.act('class')}>Class (${this.classSize})</button>`
          : nothing}
        ${live ? html`<button type="button" title="Guided exercises, checked from what really happens on your connections" @click=${() => this.act('exercises')}>Exercises</button>` : nothing}
        ${live ? html`<button type="button" aria-pressed=${this.sidebar ? 'true' : 'false'} @click=${() => this.act('sidebar')}>Controls</button>` : nothing}
        ${live && this.room ? html`<a href=${this.newTabHref} target="_blank" rel="noopener" title="Open this room in another tab: a second host of your own">new tab in room</a>` : nothing}
        ${live || this.mode === 'archive'
          ? html`<button type="button" @click=${() => this.act('export-pcap')} title="Every segment in and out of this host, for Wireshark">Export pcap</button>
              <button type="button" @click=${() => this.act('export-json')}>Export JSON</button>`
          : nothing}
        <button type="button" @click=${() => this.act('sessions')}>Sessions</button>
        <button type="button" title="Light, dark or as the system" @click=${() => this.act('theme')}>Theme: ${this.themeChoice}</button>
        <button type="button" aria-pressed=${this.presenting ? 'true' : 'false'} title="Larger type for a projector" @click=${() => this.act('presentation')}>Presentation</button>
        ${live ? html`<button type="button" class="danger" @click=${() => this.act('leave')}>Leave</button>` : nothing}
      </div>
    </header>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-app-header': PgAppHeader;
  }
  interface HTMLElementEventMap {
    'header-action': CustomEvent<HeaderAction>;
  }
}
