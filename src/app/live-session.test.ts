// The live session: offline start and leave on a real EndpointService, the session sink told of
// each begin and end, and the link's states turned into the join screen's messages.
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkState, LocalHostInfo } from '../../workers/api.ts';
import { realPlayground } from './playground-test-support.ts';
import type { SessionSink, SessionStart } from './live-session.ts';

const started: { dispose(): void }[] = [];
afterEach(() => started.splice(0).forEach((s) => s.dispose()));

function recordingSink() {
  const calls: (['begin', SessionStart, number] | ['hosts', readonly LocalHostInfo[]] | ['end'])[] = [];
  const sink: SessionSink = {
    begin: (s, from) => void calls.push(['begin', s, from]),
    hosts: (h) => void calls.push(['hosts', h]),
    end: () => void calls.push(['end']),
  };
  return { sink, calls };
}

const joined = (patch: Partial<Extract<LinkState, { status: 'joined' }>> = {}): LinkState => ({
  status: 'joined', url: 'ws://x/ws', room: 'lab', name: 'Ana', address: '10.0.1.2', hostname: 'ana', subnet: '10.0.1.0/24', mtu: 1500,
  hosts: [], role: 'student', teacherCode: null, watchedByTeacher: false, addressChanged: null, ...patch,
});

describe('LiveSession', () => {
  it('starts offline hosts, tells the sink where the session’s trace starts, and ends it on leave', async () => {
    const { pg, service } = realPlayground();
    started.push(service);
    const { sink, calls } = recordingSink();
    pg.session.setSink(sink);
    await pg.start();
    expect(await pg.session.startOffline(2, 'textbook')).toBe(true);
    expect(pg.session).toMatchObject({ phase: 'live', mode: 'offline' });
    expect(calls[0]![0]).toBe('begin');
    const [, start, from] = calls[0] as ['begin', SessionStart, number];
    expect(start).toMatchObject({ mode: 'offline', room: null, profile: 'textbook' });
    expect(start.hosts.map((h) => h.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(from).toBe(pg.intake.trace.startSeq);
    await pg.session.leave();
    expect(calls.at(-1)).toEqual(['end']);
    expect(pg.session).toMatchObject({ phase: 'idle', mode: 'idle' });
    expect(pg.hostControls.hosts).toEqual([]);
  });

  it('a second session starts from a fresh trace: no sockets, no records of the first', async () => {
    const { pg, service } = realPlayground();
    started.push(service);
    await pg.start();
    await pg.session.startOffline(2);
    await pg.socketViews.listen(1, 80);
    await pg.socketViews.connect(0, '10.0.0.2', 80);
    await new Promise((r) => setTimeout(r, 100));
    expect(pg.socketViews.views.size).toBeGreaterThan(0);
    const before = pg.intake.trace;
    await pg.session.startOffline(2);
    expect(pg.intake.trace).not.toBe(before);
    expect(pg.intake.trace.startSeq).toBeGreaterThan(0);
    expect(pg.socketViews.views.size).toBe(0);
  });

  it('turns a refusal before the welcome into the join screen’s error, and a later close into a notice', () => {
    const { pg, service } = realPlayground();
    started.push(service);
    const s = pg.session;
    s.mode = 'relay';
    s.phase = 'connecting';
    s.linkChanged({ status: 'reconnecting', url: 'ws://x/ws', room: 'lab', name: 'Ana', attempt: 2, retryAt: 0, delayMs: 0, code: 1006, reason: '' });
    expect(s.joinError).toBe('Cannot reach the relay at ws://x/ws: no answer. Still trying; or work offline.');
    s.linkChanged({ status: 'closed', code: 4003, reason: 'room full', byUser: false });
    expect(s.joinError).toBe('The relay refused to let you in: room full');
    expect(s).toMatchObject({ phase: 'idle', mode: 'idle' });
    s.mode = 'relay';
    s.linkChanged(joined());
    expect(s.phase).toBe('live');
    expect(s.joinError).toBeNull();
    s.linkChanged({ status: 'closed', code: 1011, reason: '', byUser: false });
    expect(pg.notices.all.at(-1)).toMatchObject({ level: 'error', text: 'The relay closed the connection: code 1011' });
  });

  it('warns once when a rejoin brought a different address', () => {
    const { pg, service } = realPlayground();
    started.push(service);
    const s = pg.session;
    s.mode = 'relay';
    const moved = joined({ addressChanged: { hostAddress: '10.0.1.2', relayAddress: '10.0.1.9' } });
    s.linkChanged(moved);
    s.linkChanged(moved);
    expect(pg.notices.all.filter((n) => n.text.includes('10.0.1.9'))).toHaveLength(1);
    expect(s.roomHosts).toEqual([]);
  });
});
