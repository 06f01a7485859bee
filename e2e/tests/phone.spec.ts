import { expect, test, type Locator, type Page } from "@playwright/test";
import {
  expectSignedInNav,
  expectSignedOutNav,
  mainNav,
  PASSWORD,
  submitProduct,
  submitSignUp,
  uniqueEmail,
  uniqueProduct,
} from "./helpers";

// Journey 9: every page fits a 360 px phone, signed out and signed in with a long
// email; the nav folds into a Menu disclosure (a <details>, so it needs no
// JavaScript) from which every item, Log out included, is reachable.

const PHONE = { width: 360, height: 740 };

/** A fresh address of exactly 64 characters with no place to break a line. */
function longEmail(): string {
  const domain = "@example.com";
  const local = uniqueEmail("phone").split("@")[0].padEnd(64 - domain.length, "x");
  return local + domain;
}

const menuButton = (page: Page): Locator => mainNav(page).locator("summary");
const menu = (page: Page): Locator => mainNav(page).locator("details");

async function openMenu(page: Page): Promise<void> {
  await expect(menu(page)).not.toHaveAttribute("open");
  await menuButton(page).click();
  await expect(menu(page)).toHaveAttribute("open");
}

/** The page does not scroll sideways: nothing is wider than the window. */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `${what} (${page.url()}) is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** Opens path and checks it fits, with the menu closed and open. */
async function expectFits(page: Page, path: string, status = 200): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(status);
  await expectNoSidewaysScroll(page, `${path} with the menu closed`);
  await openMenu(page);
  await expectNoSidewaysScroll(page, `${path} with the menu open`);
}

/** The link to some product on the first list page. */
async function aProductPath(page: Page): Promise<string> {
  await page.goto("/products");
  const href = await page.getByRole("list", { name: "Products" }).getByRole("link").first().getAttribute("href");
  expect(href).toMatch(/^\/products\/\d+$/);
  return href!;
}

/** Signs up email from /signup at the current (phone) size. */
async function signUpOnPhone(page: Page, email: string): Promise<void> {
  await page.goto("/signup");
  await submitSignUp(page, email);
  await expect(page).toHaveURL("/products");
  await expect(page.getByRole("status")).toContainText("Welcome");
}

/** The email in the nav: cut with an ellipsis, the whole address in its title. */
async function expectTruncatedEmail(page: Page, email: string): Promise<void> {
  const shown = mainNav(page).getByText(email, { exact: true });
  await expect(shown).toBeVisible();
  await expect(shown).toHaveAttribute("title", email);
  await expect(shown).toHaveCSS("text-overflow", "ellipsis");
  const cut = await shown.evaluate((el) => el.scrollWidth > el.clientWidth);
  expect(cut, "the 64-character email is cut short").toBe(true);
}

test.describe("at 360 px", () => {
  test.use({ viewport: PHONE });

  test("no page scrolls sideways signed out, and the menu offers Log in and Sign up", async ({ page }) => {
    const product = await aProductPath(page);
    for (const path of ["/", "/products", "/products?page=2", product, "/login", "/signup", "/password/forgot"]) {
      await expectFits(page, path);
    }
    await expectFits(page, "/products/999999", 404);
    await expectFits(page, "/password/reset/not-a-link", 404);
    // Pages for sellers send a guest to log in, which must fit too.
    for (const path of ["/account", "/products/new"]) {
      await expectFits(page, path);
      await expect(page).toHaveURL(/\/login/);
    }

    // A 422 form, re-rendered with its messages.
    await page.goto("/signup");
    await submitSignUp(page, `${"x".repeat(52)}@`, "short");
    await expect(page.getByTestId("email-error")).toBeVisible();
    await expectNoSidewaysScroll(page, "the sign-up form with errors");

    // The menu shows the guest's items, and they work.
    await page.goto("/products");
    await expect(mainNav(page).getByRole("link", { name: "Log in" })).toBeHidden();
    await openMenu(page);
    await expectSignedOutNav(page);
    await expect(mainNav(page).getByRole("link", { name: "Products" })).toBeVisible();
    await expect(mainNav(page).getByRole("link", { name: "Sell" })).toBeVisible();
    // A click elsewhere on the page closes the menu.
    await page.getByRole("contentinfo").click();
    await expect(menu(page)).not.toHaveAttribute("open");
    await expect(mainNav(page).getByRole("link", { name: "Log in" })).toBeHidden();
    await openMenu(page);
    await mainNav(page).getByRole("link", { name: "Log in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  });

  test("no page scrolls sideways signed in with a 64-character email, which is truncated in the menu", async ({ page }) => {
    const email = longEmail();
    expect(email).toHaveLength(64);
    await signUpOnPhone(page, email);

    const product = await aProductPath(page);
    for (const path of [
      "/", "/products", "/products?page=2", product, "/account", "/products/new", "/login", "/signup",
      "/account/password", "/account/email", "/account/sessions",
    ]) {
      await expectFits(page, path);
    }
    await expectFits(page, "/products/999999", 404);

    // The account forms with their messages, and the link-sent answer.
    await page.goto("/account/password");
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByTestId("current_password-error")).toBeVisible();
    await expectNoSidewaysScroll(page, "the password form with errors");
    await page.goto("/account/email");
    await page.getByLabel("New email address").fill(longEmail());
    await page.getByLabel("Current password").fill(PASSWORD);
    await page.getByRole("button", { name: "Mail me a link" }).click();
    await expect(page.getByTestId("email-change-sent")).toBeVisible();
    await expectNoSidewaysScroll(page, "the email change with its long address");

    // A 422 form, swapped in by htmx with its messages.
    await page.goto("/products/new");
    await submitProduct(page, { ...uniqueProduct("Phone"), price: "abc" });
    await expect(page.getByTestId("price-error")).toBeVisible();
    await expectNoSidewaysScroll(page, "the product form with errors");

    // Closed, the menu hides the items; open, it shows them with the email cut short.
    await page.goto("/account");
    await expect(mainNav(page).getByRole("button", { name: "Log out" })).toBeHidden();
    await expect(menuButton(page)).toHaveText("Menu");
    await openMenu(page);
    await expectSignedInNav(page, email);
    await expectTruncatedEmail(page, email);
  });

  test("the menu works with the keyboard, and Log out in it logs out through htmx", async ({ page }) => {
    const email = longEmail();
    await signUpOnPhone(page, email);

    // Tab reaches the menu right after the home link; Enter opens it.
    await page.locator("body").focus();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to main content" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(mainNav(page).getByRole("link", { name: "Storefront" })).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(menuButton(page)).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(menu(page)).toHaveAttribute("open");
    // Escape closes it and leaves the focus on the button; Enter opens it again.
    await page.keyboard.press("Escape");
    await expect(menu(page)).not.toHaveAttribute("open");
    await expect(menuButton(page)).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(menu(page)).toHaveAttribute("open");

    // Every item follows in order, each a tap target of at least 44 px.
    const items: Locator[] = [
      mainNav(page).getByRole("link", { name: "Products" }),
      mainNav(page).getByRole("link", { name: "Sell" }),
      mainNav(page).getByRole("link", { name: /^Cart/ }),
      mainNav(page).getByRole("link", { name: "Account" }),
      mainNav(page).getByRole("button", { name: "Log out" }),
    ];
    for (const item of items) {
      await page.keyboard.press("Tab");
      await expect(item).toBeFocused();
      const box = (await item.boundingBox())!;
      expect(box.height, "tap target height").toBeGreaterThanOrEqual(44);
      expect(box.x + box.width, "inside the window").toBeLessThanOrEqual(PHONE.width);
    }

    const logout = page.waitForResponse((r) => r.url().endsWith("/logout") && r.request().method() === "POST");
    await page.keyboard.press("Enter");
    expect((await logout).request().headers()["hx-request"], "the logout went through htmx").toBe("true");
    await expect(page).toHaveURL("/");
    await expect(page.getByRole("status")).toContainText("You are logged out.");
    await expect(page.getByText(email)).toHaveCount(0);
    await expect(menu(page)).not.toHaveAttribute("open");
    await openMenu(page);
    await expectSignedOutNav(page);
  });

  test.describe("with JavaScript disabled", () => {
    test.use({ javaScriptEnabled: false });

    test("the menu opens and Log out in it logs out through the plain form", async ({ page }) => {
      const email = longEmail();
      await signUpOnPhone(page, email);
      await openMenu(page);
      await expectTruncatedEmail(page, email);
      await mainNav(page).getByRole("button", { name: "Log out" }).click();
      await expect(page).toHaveURL("/");
      await expect(page.getByRole("status")).toContainText("You are logged out.");
      await openMenu(page);
      await expectSignedOutNav(page);
    });
  });
});

test("at 1280 px the nav shows every item without a menu, the long email truncated", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const email = longEmail();
  await signUpOnPhone(page, email);
  await expect(menuButton(page)).toBeHidden();
  await expectSignedInNav(page, email);
  await expect(mainNav(page).getByRole("link", { name: "Products" })).toBeVisible();
  await expect(mainNav(page).getByRole("link", { name: "Sell" })).toBeVisible();
  await expectTruncatedEmail(page, email);
  await expectNoSidewaysScroll(page, "the product list");
});
