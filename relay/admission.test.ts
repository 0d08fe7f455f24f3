// Who gets in, as what, under which name (issue 14): teacher codes held after a room empties,
// wrong codes limited per source, weak chosen codes refused, clients per source limited, names
// that pose as bots or are invisible refused. A real relay, real ws clients on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import type { ClientOptions } from 'ws';
import { EXPLAINED_REFUSALS } from './source-limits.ts';
import { sleep, startRelay, TestClient, waitFor, wsUrl, type CloseInfo, type TestRelay } from './test-support.ts';

let relay: TestRelay | null = null;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await relay?.close();
  relay = null;
});

/** A second loopback source: Linux routes all of 127.0.0.0/8 to lo. */
const OTHER_SOURCE: ClientOptions = { localAddress: '127.0.0.2' };

function query(name: string, room: string, teacher?: string): string {
  return `room=${room}&name=${encodeURIComponent(name)}${teacher === undefined ? '' : `&teacher=${encodeURIComponent(teacher)}`}`;
}

async function join(r: TestRelay, name: string, teacher?: string, room = 'lab', options?: ClientOptions): Promise<TestClient> {
  const c = TestClient.open(wsUrl(r, query(name, room, teacher)), options);
  clients.push(c);
  await c.next('welcome');
  return c;
}

function refused(r: TestRelay, name: string, teacher?: string, room = 'lab', options?: ClientOptions): Promise<CloseInfo> {
  return TestClient.open(wsUrl(r, query(name, room, teacher)), options).closed;
}

/** The HTTP status of a WebSocket upgrade refused before the handshake. */
function upgradeStatus(r: TestRelay, name: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const path = `/ws?${query(name, 'lab')}`;
    const headers = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    const req = httpRequest({ port: r.port, host: '127.0.0.1', path, headers });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('upgrade', () => reject(new Error('the upgrade was accepted')));
    req.on('error', reject);
    req.end();
  });
}

async function leaveAll(r: TestRelay, room = 'lab'): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await waitFor(() => r.room(room) === undefined, `room ${room} to end`);
}

describe('teacher code held after the room empties (PROTOCOL.md §2.3)', () => {
  it('makes the first tab into an emptied room a student, refuses its own code, and lets the teacher back in', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const code = t.welcome.teacherCode!;
    await leaveAll(relay);

    // The takeover of issue 14: first into the empty room, with a code of one's own.
    expect(await refused(relay, 'Eve', 'ZX7QK2MB')).toEqual({
      code: 4006,
      reason: 'wrong teacher code: check it, or join without it as a student',
    });
    const eve = await join(relay, 'Eve');
    expect(eve.welcome).toMatchObject({ role: 'student', watchedByTeacher: false });
    expect(eve.welcome.teacherCode).toBeUndefined();
    // The real teacher comes back with the code on the board and teaches the room again.
    const back = await join(relay, 'Teacher', code.toLowerCase());
    expect(back.welcome).toMatchObject({ role: 'teacher', teacherCode: code });
    await waitFor(() => eve.ofType('teacher').length === 1, 'Eve to hear the teacher arrive');
    expect(relay.stats().teacherCodeRefusals).toBe(1);
  });

  it('forgets the code once the hold is over, and holds nothing with a hold of 0', async () => {
    relay = await startRelay({ teacherCodeHoldSeconds: 1 });
    await join(relay, 'Teacher');
    await leaveAll(relay);
    expect((await join(relay, 'Ana')).welcome.role).toBe('student');
    await leaveAll(relay);
    await sleep(1100);
    expect((await join(relay, 'Bo')).welcome.role).toBe('teacher');
    await relay.close();

    relay = await startRelay({ teacherCodeHoldSeconds: 0 });
    await join(relay, 'Teacher');
    await leaveAll(relay);
    expect((await join(relay, 'Cy', 'QW3RTY7P')).welcome).toMatchObject({ role: 'teacher', teacherCode: 'QW3RTY7P' });
  });

  it('keeps at most maxHeldTeacherCodes rooms, forgetting the oldest', async () => {
    relay = await startRelay({ maxHeldTeacherCodes: 2 });
    for (const room of ['r1', 'r2', 'r3']) {
      await join(relay, 'Teacher', undefined, room);
      await leaveAll(relay, room);
    }
    expect((await join(relay, 'Ana', undefined, 'r1')).welcome.role).toBe('teacher'); // forgotten
    expect((await join(relay, 'Bo', undefined, 'r2')).welcome.role).toBe('student'); // still held
  });
});

