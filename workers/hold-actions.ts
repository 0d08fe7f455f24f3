// What the page can do with one host's hold queue (README "Hold and release"): switch it, release,
// drop, duplicate and reorder held segments. Every action is a trace event on the host, so a held
// segment's story reads in the log; `changed` tells the service the queue's contents moved.
import { fail, ok } from './tcp/errors.ts';
import type { ApiResult, HeldPacketView } from './api.ts';
import type { HostSlot } from './host-slot.ts';

function noHeld<T>(id: number): ApiResult<T> {
  return fail('ENOENT', `no held segment #${id} (already released or dropped?)`);
}

/** Send a held segment on, saying why in the trace. */
export function releaseHeld(s: HostSlot, h: HeldPacketView, why: string): void {
  s.traceHold(h, `${why}: #${h.id}`);
  s.queueReleased(h.bytes);
}

export function setHold(s: HostSlot, on: boolean, changed: () => void): ApiResult<HeldPacketView[]> {
  s.hold.enabled = on === true;
  // Turning hold off lets everything go, in order, as a real queue draining would.
  if (!s.hold.enabled) for (const h of s.hold.releaseAll()) releaseHeld(s, h, 'hold mode off');
  changed();
  return ok([...s.hold.list()]);
}

export function release(s: HostSlot, id: number, changed: () => void): ApiResult<void> {
  const h = s.hold.release(id);
  if (h === undefined) return noHeld(id);
  releaseHeld(s, h, 'released');
  changed();
  return ok(undefined);
}

export function releaseAll(s: HostSlot, changed: () => void): ApiResult<number> {
  const all = s.hold.releaseAll();
  for (const h of all) releaseHeld(s, h, 'released (all)');
  if (all.length > 0) changed();
  return ok(all.length);
}

export function dropHeld(s: HostSlot, id: number, changed: () => void): ApiResult<void> {
  const h = s.hold.drop(id);
  if (h === undefined) return noHeld(id);
  s.traceHold(h, `dropped #${h.id} from the hold queue`);
  changed();
  return ok(undefined);
}

export function duplicateHeld(s: HostSlot, id: number, changed: () => void): ApiResult<number> {
  const copy = s.hold.duplicate(id);
  if (copy === undefined) return noHeld(id);
  s.traceHold(copy, `duplicated #${id} as #${copy.id}`);
  changed();
  return ok(copy.id);
}

export function moveHeld(s: HostSlot, id: number, index: number, changed: () => void): ApiResult<HeldPacketView[]> {
  if (!s.hold.move(id, index)) return noHeld(id);
  const list = s.hold.list();
  const item = s.hold.get(id) as HeldPacketView;
  s.traceHold(item, `moved #${id} to position ${list.indexOf(item)} of ${list.length}`);
  changed();
  return ok([...list]);
}
