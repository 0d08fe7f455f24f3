// The relay's small pieces on their own: names, addresses, buckets, origins, paths, messages, CLI.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolve, sep } from 'node:path';
import { AddressPool, BOT_FIRST, CLIENT_FIRST, MAX_CLIENT_ADDRESSES } from './addresses.ts';
import { formatIpv4Address } from '../workers/tcp/wire/address.ts';
import { checkDisplayName, checkRoomName, hostnameFor, uniqueHostname } from './protocol/names.ts';
import { TokenBucket } from './token-bucket.ts';
import { RateLimiter } from './rate-limit.ts';
import { isOriginAllowed } from './origin.ts';
import { contentTypeFor, resolveUnderRoot } from './static.ts';
import { parseClientMessage } from './protocol/messages.ts';
import { parseCli } from './cli.ts';

describe('names', () => {
  it('room names: 1-32 of [A-Za-z0-9_-], compared without case', () => {
    expect(checkRoomName('Lab_3-b')).toEqual({ ok: true, value: 'lab_3-b' });
    for (const bad of [null, '', 'a b', 'a/b', 'é', 'x'.repeat(33)]) expect(checkRoomName(bad).ok).toBe(false);
  });

  it('display names: trimmed, inner spaces folded, 1-40 printable code points', () => {
    expect(checkDisplayName('  Zoë   de  Vries ')).toEqual({ ok: true, value: 'Zoë de Vries' });
    expect(checkDisplayName('A' + '😀'.repeat(39)).ok).toBe(true); // 40 code points, 79 UTF-16 units
    // Emoji alone are no name: at least one letter or digit is needed (issue 14).
    expect(checkDisplayName('😀'.repeat(40))).toEqual({ ok: false, reason: 'invalid name: it needs at least one letter or digit' });
    for (const bad of [null, '', '   ', 'a\u0000b', 'a\u202eb', 'a\u200bb', 'x'.repeat(41)]) {
      expect(checkDisplayName(bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('hostnames are RFC 1123 labels of at most 24 characters, whatever the name', () => {
    expect(hostnameFor('Zoë de Vries')).toBe('zoe-de-vries');
    expect(hostnameFor('---')).toBe('host');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const h = hostnameFor(name);
        expect(h).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/);
      }),
    );
  });

  it('unique hostnames get -2, -3 … and stay within 24 characters', () => {
    const taken = new Set<string>();
    const base = 'a'.repeat(24);
    for (let i = 0; i < 12; i++) taken.add(uniqueHostname(base, (h) => taken.has(h)));
    expect(taken.size).toBe(12);
    expect([...taken].every((h) => h.length <= 24)).toBe(true);
    expect(taken.has(`${'a'.repeat(21)}-11`)).toBe(true);
  });
});

describe('addresses', () => {
  it('bots from 10.0.0.1, clients from 10.0.1.1, lowest free first, never .0 or .255', () => {
    const pool = new AddressPool();
    expect(formatIpv4Address(pool.takeBotAddress()!)).toBe('10.0.0.1');
    expect(formatIpv4Address(pool.takeClientAddress()!)).toBe('10.0.1.1');
    expect(formatIpv4Address(pool.takeClientAddress()!)).toBe('10.0.1.2');
    pool.release(CLIENT_FIRST);
    expect(pool.takeClientAddress()).toBe(CLIENT_FIRST);
    expect(pool.take(BOT_FIRST)).toBe(false); // taken
    expect(pool.take(0x0a0002ff)).toBe(false); // 10.0.2.255
    expect(pool.take(0xc0a80101)).toBe(false); // 192.168.1.1: outside the subnet
    const big = new AddressPool();
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const a = big.takeClientAddress()!;
      expect(a & 0xff).not.toBe(0);
      expect(a & 0xff).not.toBe(255);
      seen.add(a);
    }
    expect(seen.size).toBe(300);
    expect(formatIpv4Address([...seen][254]!)).toBe('10.0.2.1');
    expect(MAX_CLIENT_ADDRESSES).toBe(64770);
  });
});

