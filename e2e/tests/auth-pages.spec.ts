import { expect, test } from "@playwright/test";
import { expectSignedInNav, mainNav, signUp, submitLogIn, submitSignUp, uniqueEmail } from "./helpers";

// Issue 8, item 24: the login page says why the visitor is there when a
// protected page sent them, and only then.
test("the login page says why a protected page sent the visitor there", async ({ page, browser }) => {
  const other = await browser.newContext();
  const email = await signUp(await other.newPage());
  await other.close();

  await page.goto("/account");
  await expect(page).toHaveURL("/login");
  await expect(page.getByTestId("login-reason")).toHaveText("Log in to see your account");

  await page.context().clearCookies();
  await page.goto("/");
  await mainNav(page).getByRole("link", { name: "Sell" }).click();
  await expect(page).toHaveURL("/login");
  await expect(page.getByTestId("login-reason")).toHaveText("Log in to start selling");
  await submitLogIn(page, email);
  await expect(page).toHaveURL("/products/new");
  await expectSignedInNav(page, email);

  // Opened directly, or from the nav on a public page: no reason to give.
  const guest = await browser.newContext();
  const plain = await guest.newPage();
  await plain.goto("/login");
  await expect(plain.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expect(plain.getByTestId("login-reason")).toHaveCount(0);
  await plain.goto("/products");
  await mainNav(plain).getByRole("link", { name: "Log in" }).click();
  await expect(plain.getByTestId("login-reason")).toHaveCount(0);
  await guest.close();
});

// Issue 8, item 24: "Log in instead?" beside a taken email is a link to the login page.
test("signing up with a taken email offers a link to log in instead", async ({ page, browser }) => {
  const other = await browser.newContext();
  const email = await signUp(await other.newPage());
  await other.close();

  await page.goto("/signup");
  await submitSignUp(page, email);
  const error = page.getByTestId("email-error");
  await expect(error).toHaveText("An account with this email already exists. Log in instead?");
  await error.getByRole("link", { name: "Log in instead?" }).click();
  await expect(page).toHaveURL("/login");
  await submitLogIn(page, email);
  await expectSignedInNav(page, email);
});

// Issue 8, item 9: a sign-up form left open in another tab, submitted after
// signing in, creates nothing and says who is signed in.
test("submitting a sign-up form while signed in creates no second account", async ({ page, context }) => {
  const stale = await context.newPage();
  await stale.goto("/signup");

  const email = await signUp(page);
  const second = uniqueEmail("second");
  await submitSignUp(stale, second);
  await expect(stale).toHaveURL("/account");
  await expect(stale.getByRole("status")).toHaveText(`You're signed in as ${email}. Log out to create another account.`);
  await expect(stale.getByTestId("account-email")).toHaveText(email);
  await expectSignedInNav(stale, email);

  // The second address has no account.
  await mainNav(stale).getByRole("button", { name: "Log out" }).click();
  await expect(stale).toHaveURL("/");
  await mainNav(stale).getByRole("link", { name: "Log in" }).click();
  await submitLogIn(stale, second);
  await expect(stale.getByRole("alert")).toHaveText("Invalid email or password.");
});
