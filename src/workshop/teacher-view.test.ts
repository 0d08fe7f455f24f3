// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './teacher-view.ts';
import './watched-banner.ts';
import type { HostInfo, HostStatusEntry } from '../../relay/protocol/messages.ts';
import { $, $$, mount, text, update } from '../components/test-helpers.ts';

afterEach(() => document.body.replaceChildren());

const hosts: HostInfo[] = [
  { address: '10.0.0.7', hostname: 'echo', name: 'echo', kind: 'bot' },
  { address: '10.0.1.2', hostname: 'ana', name: 'Ana', kind: 'client' },
  { address: '10.0.1.3', hostname: 'bo', name: 'Bo', kind: 'client' },
];

// As they arrive from the relay (status messages, without `type`).
const statuses: HostStatusEntry[] = [
  {
    host: 'ana', address: '10.0.1.2', name: 'Ana',
    status: {
      connections: [{ local: '10.0.1.2:49152', remote: '10.0.0.7:7', state: 'ESTABLISHED' }],
      progress: { handshake: { done: 1, total: 5, title: 'The three-way handshake' } },
      exercise: 'handshake',
    },
  },
  {
    host: 'bo', address: '10.0.1.3', name: 'Bo',
    status: {
      connections: [
        { local: '10.0.1.3:80', remote: '*', state: 'LISTEN' },
        { local: '10.0.1.3:80', remote: '10.0.1.2:50000', state: 'TIME-WAIT' },
      ],
      progress: {
        handshake: { done: 5, total: 5, title: 'The three-way handshake' },
        'four-way-close': { done: 2, total: 4, title: 'Closing' },
      },
      exercise: 'four-way-close',
    },
  },
];

const order = (el: Element) => $$(el, 'tbody tr').map((r) => r.getAttribute('data-host'));

describe('<tcp-teacher-view>', () => {
  it('shows each student\'s connection states and progress, and the bots', async () => {
    const el = await mount('tcp-teacher-view', { hosts, statuses });
    expect(order(el)).toEqual(['ana', 'bo', 'echo']);
    const ana = $(el, 'tr[data-host="ana"]');
    const state = ana.querySelector('.conn .state')!;
    expect(text(state)).toBe('ESTABLISHED');
    expect(state.getAttribute('data-family')).toBe('open');
    expect(text(ana.querySelector('.conn .ends'))).toBe('10.0.1.2:49152 → 10.0.0.7:7');
    expect(text(ana.querySelector('[data-exercise="handshake"] .count'))).toBe('1/5');
    const bo = $(el, 'tr[data-host="bo"]');
    expect([...bo.querySelectorAll('.conn .state')].map(text)).toEqual(['LISTEN', 'TIME-WAIT']);
    expect([...bo.querySelectorAll('.conn .state')].map((s) => s.getAttribute('data-family'))).toEqual(['listen', 'time-wait']);
    expect(bo.querySelector('[data-exercise="four-way-close"]')!.hasAttribute('data-current')).toBe(true);
    expect(text(bo.querySelector('[data-exercise="handshake"]'))).toContain('✓');
    expect(text($(el, 'tr[data-host="echo"] .kind'))).toBe('(bot)');
  });

  it('follows new status messages and sorts by progress', async () => {
    const el = await mount('tcp-teacher-view', { hosts, statuses });
    ($(el, 'button[data-sort="progress"]') as HTMLButtonElement).click();
    await update(el, {});
    expect(order(el)).toEqual(['bo', 'ana', 'echo']); // 7/9, 1/5, no status
    const moved: HostStatusEntry = {
      ...statuses[0]!,
      status: { ...statuses[0]!.status, connections: [{ local: '10.0.1.2:49152', remote: '10.0.0.7:7', state: 'FIN-WAIT-1' }], progress: { handshake: { done: 5, total: 5, title: 'x' } } },
    };
    await update(el, { statuses: [moved, statuses[1]!] });
    expect(order(el)).toEqual(['ana', 'bo', 'echo']);
    expect(text($(el, 'tr[data-host="ana"] .conn .state'))).toBe('FIN-WAIT-1');
    expect($(el, 'tr[data-host="ana"] .conn .state').getAttribute('data-family')).toBe('closing');
  });

  it('says when the room is empty', async () => {
    const el = await mount('tcp-teacher-view');
    expect(text($(el, '.empty'))).toContain('Nobody else');
  });
});

describe('<tcp-watched-banner>', () => {
  it('tells the student only while a teacher watches', async () => {
    const el = await mount('tcp-watched-banner', { watched: true });
    expect(text($(el, '[role="status"]'))).toContain('Your teacher can see your connections and exercise progress');
    await update(el, { watched: false });
    expect($$(el, 'p')).toHaveLength(0);
  });
});
