// GET /stats: counts for anyone, rooms and hosts only with the admin token, and computed at most
// once a second however many ask (it walks every room and host).
import { afterEach, describe, expect, it } from 'vitest';
import { httpRequest } from './http-test-client.ts';
import { STATS_CACHE_MS } from './http-routes.ts';
import type { PublicStats, RelayStats } from './stats.ts';
import { sleep, startRelay, TestClient, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
let clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await relay?.close();
  relay = null;
});

const ROOM = 'secret-room-q7';
const NAME = 'Zoë Privatename';

async function populated(options: Parameters<typeof startRelay>[0] = {}): Promise<TestRelay> {
  const r = await startRelay({ bots: true, ...options });
  relay = r;
  clients = [await TestClient.join(r, ROOM, NAME), await TestClient.join(r, 'other-room-k2', 'Second Person')];
  return r;
}

describe('/stats without the admin token', () => {
  it('is counts only: no room name, display name, hostname or address', async () => {
    const r = await populated();
    const res = await httpRequest(r.port, '/stats');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    for (const secret of [ROOM, 'other-room-k2', 'Zoë', 'Privatename', 'privatename', 'Second Person', '10.0.']) {
      expect(res.body, secret).not.toContain(secret);
    }
    const s = JSON.parse(res.body) as PublicStats & { rooms?: unknown };
    expect(Object.keys(s).sort()).toEqual(
      ['clients', 'heartbeatEvictions', 'http', 'joins', 'pcapFilesDeleted', 'rateLimitCloses', 'refused', 'roomCount', 'startedAt', 'teacherCodeRateLimited', 'teacherCodeRefusals', 'traffic', 'uptimeSeconds', 'virtualHosts'].sort(),
    );
    expect(s.rooms).toBeUndefined();
    expect(s).toMatchObject({ clients: 2, roomCount: 2, joins: 2 });
    expect(s.virtualHosts).toBeGreaterThan(0); // the bots are counted, not named
    expect(s.http.connections).toBeGreaterThanOrEqual(3); // two WebSockets and this request
  });

  it('refuses detail: 401 for ?detail without a token and for a wrong token', async () => {
    const r = await populated();
    const asked = await httpRequest(r.port, '/stats?detail');
    expect(asked.status).toBe(401);
    expect(asked.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(asked.body).toMatch(/admin token/);
    const wrongs = [
      { headers: { Authorization: 'Bearer not-the-token-at-all' } },
      { headers: { Authorization: 'Bearer' } },
      { headers: { Authorization: `Bearer ${r.options.adminToken}x` } },
    ];
    for (const w of wrongs) {
      const res = await httpRequest(r.port, '/stats', w);
      expect(res.status, JSON.stringify(w)).toBe(401);
      expect(res.body).not.toContain(ROOM);
    }
    const wrongQuery = await httpRequest(r.port, `/stats?token=${r.options.adminToken.slice(1)}`);
    expect(wrongQuery.status).toBe(401);
    // Credentials of another scheme (a proxy's Basic) are not a token: the public counts.
    const basic = await httpRequest(r.port, '/stats', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(200);
    expect(basic.body).not.toContain(ROOM);
  });
});

describe('/stats with the admin token', () => {
  it('gives every room and host, by Bearer header or ?token=', async () => {
    const r = await populated();
    expect(r.options.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/); // made at start
    const byHeader = await httpRequest(r.port, '/stats', { headers: { Authorization: `Bearer ${r.options.adminToken}` } });
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers['cache-control']).toBe('no-store');
    const s = JSON.parse(byHeader.body) as RelayStats;
    const room = s.rooms.find((x) => x.name === ROOM)!;
    expect(room.hosts.filter((h) => h.kind === 'client').map((h) => [h.name, h.address])).toEqual([[NAME, '10.0.1.1']]);
    const byQuery = await httpRequest(r.port, `/stats?detail&token=${encodeURIComponent(r.options.adminToken)}`);
    expect(byQuery.status).toBe(200);
    expect((JSON.parse(byQuery.body) as RelayStats).rooms.map((x) => x.name).sort()).toEqual(['other-room-k2', ROOM]);
  });

  it('accepts a token given as the adminToken option, and a new relay makes a new one', async () => {
    const token = 'teacher-token-0123456789';
    const r = await populated({ adminToken: token });
    expect((await httpRequest(r.port, '/stats', { headers: { Authorization: `bearer ${token}` } })).status).toBe(200);
    const other = await startRelay();
    try {
      expect(other.options.adminToken).not.toBe(token);
      expect(other.options.adminToken).not.toBe(r.options.adminToken);
    } finally {
      await other.close();
    }
  });
});

describe('/stats cache', () => {
  it(`computes each text at most once per ${STATS_CACHE_MS} ms however many ask at once`, async () => {
    const r = await populated();
    const auth = { headers: { Authorization: `Bearer ${r.options.adminToken}` } };
    const started = Date.now();
    // 200 at once, each on its own connection (under the per-source cap of 256).
    const answers = await Promise.all([
      ...Array.from({ length: 150 }, () => httpRequest(r.port, '/stats')),
      ...Array.from({ length: 50 }, () => httpRequest(r.port, '/stats', auth)),
    ]);
    const elapsed = Date.now() - started;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Two texts (public, detailed), each made once, and again only when a period has passed.
    const windows = 1 + Math.ceil(elapsed / STATS_CACHE_MS);
    const renders = r.stats().http.statsRenders;
    expect(renders).toBeGreaterThanOrEqual(2);
    expect(renders).toBeLessThanOrEqual(2 * windows);
    if (elapsed < STATS_CACHE_MS) expect(renders).toBeLessThanOrEqual(4);
    const distinctPublic = new Set(answers.slice(0, 150).map((a) => a.body));
    expect(distinctPublic.size).toBeLessThanOrEqual(windows);
  });

  it('serves fresh figures once the period has passed', async () => {
    const r = await populated();
    const before = JSON.parse((await httpRequest(r.port, '/stats')).body) as PublicStats;
    clients.push(await TestClient.join(r, ROOM, 'Third'));
    const cached = JSON.parse((await httpRequest(r.port, '/stats')).body) as PublicStats;
    expect(cached.clients).toBe(before.clients); // within the period: the same text
    await sleep(STATS_CACHE_MS + 50);
    const fresh = JSON.parse((await httpRequest(r.port, '/stats')).body) as PublicStats;
    expect(fresh.clients).toBe(3);
    expect(fresh.joins).toBe(3);
  });
});
