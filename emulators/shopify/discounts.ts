import { IdSequence } from "./ids";

/**
 * Code discounts created through `discountCodeBasicCreate` (amount off: a percentage or a
 * fixed amount). Codes are unique per shop regardless of case, as on Shopify. Nothing here
 * applies them at checkout yet: the store is what tests and the demo inspect.
 */
export type DiscountBuyers = { kind: "all" } | { kind: "customers"; customerIds: string[] };

export type DiscountItemsTarget = { kind: "all" } | { kind: "products"; productIds: string[]; variantIds: string[] };

export type DiscountValue = { kind: "percentage"; percentage: number } | { kind: "amount"; amountCents: number; appliesOnEachItem: boolean };

export type DiscountMinimum = { kind: "subtotal"; cents: number } | { kind: "quantity"; quantity: number } | null;

export interface CodeDiscount {
  /** DiscountCodeNode id (numeric tail). */
  id: number;
  /** DiscountRedeemCode id of its one code. */
  codeId: number;
  title: string;
  code: string;
  startsAt: number;
  endsAt: number | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  buyers: DiscountBuyers;
  items: DiscountItemsTarget;
  value: DiscountValue;
  minimum: DiscountMinimum;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  appliesOnOneTimePurchase: boolean;
  appliesOnSubscription: boolean;
  recurringCycleLimit: number | null;
  tags: string[];
  createdAt: number;
}

export type DiscountStatus = "ACTIVE" | "EXPIRED" | "SCHEDULED";

export const discountStatus = (discount: CodeDiscount, now: number): DiscountStatus =>
  now < discount.startsAt ? "SCHEDULED" : discount.endsAt !== null && now >= discount.endsAt ? "EXPIRED" : "ACTIVE";

export class DiscountBook {
  private readonly byId = new Map<number, CodeDiscount>();
  private readonly byCode = new Map<string, CodeDiscount>();
  private sequences: { node: IdSequence; code: IdSequence } | undefined;

  constructor(private readonly random: () => number) {}

  /** Fresh DiscountCodeNode and DiscountRedeemCode ids. The sequences start on first use, so a
   * shop that never creates a discount draws nothing from the (seeded) RNG. */
  nextIds(): { id: number; codeId: number } {
    this.sequences ??= { node: new IdSequence(1_484_122_000_000, this.random), code: new IdSequence(19_277_541_000_000, this.random) };
    return { id: this.sequences.node.next(), codeId: this.sequences.code.next() };
  }

  add(discount: CodeDiscount): void {
    this.byId.set(discount.id, discount);
    this.byCode.set(discount.code.toLowerCase(), discount);
  }

  get(id: number): CodeDiscount | undefined {
    return this.byId.get(id);
  }

  findByCode(code: string): CodeDiscount | undefined {
    return this.byCode.get(code.toLowerCase());
  }

  list(): CodeDiscount[] {
    return [...this.byId.values()];
  }
}
