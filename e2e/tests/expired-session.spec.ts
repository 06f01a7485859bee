import { expect, test, type Page } from "@playwright/test";
import {
  expectSignedInNav,
  expectSignedOutNav,
  mainNav,
  redisCommand,
  sessionId,
  sessionKey,
  signUp,
  submitLogIn,
} from "./helpers";

/** Deletes the page's session in Redis behind the browser's back, as expiry would. */
async function deleteSessionInRedis(page: Page) {
  const key = sessionKey(await sessionId(page));
  expect(await redisCommand("EXISTS", key), `session key ${key} exists in Redis`).toBe(1);
  expect(await redisCommand("DEL", key)).toBe(1);
}

// Journey 7: the session disappears while a signed-in page is open; the next
// htmx action must take the user to the login page as a whole page, not paste
// the login form into a fragment. (Until issue 8 the action here was "Log out";
// a logout without a live session now simply succeeds, see below.)
test("an htmx action after the session was deleted in Redis leads to the login page as a whole page", async ({ page }) => {
  const email = await signUp(page);
  await page.goto("/products/new");
  await expectSignedInNav(page, email);
  await page.getByLabel("Name").fill("Lost to expiry");
  await page.getByLabel("Price").fill("5");

  await deleteSessionInRedis(page);
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  const submitted = page.waitForRequest((r) => r.url().endsWith("/products") && r.method() === "POST");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  expect((await submitted).headers()["hx-request"], "the form was sent by htmx").toBe("true");

  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expectSignedOutNav(page);
  // A whole new page: the old document (and its marker) is gone, and there is
  // exactly one nav, one main, one login form.
  await expect.poll(() => page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBeUndefined();
  await expect(page.locator("nav#nav")).toHaveCount(1);
  await expect(page.locator("#page")).toHaveCount(1);
  await expect(page.getByRole("main")).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Log in" })).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Sell a product" })).toHaveCount(0);
  await expect(page).toHaveTitle("Log in · Storefront");

  // The login page it lands on works, and returns to the form.
  await submitLogIn(page, email);
  await expect(page).toHaveURL(/\/(products|products\/new)$/);
  await expectSignedInNav(page, email);
});

// Issue 8, item 7: "Log out" when the session has already ended is a success,
// exactly like a normal logout: htmx swaps in the signed-out page at /.
test("Log out after the session was deleted in Redis ends on the signed-out page like a normal logout", async ({ page }) => {
  const email = await signUp(page);
  await mainNav(page).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL("/account");

  await deleteSessionInRedis(page);
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  await mainNav(page).getByRole("button", { name: "Log out" }).click();

  await expect(page).toHaveURL("/");
  await expectSignedOutNav(page);
  await expect(page.getByRole("status")).toContainText("You are logged out.");
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  await expect(page.getByText(email)).toHaveCount(0);
  // Swapped by htmx, not reloaded.
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
  await expect(page.locator("nav#nav")).toHaveCount(1);
  expect((await page.context().cookies()).find((c) => c.name === "sid"), "the session cookie is gone").toBeUndefined();
});

test("a plain navigation after the session was deleted shows the signed-out shop", async ({ page }) => {
  const email = await signUp(page);
  await deleteSessionInRedis(page);
  await mainNav(page).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL("/login");
  await expectSignedOutNav(page);
  await expect(page.getByText(email)).toHaveCount(0);
});

test("submitting the product form after the session was deleted goes to the login page, creating nothing", async ({ page }) => {
  await signUp(page);
  await page.goto("/products/new");
  await page.getByLabel("Name").fill("Lost to expiry");
  await page.getByLabel("Price").fill("5");
  await deleteSessionInRedis(page);
  await page.getByRole("button", { name: "Publish", exact: true }).click();

  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sell a product" })).toHaveCount(0);
  await expect(page.locator("nav#nav")).toHaveCount(1);
  await expectSignedOutNav(page);

  // Nothing was created.
  await page.goto("/products");
  await expect(page.getByRole("link", { name: /Lost to expiry/ })).toHaveCount(0);
});
