import { expect, test } from "@playwright/test";
import {
  expectProductPage,
  expectSignedInNav,
  expectSignedOutNav,
  mainNav,
  submitProduct,
  submitLogIn,
  submitSignUp,
  uniqueEmail,
  uniqueProduct,
} from "./helpers";

// Journey 2: a guest wants to sell, is sent to log in, signs up instead, and
// comes back to the form they asked for.
test("a guest who clicks Sell signs up, returns to the form and lists a product", async ({ page }) => {
  await page.goto("/");
  await expectSignedOutNav(page);
  await mainNav(page).getByRole("link", { name: "Sell" }).click();

  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("heading", { level: 1, name: "Log in" })).toBeVisible();
  await page.getByRole("link", { name: "Create a seller account" }).click();

  await expect(page).toHaveURL("/signup");
  const email = uniqueEmail("seller");
  await submitSignUp(page, email);

  await expect(page).toHaveURL("/products/new");
  await expect(page.getByRole("heading", { level: 1, name: "Sell a product" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Welcome! Your seller account is ready.");
  await expectSignedInNav(page, email);

  const product = uniqueProduct("Sell journey");
  await submitProduct(page, product);
  await expectProductPage(page, product);
  await expect(page.getByRole("status")).toContainText("Your product is live.");
  await expect(page.getByText("Second line.")).toBeVisible();

  // The flash is shown once.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
  await expect(page.getByRole("status")).not.toContainText("Your product is live.");

  // Newest first: the product heads the list.
  await mainNav(page).getByRole("link", { name: "Products" }).click();
  await expect(page).toHaveURL("/products");
  const link = page.getByRole("list", { name: "Products" }).getByRole("link", { name: new RegExp(product.name) });
  await expect(link).toBeVisible();
  await expect(link).toContainText("$12.50");

  // And on the seller's account page.
  await mainNav(page).getByRole("link", { name: "Account" }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByTestId("account-email")).toHaveText(email);
  await expect(page.getByRole("list", { name: "Your products" }).getByRole("link", { name: product.name })).toBeVisible();

  // Everyone can see it, signed in or not.
  await page.context().clearCookies();
  await page.goto("/products");
  await expectSignedOutNav(page);
  await page.getByRole("link", { name: new RegExp(product.name) }).click();
  await expectProductPage(page, product);
});

test("a guest opening /products/new directly is sent to log in and returns after logging in", async ({ page, browser }) => {
  // An existing seller, made in a context of its own.
  const other = await browser.newContext();
  const setup = await other.newPage();
  const email = uniqueEmail("returning");
  await setup.goto("/signup");
  await submitSignUp(setup, email);
  await expect(setup).toHaveURL("/products");
  await other.close();

  await page.goto("/products/new");
  await expect(page).toHaveURL("/login");
  await submitLogIn(page, email);
  await expect(page).toHaveURL("/products/new");
  await expect(page.getByRole("status")).toContainText("You are logged in.");
  await expectSignedInNav(page, email);
});
