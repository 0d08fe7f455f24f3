// Attacks on rooms and the relay's client slots (issue 14, items 3, 7 and 8), each bounded in
// count and time.
import { Flag } from '../../../workers/tcp/wire/types.ts';
import type { RawClient } from '../raw-client.ts';
import { craft, ipv4, paced, RawClient as Client, sleep } from '../raw-client.ts';
import { attackerSource, type Target } from './target.ts';

type Pausable = { _socket?: { pause(): void; resume(): void } };

function pause(c: RawClient): void {
  (c.ws as unknown as Pausable)._socket?.pause();
}
function resume(c: RawClient): void {
  (c.ws as unknown as Pausable)._socket?.resume();
}

/** A status of the largest shape PROTOCOL.md §2.3 allows, different every time (`n`). */
function bigStatus(n: number): string {
  const connections = Array.from({ length: 64 }, (_, i) => ({
    local: `10.0.1.1:${String(i).padStart(5, '0')}${'l'.repeat(50)}`,
    remote: `10.0.0.7:7${'r'.repeat(51)}${String(n % 1000).padStart(3, '0')}`,
    state: 'ESTABLISHED',
  }));
  const progress = Object.fromEntries(
    Array.from({ length: 32 }, (_, i) => [`ex-${i}`, { done: (n + i) % 10_000, total: 10_000, title: 't'.repeat(120) }]),
  );
  return JSON.stringify({ type: 'status', connections, progress, exercise: 'ex-0' });
}

export interface PausedChurnResult {
  statusesSent: number;
  churnJoins: number;
  /** The largest queue the relay held for each paused client (bytes), sampled 4 times a second. */
  maxQueuedTeacher: number;
  maxQueuedStudent: number;
  /** What became of the paused clients (null: still open at the end). */
  teacherClosed: number | null;
  studentClosed: number | null;
}

/**
 * Item 3: a teacher and a student in the attacked room stop reading (their sockets paused, as a
 * laptop lid shut does). Two clients keep frames coming to them, so their queues sit at the limit
 * (frames beyond it are dropped, as they should be); on top of that 20 students publish the
 * largest status allowed 4 times a second each (the per-client status limit) and three clients
 * join and leave as fast as they can. Room notices and teacher status must respect the
 * receiver's queue limit like frames do.
 */
