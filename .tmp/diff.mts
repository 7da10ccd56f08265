import { launchChromium } from "/work/main/tests/support/browser";
const b = await launchChromium();
const p = await b.newPage();
const url = process.argv[2]!;
const server = await (await fetch(url)).text();
await p.route("**/api/stock**", (r) => r.abort());
await p.goto(url);
await p.waitForTimeout(3000);
const client = await p.evaluate(() => document.body.outerHTML);
const norm = (s: string) => s.replace(/<!--.*?-->/g, "").replace(/<script[\s\S]*?<\/script>/g, "").replace(/></g, ">\n<");
const a = norm(server.slice(server.indexOf("<body"), server.indexOf("</body>"))).split("\n");
const c = norm(client).split("\n");
let shown = 0;
for (let i = 0; i < Math.max(a.length, c.length) && shown < 12; i++) if (a[i] !== c[i]) { console.log("S:", a[i]?.slice(0, 300)); console.log("C:", c[i]?.slice(0, 300)); shown++; }
await b.close();