describe('teacher code guessing (issue 14: 324 guesses a second, no counter)', () => {
  it('allows 5 wrong codes a minute per source, then refuses every code from it, counted', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    const code = t.welcome.teacherCode!;
    for (let i = 0; i < 5; i++) {
      expect((await refused(relay, 'Eve', `GUESS${i + 2}AB`)).reason).toMatch(/^wrong teacher code/);
    }
    // Now even the right code is refused from that source: a guesser cannot tell it found it.
    expect(await refused(relay, 'Eve', code)).toEqual({
      code: 4006,
      reason: 'too many wrong teacher codes from your address: wait a minute and try again',
    });
    expect(relay.stats()).toMatchObject({ teacherCodeRefusals: 5, teacherCodeRateLimited: 1 });
    // Another source is not affected; students from the limited source still join.
    expect((await join(relay, 'Assistant', code, 'lab', OTHER_SOURCE)).welcome.role).toBe('teacher');
    expect((await join(relay, 'Ana')).welcome.role).toBe('student');
  });

  it('refuses a weak code chosen for a new room, with a reason that says what a code needs', async () => {
    relay = await startRelay();
    for (const weak of ['ABCD', 'AAAAAAAA', 'abcdefg0', 'LILILILI', 'ABC-2345']) {
      const c = await refused(relay, 'Teacher', weak, `weak-${weak.length}`);
      expect(c, weak).toEqual({ code: 4006, reason: 'weak teacher code: use 8-32 of A-Z 2-9 without I L O, not all the same' });
    }
    expect(relay.stats().roomCount).toBe(0);
    expect((await join(relay, 'Teacher', 'abcd2345')).welcome).toMatchObject({ role: 'teacher', teacherCode: 'ABCD2345' });
    expect(relay.stats().teacherCodeRefusals).toBe(5);
    expect(relay.stats().teacherCodeRateLimited).toBe(0); // choosing is not guessing
  });
});

