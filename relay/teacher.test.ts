// The teacher role and live status (PROTOCOL.md §2.3), on a real relay with real ws clients.
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayLink, type SocketLike } from '../workers/relay-link.ts';
import { realTimers } from '../workers/timers.ts';
import type { LinkState } from '../workers/api.ts';
import type { HostStatus, HostStatusEntry, ServerMessage } from './protocol/messages.ts';
import { parseStatus } from './protocol/status.ts';
import { TEACHER_CODE_LENGTH } from './teacher.ts';
import { refusedWith, roundTrip, sleep, startRelay, TestClient, waitFor, wsUrl, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = null;
});

async function join(r: TestRelay, name: string, teacher?: string, room = 'lab'): Promise<TestClient> {
  const q = `room=${room}&name=${encodeURIComponent(name)}${teacher === undefined ? '' : `&teacher=${encodeURIComponent(teacher)}`}`;
  const c = TestClient.open(wsUrl(r, q));
  clients.push(c);
  await c.next('welcome');
  return c;
}

const status = (state: HostStatus['connections'][number]['state'], done = 1): HostStatus => ({
  connections: [{ local: '10.0.1.2:49152', remote: '10.0.0.7:7', state }],
  progress: { handshake: { done, total: 3, title: 'The three-way handshake' } },
  exercise: 'handshake',
});

const send = (c: TestClient, s: unknown): void => c.send(JSON.stringify({ type: 'status', ...(s as object) }));
const statusesOf = (c: TestClient) => c.ofType('status');

describe('teacher role', () => {
  it('makes the first joiner the teacher with a code, and the next one a student', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    expect(t.welcome.role).toBe('teacher');
    expect(t.welcome.teacherCode).toMatch(new RegExp(`^[A-HJKMNP-Z2-9]{${TEACHER_CODE_LENGTH}}$`));
    expect(t.welcome.watchedByTeacher).toBe(true);
    const s = await join(relay, 'Ana');
    expect(s.welcome.role).toBe('student');
    expect(s.welcome.teacherCode).toBeUndefined();
    expect(s.welcome.watchedByTeacher).toBe(true);
  });

  it('makes anyone with the code (any case) a teacher, and refuses a wrong code with 4006', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const code = t.welcome.teacherCode as string;
    const t2 = await join(relay, 'Assistant', code.toLowerCase());
    expect(t2.welcome.role).toBe('teacher');
    expect(t2.welcome.teacherCode).toBe(code);
    expect(await refusedWith(relay, `room=lab&name=Eve&teacher=WRONGCODE`)).toEqual({
      code: 4006,
      reason: 'wrong teacher code: check it, or join without it as a student',
    });
    expect(await refusedWith(relay, `room=lab&name=Eve&teacher=${encodeURIComponent('<script>')}`)).toMatchObject({ code: 4006 });
    // Nobody else saw Eve come or go.
    await roundTrip(t);
    expect(t.ofType('host-joined').map((m) => m.host.name)).toEqual(['Assistant']);
  });

  it('lets the creator of an empty room bring its code, so the code on the board stays valid', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher', 'ABCD2345', 'lab-9');
    expect(t.welcome).toMatchObject({ role: 'teacher', teacherCode: 'ABCD2345' });
    const t2 = await join(relay, 'Assistant', 'abcd2345', 'lab-9');
    expect(t2.welcome.role).toBe('teacher');
  });
});

