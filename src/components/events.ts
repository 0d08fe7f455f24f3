// Events the elements send up. All bubble and cross shadow roots, so a page can listen once.

export interface SegmentSelectDetail {
  /** A segment row key from the model (SegmentRow.key): "<host>/<n>". */
  key: string;
}

export interface FieldSelectDetail {
  /** A packet field name from the wire layout, e.g. "tcp.seq"; null to clear. */
  name: string | null;
}

export function segmentSelect(key: string): CustomEvent<SegmentSelectDetail> {
  return new CustomEvent('segment-select', { detail: { key }, bubbles: true, composed: true });
}

export function fieldSelect(name: string | null): CustomEvent<FieldSelectDetail> {
  return new CustomEvent('field-select', { detail: { name }, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap {
    'segment-select': CustomEvent<SegmentSelectDetail>;
    'field-select': CustomEvent<FieldSelectDetail>;
  }
}