export async function pausedChurn(t: Target, o: { students?: number; seconds?: number; churn?: number } = {}): Promise<PausedChurnResult> {
  const open = async (name: string, source: number, teacher?: string): Promise<RawClient> => {
    const r = await Client.join(t.wsBase, t.room, name, { localAddress: attackerSource(source), ...(teacher === undefined ? {} : { teacher }) });
    if (!r.ok) throw new Error(`${name} could not join: ${r.code} ${r.reason}`);
    return r.client;
  };
  const teacher = await open('Paused teacher', 40, t.teacherCode);
  const student = await open('Paused student', 41);
  pause(teacher);
  pause(student);
  const fillers = [await open('Filler 1', 42), await open('Filler 2', 43)];
  const publishers: RawClient[] = [];
  for (let i = 0; i < (o.students ?? 20); i++) publishers.push(await open(`Publisher ${i}`, 50 + i));
  const r: PausedChurnResult = { statusesSent: 0, churnJoins: 0, maxQueuedTeacher: 0, maxQueuedStudent: 0, teacherClosed: null, studentClosed: null };
  const until = Date.now() + (o.seconds ?? 6) * 1000;
  const payload = new Uint8Array(1400).fill(0x66);
  const targets = [ipv4(teacher.welcome.address), ipv4(student.welcome.address)];
  // 1,300 frames a second to each paused client, one filler each: ~1.8 MB/s, inside a filler's
  // own rate limit, enough to fill the kernel's socket buffers within the first seconds.
  // The same frame over and over: the paused receiver never reads it, and the attacker's own
  // CPU (on the machine the bystanders share) goes to sending, not to checksums.
  const filling = fillers.map((f, k) => {
    const frame = craft(f.address, targets[k]!, { srcPort: 4000, dstPort: 4000, seq: 1, ack: 1, flags: Flag.ACK, payload });
    return paced(1300, 1300 * (o.seconds ?? 6), (o.seconds ?? 6) * 1000, () => f.send(frame));
  });
  // Two statuses, sent in turn: each differs from the one before, so each is passed on.
  const statuses = [bigStatus(0), bigStatus(1)];
  let turn = 0;
  const statusTimer = setInterval(() => {
    const text = statuses[turn++ % 2]!;
    for (const p of publishers) {
      p.send(text);
      r.statusesSent++;
    }
  }, 250);
  const sampler = setInterval(() => {
    t.stats().then(
      (s) => {
        for (const h of s.rooms.find((room) => room.name === t.room)?.hosts ?? []) {
          if (h.name === 'Paused teacher') r.maxQueuedTeacher = Math.max(r.maxQueuedTeacher, h.queuedBytes);
          if (h.name === 'Paused student') r.maxQueuedStudent = Math.max(r.maxQueuedStudent, h.queuedBytes);
        }
      },
      () => {}, // the relay is gone: the test says so from its own checks
    );
  }, 250);
  const churnLimit = o.churn ?? 2000;
  await Promise.all(
    [45, 46, 47].map(async (source, k) => {
      while (Date.now() < until && r.churnJoins < churnLimit) {
        // A long name makes each host-joined and host-left notice a bigger one.
        const j = await Client.join(t.wsBase, t.room, `Churning student number ${k} ${'x'.repeat(14)}`, { localAddress: attackerSource(source) });
        r.churnJoins++;
        if (j.ok) await j.client.close();
      }
    }),
  );
  await sleep(Math.max(0, until - Date.now()));
  await Promise.all(filling);
  clearInterval(statusTimer);
  clearInterval(sampler);
  await sleep(300);
  r.teacherClosed = teacher.closeInfo?.code ?? null;
  r.studentClosed = student.closeInfo?.code ?? null;
  resume(teacher);
  resume(student);
  await Promise.all([teacher, student, ...fillers, ...publishers].map((c) => c.close()));
  return r;
}

/** A code of the shape the relay hands out (8 of its alphabet). */
function guessCode(i: number): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let x = (i * 2654435761 + 12345) >>> 0;
  let s = '';
  for (let k = 0; k < 8; k++) {
    s += alphabet[x % alphabet.length];
    x = Math.floor(x / alphabet.length) + k * 7919;
  }
  return s;
}

export interface GuessingResult {
  guesses: number;
  /** Answers by close code and reason. */
  answers: Record<string, number>;
  /** Guesses the relay checked: refused as a wrong code rather than for too many attempts. */
  checked: number;
  /** Guesses that got in as teacher (any is a disaster). */
  admitted: number;
  /** The real code, tried by the attacker after its guesses: its role, or the close code. */
  realCodeFromAttacker: string;
  /** The real code from the teacher's own address afterwards: its role, or the close code. */
  realCodeFromTeacher: string;
}

/**
 * Item 7a: guess the attacked room's teacher code from one address, one guess after another, up
 * to `guesses` or `seconds`; then try the real code from that address (a limit must refuse it
 * unchecked) and from the class's address (which must still work).
 */
export async function codeGuessing(t: Target, o: { guesses?: number; seconds?: number; classSource: string }): Promise<GuessingResult> {
  const r: GuessingResult = { guesses: 0, answers: {}, checked: 0, admitted: 0, realCodeFromAttacker: '', realCodeFromTeacher: '' };
  const source = attackerSource(60);
  const until = Date.now() + (o.seconds ?? 6) * 1000;
  const outcome = async (code: string, from: string): Promise<string> => {
    const j = await Client.join(t.wsBase, t.room, 'Guesser', { teacher: code, localAddress: from, timeoutMs: 3000 });
    if (!j.ok) return `${j.code} ${j.reason}`;
    const role = j.client.welcome.role ?? 'student';
    await j.client.close();
    return role;
  };
  while (r.guesses < (o.guesses ?? 200) && Date.now() < until) {
    const code = guessCode(r.guesses);
    if (code === t.teacherCode) continue;
    const a = await outcome(code, source);
    r.guesses++;
    if (a === 'teacher') r.admitted++;
    // The reason tells a wrong code (checked) from an attempt refused unchecked (limited).
    if (a.startsWith('4006 ') && /wrong/i.test(a) && !/too many/i.test(a)) r.checked++;
    r.answers[a] = (r.answers[a] ?? 0) + 1;
  }
  r.realCodeFromAttacker = await outcome(t.teacherCode, source);
  r.realCodeFromTeacher = await outcome(t.teacherCode, o.classSource);
  return r;
}

