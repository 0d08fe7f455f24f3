// Exercise packs: a named, versioned list of exercises, as the built-ins ship and as a teacher
// serves them from the relay. Loading never throws: every failure (network, HTTP status, bad JSON,
// bad exercise) comes back as readable lines.
import { at, checkKeys, isObject, Issues, kindOf, nonEmptyString } from './issues.ts';
import { safely, validateExercise, type Exercise, type ParseResult } from './schema.ts';

export interface Pack {
  name: string;
  /** The pack's own version, for the teacher ("2025-03", "1.2"); numbers are kept as text. */
  version: string;
  description?: string;
  exercises: Exercise[];
}

/** Validate a pack (e.g. JSON.parse of a file); errors name the path, e.g. "exercises[3].checks[1].when…". */
export function parsePack(json: unknown): ParseResult<Pack> {
  const issues = new Issues();
  const pack = safely(() => validatePack(json, issues), issues);
  return pack !== null && issues.count === 0 ? { ok: true, value: pack } : { ok: false, errors: issues.list };
}

function validatePack(json: unknown, issues: Issues): Pack | null {
  if (!isObject(json)) {
    issues.add('', `a pack must be an object { "name", "version", "exercises" }, got ${kindOf(json)}`);
    return null;
  }
  checkKeys(json, ['name', 'version', 'description', 'exercises'], '', issues);
  const name = nonEmptyString(json, 'name', '', issues);
  let version: string | undefined;
  if (typeof json.version === 'number' && Number.isFinite(json.version)) version = String(json.version);
  else version = nonEmptyString(json, 'version', '', issues);
  const description = nonEmptyString(json, 'description', '', issues, false);
  const list = json.exercises;
  const exercises: Exercise[] = [];
  if (!Array.isArray(list) || list.length === 0) {
    issues.add('exercises', `must be a non-empty list of exercises, got ${kindOf(list)}`);
  } else {
    const ids = new Map<string, number>();
    list.forEach((raw, i) => {
      const ex = validateExercise(raw, at('exercises', i), issues);
      if (ex === null) return;
      const dup = ids.get(ex.id);
      if (dup !== undefined) issues.add(at(at('exercises', i), 'id'), `"${ex.id}" is already the id of exercises[${dup}]`);
      ids.set(ex.id, i);
      exercises.push(ex);
    });
  }
  if (issues.count > 0 || name === undefined || version === undefined) return null;
  const pack: Pack = { name, version, exercises };
  if (description !== undefined) pack.description = description;
  return pack;
}

/** The part of fetch() the loader uses, so tests (and the worker) can pass their own. */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; statusText?: string; text(): Promise<string> }>;

/** Fetch a pack served by the relay (or anywhere) and validate it. */
export async function loadPackFromUrl(url: string, fetchFn: FetchLike): Promise<ParseResult<Pack>> {
  let body: string;
  try {
    const res = await fetchFn(url);
    if (!res.ok) return { ok: false, errors: [`${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`] };
    body = await res.text();
  } catch (e) {
    return { ok: false, errors: [`${url}: could not be fetched: ${e instanceof Error ? e.message : String(e)}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    return { ok: false, errors: [`${url}: not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const r = parsePack(json);
  return r.ok ? r : { ok: false, errors: r.errors.map((line) => `${url}: ${line}`) };
}