describe('token bucket and rate limiter', () => {
  it('starts full, refills at its rate, never above its burst', () => {
    const b = new TokenBucket(10, 5, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => b.tryTake(1, 0))).toEqual([true, true, true, true, true, false]);
    expect(b.tryTake(1, 99)).toBe(false); // 0.99 tokens
    expect(b.tryTake(1, 100)).toBe(true);
    expect(b.tryTake(5, 10_000)).toBe(true);
    expect(b.tryTake(1, 10_000)).toBe(false);
    expect(b.tryTake(1, 5_000)).toBe(false); // the clock stepping back adds nothing
  });

  it('a message needs both a message token and byte tokens', () => {
    const r = new RateLimiter({ framesPerSecond: 100, frameBurst: 100, bytesPerSecond: 1000, byteBurst: 1000, rateLimitCloseAfterSeconds: 0 }, 0);
    expect(r.check(600, 0)).toBe('pass');
    expect(r.check(600, 0)).toBe('drop'); // 400 bytes left
    expect(r.check(400, 0)).toBe('pass'); // the dropped one took nothing
  });

  it('calls a client abusive only after N seconds in a row of more drops than its allowance', () => {
    const r = new RateLimiter({ framesPerSecond: 10, frameBurst: 10, bytesPerSecond: 1e9, byteBurst: 1e9, rateLimitCloseAfterSeconds: 3 }, 0);
    const second = (start: number, n: number): string[] => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(r.check(1, start + (i * 999) / n));
      return out;
    };
    expect(second(0, 100)).not.toContain('abusive'); // strike 1 counted when the window closes
    expect(second(1000, 100)).not.toContain('abusive'); // strike 2
    // A calm second breaks the streak.
    expect(second(2000, 5)).not.toContain('abusive');
    expect(second(3000, 100)).not.toContain('abusive');
    expect(second(4000, 100)).not.toContain('abusive');
    expect(second(5000, 100)).toContain('abusive'); // third second in a row
  });

  it('does not count drops a client\'s replies to what it was sent can explain (reflection)', () => {
    const r = new RateLimiter({ framesPerSecond: 10, frameBurst: 10, bytesPerSecond: 1e9, byteBurst: 1e9, rateLimitCloseAfterSeconds: 2 }, 0);
    let delivered = 0;
    const second = (start: number, sent: number, received: number): string[] => {
      const out: string[] = [];
      for (let i = 0; i < sent; i++) {
        delivered += received / sent;
        out.push(r.check(1, start + (i * 999) / sent, Math.floor(delivered)));
      }
      return out;
    };
    // 30 sent (20 dropped) while 30 arrived: within 10 + 2 × 30, for ever.
    for (let s = 0; s < 6; s++) expect(second(s * 1000, 30, 30)).not.toContain('abusive');
    // 100 sent (90 dropped) while 30 arrived: beyond 10 + 2 × 30, two seconds in a row.
    expect(second(6000, 100, 30)).not.toContain('abusive');
    expect(second(7000, 100, 30)).toContain('abusive');
  });
});

describe('origins', () => {
  const host = '192.168.1.20:8080';
  it('allows no Origin, the same origin and localhost; refuses others unless listed', () => {
    expect(isOriginAllowed(undefined, host, [])).toBe(true);
    expect(isOriginAllowed('http://192.168.1.20:8080', host, [])).toBe(true);
    expect(isOriginAllowed('https://192.168.1.20:8080', host, [])).toBe(true);
    expect(isOriginAllowed('http://localhost:5173', host, [])).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:3000', host, [])).toBe(true);
    expect(isOriginAllowed('http://[::1]:3000', host, [])).toBe(true);
    expect(isOriginAllowed('http://evil.example', host, [])).toBe(false);
    expect(isOriginAllowed('http://192.168.1.20:9999', host, [])).toBe(false);
    expect(isOriginAllowed('null', host, [])).toBe(false);
    expect(isOriginAllowed('file://', host, [])).toBe(false);
    expect(isOriginAllowed('http://evil.example', host, ['http://evil.example/'])).toBe(true);
    expect(isOriginAllowed('http://evil.example', host, ['*'])).toBe(true);
  });
});

