import { z } from "zod";
import { IdSequence } from "./ids";

/**
 * Code discounts created through `discountCodeBasicCreate` (amount off: a percentage or a
 * fixed amount). Codes are unique per shop regardless of case, as on Shopify. Nothing here
 * applies them at checkout yet: the store is what tests and the demo inspect.
 */
const gidString = z.string();
const discountBuyersSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("customers"), customerIds: z.array(gidString) }),
]);
const discountItemsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("products"), productIds: z.array(gidString), variantIds: z.array(gidString) }),
]);
const discountValueSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("percentage"), percentage: z.number() }),
  z.object({ kind: z.literal("amount"), amountCents: z.number().int(), appliesOnEachItem: z.boolean() }),
]);
const discountMinimumSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("subtotal"), cents: z.number().int() }),
    z.object({ kind: z.literal("quantity"), quantity: z.number().int() }),
  ])
  .nullable();

/** A code discount as the shop keeps it (and as its state file holds it). */
export const codeDiscountSchema = z.object({
  /** DiscountCodeNode id (numeric tail). */
  id: z.number().int(),
  /** DiscountRedeemCode id of its one code. */
  codeId: z.number().int(),
  title: z.string(),
  code: z.string(),
  startsAt: z.number(),
  endsAt: z.number().nullable(),
  usageLimit: z.number().int().nullable(),
  appliesOncePerCustomer: z.boolean(),
  buyers: discountBuyersSchema,
  items: discountItemsSchema,
  value: discountValueSchema,
  minimum: discountMinimumSchema,
  combinesWith: z.object({ orderDiscounts: z.boolean(), productDiscounts: z.boolean(), shippingDiscounts: z.boolean() }),
  appliesOnOneTimePurchase: z.boolean(),
  appliesOnSubscription: z.boolean(),
  recurringCycleLimit: z.number().int().nullable(),
  tags: z.array(z.string()),
  createdAt: z.number(),
});

export type DiscountBuyers = z.infer<typeof discountBuyersSchema>;
export type DiscountItemsTarget = z.infer<typeof discountItemsSchema>;
export type DiscountValue = z.infer<typeof discountValueSchema>;
export type DiscountMinimum = z.infer<typeof discountMinimumSchema>;
export type CodeDiscount = z.infer<typeof codeDiscountSchema>;

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

  /** The last ids handed out (null before the first discount), for the state file. */
  lastIds(): { node: number; code: number } | null {
    return this.sequences ? { node: this.sequences.node.lastIssued, code: this.sequences.code.lastIssued } : null;
  }

  /** A restarted shop: its discounts and where their ids left off. */
  restore(discounts: readonly CodeDiscount[], lastIds: { node: number; code: number } | null): void {
    for (const d of discounts) this.add(d);
    if (lastIds) this.sequences = { node: IdSequence.resumeAt(lastIds.node, this.random), code: IdSequence.resumeAt(lastIds.code, this.random) };
  }
}
