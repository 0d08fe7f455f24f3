// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './packet-detail.ts';
import { bitString } from './packet-detail.ts';
import { packetRows } from '../model/segments.ts';
import { A, A_ISN, ascii, B, B_ISN, handshake } from '../model/test-fixtures.ts';
import { Flag } from '../../workers/tcp/wire/types.ts';
import { $, $$, listen, mount, text, update } from './test-helpers.ts';
import type { FieldSelectDetail } from './events.ts';

afterEach(() => document.body.replaceChildren());

const synRow = () => packetRows(handshake().events)[0]!;
const selectedOffsets = (el: Element) => [...new Set($$(el, '.hex .b.sel').map((b) => Number(b.getAttribute('data-offset'))))];

describe('<tcp-packet-detail>', () => {
  it('lists every IPv4 and TCP header field and option with its bytes', async () => {
    const row = synRow();
    const el = await mount('tcp-packet-detail', { row });
    expect($$(el, 'h3').map(text)).toEqual(['Internet Protocol version 4 (RFC 791)', 'Transmission Control Protocol (RFC 9293)', 'TCP options']); // no data in a SYN
    const fields = $$(el, 'li button').map((b) => b.getAttribute('data-field'));
    for (const f of ['ip.version', 'ip.ttl', 'ip.checksum', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.seq', 'tcp.ack', 'tcp.flags', 'tcp.flags.syn', 'tcp.window', 'tcp.checksum', 'tcp.options.mss']) {
      expect(fields).toContain(f);
    }
    const labelOf = (name: string) => text($(el, `button[data-field="${name}"]`));
    expect(labelOf('tcp.srcport')).toContain('Source port: 49152');
    expect(labelOf('tcp.seq')).toContain(`Sequence number: ${A_ISN} (relative 0)`);
    expect(labelOf('tcp.options.mss')).toContain('Maximum segment size: 1460 bytes');
    expect(labelOf('ip.version')).toMatch(/^0100 \.\.\.\. Version: 4/);
    expect(labelOf('tcp.flags.syn')).toContain('SYN (synchronize): set');
    // One hex cell and one ASCII cell per byte.
    expect($$(el, '.hex .b[data-offset]')).toHaveLength(row.bytes.length * 2);
    expect(text($(el, '.summary .line'))).toBe('49152 → 80 [SYN] seq=1000 win=65535 len=0 MSS=1460');
  });

  it('highlights a field’s bytes when the field is clicked, and says so', async () => {
    const el = await mount('tcp-packet-detail', { row: synRow() });
    const got = listen<FieldSelectDetail>(el, 'field-select');
    ($(el, 'button[data-field="tcp.seq"]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(got.map((e) => e.detail.name)).toEqual(['tcp.seq']);
    expect(selectedOffsets(el)).toEqual([24, 25, 26, 27]);
    expect($(el, 'button[data-field="tcp.seq"]').getAttribute('aria-pressed')).toBe('true');
    ($(el, 'button[data-field="tcp.seq"]') as HTMLButtonElement).click(); // again: deselect
    await el.updateComplete;
    expect(selectedOffsets(el)).toEqual([]);
  });

  it('selects the field under a clicked byte, stepping through overlapping fields', async () => {
    const el = await mount('tcp-packet-detail', { row: synRow() });
    const flagsByte = () => $$(el, '.hex .b[data-offset="33"]')[0] as HTMLElement;
    flagsByte().click();
    await el.updateComplete;
    expect(el.selectedField).toBe('tcp.flags');
    flagsByte().click();
    await el.updateComplete;
    expect(el.selectedField).toMatch(/^tcp\.flags\./);
    ($$(el, '.hex .b[data-offset="12"]')[1] as HTMLElement).click(); // the ASCII cell works too
    await el.updateComplete;
    expect(el.selectedField).toBe('ip.src');
    expect(selectedOffsets(el)).toEqual([12, 13, 14, 15]);
  });

  it('accepts a selected field from outside and drops it for a packet without it', async () => {
    const el = await mount('tcp-packet-detail', { row: synRow(), selectedField: 'tcp.options.mss' });
    expect(selectedOffsets(el)).toEqual([40, 41, 42, 43]);
    const ackRow = packetRows(handshake().events)[4]!; // no options
    await update(el, { row: ackRow });
    expect(el.selectedField).toBeNull();
  });

  it('shows payload bytes as text, never as markup', async () => {
    const b = handshake();
    const evil = '<img src=x onerror=alert(1)>';
    b.send(20, A, 1, B, { flags: Flag.PSH | Flag.ACK, seq: A_ISN + 1, ack: B_ISN + 1, payload: ascii(evil) }, 'data');
    const row = packetRows(b.events).at(-1)!;
    const el = await mount('tcp-packet-detail', { row });
    expect(el.shadowRoot!.querySelector('img')).toBeNull();
    const asciiText = $$(el, '.hex .line > span:last-child').map((s) => s.textContent).join('');
    expect(asciiText).toContain(evil);
    expect(text($(el, 'button[data-field="tcp.payload"]'))).toContain(`TCP payload: ${evil.length} bytes`);
  });

  it('explains a segment recorded without its bytes', async () => {
    const row = { ...synRow(), bytes: new Uint8Array(0) };
    const el = await mount('tcp-packet-detail', { row });
    expect(text($(el, '.empty'))).toContain('without its packet bytes');
    expect(text($(el, '.summary'))).toContain('[SYN]');
  });

  it('asks for a selection when it has none', async () => {
    const el = await mount('tcp-packet-detail');
    expect(text($(el, '.empty'))).toContain('Select a segment');
  });
});

describe('bitString', () => {
  it('shows a field’s bits and dots for the rest, in nibbles', () => {
    const bytes = Uint8Array.of(0x45, 0x40, 0x00);
    expect(bitString(bytes, { name: 'ip.version', label: '', offset: 0, length: 1, bits: [0, 4] })).toBe('0100 ....');
    expect(bitString(bytes, { name: 'ip.hdr_len', label: '', offset: 0, length: 1, bits: [4, 8] })).toBe('.... 0101');
    expect(bitString(bytes, { name: 'ip.flags.df', label: '', offset: 1, length: 1, bits: [1, 2] })).toBe('.1.. ....');
    expect(bitString(bytes, { name: 'ip.ttl', label: '', offset: 0, length: 1 })).toBeNull();
  });
});
