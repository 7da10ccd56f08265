import { z } from "zod";
import { checkInputArraySize, idempotentMutation, refused, type Args, type IdempotentOutcome, type MutationResolver } from "./admin-mutation";
import type { UserError } from "./mutation-payload";
import { applyRefund, planRefund, type RefundProblem, type RefundRequestLine } from "./order-lifecycle";
import { decimalAmount, minorUnits } from "./format";
import { gid, parseGid } from "./ids";
import { toShop } from "./order-money";
import { orderNode, refundNode } from "./order-objects";
import { orderByGid } from "./order-queries";
import { currentQuantity, netPaymentCents, type Order, type RestockType } from "./orders";
import type { ShopState } from "./shop-state";

/**
 * `refundCreate(input:)` with the 2026-04+ rule that `@idempotent(key:)` is required. It runs
 * the control API's refund (checkout.ts `planRefund`/`applyRefund`): same inventory moves,
 * same `refunds/create` webhook. All or nothing: any user error and nothing is refunded.
 * Money moves only through `transactions`, as on Shopify: without them the refund restocks or
 * removes items but returns nothing (`totalRefundedSet` 0); each transaction must match the
 * order's payment (transactionErrors). `shipping`, `notify`,
 * `refundMethods` and `refundDuties` are accepted and ignored.
 *
 * RefundCreatePayload.userErrors is the generic `UserError` (field, message; no `code`): the
 * codes kept here only feed the emulator's request log.
 */
const RESTOCK_TYPES = { CANCEL: "cancel", RETURN: "return", NO_RESTOCK: "no_restock" } as const satisfies Record<string, RestockType>;

const lineSchema = z.object({
  lineItemId: z.string(),
  quantity: z.number().int(),
  restockType: z.enum(["CANCEL", "LEGACY_RESTOCK", "NO_RESTOCK", "RETURN"]).nullish(),
  locationId: z.string().nullish(),
});
const transactionSchema = z.object({
  orderId: z.string(),
  amount: z.union([z.string(), z.number()]),
  kind: z.string(),
  gateway: z.string(),
  parentId: z.string().nullish(),
});
const inputSchema = z.object({
  orderId: z.string(),
  note: z.string().nullish(),
  notify: z.boolean().nullish(),
  allowOverRefunding: z.boolean().nullish(),
  currency: z.string().nullish(),
  refundLineItems: z.array(lineSchema).nullish(),
  transactions: z.array(transactionSchema).nullish(),
});

const inputOf = (args: Args): Record<string, unknown> => (args.input !== null && typeof args.input === "object" ? (args.input as Record<string, unknown>) : {});

const failed = (userErrors: UserError[]): IdempotentOutcome => refused({ refund: null, order: null, userErrors });

/** Our refund problems as refundCreate user errors, on the offending input field. */
function problemError(problem: RefundProblem): UserError {
  const at = (field: string) => ["refundLineItems", String(problem.index), field];
  if (problem.kind === "unknown_line") return { field: at("lineItemId"), message: "Line item does not exist on this order.", code: "NOT_FOUND" };
  // More than the line still holds at all, or more than the pool this restock type draws from.
  const message =
    problem.requested > currentQuantity(problem.line)
      ? "Quantity cannot refund more items than were purchased."
      : `Quantity cannot be more than the ${problem.refundable} ${problem.pool} item(s) left on this line for restock type ${problem.restockType.toUpperCase()}.`;
  return { field: at("quantity"), message, code: "INVALID" };
}

/** Line inputs → our request lines, or user errors on ids, quantities and restock types. */
function requestLines(shop: ShopState, lines: z.infer<typeof lineSchema>[]): { requests: RefundRequestLine[]; errors: UserError[] } {
  const errors: UserError[] = [];
  const requests: RefundRequestLine[] = [];
  lines.forEach((line, i) => {
    const at = (field: string) => ["refundLineItems", String(i), field];
    // A malformed id becomes 0 (no line has it), so planRefund reports it at the same index.
    const lineItemId = parseGid(line.lineItemId, "LineItem") ?? 0;
    if (line.quantity < 1) errors.push({ field: at("quantity"), message: "Quantity must be greater than 0.", code: "GREATER_THAN" });
    if (line.restockType === "LEGACY_RESTOCK")
      errors.push({ field: at("restockType"), message: "Restock type LEGACY_RESTOCK is not accepted when creating new refunds.", code: "INVALID" });
    const restockType = line.restockType === "LEGACY_RESTOCK" ? "no_restock" : RESTOCK_TYPES[line.restockType ?? "NO_RESTOCK"];
    // The restock location only matters when units go back on a shelf.
    const location = line.locationId != null && restockType !== "no_restock" ? shop.catalog.locationByGid(line.locationId) : undefined;
    if (line.locationId != null && restockType !== "no_restock" && !location)
      errors.push({ field: at("locationId"), message: "Location does not exist.", code: "NOT_FOUND" });
    requests.push({ lineItemId, quantity: line.quantity, restockType, restockLocationId: location?.id ?? null });
  });
  return { requests, errors };
}

