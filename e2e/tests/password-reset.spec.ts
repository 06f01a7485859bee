import { expect, test } from "@playwright/test";
import { expectSignedInNav, linkIn, mainNav, newestMailText, signUp, submitLogIn } from "./helpers";

const NEW_PASSWORD = "a brand new and long password";

// Issue 13: a seller who forgot their password asks for a link from the login
// page, reads the mail, chooses a new password (the rules explained beside the
// field) and is signed in; the old password no longer works.
test("forgot password: the mailed link sets a new password and signs in", async ({ page, browser }) => {
  const email = await signUp(page);
  await mainNav(page).getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL("/");

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL("/password/forgot");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Mail me a link" }).click();
  await expect(page.getByTestId("reset-sent")).toHaveText(
    "If an account exists for that address, we sent a link. It works for 1 hour.",
  );

  const mail = await newestMailText(email);
  expect(mail).toContain("Choose a new password:");
  const link = linkIn(mail, "/password/reset/");

  // In a fresh browser, as when the mail is opened on another device.
  const other = await browser.newContext();
  const tab = await other.newPage();
  await tab.goto(link);
  await expect(tab.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await expect(tab.getByLabel("Account")).toHaveValue(email);

  // A common password is refused, with the reason beside the field (htmx swap).
  await tab.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  await tab.getByLabel("New password").fill("password1234");
  await tab.getByRole("button", { name: "Set the new password" }).click();
  await expect(tab.getByTestId("password-error")).toContainText("one of the most common");
  await expect(tab.getByLabel("New password")).toHaveAttribute("aria-invalid", "true");
  await expect(tab.getByLabel("New password")).toHaveValue("");
  expect(await tab.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);

  await tab.getByLabel("New password").fill(NEW_PASSWORD);
  await tab.getByLabel("New password").press("Enter"); // the keyboard submits too
  await expect(tab).toHaveURL("/account");
  await expect(tab.getByRole("status")).toContainText("Your password has been reset");
  await expectSignedInNav(tab, email);

  // The link worked once.
  await tab.goto(link);
  await expect(tab.getByRole("heading", { level: 1, name: "This link has expired or was already used" })).toBeVisible();
  await expect(tab.getByRole("link", { name: "Mail me a new link" })).toHaveAttribute("href", "/password/forgot");
  await other.close();

  // The owner is told, and only the new password logs in.
  expect(await newestMailText(email, 2)).toContain("was just changed");
  await page.goto("/login");
  await submitLogIn(page, email);
  await expect(page.getByRole("alert")).toBeVisible();
  await submitLogIn(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL("/products");
  await expectSignedInNav(page, email);
});
