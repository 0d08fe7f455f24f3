// A student's progress through exercises: items ticked (when, and the evidence), hints opened.
// Pure values in, new values out; plain JSON, so the UI can keep it in IndexedDB as it is.
//
// Merge-safe: two copies (two tabs, or a tab and what was saved) merge into the same result in any
// order, any number of times (commutative, associative, idempotent). Progress only grows, except
// for a reset, which bumps the exercise's epoch: a higher epoch replaces a lower one wholesale.
import type { CheckStatus, RestoredItem } from './evaluate.ts';

export interface ItemProgress {
  /** Wall-clock ms when it was first recorded as ticked. */
  at: number;
  /** Stack time of the event that ticked it. */
  doneAt?: number;
  evidence?: string;
}

export interface ExerciseProgress {
  /** Bumped by a reset; a higher epoch wins a merge. */
  epoch: number;
  items: Record<string, ItemProgress>;
  /** Hints revealed so far (hints open one at a time, in order). */
  hintsOpened: number;
  /** Wall-clock ms of the first activity in this epoch. */
  startedAt?: number;
}

export interface Progress {
  version: 1;
  /** By progressKey(pack, exercise). */
  exercises: Record<string, ExerciseProgress>;
}

export function emptyProgress(): Progress {
  return { version: 1, exercises: {} };
}

/** Exercise ids are unique within a pack; the key adds the pack so two packs never collide. */
export function progressKey(packName: string, exerciseId: string): string {
  return `${packName}/${exerciseId}`;
}

function exerciseOf(p: Progress, key: string): ExerciseProgress {
  return p.exercises[key] ?? { epoch: 0, items: {}, hintsOpened: 0 };
}

function withExercise(p: Progress, key: string, e: ExerciseProgress): Progress {
  return { version: 1, exercises: { ...p.exercises, [key]: e } };
}

/** Record the items a checklist shows as done (items already recorded keep their first record). */
export function recordStatus(p: Progress, key: string, statuses: readonly CheckStatus[], now: number): Progress {
  const e = exerciseOf(p, key);
  let items = e.items;
  for (const s of statuses) {
    if (!s.done || items[s.id] !== undefined) continue;
    const item: ItemProgress = { at: now };
    if (s.doneAt !== undefined) item.doneAt = s.doneAt;
    if (s.evidence !== undefined) item.evidence = s.evidence;
    items = { ...items, [s.id]: item };
  }
  if (items === e.items) return p;
  return withExercise(p, key, { ...e, items, startedAt: e.startedAt ?? now });
}

/** Reveal hints up to and including `index` (0-based). */
export function openHint(p: Progress, key: string, index: number, now: number): Progress {
  const e = exerciseOf(p, key);
  const n = Math.max(e.hintsOpened, Math.floor(index) + 1);
  if (n === e.hintsOpened) return p;
  return withExercise(p, key, { ...e, hintsOpened: n, startedAt: e.startedAt ?? now });
}

/** Start the exercise over: nothing ticked, no hints. */
export function resetExercise(p: Progress, key: string): Progress {
  return withExercise(p, key, { epoch: exerciseOf(p, key).epoch + 1, items: {}, hintsOpened: 0 });
}

/** What createChecklist() should start with. */
export function restoredItems(p: Progress, key: string): Record<string, RestoredItem> {
  const out: Record<string, RestoredItem> = {};
  for (const [id, item] of Object.entries(exerciseOf(p, key).items)) {
    const r: RestoredItem = {};
    if (item.doneAt !== undefined) r.doneAt = item.doneAt;
    if (item.evidence !== undefined) r.evidence = item.evidence;
    out[id] = r;
  }
  return out;
}

export function mergeProgress(a: Progress, b: Progress): Progress {
  const exercises: Record<string, ExerciseProgress> = {};
  for (const key of new Set([...Object.keys(a.exercises), ...Object.keys(b.exercises)])) {
    const x = a.exercises[key];
    const y = b.exercises[key];
    exercises[key] = x === undefined ? (y as ExerciseProgress) : y === undefined ? x : mergeExercise(x, y);
  }
  return { version: 1, exercises };
}

function mergeExercise(x: ExerciseProgress, y: ExerciseProgress): ExerciseProgress {
  if (x.epoch !== y.epoch) return x.epoch > y.epoch ? x : y;
  const items: Record<string, ItemProgress> = { ...x.items };
  for (const [id, item] of Object.entries(y.items)) {
    const mine = items[id];
    items[id] = mine === undefined ? item : earlier(mine, item);
  }
  const e: ExerciseProgress = { epoch: x.epoch, items, hintsOpened: Math.max(x.hintsOpened, y.hintsOpened) };
  const started = minDefined(x.startedAt, y.startedAt);
  if (started !== undefined) e.startedAt = started;
  return e;
}

/** The first record of an item wins; ties broken by a total order so the merge is commutative. */
function earlier(a: ItemProgress, b: ItemProgress): ItemProgress {
  if (a.at !== b.at) return a.at < b.at ? a : b;
  const da = a.doneAt ?? Infinity;
  const db = b.doneAt ?? Infinity;
  if (da !== db) return da < db ? a : b;
  return (a.evidence ?? '') <= (b.evidence ?? '') ? a : b;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export function serializeProgress(p: Progress): string {
  return JSON.stringify(p);
}

/**
 * Read progress back (a JSON string or the parsed value). Tolerant: whatever is malformed is left
 * out rather than failing the whole record, since losing all progress would be worse.
 */
export function parseProgress(input: unknown): Progress {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch {
      return emptyProgress();
    }
  }
  const out = emptyProgress();
  const exercises = isRecord(json) && isRecord(json.exercises) ? json.exercises : {};
  for (const [key, raw] of Object.entries(exercises)) {
    if (!isRecord(raw)) continue;
    const e: ExerciseProgress = {
      epoch: wholeOr(raw.epoch, 0),
      items: {},
      hintsOpened: wholeOr(raw.hintsOpened, 0),
    };
    if (typeof raw.startedAt === 'number' && Number.isFinite(raw.startedAt)) e.startedAt = raw.startedAt;
    const items = isRecord(raw.items) ? raw.items : {};
    for (const [id, it] of Object.entries(items)) {
      if (!isRecord(it) || typeof it.at !== 'number' || !Number.isFinite(it.at)) continue;
      const item: ItemProgress = { at: it.at };
      if (typeof it.doneAt === 'number' && Number.isFinite(it.doneAt)) item.doneAt = it.doneAt;
      if (typeof it.evidence === 'string') item.evidence = it.evidence;
      e.items[id] = item;
    }
    out.exercises[key] = e;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function wholeOr(v: unknown, d: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : d;
}
