// Screenshots of the shop's pages at phone (390 px) and desktop (1280 px) width,
// in headless Debian Chromium, for docs/screenshots/LABEL/. Usually run through
// scripts/screenshots.sh, which starts a seeded app; directly:
//   node scripts/screenshots.mjs http://127.0.0.1:PORT LABEL
// (from the repository root, with e2e's node_modules installed).
// It plays a small journey so every page has something to show: a seller lists
// a product with a picture, a buyer buys it in test mode, the seller looks at
// the sale. Shots are viewport-only, so each PNG stays small.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(new URL("../e2e/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const [base, label] = process.argv.slice(2);
if (!base || !label) {
  console.error("usage: node scripts/screenshots.mjs BASE_URL LABEL");
  process.exit(2);
}
const out = `docs/screenshots/${label}`;
mkdirSync(out, { recursive: true });
const password = "a long enough pass phrase 42";
const tag = Date.now().toString(36);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking"],
});

async function signUp(page, email) {
  await page.goto(base + "/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/signup"), { timeout: 180_000 });
}

/** A PNG drawn by the browser: a warm gradient with a few shapes, like a product photo. */
async function drawPicture(page) {
  const b64 = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 1200;
    c.height = 900;
    const g = c.getContext("2d");
    const grad = g.createLinearGradient(0, 0, 1200, 900);
    grad.addColorStop(0, "#e7e5e4");
    grad.addColorStop(1, "#a8a29e");
    g.fillStyle = grad;
    g.fillRect(0, 0, 1200, 900);
    g.fillStyle = "#0f766e";
    g.beginPath();
    g.ellipse(600, 500, 260, 300, 0, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = "#f5f5f4";
    g.fillRect(440, 180, 320, 60);
    return c.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(b64, "base64");
}

// The seller: a product with a picture, published.
const sellerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const seller = await sellerContext.newPage();
await signUp(seller, `shots-seller-${tag}@example.com`);
await seller.goto(base + "/products/new");
await seller.getByLabel("Name").fill("Speckled stoneware bowl");
await seller.getByLabel("Description").fill("A wide serving bowl in a speckled oatmeal glaze.\nDishwasher safe; 24 cm across.");
await seller.getByLabel("Price").fill("38.00");
await seller.getByRole("button", { name: "Save as draft" }).click();
await seller.waitForURL(/\/products\/\d+$/);
const productPath = new URL(seller.url()).pathname;
await seller.goto(base + productPath + "/edit");
await seller.getByLabel("Add pictures").setInputFiles([{ name: "bowl.png", mimeType: "image/png", buffer: await drawPicture(seller) }]);
await seller.getByRole("button", { name: "Upload" }).click();
await seller.getByTestId("picture").first().waitFor();
const alt = seller.getByTestId("picture").first().getByLabel("Description (alt text)");
await alt.fill("A teal stoneware bowl on a grey background");
await seller.getByTestId("picture").first().getByRole("button", { name: "Save description" }).click();
await seller.getByRole("status").filter({ hasText: "description is saved" }).waitFor();
await seller.getByRole("button", { name: "Publish", exact: true }).click();
await seller.waitForURL((u) => u.pathname === productPath);
const storePath = new URL(await seller.getByTestId("store-link").first().getAttribute("href"), base).pathname;

// The buyer: adds the bowl to the cart, checks out and pays in test mode.
const buyerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const buyer = await buyerContext.newPage();
await signUp(buyer, `shots-buyer-${tag}@example.com`);
await buyer.goto(base + productPath);
await buyer.getByRole("button", { name: "Add to cart" }).click();
await buyer.getByRole("button", { name: /Added/ }).waitFor();
await buyer.goto(base + "/cart");
await buyer.getByRole("button", { name: "Check out" }).click();
await buyer.waitForURL(/\/orders\/\d+\/pay$/);
await buyer.getByRole("button", { name: "Pay (test)" }).click();
await buyer.waitForURL(/\/orders\/\d+$/);
const orderPath = new URL(buyer.url()).pathname;
// Something in the cart again, for the cart's picture.
await buyer.goto(base + productPath);
await buyer.getByRole("button", { name: "Add to cart" }).click();
await buyer.getByRole("button", { name: /Added/ }).waitFor();

const guestContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const guest = await guestContext.newPage();

const shots = [
  ["home", guest, "/"],
  ["product", guest, productPath],
  ["store", guest, storePath],
  ["search", guest, "/products?q=mug"],
  ["cart", buyer, "/cart"],
  ["order", buyer, orderPath],
  ["orders", buyer, "/orders"],
  ["sales", seller, "/account/sales"],
  ["dashboard", seller, "/account"],
  ["error", guest, "/products/999999999"],
];
for (const [width, height] of [[390, 844], [1280, 800]]) {
  for (const [name, page, path] of shots) {
    await page.setViewportSize({ width, height });
    await page.goto(base + path, { waitUntil: "networkidle" });
    await page.screenshot({ path: `${out}/${name}-${width}.png` });
  }
}
await browser.close();
console.log(`screenshots: ${shots.length * 2} pictures in ${out}/`);
