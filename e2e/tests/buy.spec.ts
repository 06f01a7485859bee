import { expect, test } from "@playwright/test";
import { mainNav, signUp, submitProduct, submitSignUp, uniqueEmail, uniqueProduct } from "./helpers";

// Journey: a seller lists a product; a guest adds it to the cart (htmx: the
// button says Added and the nav's count follows), checks out, is sent to sign
// up, comes back to the cart with the line kept, pays in test mode and sees
// the paid order; the seller sees the sale.
test("a guest adds to the cart, signs up at checkout, pays in test mode; the seller sees the sale", async ({ browser }) => {
  const sellerContext = await browser.newContext();
  const seller = await sellerContext.newPage();
  const sellerEmail = await signUp(seller, uniqueEmail("seller"));
  const product = uniqueProduct("Buy journey");
  await seller.goto("/products/new");
  await submitProduct(seller, product);
  await expect(seller.getByRole("heading", { level: 1, name: product.name })).toBeVisible();
  // A seller cannot buy their own product.
  await expect(seller.getByRole("button", { name: "Add to cart" })).toHaveCount(0);
  await expect(seller.getByTestId("own-product")).toBeVisible();
  const productURL = new URL(seller.url()).pathname;

  const guestContext = await browser.newContext();
  const page = await guestContext.newPage();
  await page.goto(productURL);
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("0");
  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("button", { name: /Added/ })).toBeVisible();
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("2");

  await mainNav(page).getByRole("link", { name: /Cart/ }).click();
  await expect(page).toHaveURL("/cart");
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("subtotal")).toHaveText("$25.00");
  await page.getByRole("button", { name: "Log in to check out" }).click();

  await expect(page).toHaveURL("/login");
  await expect(page.getByText("Log in or sign up to check out")).toBeVisible();
  await page.getByRole("link", { name: "Create a seller account" }).click();
  const buyerEmail = uniqueEmail("buyer");
  await submitSignUp(page, buyerEmail);

  await expect(page).toHaveURL("/cart");
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("cart-line").getByLabel(/Quantity/)).toHaveValue("2");
  await page.getByRole("button", { name: "Check out" }).click();

  await expect(page).toHaveURL(/\/orders\/\d+\/pay$/);
  await expect(page.getByTestId("test-mode")).toHaveText("Test mode – no real payment");
  await expect(page.getByTestId("pay-total")).toHaveText("$25.00");
  await page.getByRole("button", { name: "Pay (test)" }).click();

  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByTestId("payment-received")).toBeVisible();
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("0");
  await page.goto("/orders");
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row")).toContainText("Paid");

  await seller.goto("/account/sales");
  await expect(seller.getByTestId("sale-line")).toHaveCount(1);
  await expect(seller.getByTestId("sale-line")).toContainText(buyerEmail);
  await expect(seller.getByTestId("sales-revenue")).toHaveText("$25.00");
  expect(sellerEmail).not.toBe(buyerEmail);
  await sellerContext.close();
  await guestContext.close();
});

// A product card's "Add to cart" works in place: the button says Added and the
// nav's count follows, with no page load; the cart then holds one of it.
test("a shopper adds a product from its card on the product list", async ({ browser }) => {
  const sellerContext = await browser.newContext();
  const seller = await sellerContext.newPage();
  await signUp(seller, uniqueEmail("card-seller"));
  const product = uniqueProduct("Card add");
  await seller.goto("/products/new");
  await submitProduct(seller, product);
  await expect(seller.getByRole("heading", { level: 1, name: product.name })).toBeVisible();

  const shopperContext = await browser.newContext();
  const page = await shopperContext.newPage();
  await signUp(page, uniqueEmail("card-shopper"));
  await page.goto("/products");
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: product.name }) });
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("0");
  const urlBefore = page.url();
  await card.getByRole("button", { name: "Add to cart" }).click();
  await expect(card.getByRole("button", { name: /Added/ })).toBeVisible();
  await expect(mainNav(page).getByTestId("cart-count")).toContainText("1");
  expect(page.url()).toBe(urlBefore);

  await page.goto("/cart");
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("line-name")).toHaveText(product.name);
  await sellerContext.close();
  await shopperContext.close();
});
