import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../random.ts';
import { EventQueue } from './event-queue.ts';
import type { Queued } from './event-queue.ts';

interface Item extends Queued {
  name: string;
}

const item = (name: string): Item => ({ name, time: 0, seq: 0, pos: -1 });

function drain(q: EventQueue<Item>): string[] {
  const names: string[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) names.push(e.name);
  return names;
}

describe('EventQueue', () => {
  it('pops by time, and equal times in scheduling order', () => {
    const q = new EventQueue<Item>();
    q.schedule(item('c'), 5);
    q.schedule(item('a1'), 1);
    q.schedule(item('b'), 3);
    q.schedule(item('a2'), 1);
    q.schedule(item('a3'), 1);
    expect(drain(q)).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
  });

  it('moves an entry in place when it is rescheduled, as the newest at its new time', () => {
    const q = new EventQueue<Item>();
    const t = item('timer');
    q.schedule(t, 10);
    q.schedule(item('x'), 5);
    q.schedule(item('y'), 20);
    q.schedule(t, 5);
    expect(q.size).toBe(3);
    expect(drain(q)).toEqual(['x', 'timer', 'y']);
  });

  it('removes an entry from anywhere', () => {
    const q = new EventQueue<Item>();
    const items = ['a', 'b', 'c', 'd', 'e'].map(item);
    items.forEach((it, i) => q.schedule(it, i));
    q.remove(items[2] as Item);
    q.remove(items[2] as Item); // not queued any more: no effect
    expect(items[2]?.pos).toBe(-1);
    expect(drain(q)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('agrees with a stable sort over random schedules, reschedules and removals', () => {
    const rng = createSeededRandom(7);
    const q = new EventQueue<Item>();
    const live = new Map<Item, { time: number; order: number }>();
    let order = 0;
    const all: Item[] = [];
    for (let i = 0; i < 5000; i++) {
      const r = rng.nextU32() % 10;
      if (r < 6 || all.length === 0) {
        const it = item(`i${i}`);
        all.push(it);
        const time = rng.nextU32() % 100;
        q.schedule(it, time);
        live.set(it, { time, order: order++ });
      } else {
        const it = all[rng.nextU32() % all.length] as Item;
        if (r < 8) {
          const time = rng.nextU32() % 100;
          q.schedule(it, time);
          live.set(it, { time, order: order++ });
        } else {
          q.remove(it);
          live.delete(it);
        }
      }
    }
    const expected = [...live.entries()]
      .sort((a, b) => a[1].time - b[1].time || a[1].order - b[1].order)
      .map(([it]) => it.name);
    expect(q.size).toBe(live.size);
    expect(drain(q)).toEqual(expected);
  });
});
