/**
 * The apology email (pure): what happened, what we refunded, the code, in HTML and plain
 * text. Every value is escaped; nothing secret goes in.
 */
import { escapeHtml } from "../escape-html";
import { formatMoney } from "../money";

export interface ApologyEmailInput {
  shopName: string;
  to: string;
  firstName: string | null;
  orderName: string;
  items: { name: string; units: number; refundCents: number }[];
  currency: string;
  code: string;
  percentOff: number;
  codeValidDays: number;
}

export interface RenderedEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

export function renderApologyEmail(input: ApologyEmailInput): RenderedEmail {
  const greeting = `Hi ${input.firstName ?? "there"},`;
  const total = input.items.reduce((sum, i) => sum + i.refundCents, 0);
  const lines = input.items.map((i) => `${i.units} × ${i.name} — refunded ${formatMoney(i.refundCents, input.currency)}`);
  const subject = `We're sorry: part of order ${input.orderName} is out of stock`;
  const text = [
    greeting,
    "",
    `We're sorry. While packing order ${input.orderName} we found we could not ship everything you bought:`,
    "",
    ...lines.map((l) => `  - ${l}`),
    "",
    `We have refunded ${formatMoney(total, input.currency)} to your original payment method. The rest of your order ships as planned.`,
    "",
    `As an apology, here is ${input.percentOff}% off your next order: ${input.code} (single use, valid for ${input.codeValidDays} days).`,
    "",
    `— ${input.shopName}`,
  ].join("\n");
  const html = `<!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;color:#1c1917;max-width:560px;margin:0 auto;padding:24px">
<p>${escapeHtml(greeting)}</p>
<p>We're sorry. While packing order <strong>${escapeHtml(input.orderName)}</strong> we found we could not ship everything you bought:</p>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>
<p>We have refunded <strong>${escapeHtml(formatMoney(total, input.currency))}</strong> to your original payment method. The rest of your order ships as planned.</p>
<p style="background:#f5f5f4;border-radius:8px;padding:16px;text-align:center">As an apology, ${input.percentOff}% off your next order:<br><strong style="font-size:1.4em;letter-spacing:.08em">${escapeHtml(input.code)}</strong><br><small>single use, valid for ${input.codeValidDays} days</small></p>
<p>— ${escapeHtml(input.shopName)}</p>
</body></html>`;
  return { to: input.to, subject, html, text };
}
