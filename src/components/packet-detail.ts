// <tcp-packet-detail>: one packet taken apart. Every IPv4 and TCP header field and option (from
// the wire codec's layout, so names and byte ranges match Wireshark's), and a hex dump of the
// whole packet. Selecting a field highlights its bytes; clicking a byte selects the field it
// belongs to (again to step through overlapping fields, such as the flag bits).
import { LitElement, html, css, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SegmentRow } from '../model/segments.ts';
import { formatMs, rowNotes, shownAck, shownSeq } from '../model/labels.ts';
import { packetLayout } from '../../workers/tcp/wire/layout.ts';
import type { LayoutField } from '../../workers/tcp/wire/layout.ts';
import { summarize } from '../../workers/tcp/wire/describe.ts';
import { theme } from './theme.ts';
import { fieldSelect } from './events.ts';

const BYTES_PER_LINE = 16;

interface Section {
  title: string;
  fields: LayoutField[];
}

/** Sections in reading order; a field goes to the first whose test it passes. */
const SECTIONS: readonly { title: string; test: (name: string) => boolean }[] = [
  { title: 'Internet Protocol version 4 (RFC 791)', test: (n) => n.startsWith('ip.') && n !== 'ip.payload' && n !== 'ip.trailer' },
  { title: 'TCP options', test: (n) => n.startsWith('tcp.options') },
  { title: 'Transmission Control Protocol (RFC 9293)', test: (n) => n.startsWith('tcp.') && n !== 'tcp.payload' },
  { title: 'Data', test: () => true },
];

/** Which sections come first on screen: IPv4, TCP, its options, data. */
const SECTION_ORDER = [0, 2, 1, 3];

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function printable(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·';
}

/** "0100 ...." for bits [0, 4) of one byte: the field's bits, the others as dots, as Wireshark shows them. */
export function bitString(bytes: Uint8Array, f: LayoutField): string | null {
  if (!f.bits) return null;
  const [from, to] = f.bits;
  let out = '';
  for (let bit = 0; bit < f.length * 8; bit++) {
    const byte = bytes[f.offset + (bit >> 3)] ?? 0;
    const on = (byte >> (7 - (bit & 7))) & 1;
    out += bit >= from && bit < to ? String(on) : '.';
    if ((bit & 3) === 3 && bit !== f.length * 8 - 1) out += ' ';
  }
  return out;
}

