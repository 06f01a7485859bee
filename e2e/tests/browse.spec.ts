import { expect, test } from "@playwright/test";
import { expectSignedOutNav, mainNav } from "./helpers";

// Journey 1: a guest browses the demo catalogue.
test.describe("a guest browsing", () => {
  test("sees the product list, opens a product and pages through", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle("Storefront – things made by independent sellers");
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
    await expectSignedOutNav(page);

    // SEED_DEMO: the newest demo product is on the first page, twelve to a page.
    const list = page.getByRole("list", { name: "Products" });
    await expect(list.getByRole("listitem")).toHaveCount(12);
    const carafe = list.getByRole("link", { name: /Glass carafe/ });
    await expect(carafe).toBeVisible();
    await expect(carafe).toContainText("$38.00");

    await carafe.click();
    await expect(page).toHaveURL(/\/products\/\d+$/);
    await expect(page).toHaveTitle("Glass carafe · Storefront");
    await expect(page.getByRole("heading", { level: 1, name: "Glass carafe" })).toBeVisible();
    await expect(page.getByTestId("price")).toHaveText("$38.00");
    await expect(page.getByText("Mouth-blown 1 l carafe with a tumbler that doubles as a lid.")).toBeVisible();
    await expect(page.getByText(/^Listed on/)).toBeVisible();
    await expectSignedOutNav(page);

    await page.getByRole("link", { name: "← All products" }).click();
    await expect(page).toHaveURL("/products");
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();

    // Fourteen demo products: the second page holds the oldest ones.
    await page.getByRole("link", { name: "Next page →" }).click();
    await expect(page).toHaveURL("/products?page=2");
    await expect(page.getByText("Page 2")).toBeVisible();
    await expect(page.getByRole("link", { name: /Hand-thrown stoneware mug/ })).toBeVisible();
    await page.getByRole("link", { name: "← Previous page" }).click();
    await expect(page).toHaveURL("/products");

    await mainNav(page).getByRole("link", { name: "Storefront" }).click();
    await expect(page).toHaveURL("/");
  });

  test("an unknown product id shows the 404 page", async ({ page }) => {
    const response = await page.goto("/products/987654321");
    expect(response?.status()).toBe(404);
    await expect(page.getByText("Error 404")).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
    await expect(page.getByText("We could not find that product.")).toBeVisible();
    // The 404 page is a whole page of the shop, with its nav and a way back.
    await expectSignedOutNav(page);
    await page.getByRole("link", { name: "Browse products" }).click();
    await expect(page).toHaveURL("/products");
    await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  });

  test("malformed ids, unknown pages and empty list pages are 404s too", async ({ page }) => {
    for (const path of ["/products/not-a-number", "/products/0", "/no-such-page", "/products?page=999"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByText("Error 404")).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(/not found/i);
      await expectSignedOutNav(page);
    }
  });
});
