#!/usr/bin/env bash
# Screenshots of the main pages (docs/screenshots/LABEL/NAME-{390,1280}.png)
# from a throwaway seeded app: SQLite and in-memory sessions in a temporary
# directory, so it needs no database server. Usage:
#   scripts/screenshots.sh LABEL [SOURCE_DIR]
# SOURCE_DIR (default: this checkout) is the tree the server is built from, e.g.
# `git archive main | tar -x -C /tmp/main` to shoot "before" pictures of main.
set -euo pipefail
cd "$(dirname "$0")/.."
label=${1:?usage: scripts/screenshots.sh LABEL [SOURCE_DIR]}
src=${2:-$PWD}
[ -x /usr/bin/chromium ] || { echo "screenshots: needs Debian's chromium (apt-get install chromium)" >&2; exit 1; }
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
[ -d e2e/node_modules/@playwright ] || (cd e2e && npm ci --no-audit --no-fund --loglevel=error)

scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
(cd "$src" && go build -o "$scratch/storefront" .)
port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base=http://127.0.0.1:$port
env -u DATABASE_URL -u REDIS_URL -u BLOB_URL -u SMTP_URL -u STRIPE_SECRET_KEY \
  ADDR=127.0.0.1:$port APP_ENV=production COOKIE_SECURE=false SEED_DEMO=true PUBLIC_URL=$base \
  DATA_DIR=$scratch/data LOG_LEVEL=warn "$scratch/storefront" >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
  sleep 0.5
done
node scripts/screenshots.mjs "$base" "$label"
