import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectSignedInNav, expectSignedOutNav, mainNav, PASSWORD, uniqueEmail, uniqueProduct } from "./helpers";

// Issue 14: the whole shopping journey with the keyboard alone — sign up,
// create a product, put another seller's (a demo product) in the cart, check
// out in test mode and log out. Only page.keyboard moves and acts; no click,
// fill or focus() call. Pages are reached by following links with Enter.

/** The most Tab presses any page here needs to reach a control. */
const MAX_TABS = 80;

/**
 * Presses Tab (or Shift+Tab with back) until target has the focus, and fails
 * naming target and the element last focused when it never gets it.
 */
async function tabTo(page: Page, target: Locator, what: string, back = false): Promise<void> {
  await expect(target, `${what} is on the page`).toBeVisible();
  for (let i = 0; i < MAX_TABS; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return el ? `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 40)}"` : "nothing";
  });
  throw new Error(`${what} never got the focus after ${MAX_TABS} ${back ? "Shift+Tab" : "Tab"} presses (last focused: ${focused})`);
}

/** Tabs to a text field and types text into it. */
async function typeInto(page: Page, field: Locator, what: string, text: string): Promise<void> {
  await tabTo(page, field, what);
  await page.keyboard.type(text);
  await expect(field).toHaveValue(text);
}

test("a user signs up, sells, buys another seller's product and logs out with the keyboard only", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/");

  // Sign up from the nav.
  await tabTo(page, mainNav(page).getByRole("link", { name: "Sign up" }), "the nav's Sign up link");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/signup");
  const email = uniqueEmail("keyboard");
  await typeInto(page, page.getByLabel("Email"), "the Email field", email);
  await typeInto(page, page.getByLabel("Password"), "the Password field", PASSWORD);
  await page.keyboard.press("Enter"); // submits the form from its last field
  await expect(page).toHaveURL("/products");
  await expectSignedInNav(page, email);

  // Sell a product from the nav's Sell link.
  await tabTo(page, mainNav(page).getByRole("link", { name: "Sell" }), "the nav's Sell link");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Sell a product" })).toBeVisible();
  const product = uniqueProduct("Keyboard");
  await typeInto(page, page.getByLabel("Name"), "the Name field", product.name);
  await typeInto(page, page.getByLabel("Description"), "the Description field", product.description);
  await typeInto(page, page.getByLabel("Price"), "the Price field", product.price);
  // Shift+Tab back and forth: the form is reachable in both directions.
  await tabTo(page, page.getByLabel("Name"), "the Name field, backwards", true);
  await tabTo(page, page.getByRole("button", { name: "Publish", exact: true }), "the Publish button");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/products\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();

  // Find a demo product (another seller's) with the nav's search box.
  await tabTo(page, mainNav(page).getByRole("searchbox"), "the nav's search box");
  await page.keyboard.type("mug");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/products\?q=mug/);
  const result = page.getByRole("list", { name: "Products" }).getByRole("link").first();
  await tabTo(page, result, "the first search result");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/products\/\d+$/);
  await expect(page.getByTestId("own-product")).toHaveCount(0);

  // Add it to the cart: Space presses a button as well as Enter does.
  await tabTo(page, page.getByRole("button", { name: "Add to cart" }), "the Add to cart button");
  await page.keyboard.press("Space");
  await expect(page.getByRole("button", { name: /Added/ })).toBeVisible();
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("1");
  await tabTo(page, page.getByRole("link", { name: "View cart" }), "the View cart link");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/cart");
  await expect(page.getByTestId("cart-line")).toHaveCount(1);

  // Check out and pay in test mode.
  await tabTo(page, page.getByRole("button", { name: "Check out" }), "the Check out button");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/orders\/\d+\/pay$/);
  await expect(page.getByTestId("test-mode")).toBeVisible();
  await tabTo(page, page.getByRole("button", { name: "Pay (test)" }), "the Pay (test) button");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId("payment-received")).toBeVisible();
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("0");

  // Log out from the nav.
  await tabTo(page, mainNav(page).getByRole("button", { name: "Log out" }), "the nav's Log out button");
  await page.keyboard.press("Enter");
  await expectSignedOutNav(page);
});

test("at 360 px the nav's menu opens and closes with the keyboard and its links are reachable", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto("/products");
  const logIn = mainNav(page).getByRole("link", { name: "Log in" });
  await expect(logIn).toBeHidden(); // folded into the menu at phone width
  const menu = mainNav(page).locator("summary", { hasText: "Menu" });
  await tabTo(page, menu, "the nav's Menu button");
  await page.keyboard.press("Enter");
  await tabTo(page, logIn, "the menu's Log in link");
  await tabTo(page, menu, "the nav's Menu button, backwards", true);
  await page.keyboard.press("Space");
  await expect(logIn).toBeHidden();
  await page.keyboard.press("Enter");
  await tabTo(page, logIn, "the menu's Log in link, menu opened again");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
});
