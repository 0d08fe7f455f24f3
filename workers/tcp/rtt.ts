// Retransmission timeout estimation, RFC 6298.

export interface RttSettings {
  initialRto: number;
  minRto: number;
  maxRto: number;
}

/** Clock granularity G of RFC 6298 §2: our clock counts milliseconds. */
const GRANULARITY = 1;

export class RttEstimator {
  srtt: number | null = null;
  rttvar: number | null = null;
  /** The RTO without backoff applied. */
  private baseRto: number;
  /** Number of consecutive backoffs (RFC 6298 §5.5). */
  backoffs = 0;

  constructor(private readonly settings: RttSettings) {
    this.baseRto = settings.initialRto; // RFC 6298 §2.1
  }

  get rto(): number {
    return Math.min(this.settings.maxRto, this.baseRto * 2 ** this.backoffs);
  }

  /** A new round-trip sample R in ms (RFC 6298 §2.2–2.3). Taking one ends any backoff (§5.7). */
  sample(r: number): void {
    if (this.srtt === null || this.rttvar === null) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      // RTTVAR first, with the old SRTT (§2.3).
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    const raw = this.srtt + Math.max(GRANULARITY, 4 * this.rttvar);
    this.baseRto = Math.min(this.settings.maxRto, Math.max(this.settings.minRto, raw)); // §2.4, §2.5
    this.backoffs = 0;
  }

  /** Timer expired: double the RTO, up to the maximum (§5.5). */
  backoff(): void {
    if (this.rto < this.settings.maxRto) this.backoffs++;
  }

  /** RFC 6298 §5.7: if the SYN timed out and no sample was taken, start data transfer with an RTO of 3 s. */
  resetAfterSynTimeout(): void {
    if (this.srtt === null) this.baseRto = Math.max(this.baseRto, 3000);
    this.backoffs = 0;
  }
}
