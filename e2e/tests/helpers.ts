import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { expect, type Locator, type Page } from "@playwright/test";

export const PASSWORD = "correct horse battery staple";

/** A fresh address per call, so every test signs up its own user. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${Date.now()}-${randomBytes(4).toString("hex")}@example.com`;
}

export const mainNav = (page: Page): Locator => page.getByRole("navigation", { name: "Main" });

/** The nav as a guest sees it: Log in and Sign up, no Log out, no email. */
export async function expectSignedOutNav(page: Page): Promise<void> {
  const nav = mainNav(page);
  await expect(nav).toHaveCount(1);
  await expect(nav.getByRole("link", { name: "Log in" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Sign up" })).toBeVisible();
  await expect(nav.getByRole("button", { name: "Log out" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Account" })).toHaveCount(0);
}

/** The nav as a signed-in user sees it: their email, Account and Log out. */
export async function expectSignedInNav(page: Page, email: string): Promise<void> {
  const nav = mainNav(page);
  await expect(nav).toHaveCount(1);
  await expect(nav.getByText(email, { exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Account" })).toBeVisible();
  await expect(nav.getByRole("button", { name: "Log out" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Log in" })).toHaveCount(0);
}

/** Fills and submits the sign-up form of the page currently shown. */
export async function submitSignUp(page: Page, email: string, password = PASSWORD): Promise<void> {
  await expect(page.getByRole("heading", { name: "Create your seller account" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
}

/** Fills and submits the log-in form of the page currently shown. */
export async function submitLogIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Signs up a new user from /signup and waits until the shop shows them signed in. */
export async function signUp(page: Page, email = uniqueEmail()): Promise<string> {
  await page.goto("/signup");
  await submitSignUp(page, email);
  await expect(page).toHaveURL("/products");
  await expectSignedInNav(page, email);
  return email;
}

export interface NewProduct {
  name: string;
  description: string;
  price: string;
}

export function uniqueProduct(label = "Product"): NewProduct {
  const tag = randomBytes(3).toString("hex");
  return { name: `${label} ${tag}`, description: `Made for test ${tag}.\nSecond line.`, price: "12.50" };
}

/** Fills the "Sell a product" form (the page must show it) and submits it. */
export async function submitProduct(page: Page, p: NewProduct): Promise<void> {
  await expect(page.getByRole("heading", { name: "Sell a product" })).toBeVisible();
  await page.getByLabel("Name").fill(p.name);
  await page.getByLabel("Description").fill(p.description);
  await page.getByLabel("Price").fill(p.price);
  await page.getByRole("button", { name: "Publish", exact: true }).click();
}

/** Expects the product page of p, as shown right after creating it. */
export async function expectProductPage(page: Page, p: NewProduct): Promise<void> {
  await expect(page).toHaveURL(/\/products\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: p.name })).toBeVisible();
  await expect(page.getByTestId("price")).toHaveText(`$${Number(p.price).toFixed(2)}`);
  await expect(page.getByText(p.description.split("\n")[0])).toBeVisible();
}

/** The value of the session cookie of the page's context. */
export async function sessionId(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === "sid");
  expect(cookie, "the browser holds a sid cookie").toBeTruthy();
  return cookie!.value;
}

/**
 * Sends one command to the Redis server the app uses (REDIS_URL, set by
 * withservices) and returns its integer reply. A few lines of RESP are enough
 * here and need no client library.
 */
export function redisCommand(...args: string[]): Promise<number> {
  const raw = process.env.REDIS_URL;
  if (!raw) throw new Error("REDIS_URL is not set: run the suite through scripts/e2e.sh");
  const url = new URL(raw);
  const commands: string[][] = [];
  if (url.password) {
    commands.push(url.username ? ["AUTH", decodeURIComponent(url.username), decodeURIComponent(url.password)] : ["AUTH", decodeURIComponent(url.password)]);
  }
  const db = url.pathname.replace(/^\//, "");
  if (db) commands.push(["SELECT", db]);
  commands.push(args);
  const encode = (cmd: string[]) =>
    `*${cmd.length}\r\n` + cmd.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");

  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    let buffer = "";
    const replies: string[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error("redis: timed out")));
    socket.on("error", reject);
    socket.on("connect", () => socket.write(commands.map(encode).join("")));
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        replies.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      if (replies.length < commands.length) return;
      socket.end();
      const failed = replies.find((r) => r.startsWith("-"));
      if (failed) return reject(new Error(`redis: ${failed.slice(1)}`));
      const last = replies[commands.length - 1];
      if (!last.startsWith(":")) return reject(new Error(`redis: unexpected reply ${last}`));
      resolve(Number(last.slice(1)));
    });
  });
}

/** The Redis key of a session, as services.Sessions and PrefixedKV name it. */
export function sessionKey(id: string): string {
  return `${process.env.REDIS_PREFIX ?? ""}session:${id}`;
}

interface MailpitSummary {
  ID: string;
}

/**
 * Waits until count messages to address have arrived in the Mailpit that
 * scripts/e2e.sh starts (MAILPIT_API_URL) and returns the newest one's text
 * part: the user's inbox.
 */
export async function newestMailText(address: string, count = 1): Promise<string> {
  const api = process.env.MAILPIT_API_URL;
  if (!api) throw new Error("MAILPIT_API_URL is not set: run the suite through scripts/e2e.sh");
  let messages: MailpitSummary[] = [];
  await expect
    .poll(
      async () => {
        const res = await fetch(`${api}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`);
        messages = ((await res.json()) as { messages: MailpitSummary[] }).messages ?? [];
        return messages.length;
      },
      { message: `${count} mail(s) to ${address}`, timeout: 30_000 },
    )
    .toBe(count);
  const res = await fetch(`${api}/api/v1/message/${messages[0].ID}`);
  return ((await res.json()) as { Text: string }).Text;
}

/** The first link in text that starts with base + dir. */
export function linkIn(text: string, dir: string): string {
  const base = process.env.E2E_PORT ? `http://127.0.0.1:${process.env.E2E_PORT}` : "";
  const match = text.match(new RegExp(`${base.replace(/[.]/g, "\\.")}${dir}[A-Za-z0-9_-]+`));
  expect(match, `a ${dir} link in the mail:\n${text}`).not.toBeNull();
  return match![0];
}
