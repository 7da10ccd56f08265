import { launchChromium } from "/work/main/tests/support/browser";
const b = await launchChromium();
const p = await b.newPage();
p.on("pageerror", (e) => console.log("pageerror:", e.message.slice(0, 300)));
p.on("response", (r) => { if (r.status() >= 400) console.log("bad:", r.status(), r.url()); });
await p.goto(process.argv[2]!);
await p.waitForTimeout(4000);
await b.close();