@customElement('tcp-packet-detail')
export class TcpPacketDetail extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        overflow: auto;
      }
      .summary {
        padding: 0.4em 0.6em;
        background: var(--tcp-panel);
        border-bottom: 1px solid var(--tcp-border);
      }
      .summary .line {
        font-family: var(--tcp-mono);
        font-weight: 600;
        word-break: break-all;
      }
      .summary .notes {
        color: var(--tcp-drop);
      }
      .cols {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em 1.5em;
        padding: 0.5em 0.6em;
        align-items: flex-start;
      }
      .fields {
        flex: 1 1 22em;
        min-width: 18em;
      }
      h3 {
        font-size: 1em;
        margin: 0.6em 0 0.2em;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li button {
        display: flex;
        gap: 0.8em;
        width: 100%;
        text-align: left;
        border: 1px solid transparent;
        background: none;
        border-radius: 4px;
        padding: 0.05em 0.35em;
      }
      li.bit button {
        padding-left: 1.6em;
      }
      li button:hover {
        background: var(--tcp-hover-bg);
      }
      li button[aria-pressed='true'] {
        background: var(--tcp-field-bg);
        border-color: var(--tcp-border);
      }
      .bits {
        font-family: var(--tcp-mono);
        color: var(--tcp-muted);
        white-space: pre;
      }
      .range {
        margin-left: auto;
        color: var(--tcp-muted);
        font-size: var(--tcp-small);
        white-space: nowrap;
      }
      .hex {
        flex: 0 0 auto;
        font-family: var(--tcp-mono);
        font-size: var(--tcp-small);
        line-height: 1.55;
        user-select: text;
      }
      .hex .line {
        display: flex;
        gap: 1.2em;
        white-space: pre;
      }
      .hex .off {
        color: var(--tcp-muted);
      }
      .hex .b {
        cursor: pointer;
        padding: 0 0.12em;
        border-radius: 2px;
      }
      .hex .b.ip {
        color: var(--tcp-accent);
      }
      .hex .b.tcp {
        color: var(--tcp-ack);
      }
      .hex .b.sel {
        background: var(--tcp-field-bg);
        color: var(--tcp-fg);
        outline: 1px solid var(--tcp-border);
      }
      .hex .gap {
        display: inline-block;
        width: 0.6em;
      }
      .legend {
        font-family: var(--tcp-font);
        color: var(--tcp-muted);
        margin-bottom: 0.3em;
      }
      .legend .ip {
        color: var(--tcp-accent);
      }
      .legend .tcp {
        color: var(--tcp-ack);
      }
    `,
  ];

  /** The segment to take apart (a row from the model's segment log). */
  @property({ attribute: false }) row: SegmentRow | null = null;
  /** The selected field's name (e.g. "tcp.seq"); clicking a field or byte sets it. */
  @property() selectedField: string | null = null;
  /** Absolute sequence numbers only (otherwise relative ones are added beside them). */
  @property({ type: Boolean }) absolute = false;

  @state() private layout: LayoutField[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('row')) {
      // Layout depends only on the bytes: compute it once per packet, not on every render.
      this.layout = this.row && this.row.bytes.length > 0 ? packetLayout(this.row.bytes) : [];
      if (changed.get('row') !== undefined && this.selectedField !== null && !this.layout.some((f) => f.name === this.selectedField)) {
        this.selectedField = null;
      }
    }
  }

  private choose(name: string | null): void {
    this.selectedField = name;
    this.dispatchEvent(fieldSelect(name));
  }

  /** A byte was clicked: select the narrowest field over it, or the next one on a repeat click. */
  private pickByte(offset: number): void {
    const over = this.layout
      .filter((f) => offset >= f.offset && offset < f.offset + f.length)
      .sort((a, b) => a.length - b.length || (a.bits ? 1 : 0) - (b.bits ? 1 : 0));
    if (over.length === 0) return;
    const at = over.findIndex((f) => f.name === this.selectedField);
    this.choose(over[(at + 1) % over.length]!.name);
  }

  override render() {
    const r = this.row;
    if (!r) return html`<div class="empty">Select a segment to see its fields and bytes.</div>`;
    const notes = rowNotes(r);
    return html`
      <div class="summary">
        <div class="line">${r.seg ? summarize(r.seg) : 'undecodable packet'}</div>
        <div>
          <span class="muted">${r.dir === 'out' ? 'sent by' : 'received by'}</span> ${r.host}
          <span class="muted">at</span> ${formatMs(r.t)}
          ${r.reason ? html`<span class="muted">· reason</span> ${r.reason}` : nothing}
          ${r.seg && !this.absolute && r.seqBase !== null
            ? html`<span class="muted">· relative</span> seq=${shownSeq(r, false)}${r.ackBase !== null ? html` ack=${shownAck(r, false)}` : nothing}`
            : nothing}
          ${notes.length ? html`· <span class="notes">${notes.join(', ')}</span>` : nothing}
          ${r.drop ? html`<div class="notes">${r.drop.detail}</div>` : nothing}
        </div>
      </div>
      ${r.bytes.length === 0 ? this.renderNoBytes(r) : this.renderPacket(r.bytes)}
    `;
  }

  private renderNoBytes(r: SegmentRow): TemplateResult {
    return html`<div class="empty">The trace recorded this segment without its packet bytes${r.seg ? '; its decoded header is summarised above' : ''}.</div>`;
  }

  private renderPacket(bytes: Uint8Array): TemplateResult {
    const sections: Section[] = SECTIONS.map((s) => ({ title: s.title, fields: [] }));
    for (const f of this.layout) sections[SECTIONS.findIndex((s) => s.test(f.name))]!.fields.push(f);
    const sel = this.layout.find((f) => f.name === this.selectedField) ?? null;
    return html`<div class="cols">
      <div class="fields">
        ${SECTION_ORDER.map((i) => sections[i]!).filter((s) => s.fields.length > 0).map(
          (s) => html`<section>
            <h3>${s.title}</h3>
            <ul>
              ${s.fields.map((f) => this.renderField(bytes, f))}
            </ul>
          </section>`,
        )}
      </div>
      ${this.renderHex(bytes, sel)}
    </div>`;
  }

  private renderField(bytes: Uint8Array, f: LayoutField): TemplateResult {
    const bits = bitString(bytes, f);
    const on = f.name === this.selectedField;
    const range = f.length === 1 ? `byte ${f.offset}` : `bytes ${f.offset}–${f.offset + f.length - 1}`;
    return html`<li class=${f.bits && f.name.split('.').length > 2 ? 'bit' : ''}>
      <button type="button" aria-pressed=${on ? 'true' : 'false'} data-field=${f.name} title=${f.name} @click=${() => this.choose(on ? null : f.name)}>
        ${bits !== null ? html`<span class="bits">${bits}</span>` : nothing}
        <span>${this.label(f)}</span>
        <span class="range">${range}</span>
      </button>
    </li>`;
  }

  /** The layout's label, with relative sequence numbers beside tcp.seq and tcp.ack. */
  private label(f: LayoutField): string {
    const r = this.row!;
    if (this.absolute || !r.seg) return f.label;
    if (f.name === 'tcp.seq' && r.seqBase !== null) return `${f.label} (relative ${shownSeq(r, false)})`;
    if (f.name === 'tcp.ack' && r.ackBase !== null && (r.flags & 0x10) !== 0) return `${f.label} (relative ${shownAck(r, false)})`;
    return f.label;
  }

  private renderHex(bytes: Uint8Array, sel: LayoutField | null): TemplateResult {
    const ihl = bytes.length > 0 ? (bytes[0]! & 0x0f) * 4 : 0;
    const tcpEnd = this.layout.find((f) => f.name === 'tcp.payload')?.offset ?? bytes.length;
    const zone = (i: number) => (i < ihl ? 'ip' : i < tcpEnd ? 'tcp' : 'data');
    const lo = sel ? sel.offset : -1;
    const hi = sel ? sel.offset + sel.length : -1;
    const lines: TemplateResult[] = [];
    for (let start = 0; start < bytes.length; start += BYTES_PER_LINE) {
      const hexCells: TemplateResult[] = [];
      const asciiCells: TemplateResult[] = [];
      for (let i = start; i < start + BYTES_PER_LINE; i++) {
        if (i === start + 8) hexCells.push(html`<span class="gap"></span>`);
        if (i >= bytes.length) {
          hexCells.push(html`<span class="b">  </span> `);
          continue;
        }
        const b = bytes[i]!;
        const cls = `b ${zone(i)} ${i >= lo && i < hi ? 'sel' : ''}`;
        hexCells.push(html`<span class=${cls} data-offset=${i} @click=${() => this.pickByte(i)}>${hex2(b)}</span> `);
        asciiCells.push(html`<span class=${cls} data-offset=${i} @click=${() => this.pickByte(i)}>${printable(b)}</span>`);
      }
      lines.push(html`<div class="line"><span class="off">${start.toString(16).padStart(4, '0')}</span><span>${hexCells}</span><span>${asciiCells}</span></div>`);
    }
    return html`<div class="hex" aria-label="hex dump; click a byte to select its field">
      <div class="legend"><span class="ip">IPv4 header</span> · <span class="tcp">TCP header</span> · data</div>
      ${lines}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tcp-packet-detail': TcpPacketDetail;
  }
}
