// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './join-screen.ts';
import type { JoinRequestDetail, OfflineRequestDetail } from './app-events.ts';
import { $, click, listen, mount, text, type } from './test-helpers.ts';
import { validateName, validateRoom } from './validation.ts';

afterEach(() => document.body.replaceChildren());

const reachable = async () => true;
const unreachable = async () => false;

async function screen(probe = reachable) {
  const el = await mount('pg-join-screen', { relayUrl: 'http://127.0.0.1:8080/', probe });
  const input = (id: string) => $(el, `#${id}`) as HTMLInputElement;
  const submit = () => click(el, $(el, 'button[type=submit]'));
  return { el, input, submit };
}

describe('join validation (as the relay checks)', () => {
  it('accepts what the relay accepts and lowercases the room as the relay reports it', () => {
    expect(validateRoom('Lab-3_b')).toEqual({ ok: true, value: 'lab-3_b' });
    expect(validateName('  Zoë   Li ')).toEqual({ ok: true, value: 'Zoë Li' });
    expect(validateName('李雷')).toEqual({ ok: true, value: '李雷' });
    expect(validateName('x'.repeat(40)).ok).toBe(true);
  });

  it('refuses with a sentence that says why', () => {
    expect(validateRoom('')).toMatchObject({ ok: false, reason: expect.stringContaining('Enter a room code') });
    expect(validateRoom('lab 3')).toMatchObject({ ok: false, reason: expect.stringContaining('letters A–Z, digits') });
    expect(validateRoom('x'.repeat(33))).toMatchObject({ ok: false, reason: expect.stringContaining('1–32 characters') });
    expect(validateRoom('läb')).toMatchObject({ ok: false });
    expect(validateName('   ')).toMatchObject({ ok: false, reason: expect.stringContaining('Enter your name') });
    expect(validateName('x'.repeat(41))).toMatchObject({ ok: false, reason: expect.stringContaining('at most 40') });
    expect(validateName('bell\u0007')).toMatchObject({ ok: false, reason: expect.stringContaining('invisible or control') });
    expect(validateName('a\u202eb')).toMatchObject({ ok: false });
  });
});

describe('<pg-join-screen>', () => {
  it('refuses an empty form field by field, marks the fields and sends nothing', async () => {
    const { el, input, submit } = await screen();
    const joins = listen<JoinRequestDetail>(el, 'join-request');
    await submit();
    expect(joins).toHaveLength(0);
    expect(input('room').getAttribute('aria-invalid')).toBe('true');
    expect(input('name').getAttribute('aria-invalid')).toBe('true');
    expect(text($(el, '#room-msg'))).toContain('Enter a room code');
    expect(text($(el, '#name-msg'))).toContain('Enter your name');
  });

  it('says why a bad room or name is refused, and clears the message once fixed', async () => {
    const { el, input, submit } = await screen();
    await type(el, input('room'), 'lab 3');
    await type(el, input('name'), 'n'.repeat(41));
    await submit();
    expect(text($(el, '#room-msg'))).toContain('no spaces');
    expect(text($(el, '#name-msg'))).toContain('too long');
    await type(el, input('room'), 'lab-3');
    expect(input('room').getAttribute('aria-invalid')).toBe('false');
    expect(text($(el, '#room-msg'))).not.toContain('no spaces');
  });

  it('refuses a relay address that is not one', async () => {
    const { el, input, submit } = await screen();
    await type(el, input('url'), 'ftp://x');
    await type(el, input('room'), 'lab');
    await type(el, input('name'), 'Ana');
    const joins = listen<JoinRequestDetail>(el, 'join-request');
    await submit();
    expect(joins).toHaveLength(0);
    expect(text($(el, '#url-msg'))).toContain('http://');
  });

  it('sends the join request with the checked values', async () => {
    const { el, input, submit } = await screen();
    await type(el, input('room'), 'Lab-3');
    await type(el, input('name'), '  Ana  Li ');
    const joins = listen<JoinRequestDetail>(el, 'join-request');
    await submit();
    expect(joins.map((e) => e.detail)).toEqual([{ url: 'http://127.0.0.1:8080/', room: 'lab-3', name: 'Ana Li', profile: 'modern' }]);
  });

  it('renders a name with markup as text', async () => {
    const { el, input } = await screen();
    await type(el, input('name'), '<img src=x onerror=alert(1)>');
    expect(el.shadowRoot!.querySelector('img')).toBeNull();
    expect(input('name').value).toBe('<img src=x onerror=alert(1)>');
  });

  it('offers offline mode, prominently when no relay answers', async () => {
    const { el } = await screen(unreachable);
    await new Promise((r) => setTimeout(r, 400));
    await el.updateComplete;
    expect($(el, '.offline').classList.contains('suggested')).toBe(true);
    expect(text($(el, '.status'))).toContain('No relay answers');
    const offline = listen<OfflineRequestDetail>(el, 'offline-request');
    await click(el, $(el, '.offline button'));
    expect(offline.map((e) => e.detail)).toEqual([{ hosts: 2, profile: 'modern' }]);
  });

  it('links to the same room in a new tab', async () => {
    const { el, input } = await screen();
    await type(el, input('room'), 'lab-3');
    const a = $(el, 'a[target=_blank]') as HTMLAnchorElement;
    expect(a.getAttribute('href')).toContain('room=lab-3');
    expect(a.getAttribute('rel')).toContain('noopener');
  });
});