describe('live status', () => {
  it('reaches the teachers (not other students), normalized, and only when it changed', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const a = await join(relay, 'Ana');
    const b = await join(relay, 'Bo');
    send(a, { ...status('SYN-SENT', 0), extra: 'not forwarded' });
    await t.next('status');
    expect(statusesOf(t)).toEqual([{ type: 'status', host: 'ana', address: a.address, name: 'Ana', status: status('SYN-SENT', 0) }]);
    send(a, status('SYN-SENT', 0)); // the same again: nothing new for the teacher
    send(a, status('ESTABLISHED', 1));
    await waitFor(() => statusesOf(t).length === 2, 'the second status');
    await roundTrip(a);
    await roundTrip(b);
    expect(statusesOf(t)[1]!.status.connections[0]!.state).toBe('ESTABLISHED');
    expect(statusesOf(b)).toEqual([]);
    expect(a.ofType('error')).toEqual([]);
  });

  it('gives a late teacher a snapshot of every host, without those that left', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const a = await join(relay, 'Ana');
    const b = await join(relay, 'Bo');
    send(a, status('ESTABLISHED', 2));
    send(b, status('LISTEN', 0));
    await waitFor(() => statusesOf(t).length === 2, 'both statuses');
    const t2 = await join(relay, 'Assistant', t.welcome.teacherCode);
    const snap = await t2.next('room-status');
    expect(snap.hosts.map((h: HostStatusEntry) => [h.host, h.status.connections[0]!.state])).toEqual([
      ['ana', 'ESTABLISHED'],
      ['bo', 'LISTEN'],
    ]);
    // A student leaving: the teachers hear host-left, and the next snapshot no longer has it.
    await b.close();
    await t.next('host-left');
    expect(t.ofType('host-left')[0]!.host.hostname).toBe('bo');
    const t3 = await join(relay, 'Third', t.welcome.teacherCode);
    expect((await t3.next('room-status')).hosts.map((h: HostStatusEntry) => h.host)).toEqual(['ana']);
  });

  it('refuses an invalid status with an error and forwards nothing', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const a = await join(relay, 'Ana');
    const bad: [unknown, string][] = [
      [{ connections: [{ local: 'a', remote: 'b', state: 'OPEN' }] }, 'connections[0].state must be one of CLOSED, LISTEN'],
      [{ connections: Array.from({ length: 65 }, () => ({ local: 'a', remote: 'b', state: 'CLOSED' })) }, 'at most 64 connections'],
      [{ progress: { __proto__x: { done: 0, total: 1, title: '' } } }, 'exercise ids are'],
      [{ progress: { hs: { done: 4, total: 3, title: 'x' } } }, 'done must not exceed total'],
      [{ progress: { hs: { done: 1, total: 3, title: 'x'.repeat(121) } } }, 'at most 120 characters'],
      [{ connections: [{ local: 'a\u0000', remote: 'b', state: 'CLOSED' }] }, 'unprintable'],
      [{ exercise: 42 }, 'exercise must be null or an exercise id'],
    ];
    for (const [s, detail] of bad) {
      const before = a.ofType('error').length;
      send(a, s);
      await waitFor(() => a.ofType('error').length > before, `an error for ${detail}`);
      expect(a.ofType('error').at(-1)!.detail).toContain(detail);
    }
    await roundTrip(a);
    await roundTrip(t);
    expect(statusesOf(t)).toEqual([]);
  });

  it('ignores and counts statuses over 4 a second', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const a = await join(relay, 'Ana');
    for (let i = 0; i < 10; i++) send(a, status('ESTABLISHED', i % 4));
    await roundTrip(a);
    await roundTrip(t);
    // The burst of 4 passes; the rest is dropped silently (no error) and counted.
    expect(statusesOf(t).length).toBeLessThanOrEqual(4);
    expect(a.ofType('error')).toEqual([]);
    const ana = relay.stats().rooms[0]!.hosts.find((h) => h.hostname === 'ana')!;
    expect(ana.traffic.dropped['rate-limited']).toBeGreaterThanOrEqual(6);
    // A quarter of a second later there is a token again.
    await sleep(300);
    send(a, status('FIN-WAIT-1', 3));
    await waitFor(() => statusesOf(t).at(-1)?.status.connections[0]?.state === 'FIN-WAIT-1', 'the status after the pause');
  });

  it('tells everyone when the first teacher arrives and the last one leaves', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const a = await join(relay, 'Ana');
    const code = t.welcome.teacherCode as string;
    await t.close();
    await a.next('teacher');
    expect(a.ofType('teacher')).toEqual([{ type: 'teacher', present: false }]);
    const b = await join(relay, 'Bo');
    expect(b.welcome).toMatchObject({ role: 'student', watchedByTeacher: false });
    await join(relay, 'Teacher', code);
    await waitFor(() => b.ofType('teacher').length === 1, 'the teacher to be announced');
    expect(b.ofType('teacher')).toEqual([{ type: 'teacher', present: true }]);
    expect(a.ofType('teacher').map((m) => m.present)).toEqual([false, true]);
    // A second teacher is not announced again: someone was already watching.
    await join(relay, 'Assistant', code);
    await roundTrip(a);
    expect(a.ofType('teacher')).toHaveLength(2);
  });
});

