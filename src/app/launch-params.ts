// What the page's address asks for: ?room=lab-3&name=Ana&relay=http://… prefill the join form
// (a teacher shares one link; "open in a new tab" passes the room on).
export interface LaunchParams {
  room: string | null;
  name: string | null;
  relay: string | null;
}

export function launchParams(search: string): LaunchParams {
  const q = new URLSearchParams(search);
  const get = (k: string) => {
    const v = q.get(k);
    return v === null || v.trim() === '' ? null : v;
  };
  return { room: get('room'), name: get('name'), relay: get('relay') };
}

/** The page's address with the room (and relay, when not this origin) filled in. */
export function roomHref(room: string, relay: string | null): string {
  const q = new URLSearchParams({ room });
  if (relay !== null) q.set('relay', relay);
  return `${location.pathname}?${q.toString()}`;
}
