// Room names, display names and the hostnames derived from them.

export type NameCheck = { ok: true; value: string } | { ok: false; reason: string };

export const ROOM_NAME_MAX = 32;
export const DISPLAY_NAME_MAX = 40;
export const HOSTNAME_MAX = 24;

const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * A room name (the workshop code). Compared without case, so "Lab-3" typed by one student and
 * "lab-3" by another meet in the same room; the lowercase form is the room's name.
 */
export function checkRoomName(raw: string | null): NameCheck {
  if (raw === null || raw === '') return { ok: false, reason: 'missing room: add ?room=NAME to the URL' };
  if (!ROOM_PATTERN.test(raw)) {
    return { ok: false, reason: `invalid room: use 1-${ROOM_NAME_MAX} characters A-Z a-z 0-9 _ -` };
  }
  return { ok: true, value: raw.toLowerCase() };
}

// Unicode "other" (controls, format characters such as bidi overrides and zero-width joiners,
// surrogates, private use, unassigned): invisible or misleading in a list of names.
const NOT_PRINTABLE = /\p{C}/u;

/**
 * A display name: trimmed, 1–40 printable characters (code points, so "Zoë" or "李雷" are
 * fine). Inner runs of white space become one space so names line up in lists.
 */
export function checkDisplayName(raw: string | null): NameCheck {
  if (raw === null) return { ok: false, reason: 'missing name: add &name=YOUR_NAME to the URL' };
  const name = raw.trim().replace(/\s+/gu, ' ');
  if (name.length === 0) return { ok: false, reason: 'invalid name: it is empty' };
  if (NOT_PRINTABLE.test(name)) return { ok: false, reason: 'invalid name: it has unprintable characters' };
  if ([...name].length > DISPLAY_NAME_MAX) {
    return { ok: false, reason: `invalid name: at most ${DISPLAY_NAME_MAX} characters` };
  }
  return { ok: true, value: name };
}

/**
 * The hostname part a display name suggests: lowercase letters, digits and single hyphens
 * (RFC 1123 label characters), at most 24 of them; accents are stripped first so "Zoë"
 * becomes "zoe". A name with nothing usable (e.g. only CJK characters) gives "host".
 */
export function hostnameFor(displayName: string): string {
  const label = displayName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // combining marks left by NFKD: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, HOSTNAME_MAX)
    .replace(/-+$/, '');
  return label === '' ? 'host' : label;
}

/** `base`, or `base-2`, `base-3`, … : the first one `taken` says is free, within 24 chars. */
export function uniqueHostname(base: string, taken: (hostname: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = base.slice(0, HOSTNAME_MAX - suffix.length).replace(/-+$/, '') + suffix;
    if (!taken(candidate)) return candidate;
  }
}
