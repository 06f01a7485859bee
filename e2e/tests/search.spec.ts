import { expect, test, type Page } from "@playwright/test";
import { mainNav } from "./helpers";

// Journey: a shopper searches from the nav's search box (issue 11). The demo
// catalogue (SEED_DEMO) has two mugs: "Hand-thrown stoneware mug" ($24.00) and
// "Enamel camping mug" ($12.00), and one "Cast iron skillet".

const searchBox = (page: Page) => mainNav(page).getByRole("searchbox", { name: "Search products" });
const results = (page: Page) => page.getByRole("list", { name: "Products" });

test.describe("searching with htmx", () => {
  test("typing updates the results in place, sort reorders them, the URL follows and Back restores them", async ({
    page,
  }) => {
    await page.goto("/products");
    // A full page load would lose this mark: the results must come in place.
    await page.evaluate(() => document.documentElement.setAttribute("data-no-reload", "yes"));

    await searchBox(page).pressSequentially("mug", { delay: 40 });
    await expect(page).toHaveURL("/products?q=mug");
    await expect(page.getByTestId("search-count")).toHaveText(/^\d+ results? for “mug”$/);
    await expect(results(page).getByRole("link", { name: /Enamel camping mug/ })).toBeVisible();
    await expect(results(page).getByRole("link", { name: /Hand-thrown stoneware mug/ })).toBeVisible();
    await expect(results(page).getByRole("link", { name: /Glass carafe/ })).toHaveCount(0);
    await expect(results(page).locator("mark").first()).toHaveText(/^mug$/i);
    await expect(page).toHaveTitle("“mug” · Storefront");
    await expect(searchBox(page)).toBeFocused();

    await page.getByLabel("Sort by").selectOption("price_desc");
    await expect(page).toHaveURL("/products?q=mug&sort=price_desc");
    const names = results(page).getByRole("heading", { level: 2 });
    await expect(names.first()).toHaveText("Hand-thrown stoneware mug");
    await page.getByLabel("Sort by").selectOption("price_asc");
    await expect(page).toHaveURL("/products?q=mug&sort=price_asc");
    await expect(names.first()).toHaveText("Enamel camping mug");

    // A new search keeps the order chosen.
    await searchBox(page).fill("skillet");
    await expect(page).toHaveURL("/products?q=skillet&sort=price_asc");
    await expect(results(page).getByRole("link", { name: /Cast iron skillet/ })).toBeVisible();
    await expect(results(page).getByRole("link", { name: /mug/ })).toHaveCount(0);

    // Back restores the previous results.
    await page.goBack();
    await expect(page).toHaveURL("/products?q=mug&sort=price_asc");
    await expect(names.first()).toHaveText("Enamel camping mug");
    await expect(results(page).getByRole("link", { name: /Cast iron skillet/ })).toHaveCount(0);
    await page.goBack();
    await expect(page).toHaveURL("/products?q=mug&sort=price_desc");
    await expect(names.first()).toHaveText("Hand-thrown stoneware mug");

    expect(await page.evaluate(() => document.documentElement.getAttribute("data-no-reload"))).toBe("yes");
  });

  test("a search with no results says so and offers to clear it", async ({ page }) => {
    await page.goto("/");
    await searchBox(page).fill("xyzzyplugh");
    await expect(page).toHaveURL("/products?q=xyzzyplugh");
    await expect(page.getByText("No products match “xyzzyplugh”.")).toBeVisible();
    await page.getByRole("link", { name: "Clear the search" }).click();
    await expect(page).toHaveURL("/products");
    await expect(results(page).getByRole("listitem")).toHaveCount(12);
  });

  test("a search from another page shows the results there", async ({ page }) => {
    await page.goto("/login");
    await searchBox(page).fill("skillet");
    await searchBox(page).press("Enter");
    await expect(page).toHaveURL("/products?q=skillet");
    await expect(results(page).getByRole("link", { name: /Cast iron skillet/ })).toBeVisible();
    await expect(page).toHaveTitle("“skillet” · Storefront");
  });
});

test.describe("searching with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("the search form and its controls work as a plain form", async ({ page }) => {
    await page.goto("/");
    await searchBox(page).fill("mug");
    await mainNav(page).getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/products\?q=mug(&|$)/);
    await expect(page.getByTestId("search-count")).toHaveText(/^\d+ results? for “mug”$/);
    await expect(searchBox(page)).toHaveValue("mug");

    await page.getByLabel("Sort by").selectOption("price_desc");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/sort=price_desc/);
    await expect(results(page).getByRole("heading", { level: 2 }).first()).toHaveText("Hand-thrown stoneware mug");

    // A malformed price: the same page with the message and the values kept.
    await page.getByLabel("Min price").fill("abc");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText("Enter a price like 19.99.")).toBeVisible();
    await expect(page.getByLabel("Min price")).toHaveValue("abc");
    await expect(searchBox(page)).toHaveValue("mug");
  });
});
