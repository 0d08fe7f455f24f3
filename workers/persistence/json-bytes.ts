// JSON for values that hold bytes and numbers JSON cannot: bytes (whole packets, payloads) become
// base64 strings tagged {"$bytes": "..."}, Infinity and NaN become {"$num": "Infinity"}. Session
// files use it, and stored chunks for the rare events they do not pack field by field.
import { base64ToBytes, bytesToBase64 } from './base64.ts';

export function bytesReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: bytesToBase64(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
  return value;
}

/** Throws (a DOMException) on a "$bytes" that is not base64, like JSON.parse on bad JSON. */
export function bytesReviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.$bytes === 'string' && Object.keys(o).length === 1) return base64ToBytes(o.$bytes);
    if (typeof o.$num === 'string' && Object.keys(o).length === 1) return Number(o.$num);
  }
  return value;
}
