// <pg-connection-card>: one connection of a local host and what the user can do with it: send
// text, send a generated file, read, shutdown (half close), close, abort; and what arrived
// (bytes, CRC-32, the end of it as text) and what was sent. Received text is rendered through a
// Lit text binding, never as markup.
import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { theme } from '../components/theme.ts';
import { appStyles } from './app-styles.ts';
import { appEvent } from './app-events.ts';
import type { ConnectionInfo } from '../model/connections.ts';
import type { SocketView } from './socket-views.ts';
import { crcText } from '../../workers/crc32.ts';

const MAX_FILE = 64 * 1024 * 1024;
/** Characters of received text shown: the end of it (laying out more costs every update). */
const SHOWN_TAIL = 800;

@customElement('pg-connection-card')
export class PgConnectionCard extends LitElement {
  static override styles = [
    theme,
    appStyles,
    css`
      :host {
        display: block;
      }
      .card.selected {
        border-color: var(--tcp-accent);
        box-shadow: inset 3px 0 0 var(--tcp-accent);
      }
      .head {
        display: flex;
        align-items: baseline;
        gap: 0.5em;
        width: 100%;
        text-align: left;
        background: none;
        border: none;
        padding: 0;
      }
      .tuple {
        font-family: var(--tcp-mono);
        flex: 1 1 auto;
        overflow-wrap: anywhere;
      }
      .state {
        font-family: var(--tcp-mono);
        font-weight: 700;
        color: var(--tcp-current);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3em;
        margin-top: 0.35em;
      }
      form {
        margin-top: 0.35em;
        flex-wrap: nowrap;
      }
      form input.text {
        flex: 1 1 auto;
      }
      form input.bytes {
        width: 7em;
      }
      .io {
        font-size: var(--tcp-small);
        margin-top: 0.35em;
      }
      pre {
        margin: 0.2em 0 0;
        max-height: 6em;
        overflow: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        background: var(--tcp-panel);
        border-radius: 4px;
        padding: 0.2em 0.35em;
        font-size: var(--tcp-small);
      }
    `,
  ];

  @property({ type: Number }) host = 0;
  @property({ attribute: false }) connection: ConnectionInfo | null = null;
  /**
   * The connection's state, passed on its own: the model updates ConnectionInfo objects in
   * place, so a changed state would not change the `connection` property Lit compares.
   */
  @property() connState = '';
  @property({ attribute: false }) socket: SocketView | null = null;
  @property({ type: Boolean }) selected = false;

  @state() private text = 'hello\n';
  @state() private bytes = '100000';
  @state() private error: string | null = null;

  private act(action: 'read' | 'auto-read' | 'shutdown' | 'close' | 'abort'): void {
    const c = this.connection;
    if (c) this.dispatchEvent(appEvent('socket-action', { action, host: this.host, conn: c.conn }));
  }

  private sendText(e: Event): void {
    e.preventDefault();
    const c = this.connection;
    if (!c) return;
    // Students type "\n" meaning a newline (HTTP requests need them).
    const text = this.text.replace(/\\r/g, '\r').replace(/\\n/g, '\n');
    if (text === '') {
      this.error = 'Type something to send.';
      return;
    }
    this.error = null;
    this.dispatchEvent(appEvent('socket-action', { action: 'send-text', host: this.host, conn: c.conn, text }));
  }

  private sendFile(e: Event): void {
    e.preventDefault();
    const c = this.connection;
    if (!c) return;
    const n = Number(this.bytes.trim());
    if (!Number.isInteger(n) || n < 1 || n > MAX_FILE) {
      this.error = `A file size is a whole number of bytes from 1 to ${MAX_FILE}.`;
      return;
    }
    this.error = null;
    this.dispatchEvent(appEvent('socket-action', { action: 'send-file', host: this.host, conn: c.conn, bytes: n }));
  }

  override render() {
    const c = this.connection;
    if (!c) return nothing;
    const s = this.socket;
    const r = s?.received;
    const sent = s?.sent;
    const st = this.connState || c.state;
    const closed = st === 'CLOSED';
    return html`<div class="card ${this.selected ? 'selected' : ''}" data-conn=${c.key}>
      <button
        class="head"
        type="button"
        aria-pressed=${this.selected ? 'true' : 'false'}
        title="Show this connection in the diagrams"
        @click=${() => this.dispatchEvent(appEvent('conn-select', { key: c.key }))}
      >
        <span class="tuple">${c.localAddr}:${c.localPort} ⇄ ${c.remoteAddr}:${c.remotePort}</span>
        <span class="state">${st}</span>
      </button>
      ${closed
        ? nothing
        : html`
            <form @submit=${this.sendText} aria-label="send text">
              <input class="text" aria-label="text to send (\\n for a newline)" .value=${this.text} @input=${(e: Event) => (this.text = (e.target as HTMLInputElement).value)} />
              <button type="submit">Send</button>
            </form>
            <form @submit=${this.sendFile} aria-label="send a file">
              <input class="bytes" inputmode="numeric" aria-label="file size in bytes" .value=${this.bytes} @input=${(e: Event) => (this.bytes = (e.target as HTMLInputElement).value)} />
              <button type="submit">Send file of N bytes</button>
            </form>
            <div class="actions">
              ${s?.autoRead ? html`<span class="hint">reading automatically</span>` : html`<button type="button" @click=${() => this.act('read')}>Read</button>
                <button type="button" title="The worker reads everything that arrives (stays on)" @click=${() => this.act('auto-read')}>Read automatically</button>`}
              <button type="button" title="Send FIN: no more data from this side (half close)" @click=${() => this.act('shutdown')}>Shutdown</button>
              <button type="button" title="Close: send FIN and finish the connection" @click=${() => this.act('close')}>Close</button>
              <button type="button" class="danger" title="Abort: send RST and forget the connection" @click=${() => this.act('abort')}>Abort</button>
            </div>
          `}
      ${this.error ? html`<div class="error" role="alert">${this.error}</div>` : nothing}
      <div class="io">
        ${sent && sent.queued > 0
          ? html`<div class="sent">Sent <span class="num">${sent.written}</span>${sent.written !== sent.queued ? html` of <span class="num">${sent.queued}</span>` : nothing} bytes · CRC-32 <span class="mono">${crcText(sent.crc)}</span>${sent.error ? html` · <span class="error">${sent.error}</span>` : nothing}</div>`
          : nothing}
        <div class="received">
          Received <span class="num" data-bytes=${r?.bytes ?? 0}>${r?.bytes ?? 0}</span> bytes${r && r.bytes > 0 ? html` · CRC-32 <span class="mono">${crcText(r.crc)}</span>` : nothing}${r?.eof ? ' · end of stream (FIN)' : ''}${r?.error ? html` · <span class="error">${r.error}</span>` : nothing}
        </div>
        ${r && r.tail !== '' ? html`<pre aria-label="received text (the end of it)">${r.tail.length > SHOWN_TAIL ? `…${r.tail.slice(-SHOWN_TAIL)}` : r.tail}</pre>` : nothing}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pg-connection-card': PgConnectionCard;
  }
}
