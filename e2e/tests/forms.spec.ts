import { expect, test, type Page } from "@playwright/test";
import {
  PASSWORD,
  expectProductPage,
  expectSignedInNav,
  expectSignedOutNav,
  signUp,
  submitLogIn,
  submitSignUp,
  uniqueEmail,
} from "./helpers";

// Journey 3: invalid forms show each message beside its field (tied to the input
// with aria-describedby) and keep what the user typed.

/** The field is marked invalid and described by its own `<name>-error` message. */
async function expectFieldError(page: Page, label: string, field: string, message: string | RegExp) {
  const input = page.getByLabel(label, { exact: true });
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toHaveAttribute("aria-describedby", `${field}-error`);
  await expect(input).toHaveAccessibleDescription(message);
  await expect(page.getByTestId(`${field}-error`)).toHaveText(message);
  await expect(page.getByTestId(`${field}-error`)).toBeVisible();
}

async function expectFieldValid(page: Page, label: string, field: string) {
  const input = page.getByLabel(label, { exact: true });
  await expect(input).not.toHaveAttribute("aria-invalid", "true");
  // A hint may still describe it (`<name>-hint`), never an error message.
  await expect(input).not.toHaveAttribute("aria-describedby", new RegExp(`${field}-error`));
  await expect(page.getByTestId(`${field}-error`)).toHaveCount(0);
}

/** Marks the document so a full page load (which would drop it) can be told apart from an htmx swap. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
}
async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);
}

test("invalid sign-up shows messages beside the fields and keeps the email", async ({ page }) => {
  await page.goto("/signup");
  await markDocument(page);
  await submitSignUp(page, "not-an-email", "short");

  await expectFieldError(page, "Email", "email", "Enter a valid email address.");
  await expectFieldError(page, "Password", "password", "Use at least 12 characters.");
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
  // The password is deliberately not sent back into the page.
  await expect(page.getByLabel("Password")).toHaveValue("");
  expect(await page.content()).not.toContain('value="short"');
  await expect(page).toHaveURL("/signup");
  await expectSignedOutNav(page);
  await expectSameDocument(page); // the form was swapped by htmx, not reloaded

  // Correcting one field clears its message and keeps the other one.
  const email = uniqueEmail("forms");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expectFieldValid(page, "Email", "email");
  await expectFieldError(page, "Password", "password", "Enter a password.");
  await expect(page.getByLabel("Email")).toHaveValue(email);

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL("/products");
  await expectSignedInNav(page, email);
});

test("signing up with a taken email says so beside the email", async ({ page, browser }) => {
  const email = await signUp(page);
  const other = await browser.newContext();
  const second = await other.newPage();
  await second.goto("/signup");
  // Case and spaces do not make a new address.
  await submitSignUp(second, `  ${email.toUpperCase()} `);
  await expectFieldError(second, "Email", "email", "An account with this email already exists. Log in instead?");
  await expect(second).toHaveURL("/signup");
  await expectSignedOutNav(second);
  await other.close();
});

test("a wrong password shows one message for the form and keeps the email", async ({ page, browser }) => {
  const other = await browser.newContext();
  const email = await signUp(await other.newPage());
  await other.close();

  await page.goto("/login");
  await submitLogIn(page, email, "not the right password");
  await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue("");
  await expect(page).toHaveURL("/login");
  await expectSignedOutNav(page);

  // Empty fields get their own messages.
  await page.getByLabel("Email").fill("");
  await page.getByRole("button", { name: "Log in" }).click();
  await expectFieldError(page, "Email", "email", "Enter your email address.");
  await expectFieldError(page, "Password", "password", "Enter your password.");

  await submitLogIn(page, email);
  await expect(page).toHaveURL("/products");
  await expectSignedInNav(page, email);
});

test("an invalid product shows messages beside the fields and keeps name, description and price", async ({ page }) => {
  await signUp(page);
  await page.goto("/products/new");
  await markDocument(page);

  const longName = "Too long ".repeat(14); // 126 characters
  const description = "Hand-made in small batches.\nKeep this text.";
  await page.getByLabel("Name").fill(longName);
  await page.getByLabel("Description").fill(description);
  await page.getByLabel("Price").fill("twelve");
  await page.getByRole("button", { name: "Publish", exact: true }).click();

  await expect(page.getByRole("alert")).toHaveText("Please correct the errors below.");
  await expectFieldError(page, "Name", "name", "Use at most 120 characters.");
  await expectFieldError(page, "Price", "price", "Enter a price like 19.99.");
  await expectFieldValid(page, "Description", "description");
  await expect(page.getByLabel("Name")).toHaveValue(longName);
  await expect(page.getByLabel("Description")).toHaveValue(description);
  await expect(page.getByLabel("Price")).toHaveValue("twelve");
  await expect(page).toHaveURL("/products/new");
  await expectSameDocument(page);

  // Other mistakes, other messages; values still kept.
  await page.getByLabel("Name").fill("   ");
  await page.getByLabel("Price").fill("0");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expectFieldError(page, "Name", "name", "Enter a name.");
  await expectFieldError(page, "Price", "price", "The price must be more than 0.");
  await expect(page.getByLabel("Description")).toHaveValue(description);
  await expect(page.getByLabel("Price")).toHaveValue("0");

  await page.getByLabel("Price").fill("1.999");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expectFieldError(page, "Price", "price", "Enter a price like 19.99 (at most two decimals).");

  // Corrected, it goes through.
  const product = { name: "Corrected product " + Date.now(), description, price: "7.5" };
  await page.getByLabel("Name").fill(product.name);
  await page.getByLabel("Price").fill(product.price);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await expectProductPage(page, product);
});
