// Room names, display names and the hostnames derived from them. The page runs the same checks
// (src/app/validation.ts), so keep this file free of Node APIs.
import { skeleton } from './name-skeleton.ts';

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
// Characters that show nothing (Unicode's Default_Ignorable_Code_Point: the Hangul fillers
// U+115F, U+1160, U+3164, U+FFA0, combining grapheme joiner, Khmer inherent vowels, …) and the
// Braille blank U+2800, which looks like a space but is not white space. Variation selectors
// (U+FE00–FE0F, U+E0100–E01EF) are let through: they only pick how the character before them
// is drawn (the emoji form of ❤️).
const INVISIBLE = /(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}])[\p{Default_Ignorable_Code_Point}\u2800]/u;
/** A letter or digit a reader can see (after INVISIBLE is ruled out). */
const VISIBLE_LETTER = /[\p{L}\p{N}]/u;

/** Names of the relay's own hosts and of infrastructure a student could pretend to be: a
 *  client may not take a name that reads like one of them (name-skeleton.ts). The first five
 *  are the built-in bots (bots.ts). */
export const RESERVED_NAMES = ['echo', 'discard', 'daytime', 'chargen', 'http', 'relay', 'router', 'gateway', 'localhost', 'kernel', 'linux'] as const;
/** Reserved for students only: the room's teacher may call itself so, a student may not. */
export const TEACHER_NAMES = ['teacher'] as const;

const RESERVED = new Map<string, string>(RESERVED_NAMES.map((n) => [skeleton(n), n]));
const TEACHER_RESERVED = new Map<string, string>(TEACHER_NAMES.map((n) => [skeleton(n), n]));

/**
 * Who takes the name: `client` (a WebSocket client whose role is not known yet: the page's
 * check and the relay's first one), `student` (the same, plus the teacher's names), `virtual`
 * (a bot or other in-process host: the reserved names are theirs).
 */
export type NameUse = 'client' | 'student' | 'virtual';

/**
 * A display name: trimmed, 1–40 printable characters (code points, so "Zoë" or "李雷" are
 * fine), at least one of them a visible letter or digit, none invisible, and (for clients) not
 * reading like a reserved name. Inner runs of white space become one space so names line up in
 * lists.
 */
export function checkDisplayName(raw: string | null, use: NameUse = 'client'): NameCheck {
  if (raw === null) return { ok: false, reason: 'missing name: add &name=YOUR_NAME to the URL' };
  const name = raw.trim().replace(/\s+/gu, ' ');
  if (name.length === 0) return { ok: false, reason: 'invalid name: it is empty' };
  if (NOT_PRINTABLE.test(name)) return { ok: false, reason: 'invalid name: it has unprintable characters' };
  if ([...name].length > DISPLAY_NAME_MAX) {
    return { ok: false, reason: `invalid name: at most ${DISPLAY_NAME_MAX} characters` };
  }
  if (INVISIBLE.test(name)) return { ok: false, reason: 'invalid name: it has invisible characters (fillers, blanks)' };
  if (!VISIBLE_LETTER.test(name)) return { ok: false, reason: 'invalid name: it needs at least one letter or digit' };
  if (use !== 'virtual') {
    const s = skeleton(name);
    const reserved = RESERVED.get(s) ?? (use === 'student' ? TEACHER_RESERVED.get(s) : undefined);
    if (reserved !== undefined) {
      return { ok: false, reason: `invalid name: it reads as "${reserved}", which is reserved; choose another` };
    }
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
