#!/usr/bin/env bash
# Regenerates every generated file (templ output, the common-password list,
# Tailwind CSS, vendored htmx) and fails if the result differs from what is
# committed: the repo must build with plain `go build` and no Node, so generated
# files are committed and kept in sync.
set -euo pipefail
cd "$(dirname "$0")/.."

go tool templ generate >/dev/null
go generate ./models
if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  npm run --silent build >/dev/null
else
  echo "check-generated: npm not found; cannot check assets/static" >&2
  exit 1
fi

if ! git diff --exit-code --stat -- '*_templ.go' models/commonpasswords.txt assets/static; then
  echo "Generated files are out of date: run 'make generate assets' and commit the result." >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- '*_templ.go' models/commonpasswords.txt assets/static)
if [ -n "$untracked" ]; then
  echo "Generated files not committed: $untracked" >&2
  exit 1
fi
echo "generated files are in sync"
