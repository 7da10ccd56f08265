import { launchChromium } from "/work/main/tests/support/browser";
const b = await launchChromium();
for (const [name, url, w] of [["home", "/", 1280], ["pdp", "/products/classic-tee?variant=" , 1280], ["pdp-m", "/products/trail-runner", 390]] as const) {
  const p = await b.newPage({ viewport: { width: w, height: 900 } });
  p.on("console", (m) => m.type() === "error" && console.log(name, "console:", m.text()));
  p.on("pageerror", (e) => console.log(name, "pageerror:", e.message));
  await p.goto("http://127.0.0.1:3000" + url);
  await p.waitForTimeout(2500);
  await p.screenshot({ path: `/tmp/${name}.png` });
  await p.close();
}
await b.close();
