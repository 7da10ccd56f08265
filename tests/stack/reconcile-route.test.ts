import { describe, expect, it } from "vitest";
import { stack } from "../support/stack-client";

/** The cron door of the drift pass: Bearer CRON_SECRET, progress in the answer, resumable page by page. */
const call = (query = "", auth = true) =>
  fetch(`${stack().appUrl}/api/worker/reconcile${query}`, { headers: auth ? { authorization: `Bearer ${stack().secrets.cronSecret}` } : {} });

describe("GET /api/worker/reconcile", () => {
  it("needs the cron secret", async () => {
    expect((await call("", false)).status).toBe(401);
  });

  it("answers bad input with 400 naming the parameter", async () => {
    const response = await call("?pages=0");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^pages:/);
  });

  it("one page at a time reports N of M and an ETA, and a full run finishes the pass", async () => {
    const first = await call("?pages=1");
    expect(first.status).toBe(200);
    const body = (await first.json()) as {
      pass: { id: string; done: number; total: number };
      progress: { share: number; etaMs: number | null };
      finished: boolean;
      pages: number;
    };
    expect(body.pages).toBe(1);
    expect(body.pass.total).toBeGreaterThanOrEqual(38 * 2);
    expect(body.pass.done).toBeGreaterThan(0);
    expect(body.progress.share).toBeCloseTo(Math.min(1, body.pass.done / body.pass.total));
    let last = body;
    for (let i = 0; i < 10 && !last.finished; i++) last = (await (await call()).json()) as typeof body;
    expect(last.finished).toBe(true);
    expect(last.pass.done).toBeGreaterThanOrEqual(body.pass.done);
  });
});
