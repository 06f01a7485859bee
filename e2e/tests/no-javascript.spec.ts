import { expect, test } from "@playwright/test";
import {
  expectProductPage,
  expectSignedInNav,
  expectSignedOutNav,
  mainNav,
  submitLogIn,
  submitProduct,
  submitSignUp,
  uniqueEmail,
  uniqueProduct,
} from "./helpers";

// Journey 8: every form is a plain HTML form first; htmx only improves it.
test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("sign up, log out, log in, create a product and log out work through plain forms", async ({ page }) => {
    const email = uniqueEmail("nojs");
    await page.goto("/signup");
    await submitSignUp(page, email);
    await expect(page).toHaveURL("/products");
    await expectSignedInNav(page, email);

    await mainNav(page).getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL("/");
    await expectSignedOutNav(page);
    await expect(page.getByRole("status")).toContainText("You are logged out.");

    // Log in through the Sell link: sent to log in, then back to the form.
    await mainNav(page).getByRole("link", { name: "Sell" }).click();
    await expect(page).toHaveURL("/login");
    await submitLogIn(page, email, "wrong password here");
    await expect(page.getByRole("alert")).toHaveText("Invalid email or password.");
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await submitLogIn(page, email);
    await expect(page).toHaveURL("/products/new");
    await expectSignedInNav(page, email);

    // An invalid product comes back as a whole page with the messages and values.
    const product = uniqueProduct("No JS");
    await submitProduct(page, { ...product, price: "abc" });
    await expect(page).toHaveURL("/products");
    await expect(page.getByRole("alert")).toHaveText("Please correct the errors below.");
    await expect(page.getByLabel("Price")).toHaveAttribute("aria-describedby", "price-error");
    await expect(page.getByTestId("price-error")).toHaveText("Enter a price like 19.99.");
    await expect(page.getByLabel("Name")).toHaveValue(product.name);
    await expect(page.getByLabel("Description")).toHaveValue(product.description);
    await expect(page.getByLabel("Price")).toHaveValue("abc");

    await page.getByLabel("Price").fill(product.price);
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await expectProductPage(page, product);
    await expect(page.getByRole("status")).toContainText("Your product is live.");

    await mainNav(page).getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL("/");
    await expectSignedOutNav(page);

    await page.goto("/account");
    await expect(page).toHaveURL("/login");
  });

  test("invalid sign-up comes back as a whole page with the messages and the email", async ({ page }) => {
    await page.goto("/signup");
    await submitSignUp(page, "nobody@", "short");
    await expect(page).toHaveURL("/signup");
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-describedby", "email-error");
    await expect(page.getByTestId("email-error")).toHaveText("Enter a valid email address.");
    await expect(page.getByTestId("password-error")).toHaveText("Use at least 12 characters.");
    await expect(page.getByLabel("Email")).toHaveValue("nobody@");
    await expect(page.getByLabel("Password")).toHaveValue("");
  });
});