export interface TakeoverResult {
  /** Role of the first client to join the emptied room without a code. */
  intruderRole: string;
  /** A second intruder bringing a code of its own: role or close code. */
  intruderWithOwnCode: string;
  /** The room's teacher coming back with its code: role or close code. */
  teacherBack: string;
}

/**
 * Item 7b: a room's teacher leaves and the room empties (everyone reloaded); an intruder joins
 * first, then one bringing a code of its own, then the teacher comes back with the code it had.
 */
export async function roomTakeover(t: Target, o: { classSource: string }): Promise<TakeoverResult> {
  const room = 'takeover-lab';
  const first = await Client.join(t.wsBase, room, 'Teacher', { localAddress: o.classSource });
  if (!first.ok) throw new Error(`teacher could not create ${room}: ${first.code}`);
  const code = first.client.welcome.teacherCode ?? '';
  await first.client.close();
  await sleep(200); // the room is empty now
  const role = async (name: string, from: string, teacher?: string): Promise<{ text: string; client: RawClient | null }> => {
    const j = await Client.join(t.wsBase, room, name, { localAddress: from, ...(teacher === undefined ? {} : { teacher }) });
    return j.ok ? { text: j.client.welcome.role ?? 'student', client: j.client } : { text: `${j.code} ${j.reason}`, client: null };
  };
  const intruder = await role('Intruder', attackerSource(70));
  const own = await role('Intruder 2', attackerSource(71), 'AAAA2222');
  const back = await role('Teacher', o.classSource, code);
  await Promise.all([intruder, own, back].map((x) => x.client?.close()));
  return { intruderRole: intruder.text, intruderWithOwnCode: own.text, teacherBack: back.text };
}

export interface SourceFloodResult {
  attempted: number;
  /** Connections the relay welcomed and kept open for the attacker. */
  held: number;
  refused: Record<string, number>;
  /** A new student from the class's address could still join while the flood held its slots. */
  newcomerJoined: boolean;
  newcomerAnswer: string;
}

/**
 * Item 8a: one address opens as many WebSocket clients as it can (up to `count`, 50 at a time,
 * `seconds` at most), spread over rooms of 100 so room limits do not stop it; then a new student
 * from another address tries to join.
 */
export async function sourceFlood(t: Target, o: { count?: number; seconds?: number; classSource: string }): Promise<SourceFloodResult> {
  const source = attackerSource(80);
  const count = o.count ?? 1100;
  const until = Date.now() + (o.seconds ?? 8) * 1000;
  const held: RawClient[] = [];
  const r: SourceFloodResult = { attempted: 0, held: 0, refused: {}, newcomerJoined: false, newcomerAnswer: '' };
  while (r.attempted < count && Date.now() < until) {
    const batch = Array.from({ length: Math.min(50, count - r.attempted) }, (_, k) => r.attempted + k);
    r.attempted += batch.length;
    const results = await Promise.all(batch.map((i) => Client.join(t.wsBase, `slots-${Math.floor(i / 100)}`, `slot ${i}`, { localAddress: source, timeoutMs: 3000 })));
    for (const j of results) {
      if (j.ok) held.push(j.client);
      else r.refused[String(j.code)] = (r.refused[String(j.code)] ?? 0) + 1;
    }
  }
  await sleep(200);
  r.held = held.filter((c) => c.open).length;
  const n = await Client.join(t.wsBase, t.room, 'Newcomer', { localAddress: o.classSource });
  r.newcomerJoined = n.ok;
  r.newcomerAnswer = n.ok ? 'welcome' : String(n.code);
  if (n.ok) await n.client.close();
  await Promise.all(held.map((c) => c.close()));
  return r;
}
