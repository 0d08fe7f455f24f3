// `&kind=kernel` on the WebSocket URL (PROTOCOL.md §1): it changes how a client is listed to the
// others, and nothing else: the same address pool, client count, limits and routing as a client.
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from './protocol/close-codes.ts';
import { refusedWith, startRelay, TestClient, wsUrl, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

async function joinAs(r: TestRelay, room: string, name: string, kind: string | null): Promise<TestClient> {
  const c = TestClient.open(wsUrl(r, `room=${room}&name=${encodeURIComponent(name)}${kind === null ? '' : `&kind=${kind}`}`));
  await c.next('welcome');
  return c;
}

describe('host kind on the WebSocket URL', () => {
  it('lists a kind=kernel client as "kernel" to the others, and a client without kind as "client"', async () => {
    relay = await startRelay();
    const ana = await joinAs(relay, 'k1', 'Ana', null);
    const linux = await joinAs(relay, 'k1', 'Linux laptop', 'kernel');
    const joined = await ana.next('host-joined');
    expect(joined.host).toMatchObject({ name: 'Linux laptop', hostname: 'linux-laptop', kind: 'kernel' });
    expect(linux.welcome.hosts).toEqual([expect.objectContaining({ name: 'Ana', kind: 'client' })]);
    // A client address (10.0.1.x), like any client; the relay counts it as a client.
    expect(linux.address).toMatch(/^10\.0\.1\.\d+$/);
    expect(relay.stats().clients).toBe(2);
    await ana.close();
    await linux.close();
  });

  it('keeps the room alive while only the kernel peer is in it, and ends it when it leaves', async () => {
    relay = await startRelay();
    const linux = await joinAs(relay, 'k2', 'Linux laptop', 'kernel');
    expect(relay.room('k2')).toBeDefined();
    await linux.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.room('k2')).toBeUndefined();
  });

  it('refuses an unknown kind with 4008 and a reason that says what to use', async () => {
    relay = await startRelay();
    const c = await refusedWith(relay, 'room=k3&name=Ana&kind=bot');
    expect(c.code).toBe(CloseCode.BAD_KIND);
    expect(c.reason).toContain('kind=kernel');
    // However long or strange the value, the reason fits a close frame (123 bytes).
    const long = await refusedWith(relay, `room=k3&name=Ana&kind=${encodeURIComponent('𝕜'.repeat(200))}`);
    expect(long.code).toBe(CloseCode.BAD_KIND);
    expect(relay.stats().refused['bad-kind']).toBe(2);
    // "client" is the default, written out.
    const ok = await joinAs(relay, 'k3', 'Ana', 'client');
    expect(ok.welcome.address).toMatch(/^10\.0\.1\./);
    await ok.close();
  });
});
