import { expect, test, type Page } from "@playwright/test";
import { mainNav, signUp, uniqueEmail, uniqueProduct } from "./helpers";

/** A real PNG picture of w×h pixels, drawn by the browser itself. */
async function drawPNG(page: Page, w: number, h: number, colour: string): Promise<Buffer> {
  const b64 = await page.evaluate(
    ([w, h, colour]) => {
      const canvas = document.createElement("canvas");
      canvas.width = Number(w);
      canvas.height = Number(h);
      const ctx = canvas.getContext("2d")!;
      ctx.fillStyle = String(colour);
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = "#fff";
      ctx.fillRect(10, 10, canvas.width / 3, canvas.height / 3);
      return canvas.toDataURL("image/png").split(",")[1];
    },
    [w, h, colour],
  );
  return Buffer.from(b64, "base64");
}

// Issue 10: a seller keeps a draft, edits it, gives it two pictures, puts the
// second first, publishes it, sees it on the home page with its cover, changes
// its price and deletes it; another seller cannot reach its edit page; a
// shopper follows its store link.
test("a seller drafts, edits, illustrates, publishes and deletes a product", async ({ page, browser }) => {
  // Two uploads are decoded and re-encoded (WebP, three sizes each): seconds of
  // CPU on a busy 2-core machine, on top of a long journey.
  test.setTimeout(180_000);
  await signUp(page, uniqueEmail("seller-tools"));
  await page.goto("/products/new");
  const product = uniqueProduct("Seller tools");
  await page.getByLabel("Name").fill(product.name);
  await page.getByLabel("Description").fill(product.description);
  await page.getByLabel("Price").fill(product.price);
  await page.getByRole("button", { name: "Save as draft" }).click();

  await expect(page).toHaveURL(/\/products\/\d+$/);
  const productPath = new URL(page.url()).pathname;
  await expect(page.getByTestId("draft-notice")).toContainText("Draft – only you can see this");

  // Another seller cannot reach the edit page, nor see the draft.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signUp(otherPage, uniqueEmail("other-seller"));
  const edit = await otherPage.goto(productPath + "/edit");
  expect(edit?.status()).toBe(404);
  expect((await otherPage.goto(productPath))?.status()).toBe(404);
  await other.close();

  // Two pictures, uploaded together from the edit page.
  await page.getByTestId("draft-notice").getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit product" })).toBeVisible();
  const blue = await drawPNG(page, 400, 300, "#2563eb");
  const red = await drawPNG(page, 300, 300, "#dc2626");
  await page.getByLabel("Add pictures").setInputFiles([
    { name: "blue.png", mimeType: "image/png", buffer: blue },
    { name: "red.png", mimeType: "image/png", buffer: red },
  ]);
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status")).toContainText("Your pictures are added.");
  const pictures = page.getByTestId("picture");
  await expect(pictures).toHaveCount(2);

  // Publishing needs a description of each; the product's name is offered.
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page.getByRole("alert").first()).toContainText("Describe every image");
  for (const [i, alt] of ["Blue square", "Red square"].entries()) {
    const field = page.getByTestId("picture").nth(i).getByLabel("Description (alt text)");
    await expect(field).toHaveValue(product.name);
    await field.fill(alt);
    await page.getByTestId("picture").nth(i).getByRole("button", { name: "Save description" }).click();
    await expect(page.getByRole("status")).toContainText("description is saved");
  }

  // The second picture becomes the cover.
  await pictures.nth(1).getByRole("button", { name: "Make cover" }).click();
  await expect(page.getByRole("status")).toContainText("new order");
  await expect(pictures.first().getByLabel("Description (alt text)")).toHaveValue("Red square");

  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(page).toHaveURL(productPath);
  await expect(page.getByRole("status")).toContainText("Your product is live.");
  await expect(page.getByTestId("gallery").getByRole("img", { name: "Red square" })).toBeVisible();

  // Everyone sees it, with its cover, on the home page; its store is linked.
  const shopper = await browser.newContext();
  const shopperPage = await shopper.newPage();
  await shopperPage.goto("/");
  const card = shopperPage.getByRole("listitem").filter({ hasText: product.name });
  const cover = card.getByRole("img", { name: "Red square" });
  await expect(cover).toBeVisible();
  expect(await cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await card.getByTestId("store-link").click();
  await expect(shopperPage).toHaveURL(/\/stores\/[a-z0-9-]+$/);
  await expect(shopperPage.getByText(product.name)).toBeVisible();

  // The seller changes the price: it shows at once.
  await page.goto(productPath + "/edit");
  await page.getByLabel("Price").fill("19.99");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("price")).toHaveText("$19.99");
  await shopperPage.goto(productPath);
  await expect(shopperPage.getByTestId("price")).toHaveText("$19.99");

  // Deleted from the dashboard: asked first, then the row goes.
  await mainNav(page).getByRole("link", { name: "Account" }).click();
  const row = page.getByTestId("dashboard-row").filter({ hasText: product.name });
  await expect(row.getByTestId("status")).toHaveText("Published");
  page.once("dialog", (dialog) => dialog.accept());
  await row.getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByRole("status")).toContainText("Your product is deleted.");
  expect((await shopperPage.goto(productPath))?.status()).toBe(404);
  await shopper.close();
});
