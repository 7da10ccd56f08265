import http from "node:http";
import { listenHttp } from "@/harness/ports";

/**
 * A Shopify Admin GraphQL endpoint that answers what the test scripts, for the recovery
 * worker's failure paths (user errors, unreadable orders, throttling) that the full emulator
 * has no switch for. Requests are recorded with their operation and variables; an operation
 * without a script gets the happy answer built from `orders`.
 */
export type Operation = "order" | "preview" | "refund" | "code" | "codeByCode";
export interface ScriptedReply {
  status?: number;
  body: unknown;
}
export interface ScriptedOrder {
  id: string;
  name: string;
  email: string | null;
  totalCents: number;
  /** Shop and presentment currency (the scripted shop has one). */
  currency?: string;
  customer?: { id: string; firstName: string | null; displayName: string; email: string | null } | null;
  lines: { id: string; sku: string; name: string; quantity: number; unitCents: number }[];
}

const money = (cents: number, currencyCode = "USD") => ({ shopMoney: { amount: decimal(cents), currencyCode } });

export function orderNode(o: ScriptedOrder) {
  return {
    id: `gid://shopify/Order/${o.id}`,
    name: o.name,
    email: o.email,
    createdAt: "2026-11-27T08:00:00Z",
    cancelledAt: null,
    presentmentCurrencyCode: o.currency ?? "USD",
    totalPriceSet: money(o.totalCents, o.currency),
    customer: o.customer
      ? { id: o.customer.id, firstName: o.customer.firstName, displayName: o.customer.displayName, defaultEmailAddress: { emailAddress: o.customer.email } }
      : null,
  };
}

const decimal = (cents: number) => (cents / 100).toFixed(2);

/** `suggestedRefund` for the requested lines: unit price × units on the order's one payment (Shopify Payments, captured). */
export function previewNode(o: ScriptedOrder, requested: { lineItemId: string; quantity: number }[]) {
  const currencyCode = o.currency ?? "USD";
  const lines = requested.flatMap((r) => {
    const line = o.lines.find((l) => `gid://shopify/LineItem/${l.id}` === r.lineItemId);
    return line ? [{ line, quantity: Math.min(r.quantity, line.quantity) }] : [];
  });
  const cents = lines.reduce((n, r) => n + r.line.unitCents * r.quantity, 0);
  return {
    displayFinancialStatus: "PAID",
    presentmentCurrencyCode: currencyCode,
    suggestedRefund: {
      refundLineItems: lines.map((r) => ({ quantity: r.quantity, lineItem: { id: `gid://shopify/LineItem/${r.line.id}`, name: r.line.name } })),
      suggestedTransactions:
        cents > 0
          ? [
              {
                gateway: "shopify_payments",
                kind: "SUGGESTED_REFUND",
                parentTransaction: { id: `gid://shopify/OrderTransaction/${o.id}` },
                amountSet: { presentmentMoney: { amount: decimal(cents), currencyCode } },
              },
            ]
          : [],
    },
  };
}

export const refundOk = (id: string, cents: number, currencyCode = "USD"): ScriptedReply => ({
  body: { data: { refundCreate: { refund: { id, totalRefundedSet: { presentmentMoney: { amount: decimal(cents), currencyCode } } }, userErrors: [] } } },
});
export const codeOk = (id: string): ScriptedReply => ({ body: { data: { discountCodeBasicCreate: { codeDiscountNode: { id }, userErrors: [] } } } });
export const unavailable: ScriptedReply = { status: 503, body: { errors: "Service Unavailable" } };
export const graphqlError = (message: string): ScriptedReply => ({ body: { errors: [{ message }] } });

export async function startScriptedShopify() {
  const orders = new Map<string, ScriptedOrder>();
  const scripts = new Map<Operation, ScriptedReply[]>();
  const requests: { operation: Operation; variables: Record<string, unknown> }[] = [];
  const operationOf = (query: string): Operation =>
    query.includes("refundCreate")
      ? "refund"
      : query.includes("suggestedRefund")
        ? "preview"
        : query.includes("discountCodeBasicCreate")
          ? "code"
          : query.includes("codeDiscountNodeByCode")
            ? "codeByCode"
            : "order";
  const happy = (operation: Operation, variables: Record<string, unknown>): ScriptedReply => {
    if (operation === "order") {
      const order = orders.get(String(variables.id).split("/").pop() ?? "");
      return { body: { data: { order: order ? orderNode(order) : null } } };
    }
    if (operation === "preview") {
      const order = orders.get(String(variables.id).split("/").pop() ?? "");
      return { body: { data: { order: order ? previewNode(order, variables.lines as { lineItemId: string; quantity: number }[]) : null } } };
    }
    if (operation === "refund") {
      // What was sent is what was refunded (the scripted shop refuses nothing).
      const input = variables.input as { currency?: string; transactions: { amount: string }[] };
      const cents = input.transactions.reduce((n, t) => n + Math.round(Number(t.amount) * 100), 0);
      return refundOk(`gid://shopify/Refund/${requests.length}`, cents, input.currency);
    }
    if (operation === "code") return codeOk(`gid://shopify/DiscountCodeNode/${requests.length}`);
    return { body: { data: { codeDiscountNodeByCode: { id: "gid://shopify/DiscountCodeNode/existing" } } } };
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const { query, variables } = JSON.parse(raw) as { query: string; variables: Record<string, unknown> };
      const operation = operationOf(query);
      requests.push({ operation, variables });
      const reply = scripts.get(operation)?.shift() ?? happy(operation, variables);
      res.writeHead(reply.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    });
  });
  const url = await listenHttp(server, "127.0.0.1", 0, "scripted shopify");
  return {
    url,
    orders,
    requests,
    /** The next answers to `operation`, in order; then the happy answer again. */
    script(operation: Operation, ...replies: ScriptedReply[]) {
      scripts.set(operation, [...(scripts.get(operation) ?? []), ...replies]);
    },
    clear() {
      orders.clear();
      scripts.clear();
      requests.length = 0;
    },
    env: { SHOPIFY_STORE_DOMAIN: "recovery-test.myshopify.com", SHOPIFY_ADMIN_ACCESS_TOKEN: "shpat_recovery_test", SHOPIFY_ADMIN_API_URL: url },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
