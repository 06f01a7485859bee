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
  await expect(page).toHaveTitle("Products · Storefront");
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
