import { launchChromium } from "/work/main/tests/support/browser";
const b = await launchChromium();
const p = await b.newPage();
p.on("console", (m) => console.log("console:", m.text().slice(0, 1500)));
p.on("pageerror", (e) => console.log("pageerror:", e.message.slice(0, 1500)));
p.on("response", (r) => r.status() >= 400 && console.log("404:", r.url()));
await p.goto(process.argv[2]!);
await p.waitForTimeout(8000);
await b.close();
