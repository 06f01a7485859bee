#!/usr/bin/env bash
# Formatting, vet, and the one-way package dependencies of the architecture:
# main -> handlers -> services -> models, handlers -> views -> models, and paths
# (every URL) a leaf that views and handlers share.
set -euo pipefail
cd "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed: $unformatted" >&2
  exit 1
fi
# templ fmt rewrites in place, so check a copy and leave the working tree alone.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp views/*.templ "$scratch"/
go tool templ fmt "$scratch" >/dev/null 2>&1
if ! diff -r -x '*.go' views "$scratch" --brief -x '*_templ.go' -x '*.go' >/dev/null 2>&1; then
  for f in "$scratch"/*.templ; do diff -u "views/$(basename "$f")" "$f" || true; done
  echo "templ fmt would change files in views/: run 'go tool templ fmt views'" >&2
  exit 1
fi
go vet ./...

mod=$(go list -m)
fail=0
# forbidden <package> <pattern>...: the package must not import anything matching.
forbidden() {
  local pkg=$1; shift
  local imports
  imports=$(go list -f '{{join .Imports "\n"}}' "./$pkg")
  for pattern in "$@"; do
    if grep -Eq "$pattern" <<<"$imports"; then
      echo "dependency rule broken: $pkg imports $(grep -E "$pattern" <<<"$imports" | tr '\n' ' ')" >&2
      fail=1
    fi
  done
}
forbidden models "^$mod/(services|handlers|views|assets)" "gofiber" "redis" "riverqueue"
forbidden services "^$mod/(handlers|views|assets)" "gofiber/fiber"
forbidden views "^$mod/(services|handlers)" "gofiber" "uptrace/bun$" "redis" "riverqueue"
forbidden handlers "^$mod/services/migrations" "riverqueue" # jobs only through services
forbidden paths "^$mod/" "gofiber" # a leaf: URLs only

# URLs are spelled in paths/ only: no literal app path in handlers or views
# (comments aside; tests may spell the URLs they request).
pathLiteral='"/(products|login|signup|logout|account|dev/|assets/|healthz|readyz|favicon)'
literal=$(grep -nE "$pathLiteral" \
  $(git ls-files 'handlers/*.go' 'views/*.go' 'views/*.templ' | grep -vE '_test\.go$|_templ\.go$') |
  sed -E 's#(^[^:]+:[0-9]+:|[[:space:]])//.*#\1#' | grep -E "$pathLiteral" || true)
if [ -n "$literal" ]; then
  echo "literal paths (use the paths package):" >&2
  echo "$literal" >&2
  fail=1
fi
exit $fail
