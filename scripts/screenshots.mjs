// Screenshots of the shop's own pages at phone (360 px) and desktop (1280 px)
// width, in headless Debian Chromium, for docs/screenshots. Usage:
//   node scripts/screenshots.mjs http://127.0.0.1:PORT LABEL
// (run from the repository root, with e2e's node_modules installed). It signs
// up a fresh account to shoot the account page.
import { createRequire } from "node:module";
const require = createRequire(new URL("../e2e/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const [base, label] = process.argv.slice(2);
if (!base || !label) {
  console.error("usage: node scripts/screenshots.mjs BASE_URL LABEL");
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
for (const width of [360, 1280]) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  for (const [name, path] of [["home", "/"], ["login", "/login"], ["signup", "/signup"]]) {
    await page.goto(base + path);
    await page.screenshot({ path: `docs/screenshots/${label}-${name}-${width}.png` });
  }
  await page.goto(base + "/signup");
  await page.getByLabel("Email").fill(`shots-${width}-${Date.now()}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill("a long enough pass phrase 42");
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/signup"), { waitUntil: "commit", timeout: 60_000 });
  await page.goto(base + "/account");
  await page.screenshot({ path: `docs/screenshots/${label}-account-${width}.png` });
  await context.close();
}
await browser.close();
