// The sender's SACK scoreboard (RFC 2018, loss recovery per RFC 6675): which ranges above SND.UNA
// the receiver holds, so retransmission fills the holes instead of resending what arrived.
import type { SackBlock } from './wire/types.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax } from './seq.ts';

/** RFC 6675 DupThresh. */
const DUP_THRESH = 3;

export class SackScoreboard {
  /** SACKed ranges above SND.UNA, sorted and merged. */
  private blocks: SackBlock[] = [];
  /** RFC 6675 HighRxt: the highest sequence number retransmitted in this recovery. */
  private highRxt: number | null = null;

  get sacked(): readonly SackBlock[] {
    return this.blocks;
  }

  /**
   * Take the SACK blocks of an ACK whose cumulative point is `sndUna`. Returns whether they SACKed
   * octets above it not SACKed before: what makes the ACK a duplicate in RFC 6675 §2's sense.
   */
  update(incoming: readonly SackBlock[], sndUna: number): boolean {
    const before = this.sackedBytes();
    for (const b of incoming) {
      if (!seqGt(b.right, b.left) || seqLe(b.right, sndUna)) continue; // D-SACK or stale
      this.insert({ left: seqMax(b.left, sndUna), right: b.right });
    }
    return this.sackedBytes() > before;
  }

  private sackedBytes(): number {
    let n = 0;
    for (const b of this.blocks) n += seqDiff(b.right, b.left);
    return n;
  }

  ackedTo(ack: number): void {
    while (this.blocks.length > 0 && seqLe(this.blocks[0]!.right, ack)) this.blocks.shift();
    const first = this.blocks[0];
    if (first && seqLt(first.left, ack)) first.left = ack;
    if (this.highRxt !== null && seqLe(this.highRxt, ack)) this.highRxt = null;
  }

  /** RFC 6675 IsLost(seq): DupThresh discontiguous SACKed blocks, or enough SACKed bytes, lie above it. */
  isLost(seq: number, mss: number): boolean {
    let bytes = 0;
    let count = 0;
    for (const b of this.blocks) {
      if (seqGt(b.right, seq)) {
        count++;
        bytes += seqDiff(b.right, seqMax(b.left, seq));
      }
    }
    return count >= DUP_THRESH || bytes > (DUP_THRESH - 1) * mss;
  }

  /**
   * RFC 6675 IsLost as a boundary: every unSACKed byte below it has DupThresh blocks or more than
   * (DupThresh−1)·MSS SACKed bytes above it, so it is deemed lost. Null when nothing is.
   */
  private lostBoundary(mss: number): number | null {
    let bytes = 0;
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const b = this.blocks[i]!;
      bytes += seqDiff(b.right, b.left);
      if (this.blocks.length - i >= DUP_THRESH || bytes > (DUP_THRESH - 1) * mss) return b.left;
    }
    return null;
  }

  /** Unsacked bytes in [from, to). */
  private holesBetween(from: number, to: number): number {
    if (!seqLt(from, to)) return 0;
    let n = seqDiff(to, from);
    for (const b of this.blocks) {
      const l = seqMax(b.left, from);
      const r = seqLt(b.right, to) ? b.right : to;
      if (seqLt(l, r)) n -= seqDiff(r, l);
    }
    return n;
  }

  /** RFC 6675 SetPipe: bytes still in the network: outstanding, minus SACKed, minus lost and not yet resent. */
  pipe(sndUna: number, sndNxt: number, mss: number): number {
    const sacked = this.sackedBytes();
    const boundary = this.lostBoundary(mss);
    let lostUnsent = 0;
    if (boundary !== null) {
      const from = this.highRxt !== null && seqGt(this.highRxt, sndUna) ? this.highRxt : sndUna;
      lostUnsent = this.holesBetween(from, boundary);
    }
    return Math.max(0, seqDiff(sndNxt, sndUna) - sacked - lostUnsent);
  }

  /** RFC 6675 NextSeg rule 1: the first lost, unSACKed byte not yet retransmitted; null if none. */
  nextLost(sndUna: number, mss: number): number | null {
    const boundary = this.lostBoundary(mss);
    if (boundary === null) return null;
    let seq = this.highRxt !== null && seqGt(this.highRxt, sndUna) ? this.highRxt : sndUna;
    for (const b of this.blocks) {
      if (!seqLt(seq, boundary)) return null;
      if (seqLt(seq, b.left)) return seq;
      if (seqLt(seq, b.right)) seq = b.right;
    }
    return null;
  }

  /** Bytes from `seq` up to the next SACKed range (at most `max`). */
  holeLength(seq: number, max: number): number {
    for (const b of this.blocks) {
      if (seqGe(seq, b.left) && seqLt(seq, b.right)) return 0;
      if (seqLt(seq, b.left)) return Math.min(max, seqDiff(b.left, seq));
    }
    return max;
  }

  markRetransmitted(seq: number, len: number): void {
    const end = seqAdd(seq, Math.max(len, 1));
    this.highRxt = this.highRxt === null ? end : seqMax(this.highRxt, end);
  }

  /** After a timeout the receiver may have reneged; start over (RFC 2018 §8). */
  onTimeout(): void {
    this.blocks = [];
    this.highRxt = null;
  }

  private insert(nb: SackBlock): void {
    const list = this.blocks;
    let i = 0;
    while (i < list.length && seqLt(list[i]!.right, nb.left)) i++;
    let j = i;
    let left = nb.left;
    let right = nb.right;
    while (j < list.length && seqLe(list[j]!.left, right)) {
      if (seqLt(list[j]!.left, left)) left = list[j]!.left;
      if (seqGt(list[j]!.right, right)) right = list[j]!.right;
      j++;
    }
    list.splice(i, j - i, { left, right });
  }
}
