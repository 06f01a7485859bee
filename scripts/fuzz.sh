#!/usr/bin/env bash
# Runs each fuzz target of the form parsers briefly on top of its committed seed
# corpus (models/testdata/fuzz/). A failure leaves the crashing input in that
# directory: commit it with the fix, and it becomes a regular test case.
# FUZZTIME=1m scripts/fuzz.sh explores longer.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}
# -parallel 2: the machine has two cores, and CI runs nothing else meanwhile.
for target in FuzzParsePrice FuzzEmail FuzzSafeLocalPath; do
  echo "fuzz: $target for $fuzztime"
  go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" -parallel=2 ./models
done
