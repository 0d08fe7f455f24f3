// Events per second, an exponentially weighted estimate over the last `tauMs` or so: each count
// adds to a sum that decays by e^(-Δt/tau), and the sum over tau is the rate. Short tau, so a
// transfer's start shows within a few updates and its end within a second.
export class RateMeter {
  private sum = 0;
  private at = 0;

  constructor(private readonly tauMs: number) {}

  count(n: number, now: number): void {
    this.sum = this.decayed(now) + n;
    this.at = now;
  }

  perSecond(now: number): number {
    return (this.decayed(now) * 1000) / this.tauMs;
  }

  private decayed(now: number): number {
    return this.sum * Math.exp(-(now - this.at) / this.tauMs);
  }
}
