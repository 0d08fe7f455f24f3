// Starting, option checks and closing.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRelay } from './relay.ts';
import { RelayOptionsError, resolveOptions, DEFAULTS } from './options.ts';
import { refusedWith, startRelay, TestClient } from './test-support.ts';

describe('createRelay', () => {
  it('listens on the port it reports and serves /healthz there', async () => {
    const relay = await startRelay();
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.address()).toMatchObject({ address: '127.0.0.1', port: relay.port });
    expect(relay.url).toBe(`http://127.0.0.1:${relay.port}/`);
    const res = await fetch(`${relay.url}healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    await relay.close();
  });

  it('rejects bad options with one clear error naming each problem, before listening', async () => {
    await expect(createRelay({ mtu: 20, port: -1 })).rejects.toThrow(RelayOptionsError);
    await expect(createRelay({ mtu: 20, port: -1 })).rejects.toThrow(/port must be an integer from 0 to 65535, got -1; mtu must be an integer from 68 to 65535, got 20/);
    await expect(createRelay({ colour: 'red' } as never)).rejects.toThrow(/unknown option "colour"/);
  });

  it('checks the relations between options', () => {
    expect(() => resolveOptions({ mtu: 9000, maxPayload: 4096 })).toThrow(/maxPayload \(4096\) must be at least the MTU \(9000\)/);
    expect(() => resolveOptions({ byteBurst: 1000 })).toThrow(/byteBurst/);
    expect(() => resolveOptions({ maxClientsPerRoom: 10, maxClients: 5 })).toThrow(/maxClientsPerRoom/);
    expect(() => resolveOptions({ allowedOrigins: ['not a url'] })).toThrow(/allowedOrigins/);
    expect(() => resolveOptions({ heartbeatMs: 1.5 })).toThrow(/heartbeatMs/);
    expect(resolveOptions({ port: undefined, mtu: 9000 }).port).toBe(DEFAULTS.port);
    expect(resolveOptions({ allowedOrigins: ['*', 'https://x.example'] }).allowedOrigins).toEqual(['*', 'https://x.example']);
    // Issue 14's limits: documented defaults, checked ranges and relations.
    expect(resolveOptions()).toMatchObject({
      maxClientsPerSource: 64,
      teacherCodeHoldSeconds: 1800,
      maxHeldTeacherCodes: 10_000,
      teacherCodeAttemptsPerMinute: 5,
      pcapMaxFileBytes: 64 * 1024 * 1024,
      pcapMaxTotalBytes: 512 * 1024 * 1024,
      pcapMaxFiles: 1000,
    });
    expect(() => resolveOptions({ maxClientsPerSource: 0 })).toThrow(/maxClientsPerSource must be an integer from 1/);
    expect(() => resolveOptions({ teacherCodeAttemptsPerMinute: 0.5 })).toThrow(/teacherCodeAttemptsPerMinute/);
    expect(() => resolveOptions({ pcapMaxFileBytes: 100 })).toThrow(/pcapMaxFileBytes/);
    expect(() => resolveOptions({ pcapMaxFileBytes: 8192, pcapMaxTotalBytes: 4096 })).toThrow(/pcapMaxTotalBytes \(4096\) must be at least pcapMaxFileBytes \(8192\)/);
  });

  it('reports a port that is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(createRelay({ port, host: '127.0.0.1', staticDir: null })).rejects.toThrow(
      new RegExp(`cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`),
    );
    blocker.close();
  });
});

describe('close', () => {
  it('says goodbye to clients with 1001, stops listening, and can be called twice', async () => {
    const relay = await startRelay();
    const a = await TestClient.join(relay, 'r', 'A');
    const b = await TestClient.join(relay, 'r', 'B');
    const first = relay.close();
    const second = relay.close();
    expect(second).toBe(first);
    await first;
    await relay.close();
    expect(await a.closed).toEqual({ code: 1001, reason: 'relay shutting down' });
    expect((await b.closed).code).toBe(1001);
    await expect(fetch(`${relay.url}healthz`)).rejects.toThrow();
    expect(relay.stats().roomCount).toBe(0);
  });

  it('refuses to admit while closing', async () => {
    const relay = await startRelay();
    const a = await TestClient.join(relay, 'r', 'A');
    const closing = relay.close();
    // The listening socket is closed at once, so a new connection cannot even get in.
    await expect(refusedWith(relay, 'room=r&name=B')).resolves.toMatchObject({ code: 1006 });
    await closing;
    await a.closed;
  });
});
