// The discrete-event scheduler's priority queue: a binary min-heap ordered by (time, seq).
// `seq` is a counter stamped when an entry is scheduled, so simultaneous events run in the order
// they were scheduled, which is what makes a run reproducible. Entries remember their heap slot
// (`pos`), so a host's timer can be moved in place when its deadline changes instead of leaving
// stale entries behind (a busy connection re-arms its retransmission timer on every ACK).

export interface Queued {
  /** When the entry is due (virtual ms). Set by the queue. */
  time: number;
  /** Scheduling order, the tie-breaker. Set by the queue. */
  seq: number;
  /** Index in the heap array, -1 while not queued. Owned by the queue. */
  pos: number;
}

export class EventQueue<T extends Queued> {
  private readonly heap: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest entry without removing it. */
  peek(): T | undefined {
    return this.heap[0];
  }

  /** Schedule `entry` at `time`; if it is already queued it is moved (and counts as newly scheduled). */
  schedule(entry: T, time: number): void {
    entry.time = time;
    entry.seq = this.nextSeq++;
    if (entry.pos < 0) {
      entry.pos = this.heap.length;
      this.heap.push(entry);
      this.siftUp(entry.pos);
    } else {
      // A later seq only ever makes an entry "larger" at equal time, so sifting both ways covers it.
      this.siftUp(entry.pos);
      this.siftDown(entry.pos);
    }
  }

  /** Remove and return the earliest entry. */
  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop() as T;
    top.pos = -1;
    if (last !== top) {
      heap[0] = last;
      last.pos = 0;
      this.siftDown(0);
    }
    return top;
  }

  /** Take `entry` out of the queue if it is in it. */
  remove(entry: T): void {
    const i = entry.pos;
    if (i < 0) return;
    const heap = this.heap;
    const last = heap.pop() as T;
    entry.pos = -1;
    if (last !== entry) {
      heap[i] = last;
      last.pos = i;
      this.siftUp(i);
      this.siftDown(last.pos);
    }
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const item = heap[i] as T;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (!before(item, parent)) break;
      heap[i] = parent;
      parent.pos = i;
      i = parentIndex;
    }
    heap[i] = item;
    item.pos = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      let childItem = heap[left] as T;
      if (right < n) {
        const rightItem = heap[right] as T;
        if (before(rightItem, childItem)) {
          child = right;
          childItem = rightItem;
        }
      }
      if (!before(childItem, item)) break;
      heap[i] = childItem;
      childItem.pos = i;
      i = child;
    }
    heap[i] = item;
    item.pos = i;
  }
}

function before(a: Queued, b: Queued): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