describe('the parser', () => {
  it('fills defaults and keeps only the known fields', () => {
    expect(parseStatus({ type: 'status' })).toEqual({ ok: true, value: { connections: [], progress: {}, exercise: null } });
    const r = parseStatus({ connections: [{ local: '10.0.1.1:80', remote: '*', state: 'LISTEN', x: 1 }], progress: {}, exercise: 'a-b' });
    expect(r).toEqual({ ok: true, value: { connections: [{ local: '10.0.1.1:80', remote: '*', state: 'LISTEN' }], progress: {}, exercise: 'a-b' } });
  });
});

describe('RelayLink in a workshop', () => {
  function link(name: string, url: string, onRoomStatus?: (h: HostStatusEntry[]) => void) {
    const states: LinkState[] = [];
    const l = new RelayLink({
      url,
      room: 'lab',
      name,
      createSocket: (u) => {
        const ws = new WebSocket(u);
        ws.binaryType = 'arraybuffer';
        return ws as unknown as SocketLike;
      },
      timers: realTimers,
      random: Math.random,
      hostAddress: () => null,
      onFrame: () => {},
      onState: (s) => states.push(s),
      onWelcome: () => {},
      onNotice: () => {},
      ...(onRoomStatus ? { onRoomStatus } : {}),
    });
    return { l, states, last: () => states.at(-1) as LinkState };
  }

  it('publishes coalesced status, passes the room status up, and shows the teacher', async () => {
    relay = await startRelay();
    let seen: HostStatusEntry[] = [];
    const teacher = link('Teacher', relay.url, (h) => (seen = h));
    teacher.l.start();
    await waitFor(() => teacher.last().status === 'joined', 'the teacher to join');
    expect(teacher.last()).toMatchObject({ role: 'teacher', watchedByTeacher: true });
    expect((teacher.last() as { teacherCode: string }).teacherCode).toHaveLength(TEACHER_CODE_LENGTH);
    const student = link('Ana', relay.url);
    student.l.publishStatus(status('CLOSED', 0)); // before the welcome: kept and sent on joining
    student.l.start();
    await waitFor(() => student.last().status === 'joined', 'the student to join');
    expect(student.last()).toMatchObject({ role: 'student', teacherCode: null, watchedByTeacher: true });
    for (const s of ['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'TIME-WAIT'] as const) student.l.publishStatus(status(s, 3));
    await waitFor(() => seen[0]?.status.connections[0]?.state === 'TIME-WAIT', 'the newest status to reach the teacher');
    expect(seen).toHaveLength(1);
    expect(teacher.l.roomStatus[0]).toMatchObject({ host: 'ana', name: 'Ana' });
    expect(relay.stats().rooms[0]!.hosts.find((h) => h.hostname === 'ana')!.traffic.dropped['rate-limited']).toBe(0);
    // The teacher leaves: the student's link says nobody watches any more.
    teacher.l.stop();
    await waitFor(() => student.last().status === 'joined' && !(student.last() as { watchedByTeacher: boolean }).watchedByTeacher, 'the teacher to be gone');
    student.l.stop();
  });
});

// Keep the message union honest: a teacher-side message is a ServerMessage.
const _typecheck: ServerMessage[] = [{ type: 'teacher', present: true }, { type: 'room-status', hosts: [] }];
void _typecheck;
