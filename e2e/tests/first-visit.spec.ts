import { expect, test } from "@playwright/test";

// Journey: a first-time visitor's browser fetches the page and everything it
// links to; nothing is missing, the tab gets the shop's icon, and each list page
// has a title of its own (tabs, history and bookmarks tell them apart).
test.describe("a first visit", () => {
  test("loads every stylesheet, script and icon, and the icons are images", async ({ page }) => {
    const failures: string[] = [];
    page.on("response", (r) => {
      if (r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
    });
    page.on("requestfailed", (r) => failures.push(`failed ${r.url()}`));
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await page.waitForLoadState("load");

    // What the tab shows: each icon the layout links decodes as an image.
    const icons = await page.locator('link[rel="icon"]').evaluateAll((links) =>
      Promise.all(
        links.map(
          (link) =>
            new Promise<string>((resolve) => {
              const href = (link as HTMLLinkElement).href;
              const img = new Image();
              img.onload = () => resolve(`${new URL(href).pathname} ${img.naturalWidth}x${img.naturalHeight}`);
              img.onerror = () => resolve(`${new URL(href).pathname} broken`);
              img.src = href;
            }),
        ),
      ),
    );
    expect(icons).toHaveLength(2);
    expect(icons.find((i) => i.startsWith("/favicon.ico"))).toMatch(/^\/favicon\.ico (16|32|48)x\1$/);
    expect(icons.find((i) => i.endsWith(".svg 32x32"))).toMatch(/^\/assets\/icon\.[0-9a-f]{12}\.svg 32x32$/);

    // Browsers ask for /favicon.ico by themselves, linked or not.
    const ico = await page.request.get("/favicon.ico");
    expect(ico.status()).toBe(200);
    expect(ico.headers()["content-type"]).toBe("image/x-icon");
    expect(failures).toEqual([]);
  });

  test("list pages have titles of their own", async ({ page }) => {
    await page.goto("/products");
    await expect(page).toHaveTitle("Products · Storefront");
    await page.getByRole("link", { name: "Next page →" }).click();
    await expect(page).toHaveURL("/products?page=2");
    await expect(page).toHaveTitle("Products – page 2 · Storefront");
    await page.getByRole("link", { name: "← Previous page" }).click();
    await expect(page).toHaveTitle("Products · Storefront");
  });
});
