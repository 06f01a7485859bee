import { expect, test } from "@playwright/test";
import {
  expectProductPage,
  expectSignedInNav,
  expectSignedOutNav,
  mainNav,
  submitProduct,
  submitSignUp,
  uniqueEmail,
  uniqueProduct,
} from "./helpers";

// Journey 9: two users in two browser contexts at once; each sees only their own.
test("two users signed in at once each see only their own account and products", async ({ browser }) => {
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const users = await Promise.all(
      contexts.map(async (context, i) => {
        const page = await context.newPage();
        const email = uniqueEmail(`parallel${i}`);
        const product = uniqueProduct(`Parallel ${i}`);
        await page.goto("/products/new");
        await expect(page).toHaveURL("/login");
        await page.getByRole("link", { name: "Create a seller account" }).click();
        await submitSignUp(page, email);
        await expect(page).toHaveURL("/products/new");
        await submitProduct(page, product);
        await expectProductPage(page, product);
        return { page, email, product };
      }),
    );

    // Both at once, each on their own account page.
    await Promise.all(users.map(({ page }) => page.goto("/account")));
    for (const [i, me] of users.entries()) {
      const other = users[1 - i];
      await expect(me.page.getByTestId("account-email")).toHaveText(me.email);
      await expectSignedInNav(me.page, me.email);
      await expect(me.page.getByText(other.email)).toHaveCount(0);
      const mine = me.page.getByRole("list", { name: "Your products" });
      await expect(mine.getByRole("listitem")).toHaveCount(1);
      await expect(mine.getByRole("link", { name: me.product.name })).toBeVisible();
      await expect(me.page.getByText(other.product.name)).toHaveCount(0);
    }

    // Both products are public.
    for (const { page } of users) {
      await page.goto("/products");
      for (const { product } of users) {
        await expect(page.getByRole("link", { name: new RegExp(product.name) })).toBeVisible();
      }
    }

    // One logging out leaves the other signed in.
    const [first, second] = users;
    await mainNav(first.page).getByRole("button", { name: "Log out" }).click();
    await expectSignedOutNav(first.page);
    await second.page.goto("/account");
    await expect(second.page).toHaveURL("/account");
    await expect(second.page.getByTestId("account-email")).toHaveText(second.email);
    await expectSignedInNav(second.page, second.email);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});