describe('static paths', () => {
  const root = resolve('/srv/dist');
  it('never resolves outside the root, whatever the path', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('..', '.', '%2e%2e', '%2E.', 'a', '%2f', '%5c', '/', '%00', '%', 'b.js', '~'), { maxLength: 12 }), (parts) => {
        const file = resolveUnderRoot(root, '/' + parts.join('/'));
        if (file !== null) expect(file === root || file.startsWith(root + sep)).toBe(true);
      }),
    );
    expect(resolveUnderRoot(root, '/assets/app.js')).toBe(resolve(root, 'assets/app.js'));
    expect(resolveUnderRoot(root, '/a/../../etc/passwd')).toBeNull();
  });

  it('knows the content types the UI needs', () => {
    expect(contentTypeFor('x.wasm')).toBe('application/wasm');
    expect(contentTypeFor('X.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});

describe('client messages', () => {
  it('accepts ping with an optional id and refuses everything else with a reason', () => {
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ ok: true, value: { type: 'ping', id: null } });
    expect(parseClientMessage('{"type":"ping","id":"abc"}')).toEqual({ ok: true, value: { type: 'ping', id: 'abc' } });
    for (const bad of ['', 'ping', '1', '"ping"', '[]', '{"type":"pong"}', `{"type":"ping","id":"${'x'.repeat(65)}"}`]) {
      expect(parseClientMessage(bad).ok, bad).toBe(false);
    }
  });
});

describe('command line', () => {
  it('maps flags and PORT to options', () => {
    const r = parseCli(
      ['--port', '9000', '--host', '127.0.0.1', '--pcap-dir', 'caps', '--no-bots', '--origin', 'http://a.example', '--origin=http://b.example', '--mtu', '9000', '--heartbeat-ms', '0'],
      { PORT: '1234' },
    );
    expect(r).toEqual({
      kind: 'run',
      options: {
        port: 9000,
        host: '127.0.0.1',
        pcapDir: 'caps',
        bots: false,
        allowedOrigins: ['http://a.example', 'http://b.example'],
        mtu: 9000,
        heartbeatMs: 0,
      },
    });
    expect(parseCli([], { PORT: '1234' })).toEqual({ kind: 'run', options: { port: 1234 } });
    expect(parseCli([], {})).toEqual({ kind: 'run', options: {} });
    expect(
      parseCli(
        ['--max-clients-per-source', '100', '--teacher-code-hold-seconds', '0', '--teacher-code-attempts-per-minute', '3', '--pcap-max-file-bytes', '1048576', '--pcap-max-total-bytes', '8388608', '--pcap-max-files', '20'],
        {},
      ),
    ).toEqual({
      kind: 'run',
      options: { maxClientsPerSource: 100, teacherCodeHoldSeconds: 0, teacherCodeAttemptsPerMinute: 3, pcapMaxFileBytes: 1048576, pcapMaxTotalBytes: 8388608, pcapMaxFiles: 20 },
    });
  });

  it('gives help, and clear errors for unknown flags and bad numbers', () => {
    const help = parseCli(['--help'], {});
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' && help.text).toContain('--pcap-dir DIR');
    const unknown = parseCli(['--prot', '1'], {});
    expect(unknown.kind === 'error' && unknown.message).toMatch(/prot/);
    const bad = parseCli(['--port', '80a'], {});
    expect(bad).toEqual({ kind: 'error', message: '--port needs a whole number, got "80a"' });
    expect(parseCli([], { PORT: 'x' })).toEqual({ kind: 'error', message: 'environment variable PORT needs a whole number, got "x"' });
  });
});
