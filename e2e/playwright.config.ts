import { tmpdir } from "node:os";
import { defineConfig } from "@playwright/test";

// scripts/e2e.sh builds the server, picks a free port and runs this under
// withservices (fresh PostgreSQL database and Redis prefix in the environment).
// The config is evaluated in every worker, so the port comes from the
// environment rather than being chosen here.
const port = process.env.E2E_PORT;
const server = process.env.E2E_SERVER_BIN;
if (!port || !server) {
  throw new Error("E2E_PORT and E2E_SERVER_BIN are not set: run the suite through scripts/e2e.sh (make e2e)");
}
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: true,
  workers: 2, // the machine has 2 cores
  retries: 0, // a journey that fails once is a failure worth reading
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 }, // generous for a loaded 2-core machine; passing tests do not wait it out
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    browserName: "chromium",
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download cannot work here.
      executablePath: "/usr/bin/chromium",
      // Without the background-networking flags Chromium keeps dialling out into a
      // closed network.
      args: [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: server,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    // The server logs JSON lines; at "warn" only problems show up among the
    // results. E2E_LOG_LEVEL=info shows every request.
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    env: {
      ...(process.env as Record<string, string>),
      ADDR: `127.0.0.1:${port}`,
      APP_ENV: "production",
      COOKIE_SECURE: "false", // plain http on loopback
      SEED_DEMO: "true",
      // Every journey signs up from 127.0.0.1.
      SIGNUP_IP_LIMIT: "1000/1m",
      LOGIN_IP_LIMIT: "1000/1m",
      FORGOT_IP_LIMIT: "1000/1m",
      // Mail goes to withservices' Mailpit (SMTP_URL); links in it lead here.
      MAIL_FROM: "Storefront <shop@storefront.test>",
      PUBLIC_URL: baseURL,
      // Uploaded pictures: a directory of this run's, not the checkout.
      DATA_DIR: `${tmpdir()}/storefront-e2e-${port}`,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? "warn",
    },
  },
});
