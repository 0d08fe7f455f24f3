// The time for rate limiting, read once per turn of the event loop rather than once per frame.
// ws hands over every message of one socket read in one synchronous burst (dozens of 1500-byte
// frames per 64 KiB read under load); reading the system clock costs 60–80 ns on this kind of
// machine, a third of the relay's own per-frame work. All messages of one burst arrived
// together, so giving them one timestamp is also the truthful answer.

let cached = 0;
let valid = false;
const invalidate = (): void => {
  valid = false;
};

/** Milliseconds since the epoch, as Date.now(), fixed until the current task ends. */
export function turnNow(): number {
  if (!valid) {
    cached = Date.now();
    valid = true;
    queueMicrotask(invalidate);
  }
  return cached;
}
