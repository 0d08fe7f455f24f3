// The HTTP side of the one port: UI files, /stats, /healthz, and what is not served.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket } from './http-test-client.ts';
import type { TestRelay } from './test-support.ts';
import type { RelayStats } from './stats.ts';
import { roundTrip, startRelay, tcpFrame, TestClient } from './test-support.ts';

let relay: TestRelay;
let dir: string;
let dist: string;

/** A raw request: node's http client sends the path as written (fetch would normalise "..").*/
function get(
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: relay.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString(),
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-http-'));
  dist = join(dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>playground</title>');
  writeFileSync(join(dist, 'assets', 'app-1234.js'), 'export const x = 1;');
  writeFileSync(join(dist, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(dist, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, 'tcp.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(dist, 'data.json'), '{"a":1}');
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => relay?.close());

describe('static files', () => {
  it('serves the built UI with the right content types', async () => {
    relay = await startRelay({ staticDir: dist });
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.type).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>playground</title>');
    expect(index.headers['cache-control']).toBe('no-cache');
    const expected: [string, string][] = [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/assets/app-1234.js', 'text/javascript; charset=utf-8'],
      ['/assets/style.css', 'text/css; charset=utf-8'],
      ['/icon.svg', 'image/svg+xml'],
      ['/tcp.wasm', 'application/wasm'],
      ['/data.json', 'application/json; charset=utf-8'],
    ];
    for (const [path, type] of expected) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.type, path).toBe(type);
    }
    expect((await get('/assets/app-1234.js')).headers['cache-control']).toContain('immutable');
    expect((await get('/data.json?v=2')).body).toBe('{"a":1}');
    const head = await get('/data.json', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('7');
    expect(head.body).toBe('');
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/index.html', 'POST')).status).toBe(405);
  });

  it('refuses paths that climb out of dist/', async () => {
    relay = await startRelay({ staticDir: dist });
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2E%2E%5Csecret.txt', '/%00', '/%zz']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body).not.toContain('TOP SECRET');
    }
  });

  it('explains a missing dist/ instead of crashing', async () => {
    relay = await startRelay({ staticDir: join(dir, 'not-built') });
    const r = await get('/');
    expect(r.status).toBe(503);
    expect(r.type).toContain('text/html');
    expect(r.body).toContain('npm run build');
    expect((await get('/healthz')).status).toBe(200); // the relay itself is fine
  });

  it('tells a plain GET of /ws to upgrade, and refuses WebSocket upgrades on other paths', async () => {
    relay = await startRelay();
    expect((await get('/ws')).status).toBe(426);
    const status = await new Promise<number>((resolve) => {
      const c = TestClient.open(`ws://127.0.0.1:${relay.port}/other?room=r&name=A`);
      c.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(404);
    expect(relay.stats().refused['bad-path']).toBe(1);
  });
});

describe('/stats and /healthz', () => {
  it('reports rooms, hosts, forwarded and dropped traffic, globally and per room', async () => {
    relay = await startRelay();
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });

    const a = await TestClient.join(relay, 'room1', 'A');
    const b = await TestClient.join(relay, 'room1', 'B');
    const c = await TestClient.join(relay, 'room2', 'C');
    for (let i = 0; i < 3; i++) a.send(tcpFrame(a.address, b.address, 100, i)); // 3 × 140 bytes forwarded
    a.send(tcpFrame(b.address, a.address)); // spoofed
    c.send(tcpFrame(c.address, '10.0.1.50')); // unreachable
    await b.waitFrames(3);
    await roundTrip(a);
    await roundTrip(c);

    // The counts are public; the rooms need the admin token (http-stats.test.ts has the rules).
    const r = await get('/stats', 'GET', { Authorization: `Bearer ${relay.options.adminToken}` });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json; charset=utf-8');
    const s = JSON.parse(r.body) as RelayStats;
    expect(s.clients).toBe(3);
    expect(s.roomCount).toBe(2);
    expect(s.joins).toBe(3);
    expect(s.traffic.framesForwarded).toBe(3);
    expect(s.traffic.bytesForwarded).toBe(420);
    // framesIn counts every message, the pings of roundTrip included.
    expect(s.traffic.framesIn).toBe(7);
    expect(s.traffic.dropped.spoofed).toBe(1);
    expect(s.traffic.dropped.unreachable).toBe(1);
    expect(s.traffic.droppedTotal).toBe(2);
    const room1 = s.rooms.find((x) => x.name === 'room1')!;
    const room2 = s.rooms.find((x) => x.name === 'room2')!;
    expect(room1.clients).toBe(2);
    expect(room1.traffic.framesForwarded).toBe(3);
    expect(room1.traffic.dropped.spoofed).toBe(1);
    expect(room2.traffic.dropped.unreachable).toBe(1);
    expect(room1.hosts.map((h) => [h.hostname, h.address, h.kind])).toEqual([
      ['a', '10.0.1.1', 'client'],
      ['b', '10.0.1.2', 'client'],
    ]);
    const hb = room1.hosts[1]!;
    expect(hb.traffic.framesDelivered).toBe(3);
    expect(hb.traffic.bytesDelivered).toBe(420);
    // The served text is at most a second old (STATS_CACHE_MS) and nothing moved since.
    const now = relay.stats();
    expect(s).toEqual({ ...now, uptimeSeconds: s.uptimeSeconds, http: s.http });
    expect(s.http.statsRenders).toBe(1);
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('every answer', () => {
  it('carries the security headers: CSP with frame-ancestors, nosniff, no referrer', async () => {
    relay = await startRelay({ staticDir: dist });
    for (const path of ['/', '/assets/app-1234.js', '/stats', '/healthz', '/ws', '/nope', '/%zz']) {
      const r = await get(path);
      expect(r.headers['content-security-policy'], path).toMatch(/frame-ancestors 'none'/);
      expect(r.headers['content-security-policy'], path).toMatch(/script-src 'self'(;|$)/);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      expect(r.headers['referrer-policy'], path).toBe('no-referrer');
      expect(r.headers['x-frame-options'], path).toBe('DENY');
    }
  });

  it('405 with Allow: GET, HEAD for any other method, on every route', async () => {
    relay = await startRelay({ staticDir: dist });
    for (const path of ['/stats', '/healthz', '/', '/index.html', '/ws', '/nope.js']) {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const r = await get(path, method);
        expect(r.status, `${method} ${path}`).toBe(405);
        expect(r.headers.allow, `${method} ${path}`).toBe('GET, HEAD');
      }
    }
    expect((await get('/healthz', 'HEAD')).status).toBe(200);
  });

  it('431 for a 64 KiB header, 400 for a request that is not HTTP, both before the socket closes', async () => {
    relay = await startRelay();
    const big = new RawSocket(relay.port);
    big.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    const garbage = new RawSocket(relay.port);
    garbage.write('HELLO THERE\r\n\r\n');
    await Promise.all([big.closed, garbage.closed]);
    expect(big.received).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(big.received).toContain('X-Content-Type-Options: nosniff');
    expect(garbage.status).toBe(400);
    expect(relay.stats().http).toMatchObject({ headersTooLarge: 1, badRequests: 1 });
    // Just under the limit is fine.
    expect((await get('/healthz', 'GET', { 'X-Big': 'a'.repeat(8 * 1024) })).status).toBe(200);
  });
});

describe('Host allow-list (allowedHosts)', () => {
  it('answers any Host by default', async () => {
    relay = await startRelay();
    expect((await get('/healthz', 'GET', { Host: 'evil.example:8080' })).status).toBe(200);
  });

  it('when set, refuses other Hosts with 421, requests and WebSocket upgrades alike', async () => {
    relay = await startRelay({ allowedHosts: ['relay.lan', '192.168.1.20:8080'] });
    for (const host of ['relay.lan', 'RELAY.lan:8080', '192.168.1.20:8080', 'localhost:9999', '127.0.0.1']) {
      expect((await get('/healthz', 'GET', { Host: host })).status, host).toBe(200);
    }
    for (const host of ['evil.example', 'relay.lan.evil.example', '192.168.1.20:8081', '192.168.1.20', 'relay.lan:8080@evil']) {
      const r = await get('/stats', 'GET', { Host: host });
      expect(r.status, host).toBe(421);
      expect(r.body).toMatch(/does not answer to Host/);
      expect(r.headers['content-security-policy']).toBeDefined();
    }
    // A page on a rebinding name opening the WebSocket: same check at the upgrade.
    const status = await new Promise<number>((resolve) => {
      const c = TestClient.open(`ws://127.0.0.1:${relay.port}/ws?room=r&name=A`, { headers: { Host: 'evil.example:8080' }, origin: 'http://evil.example:8080' });
      c.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    });
    expect(status).toBe(421);
    expect(relay.stats().clients).toBe(0);
    const ok = await TestClient.join(relay, 'r', 'A', { headers: { Host: 'relay.lan:8080' } });
    expect(relay.stats().http.hostRefused).toBe(6);
    await ok.close();
  });

  it('rejects malformed allowedHosts entries up front', async () => {
    await expect(startRelay({ allowedHosts: ['http://relay.lan/'] })).rejects.toThrow(/allowedHosts entry "http:\/\/relay.lan\/"/);
    await expect(startRelay({ allowedHosts: ['a b'] })).rejects.toThrow(/allowedHosts/);
  });
});

describe('symbolic links in the static root', () => {
  it('serves a link that stays inside, refuses (404, logged) one that leads out', async () => {
    const root = mkdtempSync(join(tmpdir(), 'relay-links-'));
    try {
      const www = join(root, 'www');
      mkdirSync(www);
      writeFileSync(join(www, 'index.html'), '<!doctype html><title>in</title>');
      writeFileSync(join(root, 'outside.txt'), 'OUTSIDE SECRET');
      mkdirSync(join(root, 'outside-dir'));
      writeFileSync(join(root, 'outside-dir', 'index.html'), 'OUTSIDE INDEX');
      symlinkSync(join(root, 'outside.txt'), join(www, 'leak.txt'));
      symlinkSync(join(root, 'outside-dir'), join(www, 'leakdir'));
      symlinkSync(join(www, 'index.html'), join(www, 'alias.html'));
      relay = await startRelay({ staticDir: www });
      for (const path of ['/leak.txt', '/leakdir/', '/leakdir/index.html']) {
        const r = await get(path);
        expect(r.status, path).toBe(404);
        expect(r.body).not.toContain('OUTSIDE');
      }
      expect(relay.logLines.filter((l) => /symbolic link leads out/.test(l))).toHaveLength(3);
      expect((await get('/alias.html')).body).toContain('<title>in</title>');
      // A root that is itself a link is fine: the comparison is between real paths.
      await relay.close();
      symlinkSync(www, join(root, 'www-link'));
      relay = await startRelay({ staticDir: join(root, 'www-link') });
      expect((await get('/')).status).toBe(200);
      expect((await get('/leak.txt')).status).toBe(404);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
