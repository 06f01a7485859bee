import { expect, test, type Browser } from "@playwright/test";
import { expectSignedInNav, mainNav, submitLogIn, submitSignUp, uniqueEmail } from "./helpers";

/** Signs a user up in a throwaway context and returns the email. */
async function existingUser(browser: Browser): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail("returning");
  await page.goto("/signup");
  await submitSignUp(page, email);
  await expect(page).toHaveURL("/products");
  await context.close();
  return email;
}

// Journey 6: a protected page with a query string survives the login round trip.
test("/account?tab=products survives the round trip through login", async ({ page, browser, baseURL }) => {
  const email = await existingUser(browser);
  await page.goto("/account?tab=products");
  await expect(page).toHaveURL("/login");
  await submitLogIn(page, email);
  await expect(page).toHaveURL(`${baseURL}/account?tab=products`);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expectSignedInNav(page, email);
});

test("/account?tab=products survives a detour through sign-up", async ({ page, baseURL }) => {
  await page.goto("/account?tab=products");
  await expect(page).toHaveURL("/login");
  await page.getByRole("link", { name: "Create a seller account" }).click();
  const email = uniqueEmail("detour");
  await submitSignUp(page, email);
  await expect(page).toHaveURL(`${baseURL}/account?tab=products`);
  await expect(page.getByTestId("account-email")).toHaveText(email);
});

test("the nav's Log in link brings the user back to the page they were on", async ({ page, browser }) => {
  const email = await existingUser(browser);
  await page.goto("/products?page=2");
  await mainNav(page).getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL("/login?next=%2Fproducts%3Fpage%3D2");
  await submitLogIn(page, email);
  await expect(page).toHaveURL("/products?page=2");
  await expectSignedInNav(page, email);
});

test("the page is remembered once: the next login goes to the default page", async ({ page, browser }) => {
  const email = await existingUser(browser);
  await page.goto("/account?tab=products");
  await submitLogIn(page, email);
  await expect(page).toHaveURL(/\/account\?tab=products$/);
  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");
  await mainNav(page).getByRole("link", { name: "Log in" }).click();
  await submitLogIn(page, email);
  await expect(page).toHaveURL("/products");
});

test("a next page off the site is ignored after login", async ({ page, browser }) => {
  const email = await existingUser(browser);
  for (const next of ["https://example.com/phish", "//example.com/phish", "/\\example.com"]) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await submitLogIn(page, email);
    await expect(page).toHaveURL("/products");
    await expectSignedInNav(page, email);
  }
});

test("a signed-in user opening the log-in or sign-up page is sent on", async ({ page }) => {
  const email = uniqueEmail("signedin");
  await page.goto("/signup");
  await submitSignUp(page, email);
  await expect(page).toHaveURL("/products");
  await page.goto("/login");
  await expect(page).toHaveURL("/products");
  await page.goto("/signup");
  await expect(page).toHaveURL("/products");
  await page.goto("/login?next=%2Faccount%3Ftab%3Dproducts");
  await expect(page).toHaveURL(/\/account\?tab=products$/);
  await expectSignedInNav(page, email);
});
