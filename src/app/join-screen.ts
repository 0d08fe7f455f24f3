// <pg-join-screen>: where a session starts. Relay address (the page's own origin by default),
// room code and display name, checked as the relay checks them, with a sentence per refused
// field; the stack profile; a link that opens the same room in another tab (two hosts for one
// student); and offline mode, offered prominently when no relay answers and always available.
import { LitElement, html, css, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { ProfileName } from '../../workers/tcp/settings.ts';
import { validateName, validateRelayUrl, validateRoom } from './validation.ts';
import { probeRelay } from './relay-probe.ts';
import type { RelayProbe } from './relay-probe.ts';

type Field = 'url' | 'room' | 'name';

@customElement('pg-join-screen')
export class PgJoinScreen extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      :host {
        display: block;
      }
      .wrap {
        max-width: 44em;
        margin: 0 auto;
        padding: 1em;
      }
      h1 {
        font-size: 1.6em;
        margin: 0.2em 0 0.1em;
      }
      .lead {
        color: var(--tcp-muted);
        margin: 0 0 1em;
      }
      form {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.8em 1em;
        align-items: start;
      }
      form label {
        font-size: 1em;
        color: var(--tcp-fg);
        font-weight: 600;
      }
      label.wide {
        grid-column: 1 / -1;
      }
      .actions {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        gap: 0.6em;
        align-items: center;
      }
      .field-error {
        color: var(--tcp-drop);
        font-weight: 400;
        font-size: var(--tcp-small);
      }
      .offline {
        margin-top: 1.2em;
      }
      .offline.suggested {
        border-color: var(--tcp-retrans);
        background: var(--tcp-current-bg);
      }
      .status {
        font-size: var(--tcp-small);
        font-weight: 400;
      }
      .status.yes {
        color: var(--tcp-ok);
      }
      .status.no {
        color: var(--tcp-drop);
      }
      .banner {
        border: 1px solid var(--tcp-drop);
        border-radius: 8px;
        padding: 0.5em 0.7em;
        margin-bottom: 1em;
        color: var(--tcp-drop);
      }
    `,
  ];

  @property() relayUrl = '';
  @property() room = '';
  @property() name = '';
  @property() profile: ProfileName = 'modern';
  /** Why the last attempt failed (from the controller): shown above the form. */
  @property() error: string | null = null;
  /** A join is under way (waiting for the relay's welcome). */
  @property({ type: Boolean }) connecting = false;
  /** How to ask whether a relay answers at an address (tests give their own). */
  @property({ attribute: false }) probe: RelayProbe = probeRelay;

  @state() private errors: Partial<Record<Field, string>> = {};
  @state() private reachable: 'checking' | 'yes' | 'no' = 'checking';
  private probed = '';
  private probeTimer: ReturnType<typeof setTimeout> | null = null;

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('relayUrl') && this.relayUrl !== this.probed) this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => void this.runProbe(), 300);
  }

  private async runProbe(): Promise<void> {
    this.probeTimer = null;
    const url = this.relayUrl;
    this.probed = url;
    const valid = validateRelayUrl(url);
    if (!valid.ok) {
      this.reachable = 'no';
      return;
    }
    this.reachable = 'checking';
    const ok = await this.probe(valid.value);
    if (this.probed === url) this.reachable = ok ? 'yes' : 'no';
  }

  private check(): { url: string; room: string; name: string } | null {
    const url = validateRelayUrl(this.relayUrl);
    const room = validateRoom(this.room);
    const name = validateName(this.name);
    const errors: Partial<Record<Field, string>> = {};
    if (!url.ok) errors.url = url.reason;
    if (!room.ok) errors.room = room.reason;
    if (!name.ok) errors.name = name.reason;
    this.errors = errors;
    return url.ok && room.ok && name.ok ? { url: url.value, room: room.value, name: name.value } : null;
  }

  private submit(e: Event): void {
    e.preventDefault();
    const ok = this.check();
    if (!ok) {
      // Take the keyboard to the first field that needs fixing.
      const first = (['url', 'room', 'name'] as Field[]).find((f) => this.errors[f] !== undefined);
      this.renderRoot.querySelector<HTMLInputElement>(`#${first}`)?.focus();
      return;
    }
    this.dispatchEvent(appEvent('join-request', { ...ok, profile: this.profile }));
  }

  private input(field: Field, value: string): void {
    if (field === 'url') this.relayUrl = value;
    else if (field === 'room') this.room = value;
    else this.name = value;
    // Once a field was refused, re-check it as the user types so the message goes when fixed.
    if (this.errors[field] !== undefined) this.check();
  }

  /** The same page, room prefilled: a second host for the same student. */
  private sameRoomHref(): string {
    const params = new URLSearchParams();
    if (this.room.trim() !== '') params.set('room', this.room.trim());
    if (this.relayUrl.trim() !== '' && this.relayUrl.trim() !== defaultRelayUrl()) params.set('relay', this.relayUrl.trim());
    const q = params.toString();
    return q === '' ? location.pathname : `${location.pathname}?${q}`;
  }

  override render() {
    const e = this.errors;
    const field = (id: Field, label: string, value: string, hint: string, extra: Record<string, string> = {}) => html`
      <label class=${id === 'url' ? 'wide' : ''} for=${id}>
        ${label}
        <input
          id=${id}
          name=${id}
          .value=${value}
          autocomplete=${extra.autocomplete ?? 'off'}
          spellcheck="false"
          aria-invalid=${e[id] ? 'true' : 'false'}
          aria-describedby=${`${id}-msg`}
          @input=${(ev: Event) => this.input(id, (ev.target as HTMLInputElement).value)}
        />
        <span id=${`${id}-msg`} class=${e[id] ? 'field-error' : 'hint'}>${e[id] ?? hint}</span>
      </label>
    `;
    const suggestOffline = this.reachable === 'no';
    return html`
      <div class="wrap">
        <h1>TCP playground</h1>
        <p class="lead">Real TCP (RFC 9293) between browser tabs: join a room, open connections, break them, and watch every segment.</p>
        ${this.error ? html`<div class="banner" role="alert">${this.error}</div>` : nothing}
        <form @submit=${this.submit} novalidate aria-label="join a room">
          ${field('url', 'Relay address', this.relayUrl, '')}
          <span class="status ${this.reachable}" aria-live="polite" style="grid-column: 1 / -1; margin-top: -0.6em">
            ${this.reachable === 'checking' ? 'Checking the relay…' : this.reachable === 'yes' ? 'The relay answers.' : 'No relay answers at this address.'}
          </span>
          ${field('room', 'Room code', this.room, 'The same code puts you on the same network as your classmates.')}
          ${field('name', 'Your name', this.name, 'Shown to the others in the room.', { autocomplete: 'nickname' })}
          <label for="profile">
            TCP profile
            <select id="profile" .value=${this.profile} @change=${(ev: Event) => (this.profile = (ev.target as HTMLSelectElement).value as ProfileName)}>
              <option value="modern" ?selected=${this.profile === 'modern'}>modern (SACK, timestamps, window scaling, Nagle, delayed ACK)</option>
              <option value="textbook" ?selected=${this.profile === 'textbook'}>textbook (RFC 793: MSS option only, every segment ACKed)</option>
            </select>
          </label>
          <div class="actions">
            <button class="primary" type="submit" ?disabled=${this.connecting}>${this.connecting ? 'Joining…' : 'Join room'}</button>
            ${this.connecting
              ? html`<button type="button" @click=${() => this.dispatchEvent(new CustomEvent('join-cancel', { bubbles: true, composed: true }))}>Cancel</button>`
              : nothing}
            <a href=${this.sameRoomHref()} target="_blank" rel="noopener">Open this room in a new tab</a>
            <span class="hint">(a second host of your own: connect the two tabs to each other)</span>
          </div>
        </form>
        <div class="card offline ${suggestOffline ? 'suggested' : ''}">
          <h2>${suggestOffline ? 'No relay? Work offline' : 'Or work offline'}</h2>
          <p class="hint">Two hosts in this tab (10.0.0.1 and 10.0.0.2) on a simulated link: everything works except meeting other people.</p>
          <button class=${suggestOffline ? 'primary' : ''} type="button" @click=${() => this.dispatchEvent(appEvent('offline-request', { hosts: 2, profile: this.profile }))}>
            Start offline with two hosts
          </button>
        </div>
      </div>
    `;
  }
}

/** Where the relay usually is: the server that served this page. */
export function defaultRelayUrl(): string {
  return typeof location === 'undefined' || location.protocol === 'file:' ? 'http://localhost:8080/' : `${location.origin}/`;
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-join-screen': PgJoinScreen;
  }
  interface HTMLElementEventMap {
    'join-cancel': CustomEvent<void>;
  }
}
