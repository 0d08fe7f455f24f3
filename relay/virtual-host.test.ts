// The seam for bots and the terminal peer: in-process hosts that join a room like a client.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from './protocol/messages.ts';
import type { RoomApi, SendResult, VirtualHostHandle } from './room-api.ts';
import { roundTrip, startRelay, tcpFrame, TestClient, waitFor, type TestRelay } from './test-support.ts';

let relay: TestRelay;
afterEach(async () => relay?.close());

/** A bot that sends every frame back with source and destination swapped. Swapping the two
 *  addresses changes neither the IPv4 header checksum nor the TCP checksum (both are sums). */
function attachMirror(room: RoomApi, log: string[]): VirtualHostHandle {
  let inSend = false;
  const handle: VirtualHostHandle = room.attachVirtualHost({
    name: 'Mirror',
    preferredAddress: '10.0.0.2',
    deliver(frame) {
      if (inSend) log.push('re-entered');
      const copy = frame.slice();
      copy.set(frame.subarray(16, 20), 12);
      copy.set(frame.subarray(12, 16), 16);
      inSend = true;
      log.push(`reply:${handle.send(copy)}`);
      inSend = false;
    },
    notify(m: ServerMessage) {
      log.push(`notify:${m.type}`);
    },
    detached() {
      log.push('detached');
    },
  });
  return handle;
}

describe('virtual hosts', () => {
  it('a reflecting bot is listed as a bot, receives frames and answers through the room', async () => {
    const log: string[] = [];
    const rooms: string[] = [];
    relay = await startRelay({
      onRoomCreated: (room) => {
        rooms.push(room.name);
        attachMirror(room, log);
        room.onEnd(() => log.push(`end:${room.name}`));
      },
    });
    const a = await TestClient.join(relay, 'lab', 'Ana');
    expect(rooms).toEqual(['lab']);
    expect(a.welcome.hosts).toEqual([{ address: '10.0.0.2', hostname: 'mirror', name: 'Mirror', kind: 'bot' }]);
    const f = tcpFrame(a.address, '10.0.0.2', 300);
    a.send(f);
    await a.waitFrames(1);
    const back = new Uint8Array(a.frames[0]!);
    const expected = f.slice();
    expected.set(f.subarray(16, 20), 12);
    expected.set(f.subarray(12, 16), 16);
    expect(back).toEqual(expected);
    expect(log).toContain('reply:forwarded');
    expect(log).not.toContain('re-entered');
    // The bot heard the room's events like a client would.
    expect(log.slice(0, 2)).toEqual(['notify:welcome', 'notify:host-joined']);
    const stats = relay.stats();
    expect(stats.virtualHosts).toBe(1);
    expect(stats.rooms[0]!.hosts.find((h) => h.kind === 'bot')!.traffic.framesForwarded).toBe(1);

    // The bot does not keep the room alive: when Ana leaves, the room ends and the bot is detached.
    await a.close();
    await waitFor(() => log.includes('detached'), 'the bot to be detached');
    expect(log.slice(-2)).toEqual(['detached', 'end:lab']); // bots first, then the end listeners
    expect(relay.room('lab')).toBeUndefined();
    // A new room gets a fresh bot.
    const b = await TestClient.join(relay, 'lab', 'Bo');
    expect(rooms).toEqual(['lab', 'lab']);
    expect(b.welcome.hosts.map((h) => h.hostname)).toEqual(['mirror']);
    await b.close();
  });

  it('checks a virtual host\'s frames like a client\'s and reports why one is dropped', async () => {
    let bot!: VirtualHostHandle;
    relay = await startRelay({ onRoomCreated: (room) => (bot = room.attachVirtualHost({ name: 'Echo', deliver: () => {} })) });
    const a = await TestClient.join(relay, 'r', 'A');
    expect(bot.address).toBe('10.0.0.1'); // lowest free bot address
    expect(bot.hostname).toBe('echo');
    const results: SendResult[] = [
      bot.send(tcpFrame(bot.address, a.address, 10)),
      bot.send(tcpFrame(a.address, a.address, 10)),
      bot.send(tcpFrame(bot.address, '10.0.0.99', 10)),
      bot.send(new Uint8Array(3)),
    ];
    expect(results).toEqual(['forwarded', 'spoofed', 'unreachable', 'malformed']);
    await a.waitFrames(1);
    expect(relay.stats().traffic.dropped).toMatchObject({ spoofed: 1, unreachable: 1, malformed: 1 });
    bot.leave();
    expect((await a.next('host-left')).host).toMatchObject({ hostname: 'echo', kind: 'bot' });
    expect(bot.send(tcpFrame(bot.address, a.address))).toBe('receiver-gone');
    bot.leave(); // idempotent
    await a.close();
  });

  it('refuses a taken or foreign preferred address and a bad name; a throwing hook or bot does not break the room', async () => {
    const errors: string[] = [];
    relay = await startRelay({
      onRoomCreated: (room) => {
        room.attachVirtualHost({ name: 'One', preferredAddress: '10.0.0.5', deliver: () => {} });
        for (const spec of [
          { name: 'Two', preferredAddress: '10.0.0.5' },
          { name: 'Far', preferredAddress: '192.168.1.1' },
          { name: 'Bad', preferredAddress: 'not-an-address' },
          { name: '' },
        ]) {
          try {
            room.attachVirtualHost({ ...spec, deliver: () => {} });
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
        room.attachVirtualHost({
          name: 'Crashy',
          deliver: () => {
            throw new Error('bot bug');
          },
        });
        throw new Error('hook bug');
      },
    });
    const a = await TestClient.join(relay, 'r', 'A');
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/10\.0\.0\.5 is taken/);
    expect(a.welcome.hosts.map((h) => h.hostname)).toEqual(['one', 'crashy']);
    a.send(tcpFrame(a.address, '10.0.0.1'));
    await waitFor(() => relay.logLines.some((l) => l.includes('bot bug')), 'the bot error to be logged');
    expect(relay.logLines.some((l) => l.includes('hook bug'))).toBe(true);
    await roundTrip(a); // the relay is still serving
    await a.close();
  });

  it('bounds a virtual host\'s queue like a client\'s', async () => {
    let sink!: VirtualHostHandle;
    let source!: VirtualHostHandle;
    let delivered = 0;
    relay = await startRelay({
      maxQueuedBytes: 10_000,
      onRoomCreated: (room) => {
        sink = room.attachVirtualHost({ name: 'Sink', deliver: () => delivered++ });
        source = room.attachVirtualHost({ name: 'Source', deliver: () => {} });
      },
    });
    const a = await TestClient.join(relay, 'r', 'A');
    const frame = tcpFrame(source.address, sink.address, 960); // 1000 bytes
    // All in one turn of the event loop: the sink cannot drain in between.
    const results = Array.from({ length: 30 }, () => source.send(frame));
    expect(results.filter((r) => r === 'forwarded')).toHaveLength(10);
    expect(results.filter((r) => r === 'queue-full')).toHaveLength(20);
    expect(delivered).toBe(0); // never from inside send
    await waitFor(() => delivered === 10, 'the sink to drain');
    expect(relay.stats().rooms[0]!.hosts.find((h) => h.hostname === 'sink')!.traffic.queueDropsToHost).toBe(20);
    // Drained, it takes frames again.
    expect(source.send(frame)).toBe('forwarded');
    await a.close();
  });
});
