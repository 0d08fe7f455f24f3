// The HTTP side's options and pieces on their own: option checks, command line, the admin token,
// the Host matcher, and the JSON error locator that lets a pack listing say where a file breaks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newAdminToken, tokenMatches } from './admin-token.ts';
import { parseCli } from './cli.ts';
import { isHostAllowed } from './host-check.ts';
import { jsonErrorOffset } from './json-error.ts';
import { DEFAULTS, resolveOptions } from './options.ts';

describe('HTTP options', () => {
  it('have documented defaults and are checked up front', () => {
    expect(DEFAULTS).toMatchObject({
      maxConnectionsPerSource: 256,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: 30_000,
      maxHeaderBytes: 16_384,
      allowedHosts: [],
    });
    const a = resolveOptions({});
    const b = resolveOptions({});
    expect(a.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.adminToken).not.toBe(b.adminToken);
    expect(resolveOptions({ adminToken: 'x'.repeat(16) }).adminToken).toBe('x'.repeat(16));
    expect(() => resolveOptions({ adminToken: 'short' })).toThrow(/adminToken/);
    expect(() => resolveOptions({ adminToken: 'has spaces in it, sixteen+' })).toThrow(/adminToken/);
    expect(() => resolveOptions({ maxConnectionsPerSource: 0 })).toThrow(/maxConnectionsPerSource/);
    expect(() => resolveOptions({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(/requestTimeoutMs \(1000\) must be at least headersTimeoutMs \(5000\)/);
    expect(() => resolveOptions({ maxHeaderBytes: 10 })).toThrow(/maxHeaderBytes/);
    expect(() => resolveOptions({ allowedHosts: 'relay.lan' as unknown as string[] })).toThrow(/allowedHosts must be an array/);
  });

  it('come from the command line and RELAY_ADMIN_TOKEN', () => {
    const r = parseCli(
      [
        '--admin-token', 'abcdefghijklmnop1',
        '--allowed-host', 'relay.lan', '--allowed-host=192.168.1.20:8080',
        '--max-connections-per-source', '64',
        '--headers-timeout-ms', '2000', '--request-timeout-ms', '4000', '--keep-alive-timeout-ms', '1000',
        '--idle-timeout-ms', '9000', '--max-header-bytes', '8192',
      ],
      {},
    );
    expect(r).toEqual({
      kind: 'run',
      options: {
        adminToken: 'abcdefghijklmnop1',
        allowedHosts: ['relay.lan', '192.168.1.20:8080'],
        maxConnectionsPerSource: 64,
        headersTimeoutMs: 2000,
        requestTimeoutMs: 4000,
        keepAliveTimeoutMs: 1000,
        idleTimeoutMs: 9000,
        maxHeaderBytes: 8192,
      },
    });
    expect(parseCli([], { RELAY_ADMIN_TOKEN: 'from-the-environment' })).toEqual({ kind: 'run', options: { adminToken: 'from-the-environment' } });
    const help = parseCli(['--help'], {});
    expect(help.kind === 'help' && help.text).toContain('--allowed-host HOST');
  });
});

describe('admin token', () => {
  it('matches only itself', () => {
    const t = newAdminToken();
    expect(tokenMatches(t, t)).toBe(true);
    for (const wrong of ['', t.slice(1), t + 'x', t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase()]) expect(tokenMatches(wrong, t)).toBe(false);
  });
});

describe('Host matcher', () => {
  it('matches names without case, ports only when the entry has one, loopback always', () => {
    const allowed = ['relay.lan', '192.168.1.20:8080', '[fd00::1]:8080'];
    for (const h of ['relay.lan', 'Relay.LAN:80', '192.168.1.20:8080', '[fd00::1]:8080', 'localhost', 'localhost:3000', '127.0.0.1:8080', '[::1]:8080', 'a.localhost']) {
      expect(isHostAllowed(h, allowed), h).toBe(true);
    }
    for (const h of [undefined, '', 'relay.lan.', 'x.relay.lan', '192.168.1.20', '192.168.1.20:80', '[fd00::1]', 'relay.lan:8080:1', 'relay.lan/x']) {
      expect(isHostAllowed(h, allowed), String(h)).toBe(false);
    }
    expect(isHostAllowed(undefined, [])).toBe(true);
  });
});

describe('JSON error locator', () => {
  it('agrees with JSON.parse on validity and on the position V8 reports', () => {
    const base = JSON.stringify({ name: 'p', version: 1, exercises: [{ id: 'a', steps: ['x', 'y'], n: -1.5e3, ok: true, none: null, s: 'é\\n"' }] }, null, 2);
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.constantFrom(...' {}[],:"\\\u0001tfn0-.eX'.split('')), fc.boolean(), (at, ch, insert) => {
        const text = base.slice(0, at) + ch + base.slice(insert ? at : at + 1);
        let v8: string | null = null;
        try {
          JSON.parse(text);
        } catch (e) {
          v8 = (e as Error).message;
        }
        const ours = jsonErrorOffset(text);
        expect(ours === null).toBe(v8 === null);
        const m = v8 === null ? null : /at position (\d+)/.exec(v8);
        if (m !== null) expect(ours).toBe(Number(m[1]));
      }),
      { numRuns: 3000, seed: 14 },
    );
    expect(jsonErrorOffset('['.repeat(200_000))).toBe(200_000); // no recursion, no stack overflow
  });
});
