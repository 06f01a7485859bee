#!/usr/bin/env bash
# Runs each fuzz target (the form and search parsers, the image upload checks) briefly on
# top of its committed seed corpus (models/testdata/fuzz/, services/testdata/fuzz/).
# A failure leaves the crashing input in that directory: commit it with the fix,
# and it becomes a regular test case.
# FUZZTIME=2000000x (or a duration such as 1m) explores longer.
#
# The budget is a count of executions, not a duration: with a duration, Go 1.26's
# fuzz coordinator can report a spurious "context deadline exceeded" failure when
# the time runs out mid-execution (golang/go#75804, fixed in Go 1.27). A count
# has no deadline to race; 300,000 executions take about 5-10 s per target here.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-300000x}
# -parallel 2: the machine has two cores, and CI runs nothing else meanwhile.
for entry in models:FuzzParsePrice models:FuzzEmail models:FuzzSafeLocalPath models:FuzzProductInput \
  models:FuzzSearchInput models:FuzzWordSimilarity services:FuzzInspectImage services:FuzzExifOrientation; do
  pkg=${entry%%:*} target=${entry#*:}
  echo "fuzz: $target ($pkg) for $fuzztime"
  go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" -parallel=2 "./$pkg"
done
