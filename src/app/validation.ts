// The join form's checks, the relay's own (relay/protocol/names.ts), so a name the relay would refuse is
// refused here first, with a sentence that says why instead of a closed connection.
import { checkDisplayName, checkRoomName, DISPLAY_NAME_MAX, ROOM_NAME_MAX } from '../../relay/protocol/names.ts';

export type Check = { ok: true; value: string } | { ok: false; reason: string };

export function validateRoom(raw: string): Check {
  if (raw.trim() === '') return { ok: false, reason: 'Enter a room code (your teacher gives it, or make one up and share it).' };
  const r = checkRoomName(raw.trim());
  if (!r.ok) {
    return {
      ok: false,
      reason: `A room code is 1–${ROOM_NAME_MAX} characters: letters A–Z, digits, “_” and “-” (no spaces or accents).`,
    };
  }
  return r;
}

export function validateName(raw: string): Check {
  const r = checkDisplayName(raw);
  if (r.ok) return r;
  if (r.reason.includes('empty')) return { ok: false, reason: 'Enter your name: the others see it next to your address.' };
  if (r.reason.includes('unprintable')) return { ok: false, reason: 'Your name has invisible or control characters; use letters, digits and punctuation.' };
  if (r.reason.includes('at most')) return { ok: false, reason: `Your name is too long: at most ${DISPLAY_NAME_MAX} characters.` };
  return { ok: false, reason: r.reason };
}

/** A relay address the worker can use: ws(s)://… or http(s)://… (turned into …/ws). */
export function validateRelayUrl(raw: string): Check {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'Enter the relay’s address, e.g. http://192.168.1.20:8080/' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `“${text}” is not an address: it should look like http://host:8080/` };
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
    return { ok: false, reason: `The relay address must start with http://, https://, ws:// or wss://, not ${url.protocol}//` };
  }
  return { ok: true, value: url.href };
}