/**
 * Refund transactions checked against the order's one payment, as Shopify's money model has it:
 * - `currency` "must be the presentment currency … a required field for orders where the
 *   currency and presentment currency differ" (RefundInput.currency [2026-10 schema]); amounts
 *   are read in that currency.
 * - kind REFUND only, and "A refund can happen only after a capture is processed"
 *   (OrderTransactionKind.REFUND [schema]): an authorization-only payment has nothing to refund.
 * - `parentId`, "the ID of the optional parent transaction" (OrderTransactionInput [schema]),
 *   must be this order's payment, and `gateway` must be that payment's gateway — Shopify's own
 *   example passes the sale as parent with its gateway
 *   (https://shopify.dev/docs/api/admin-graphql/latest/mutations/refundCreate).
 * - no more than is still refundable (`SuggestedOrderTransaction.maximumRefundableSet`,
 *   https://shopify.dev/docs/api/admin-graphql/latest/objects/SuggestedRefund) unless
 *   `allowOverRefunding`.
 */
function transactionErrors(order: Order, input: z.infer<typeof inputSchema>): { cents: number; presentmentCents: number; errors: UserError[] } {
  const { payment } = order;
  const currency = payment.presentmentCurrency;
  const errors: UserError[] = [];
  const transactions = input.transactions ?? [];
  if (transactions.length > 0 && input.currency == null && payment.presentmentCurrency !== payment.shopCurrency)
    errors.push({
      field: ["currency"],
      message: `Currency is required for orders where the currency (${payment.shopCurrency}) and presentment currency (${currency}) differ.`,
      code: "REQUIRED",
    });
  if (input.currency != null && input.currency !== currency)
    errors.push({ field: ["currency"], message: `Currency must be the order's presentment currency (${currency}).`, code: "INVALID" });
  let presentmentCents = 0;
  transactions.forEach((tx, i) => {
    const at = (field: string) => ["transactions", String(i), field];
    if (tx.orderId !== input.orderId) errors.push({ field: at("orderId"), message: "Transaction must belong to the order being refunded.", code: "INVALID" });
    if (tx.kind !== "REFUND") errors.push({ field: at("kind"), message: "Kind must be REFUND for a refund transaction.", code: "INVALID" });
    if (tx.parentId != null && tx.parentId !== gid("OrderTransaction", order.paymentTransactionId))
      errors.push({ field: at("parentId"), message: "Parent transaction does not exist on this order.", code: "NOT_FOUND" });
    else if (payment.kind === "AUTHORIZATION")
      errors.push({
        field: at(tx.parentId != null ? "parentId" : "kind"),
        message: "A refund can happen only after a capture is processed; this payment is only authorized.",
        code: "INVALID",
      });
    if (tx.gateway !== payment.gateway)
      errors.push({ field: at("gateway"), message: `Gateway must match the gateway of the order's payment (${payment.gateway}).`, code: "INVALID" });
    const amount = minorUnits(tx.amount, currency);
    if (amount === null || amount === 0) errors.push({ field: at("amount"), message: "Amount must be greater than 0.", code: "GREATER_THAN" });
    else presentmentCents += amount;
  });
  const refundable = Math.max(0, netPaymentCents(order, "presentment"));
  if (presentmentCents > refundable && input.allowOverRefunding !== true)
    errors.push({
      field: ["transactions"],
      message: `Refund amount cannot exceed the refundable amount of ${decimalAmount(refundable, currency)} ${currency}.`,
      code: "INVALID",
    });
  return { cents: toShop(payment, presentmentCents), presentmentCents, errors };
}

function refundCreate(args: Args, shop: ShopState): IdempotentOutcome {
  const input = inputSchema.parse(args.input);
  const order = orderByGid(shop, input.orderId);
  if (!order) return failed([{ field: ["orderId"], message: "Order does not exist.", code: "NOT_FOUND" }]);
  const { requests, errors } = requestLines(shop, input.refundLineItems ?? []);
  const money = transactionErrors(order, input);
  errors.push(...money.errors);
  const plan = planRefund(order, requests);
  if (!plan.ok) errors.push(...plan.problems.map(problemError));
  if (errors.length > 0 || !plan.ok) return failed(errors);
  const refund = applyRefund(shop, order, plan.planned, { note: input.note ?? null, amountCents: money.cents, presentmentCents: money.presentmentCents });
  return {
    payload: { refund: refundNode(shop, order, refund), order: orderNode(shop, order), userErrors: [] },
    replay: { kind: "refund", orderId: order.id, refundId: refund.id },
  };
}

export function refundMutations(): Record<string, MutationResolver> {
  return {
    refundCreate: idempotentMutation("refundCreate", {
      precheck: (args) => {
        checkInputArraySize(inputOf(args).refundLineItems, "refundLineItems");
        checkInputArraySize(inputOf(args).transactions, "transactions");
      },
      run: (args, { shop }) => refundCreate(args, shop),
    }),
  };
}
