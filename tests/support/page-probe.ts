/**
 * Injected into a page before its own scripts (tests and the PDP benchmark): records every
 * layout shift, the part of it caused by a stock badge, and when the first badge showed a
 * number, on `window.__bench`.
 */
export const PAGE_PROBE = `
  window.__bench = { badgeAt: null, cls: 0, badgeCls: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      window.__bench.cls += entry.value;
      const BADGE = "[data-testid^='stock-'], [data-testid='pickup']";
      const touchesBadge = (entry.sources || []).some((s) => {
        const el = s.node instanceof Element ? s.node : s.node && s.node.parentElement;
        return el && (el.closest(BADGE) !== null || el.querySelector(BADGE) !== null);
      });
      if (touchesBadge) window.__bench.badgeCls += entry.value;
    }
  }).observe({ type: "layout-shift", buffered: true });
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
