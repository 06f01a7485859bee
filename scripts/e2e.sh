#!/usr/bin/env bash
# Playwright journeys (e2e/tests) in Debian's Chromium against the real server,
# built once here, with a fresh PostgreSQL database and Redis key prefix from
# withservices. Extra arguments go to `playwright test` (e.g. -g logout).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)

# Debian's Chromium: Playwright's own browser download cannot work here.
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "e2e: $chromium is missing; installing Debian's chromium package" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    if [ ! -x "$chromium" ]; then
      echo "e2e: the chromium package installed, but $chromium is still missing" >&2
      exit 1
    fi
  else
    echo "e2e: $chromium is missing. Install Debian's chromium package (sudo apt-get install chromium) and run again." >&2
    exit 1
  fi
fi
for tool in node npm go; do
  if ! command -v "$tool" >/dev/null; then
    echo "e2e: $tool not found; the end-to-end tests need Go, Node.js and npm" >&2
    exit 1
  fi
done

# Playwright itself, pinned by e2e/package-lock.json, never its browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd e2e && npm ci --no-audit --no-fund --loglevel=error && npx --no-install tsc --noEmit)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
go build -o "$scratch/storefront" .

# A free loopback port, chosen once here: playwright.config.ts is evaluated in
# every worker and must agree on it.
port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')

export E2E_PORT=$port E2E_SERVER_BIN=$scratch/storefront
suite_start=$(date +%s)
status=0
# -mailpit: mail goes through SMTP to a Mailpit whose API the journeys read
# (MAILPIT_API_URL), as a user would read their inbox.
go run ./internal/testenv/cmd/withservices -mailpit -- \
  e2e/node_modules/.bin/playwright test --config e2e/playwright.config.ts "$@" || status=$?

end=$(date +%s)
echo "e2e: the suite ran in $((end - suite_start))s (services, server start and all journeys); $((end - start))s in all with npm ci and the build"
if [ "$status" -ne 0 ]; then
  results=$root/e2e/test-results
  if [ -d "$results" ]; then
    echo "e2e: failed; traces and screenshots of the failing tests:" >&2
    find "$results" -type f \( -name 'trace.zip' -o -name '*.png' \) | sort | sed 's/^/  /' >&2
    echo "e2e: open a trace with: (cd e2e && npx playwright show-trace <path to trace.zip>)" >&2
  else
    echo "e2e: failed before any test ran" >&2
  fi
fi
exit "$status"
