import type { Page } from "playwright";

/**
 * Injected into a page before its own scripts (tests and the PDP benchmark): records every
 * layout shift, the part of it caused by a stock badge, and when the first badge showed a
 * number, on `window.__bench`.
 */
export const PAGE_PROBE = `
  window.__bench = { badgeAt: null, cls: 0, badgeCls: 0 };
  const record = (entries) => {
    for (const entry of entries) {
      if (entry.hadRecentInput) continue;
      window.__bench.cls += entry.value;
      const BADGE = "[data-testid^='stock-'], [data-testid='pickup']";
      const touchesBadge = (entry.sources || []).some((s) => {
        const el = s.node instanceof Element ? s.node : s.node && s.node.parentElement;
        return el && (el.closest(BADGE) !== null || el.querySelector(BADGE) !== null);
      });
      if (touchesBadge) window.__bench.badgeCls += entry.value;
    }
  };
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ type: "layout-shift", buffered: true });
  // Entries reach the callback later; this takes the ones still queued (kept off __bench, which is serialised whole).
  window.__benchTakeRecords = () => record(observer.takeRecords());
  const check = () => {
    if (window.__bench.badgeAt !== null) return;
    const badge = document.querySelector("[data-testid^='stock-']");
    if (badge && (badge.getAttribute("data-available") || "") !== "") window.__bench.badgeAt = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-available"] });
`;

export interface PageProbe {
  badgeAt: number | null;
  cls: number;
  badgeCls: number;
}

/**
 * The badges' layout shift once the page has settled: every badge shows its answer (a number
 * or sold out), one more refresh has answered, and two more frames have been painted,
 * so a shift that comes after the first badge is counted too. Pages must carry PAGE_PROBE.
 */
export async function settledBadgeShift(page: Page, timeoutMs: number): Promise<number> {
  await page.waitForFunction(
    () => {
      const badges = [...document.querySelectorAll("[data-testid^='stock-']")];
      return badges.length > 0 && badges.every((b) => (b.getAttribute("data-status") ?? "checking") !== "checking");
    },
    undefined,
    { timeout: timeoutMs },
  );
  // One more badge refresh after that (the badges poll, so the network is never idle for long):
  // a shift caused by a later answer is counted as well.
  await page.waitForResponse((r) => new URL(r.url()).pathname === "/api/stock", { timeout: timeoutMs });
  return page.evaluate(async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const w = window as unknown as { __bench: PageProbe; __benchTakeRecords: () => void };
    w.__benchTakeRecords();
    return w.__bench.badgeCls;
  });
}
