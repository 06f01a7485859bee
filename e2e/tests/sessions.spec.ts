import { expect, test } from "@playwright/test";
import { expectSignedInNav, expectSignedOutNav, signUp, submitLogIn } from "./helpers";

// Issue 13: the same seller in two browsers. The sessions page of the first
// lists both, this one marked; "Sign out" beside the other removes its row
// (htmx) and ends it at once, so the second browser's next click lands on the
// login page as a whole page, not a fragment.
test("the sessions page signs out another browser", async ({ page, browser }) => {
  const email = await signUp(page);
  const second = await browser.newContext({
    userAgent:
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  });
  const phone = await second.newPage();
  await phone.goto("/login");
  await submitLogIn(phone, email);
  await expectSignedInNav(phone, email);
  await phone.goto("/account/sessions");
  await expect(phone.getByTestId("session")).toHaveCount(2);

  await page.goto("/account");
  await page.getByRole("link", { name: "See where you are signed in" }).click();
  await expect(page).toHaveURL("/account/sessions");
  const rows = page.getByTestId("session");
  await expect(rows).toHaveCount(2);
  await expect(rows.first().getByTestId("current-session")).toHaveText("This session");
  await expect(rows.first().getByRole("button", { name: /^Sign out/ })).toHaveCount(0);
  const phoneRow = rows.filter({ hasText: "Chrome on Android" });
  await expect(phoneRow).toHaveCount(1);
  await expect(phoneRow).toContainText("Started");
  await expect(phoneRow).toContainText("Last used");
  await expect(phoneRow).toContainText("127.0.0.0/24");

  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  // By keyboard: focus the button and press Enter.
  await phoneRow.getByRole("button", { name: /^Sign out Chrome on Android/ }).focus();
  await page.keyboard.press("Enter");
  await expect(rows).toHaveCount(1);
  await expect(page.getByRole("status")).toContainText("That session is signed out.");
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker), "removed by htmx, no reload").toBe(1);

  // The phone still shows its page; its next click (an htmx one) finds its
  // session gone and lands on the login page, whole.
  await phone.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
  await phone.getByTestId("session").filter({ hasNotText: "Chrome on Android" }).getByRole("button", { name: /^Sign out/ }).click();
  await expect(phone).toHaveURL("/login");
  await expect(phone.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await expectSignedOutNav(phone);
  await expect.poll(() => phone.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBeUndefined();
  await expect(phone.locator("nav#nav")).toHaveCount(1);
  await expect(phone.getByRole("main")).toHaveCount(1);
  await second.close();

  // The first browser is untouched.
  await page.reload();
  await expect(page.getByTestId("session")).toHaveCount(1);
  await expectSignedInNav(page, email);
});
