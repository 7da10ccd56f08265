/**
 * Simulated buyers: purchases arrive as a Poisson process at `ratePerSecond` (exponential
 * gaps drawn from the seeded random), each for 1 unit (sometimes 2) of a random SKU.
 */
export interface BuyersStatus {
  ratePerSecond: number;
  skus: string[] | null;
}

const TICK_MS = 20;

export class Buyers {
  private rate = 0;
  private skus: string[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;

  constructor(
    private readonly random: () => number,
    /** SKUs to choose from when none were given (the listed ones). */
    private readonly listed: () => string[],
    private readonly buy: (sku: string, quantity: number, priceCents: number) => void,
  ) {}

  status(): BuyersStatus {
    return { ratePerSecond: this.rate, skus: this.skus ?? null };
  }

  start(ratePerSecond: number, skus?: string[]): void {
    this.stop();
    this.rate = ratePerSecond;
    this.skus = skus;
    if (ratePerSecond <= 0) return;
    this.nextAt = Date.now() + this.gap();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.rate = 0;
  }

  private gap(): number {
    return (-Math.log(1 - this.random()) / this.rate) * 1000;
  }

  private tick(): void {
    const now = Date.now();
    // Catch up on every arrival that fell due since the last tick (timers are coarse).
    while (this.nextAt <= now && this.rate > 0) {
      const choices = this.skus ?? this.listed();
      const sku = choices[Math.floor(this.random() * choices.length)];
      if (sku !== undefined) this.buy(sku, this.random() < 0.1 ? 2 : 1, 500 + Math.floor(this.random() * 9_500));
      this.nextAt += this.gap();
    }
  }
}
