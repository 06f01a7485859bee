import { expect, test, type Page } from "@playwright/test";
import { expectSignedInNav, expectSignedOutNav, mainNav, signUp, submitLogIn } from "./helpers";

async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
}
function marker(page: Page) {
  return page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
}

// Journey 4: logging out from the nav is an htmx swap of the whole body, not a
// page load, and leaves a page from which logging in again works at once.
test("log out from the nav swaps to the signed-out page without a reload, and logging in again works", async ({ page }) => {
  const email = await signUp(page);
  await mainNav(page).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL("/account");

  let documentLoads = 0;
  page.on("load", () => documentLoads++);
  await markDocument(page);
  const logout = page.waitForResponse((r) => r.url().endsWith("/logout") && r.request().method() === "POST");
  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  const response = await logout;
  expect(response.request().headers()["hx-request"], "the logout went through htmx").toBe("true");

  await expect(page).toHaveURL("/");
  await expectSignedOutNav(page);
  await expect(page.getByRole("status")).toContainText("You are logged out.");
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  await expect(page).toHaveTitle("Storefront – things made by independent sellers");
  // The same document: no reload happened.
  expect(await marker(page)).toBe(1);
  expect(documentLoads).toBe(0);
  // The body was replaced, not nested: one page, one nav, one main.
  await expect(page.locator("#page")).toHaveCount(1);
  await expect(page.locator("nav#nav")).toHaveCount(1);
  await expect(page.getByRole("main")).toHaveCount(1);
  await expect(page.getByText(email)).toHaveCount(0);
  // The signed-out page carries no session's CSRF token any more.
  await expect(page.locator("[hx-headers]")).toHaveCount(0);

  // Logging in again right away works.
  await mainNav(page).getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login");
  await submitLogIn(page, email);
  await expect(page).toHaveURL("/products");
  await expectSignedInNav(page, email);
  await expect(page.getByRole("status")).toContainText("You are logged in.");

  // And logging out a second time too, now from a different page.
  await markDocument(page);
  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await expectSignedOutNav(page);
  expect(await marker(page)).toBe(1);
});

// Journey 5: after logout, history must not bring back a signed-in page.
test("after logout, Back shows no account page or signed-in nav, and /account sends to log in", async ({ page }) => {
  const email = await signUp(page); // at /products
  await mainNav(page).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await expectSignedOutNav(page);

  // Back to the account page's history entry: it is fetched again, and a guest
  // is sent to log in.
  await page.goBack();
  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Your account" })).toHaveCount(0);
  await expect(page.getByText(email)).toHaveCount(0);
  await expectSignedOutNav(page);

  // Back once more, to the product list seen while signed in: signed out now.
  await page.goBack();
  await expect(page).toHaveURL("/products");
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  await expectSignedOutNav(page);
  await expect(page.getByText(email)).toHaveCount(0);

  // Forward again does not resurrect anything either.
  await page.goForward();
  await expect(page.getByRole("heading", { name: "Your account" })).toHaveCount(0);
  await expectSignedOutNav(page);

  // Opening or reloading /account sends to log in.
  await page.goto("/account");
  await expect(page).toHaveURL("/login");
  await page.reload();
  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expectSignedOutNav(page);
});

// Issue 8, item 7: logging out in one tab, then in another that still shows the
// signed-in nav: the second "Log out" succeeds the same way (htmx swap, URL /),
// instead of a 403 with the nav still signed in.
test("Log out in a second tab after logging out in the first ends on the signed-out page too", async ({ page, context }) => {
  const email = await signUp(page);
  const other = await context.newPage();
  await other.goto("/account");
  await expectSignedInNav(other, email);

  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await expectSignedOutNav(page);

  // The other tab still shows the signed-in page; its Log out must work.
  await expectSignedInNav(other, email);
  await markDocument(other);
  const logout = other.waitForResponse((r) => r.url().endsWith("/logout") && r.request().method() === "POST");
  await mainNav(other).getByRole("button", { name: "Log out" }).click();
  expect((await logout).status(), "the stale tab's logout is a redirect, not a 403").toBe(303);
  await expect(other).toHaveURL("/");
  await expectSignedOutNav(other);
  await expect(other.getByRole("status")).toContainText("You are logged out.");
  await expect(other.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  expect(await marker(other), "swapped by htmx, not reloaded").toBe(1);
  await expect(other.getByText(email)).toHaveCount(0);
});

// Issue 9: "Log out everywhere" on the account page ends every session of the
// account, in this browser and in any other.
test("Log out everywhere ends the sessions of every browser", async ({ page, browser }) => {
  const email = await signUp(page);
  const elsewhere = await browser.newContext();
  const phone = await elsewhere.newPage();
  await phone.goto("/login");
  await submitLogIn(phone, email);
  await expectSignedInNav(phone, email);

  await mainNav(page).getByRole("link", { name: "Account" }).click();
  await page.getByRole("button", { name: "Log out everywhere" }).click();
  await expect(page).toHaveURL("/");
  await expectSignedOutNav(page);
  await expect(page.getByRole("status")).toContainText("You are logged out on every device.");

  await phone.reload();
  await expectSignedOutNav(phone);
  await phone.goto("/account");
  await expect(phone).toHaveURL("/login");
  await elsewhere.close();
});
