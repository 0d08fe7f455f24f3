// Packs served by the relay: loading goes through an injected fetch and never throws.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PACK_JSON } from './builtin.ts';
import { loadPackFromUrl, type FetchLike } from './pack.ts';

function serve(body: string, status = 200): FetchLike {
  return async () => ({ ok: status >= 200 && status < 300, status, statusText: status === 404 ? 'Not Found' : '', text: async () => body });
}

const URL = 'http://relay:8080/packs/lab1.json';

describe('loadPackFromUrl', () => {
  it('loads and validates a pack', async () => {
    const r = await loadPackFromUrl(URL, serve(JSON.stringify(BUILTIN_PACK_JSON)));
    expect(r.ok && r.value.exercises.length).toBe(13);
  });

  it('asks for the given URL', async () => {
    const asked: string[] = [];
    await loadPackFromUrl(URL, async (u) => {
      asked.push(u);
      return { ok: true, status: 200, text: async () => '{}' };
    });
    expect(asked).toEqual([URL]);
  });

  it('an HTTP error', async () => {
    expect(await loadPackFromUrl(URL, serve('', 404))).toEqual({ ok: false, errors: [`${URL}: HTTP 404 Not Found`] });
  });

  it('a network failure', async () => {
    const r = await loadPackFromUrl(URL, async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(r).toEqual({ ok: false, errors: [`${URL}: could not be fetched: Failed to fetch`] });
  });

  it('a body that is not JSON', async () => {
    const r = await loadPackFromUrl(URL, serve('<html>'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatch(/^http:\/\/relay:8080\/packs\/lab1\.json: not valid JSON: /);
  });

  it('an invalid pack: the errors name the URL and the path', async () => {
    const p = structuredClone(BUILTIN_PACK_JSON) as { exercises: { checks: { when: unknown }[] }[] };
    p.exercises[3]!.checks[1]!.when = { segment: { flags: 'SIN' } };
    const r = await loadPackFromUrl(URL, serve(JSON.stringify(p)));
    expect(!r.ok && r.errors).toEqual([`${URL}: exercises[3].checks[1].when.segment.flags: unknown flag "SIN" (did you mean "SYN"?); flags are FIN, SYN, RST, PSH, ACK, URG, ECE, CWR`]);
  });
});
