/**
 * Shopify's per app-and-shop leaky bucket of cost points: it refills continuously at
 * `restoreRate` points/s up to `bucketSize`. A request whose requested cost is above what is
 * available is THROTTLED and not run; otherwise the requested cost is taken up front and the
 * difference to the actual cost is given back after execution.
 */
export interface Plan {
  restoreRate: number;
  bucketSize: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export const STANDARD_PLAN: Plan = { restoreRate: 100, bucketSize: 2_000 };

export class LeakyBucket {
  private available: number;
  private at: number;
  /** Largest share of the bucket in use at any moment (points). */
  peakUsed = 0;

  constructor(
    private plan: Plan,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = plan.bucketSize;
    this.at = now();
  }

  /** A new plan starts with a full bucket. */
  configure(plan: Plan): void {
    this.plan = plan;
    this.available = plan.bucketSize;
    this.at = this.now();
    this.peakUsed = 0;
  }

  tryTake(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    this.peakUsed = Math.max(this.peakUsed, this.plan.bucketSize - this.available);
    return true;
  }

  giveBack(points: number): void {
    this.refill();
    this.available = Math.min(this.plan.bucketSize, this.available + Math.max(0, points));
  }

  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.plan.bucketSize, currentlyAvailable: Math.floor(this.available), restoreRate: this.plan.restoreRate };
  }

  resetPeak(): void {
    this.refill();
    this.peakUsed = this.plan.bucketSize - this.available;
  }

  private refill(): void {
    const t = this.now();
    this.available = Math.min(this.plan.bucketSize, this.available + ((t - this.at) / 1000) * this.plan.restoreRate);
    this.at = t;
  }
}
