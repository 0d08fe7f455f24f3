// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import './state-diagram.ts';
import { STATES, STATE_DESCRIPTIONS } from '../../workers/tcp/state.ts';
import { connectionPath } from '../model/connections.ts';
import { A, B, fourWayClose, handshake, refused, simultaneousOpen } from '../model/test-fixtures.ts';
import { EDGES, NODES, edgeFor, node } from './state-diagram-layout.ts';
import { $, $$, mount, text, update } from './test-helpers.ts';

afterEach(() => document.body.replaceChildren());

const badges = (el: Element, state: string) => $$(el, `.state[data-node="${state}"] .badge text`).map(text);

describe('<tcp-state-diagram>', () => {
  it('draws all 11 states and every arrow of RFC 9293 figure 5 with its label', async () => {
    const el = await mount('tcp-state-diagram');
    const states = new Set($$(el, '.state').map((g) => g.getAttribute('data-state')));
    expect([...states].sort()).toEqual([...STATES].sort());
    expect($$(el, '.figure-edge')).toHaveLength(EDGES.length);
    const labels = $$(el, '.figure-edge .label').map(text);
    for (const l of ['rcv SYN snd SYN,ACK', 'CLOSE snd FIN', 'Timeout=2MSL delete TCB', 'rcv ACK of SYN', 'active OPEN create TCB, snd SYN', 'passive OPEN create TCB', 'rcv RST']) {
      expect(labels).toContain(l);
    }
    // The client's normal path solid and heavy, the server's dashed, as in the classic figure.
    expect($$(el, '.edge.active')).toHaveLength(6);
    expect($$(el, '.edge.passive')).toHaveLength(6);
  });

  it('highlights ESTABLISHED and numbers the client’s handshake 1, 2, 3', async () => {
    const el = await mount('tcp-state-diagram', { transitions: connectionPath(handshake().events, `${A}#1`) });
    expect($$(el, '.state.current').map((g) => g.getAttribute('data-state'))).toEqual(['ESTABLISHED']);
    expect(badges(el, 'CLOSED')).toEqual(['1']);
    expect(badges(el, 'SYN-SENT')).toEqual(['2']);
    expect(badges(el, 'ESTABLISHED')).toEqual(['3']);
    expect($$(el, '.badge')).toHaveLength(3);
    expect($$(el, '.figure-edge.taken').map((g) => g.getAttribute('data-edge'))).toEqual(['CLOSED>SYN-SENT', 'SYN-SENT>ESTABLISHED']);
    expect($$(el, 'path.draw')).toHaveLength(1); // the last transition, drawn in
    expect(text($(el, 'ol.steps'))).toContain('rcv SYN,ACK / snd ACK');
  });

  it('ends the four-way close in the bottom CLOSED box, as the figure draws it', async () => {
    const el = await mount('tcp-state-diagram', { transitions: connectionPath(fourWayClose().events, `${B}#1`) });
    expect(badges(el, 'CLOSED')).toEqual(['1']);
    expect(badges(el, 'CLOSED-END')).toEqual(['7']);
    expect($$(el, '.state.current').map((g) => g.getAttribute('data-node'))).toEqual(['CLOSED-END']);
    expect($$(el, '.figure-edge.taken')).toHaveLength(6);
  });

  it('shows both numbers on a state visited twice', async () => {
    const tr = [
      { step: 2, t: 0, from: 'CLOSED', to: 'SYN-SENT', cause: 'active OPEN / create TCB, snd SYN', eventIndex: 0 },
      { step: 3, t: 1, from: 'SYN-SENT', to: 'SYN-RECEIVED', cause: 'rcv SYN / snd SYN,ACK', eventIndex: 1 },
      { step: 4, t: 2, from: 'SYN-RECEIVED', to: 'LISTEN', cause: 'rcv RST', eventIndex: 2 },
      { step: 5, t: 3, from: 'LISTEN', to: 'SYN-RECEIVED', cause: 'rcv SYN / snd SYN,ACK', eventIndex: 3 },
    ] as const;
    const el = await mount('tcp-state-diagram', { transitions: tr.map((x) => ({ ...x })) });
    expect(badges(el, 'SYN-RECEIVED')).toEqual(['3', '5']);
  });

  it('takes the simultaneous-open arrow SYN-SENT → SYN-RECEIVED', async () => {
    const el = await mount('tcp-state-diagram', { transitions: connectionPath(simultaneousOpen().events, `${A}#1`) });
    expect($$(el, '.figure-edge.taken').map((g) => g.getAttribute('data-edge'))).toContain('SYN-SENT>SYN-RECEIVED');
    expect(badges(el, 'SYN-RECEIVED')).toEqual(['3']);
  });

  it('draws a transition the figure lacks as a labelled curve (a refused SYN’s RST)', async () => {
    const el = await mount('tcp-state-diagram', { transitions: connectionPath(refused().events, `${A}#1`) });
    expect($$(el, '.figure-edge.taken').map((g) => g.getAttribute('data-edge'))).toEqual(['CLOSED>SYN-SENT']);
    const off = $$(el, 'g.off');
    expect(off).toHaveLength(1);
    expect(text(off[0])).toBe('rcv RST / delete TCB');
    expect(badges(el, 'CLOSED')).toEqual(['1', '3']);
  });

  it('shows a state’s RFC description on hover and on keyboard focus', async () => {
    const el = await mount('tcp-state-diagram', { transitions: connectionPath(handshake().events, `${A}#1`) });
    expect(text($(el, '.desc'))).toContain(STATE_DESCRIPTIONS.ESTABLISHED);
    const listen = $(el, '.state[data-node="LISTEN"]');
    expect(text(listen.querySelector('title'))).toContain(STATE_DESCRIPTIONS.LISTEN);
    listen.dispatchEvent(new Event('pointerenter'));
    await el.updateComplete;
    expect(text($(el, '.desc'))).toBe(`LISTEN ${STATE_DESCRIPTIONS.LISTEN}`);
    listen.dispatchEvent(new Event('pointerleave'));
    $(el, '.state[data-node="TIME-WAIT"]').dispatchEvent(new Event('focus'));
    await el.updateComplete;
    expect(text($(el, '.desc'))).toContain(STATE_DESCRIPTIONS['TIME-WAIT']);
    expect($(el, '.state[data-node="TIME-WAIT"]').getAttribute('tabindex')).toBe('0');
  });

  it('renders transition causes as text, never markup', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const el = await mount('tcp-state-diagram', {
      transitions: [{ step: 2, t: 0, from: 'ESTABLISHED', to: 'CLOSED', cause: evil, eventIndex: 0 }],
    });
    expect(shadow(el).querySelector('img')).toBeNull();
    expect(text($(el, 'g.off'))).toBe(evil);
  });

  it('re-renders when the path grows', async () => {
    const events = handshake().events;
    const el = await mount('tcp-state-diagram', { transitions: connectionPath(events, `${A}#1`).slice(0, 1) });
    expect($$(el, '.state.current').map((g) => g.getAttribute('data-state'))).toEqual(['SYN-SENT']);
    await update(el, { transitions: connectionPath(events, `${A}#1`) });
    expect($$(el, '.state.current').map((g) => g.getAttribute('data-state'))).toEqual(['ESTABLISHED']);
  });
});

describe('state diagram layout', () => {
  it('keeps every box and label inside the viewBox and every arrow on real states', () => {
    for (const n of NODES) expect(n.x >= 88 && n.x <= 912 && n.y >= 26 && n.y <= 1014, n.id).toBe(true);
    for (const e of EDGES) {
      expect(node(e.toNode).state).toBe(e.to);
      for (const [x, y] of e.points) expect(x >= 0 && x <= 1000 && y >= 0 && y <= 1040).toBe(true);
    }
  });

  it('matches a transition to the figure’s arrow only when the event matches too', () => {
    expect(edgeFor('SYN-SENT', 'CLOSED', 'CLOSE / delete TCB')).toBeDefined();
    expect(edgeFor('SYN-SENT', 'CLOSED', 'rcv RST / delete TCB')).toBeUndefined();
    expect(edgeFor('ESTABLISHED', 'FIN-WAIT-1')).toBeDefined();
    expect(edgeFor('ESTABLISHED', 'CLOSED')).toBeUndefined();
  });
});

function shadow(el: Element): ShadowRoot {
  return el.shadowRoot!;
}