describe('clients per source (issue 14: one source took all 1,000 slots)', () => {
  it('refuses a source over maxClientsPerSource with 4007 while another source still joins', async () => {
    relay = await startRelay({ maxClientsPerSource: 3 });
    for (const n of ['A', 'B', 'C']) await join(relay, n, undefined, n === 'C' ? 'other' : 'lab');
    expect(await refused(relay, 'D')).toEqual({ code: 4007, reason: 'too many connections from your address: close some tabs' });
    expect((await join(relay, 'E', undefined, 'lab', OTHER_SOURCE)).welcome.room).toBe('lab');
    expect(relay.stats().refused['source-full']).toBe(1);
    // A tab closed is a slot back.
    await clients[0]!.close();
    await waitFor(() => relay!.stats().clients === 3, 'the leave');
    await join(relay, 'F');
    expect(await refused(relay, 'G')).toMatchObject({ code: 4007 });
  });

  it('explains the refusal (4007) a few times, then refuses a full source cheaply with HTTP 429 before any handshake', async () => {
    relay = await startRelay({ maxClientsPerSource: 1 });
    await join(relay, 'A');
    for (let i = 0; i < EXPLAINED_REFUSALS.burst; i++) expect((await refused(relay, `B${i}`)).code).toBe(4007);
    expect(await upgradeStatus(relay, 'C')).toBe(429);
    expect(relay.stats().refused['source-full']).toBe(EXPLAINED_REFUSALS.burst + 1);
    // Another source is not affected.
    expect((await join(relay, 'E', undefined, 'lab', OTHER_SOURCE)).welcome.room).toBe('lab');
  });

  it('limits joins per source: a join-and-leave loop gets HTTP 429 after its burst, while another source joins', async () => {
    relay = await startRelay({ maxClientsPerSource: 8, joinsPerSourcePerSecond: 1 });
    for (let i = 0; i < 16; i++) await (await join(relay, `Loop ${i}`)).close();
    expect(await upgradeStatus(relay, 'Loop 16')).toBe(429);
    expect(relay.stats().refused['join-rate']).toBe(1);
    expect((await join(relay, 'Other', undefined, 'lab', OTHER_SOURCE)).welcome.room).toBe('lab');
    await sleep(1100); // one join a second comes back
    expect((await join(relay, 'Loop 17')).welcome.room).toBe('lab');
  });

  it('lets 64 tabs of one laptop in by default', async () => {
    relay = await startRelay();
    expect(relay.options.maxClientsPerSource).toBe(64);
    await Promise.all(Array.from({ length: 64 }, (_, i) => join(relay!, `Tab ${i}`)));
    expect(relay.stats().clients).toBe(64);
    expect((await refused(relay, 'Tab 64')).code).toBe(4007);
  });
});

describe('display names (issue 14: invisible names, students posing as bots)', () => {
  it('refuses invisible and filler names and names that read as a bot, with 4002', async () => {
    relay = await startRelay({ bots: true });
    const bad: [string, RegExp][] = [
      ['\u3164', /invisible/], // HANGUL FILLER
      ['\u2800\u2800', /invisible/], // BRAILLE PATTERN BLANK
      ['\u115F\u1160', /invisible/], // HANGUL CHOSEONG / JUNGSEONG FILLER
      ['\uFFA0', /invisible/], // HALFWIDTH HANGUL FILLER
      ['Ana\u3164', /invisible/],
      ['\u200B\u200B', /unprintable/], // zero-width space
      ['...', /letter or digit/],
      ['echo', /reads as "echo"/],
      ['Echo', /reads as "echo"/],
      ['\u0435cho', /reads as "echo"/], // Cyrillic е
      ['\u0435\u0441 h \u043E', /reads as "echo"/], // Cyrillic е, с, о with spaces
      ['ＥＣＨＯ', /reads as "echo"/], // fullwidth
      ['ech0', /reads as "echo"/],
      ['Dayt\u0131me', /reads as "daytime"/], // dotless ı
      ['HTTP', /reads as "http"/],
      ['relay', /reads as "relay"/],
    ];
    for (const [name, reason] of bad) {
      const c = await refused(relay, name);
      expect(c.code, JSON.stringify(name)).toBe(4002);
      expect(c.reason, JSON.stringify(name)).toMatch(reason);
    }
    expect(relay.stats().refused['bad-name']).toBe(bad.length);
    for (const name of ['Zoë', '李雷', 'Echo Chamber', 'Ana ❤️']) {
      const c = await join(relay, name);
      expect(c.welcome.name).toBe(name);
    }
    // The bots themselves keep their names.
    expect(clients[0]!.welcome.hosts.filter((h) => h.kind === 'bot').map((h) => h.hostname)).toEqual(['echo', 'discard', 'daytime', 'chargen', 'http']);
  });

  it('lets a teacher, and no student, be called Teacher', async () => {
    relay = await startRelay();
    const t = await join(relay, 'Teacher');
    expect(await refused(relay, 'teacher')).toMatchObject({ code: 4002, reason: expect.stringMatching(/reads as "teacher"/) });
    expect((await join(relay, 'Teacher', t.welcome.teacherCode)).welcome.role).toBe('teacher');
  });
});
