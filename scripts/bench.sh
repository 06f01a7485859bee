#!/usr/bin/env bash
# make bench: measure the real pages against the server's own plaintext ceiling
# (issue 5; method in the performance guide §A.6). Starts a private PostgreSQL and
# Redis on free loopback ports, builds the app, and lets bench/run seed, drive
# wrk and write bench/results/latest.md. Bounded to well under 10 minutes.
#
#   BENCH_PIN=1 (default): app (GOMAXPROCS=1), PostgreSQL and Redis on CPU 0,
#                          wrk -t1 on CPU 1; BENCH_PIN=0: no pinning, GOMAXPROCS=2.
#   BENCH_ROUNDS (5), BENCH_WARMUP (2s), BENCH_DURATION (8s), BENCH_PROFILE (5s, 0 = off).
#   BENCH_PRODUCTS (1000; 100000 for search at scale), BENCH_SELLERS (one per 50 products),
#   BENCH_SEARCH=1: also the search scenarios g-j (GET /products?q=...).
#   BENCH_ONLY=c,f: only these scenarios (and plaintext a, the ratios' base); BENCH_IMAGES=0 skips the image benchmark;
#   BENCH_OUT: where the report goes (bench/results/latest.md).
#   BENCH_PROFILE_DIR: keep the raw CPU profiles (cpu-<scenario>.pprof) and the binary they
#                      belong to there, for `go tool pprof` beyond the report's top 30.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v taskset >/dev/null || missing+=(util-linux)
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
pgbin=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")

pin=${BENCH_PIN:-1}
cpus=$(nproc --all)
if [ "$pin" = 1 ] && [ "$cpus" -ge 2 ]; then
  sut_cpu=0 client_cpu=1 gomaxprocs=1
  sut=(taskset -c "$sut_cpu")
  client=(taskset -c "$client_cpu")
else
  sut_cpu=-1 client_cpu=-1 gomaxprocs=$cpus
  sut=() client=()
fi

work=$(mktemp -d /tmp/storefront-bench.XXXXXX)
chmod 755 "$work"
pg_pid="" redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  if [ -n "$pg_pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || kill -QUIT "$pg_pid" 2>/dev/null || true
  fi
  if [ -n "${BENCH_PROFILE_DIR:-}" ]; then
    mkdir -p "$BENCH_PROFILE_DIR"
    cp "$work"/cpu-*.pprof "$work/storefront" "$BENCH_PROFILE_DIR"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root: use the postgres OS user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# free_port prints a loopback port nothing listens on (a connect attempt fails).
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "bench: no free port found" >&2
  return 1
}

echo "bench: building the server and the driver"
go build -trimpath -o "$work/storefront" .
go build -trimpath -o "$work/benchrun" ./bench/run

mkdir -p "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null
pg_port=$(free_port)
# Started under taskset, so every backend inherits the pinning.
if [ "$(id -u)" = 0 ]; then
  "${sut[@]}" runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -s \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=50" start
else
  "${sut[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -s \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=50" start
fi
pg_pid=$(head -1 "$work/pg/data/postmaster.pid")
as_pg psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE storefront_bench" postgres

redis_port=$(free_port)
"${sut[@]}" redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 100); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.05
done

echo "bench: PostgreSQL pid $pg_pid on :$pg_port, Redis pid $redis_pid on :$redis_port; app GOMAXPROCS=$gomaxprocs, pinning: $([ "$sut_cpu" -ge 0 ] && echo "SUT on CPU $sut_cpu, wrk on CPU $client_cpu" || echo none)"
# benchrun fails when a scenario had errors (its report says which); the image
# benchmark is independent of that, so it still runs and the failure is kept.
status=0
"${client[@]}" "$work/benchrun" \
  -app "$work/storefront" \
  -database-url "postgres://postgres@127.0.0.1:$pg_port/storefront_bench?sslmode=disable" \
  -redis-url "redis://127.0.0.1:$redis_port/0" \
  -pg-pid "$pg_pid" -redis-pid "$redis_pid" \
  -sut-cpu "$sut_cpu" -client-cpu "$client_cpu" -gomaxprocs "$gomaxprocs" \
  -cpus "$cpus" -rounds "${BENCH_ROUNDS:-5}" -warmup "${BENCH_WARMUP:-2s}" -duration "${BENCH_DURATION:-8s}" \
  -profile "${BENCH_PROFILE:-5s}" \
  -only "${BENCH_ONLY:-}" -products "${BENCH_PRODUCTS:-1000}" -sellers "${BENCH_SELLERS:-0}" -search="$([ "${BENCH_SEARCH:-0}" = 1 ] && echo true || echo false)" \
  -work "$work" -out "${BENCH_OUT:-bench/results/latest.md}" || status=$?

[ "${BENCH_IMAGES:-1}" = 0 ] && exit "$status"
# The image pipeline is CPU- and memory-bound, not HTTP-bound: a Go benchmark
# measures one 12-megapixel JPEG upload (issue 10) on the app's CPU and core count.
echo "bench: image processing, one 12-megapixel JPEG upload (BenchmarkProcess12MP)"
go test -c -o "$work/services.test" ./services
"${sut[@]}" env GOMAXPROCS="$gomaxprocs" "$work/services.test" -test.run '^$' \
  -test.bench '^BenchmarkProcess12MP$' -test.benchtime "${BENCH_IMAGE_RUNS:-5}x" | tee "$work/images.txt"
{
  echo
  echo "## Image processing: one 12-megapixel JPEG upload"
  echo
  echo "\`BenchmarkProcess12MP\` (services/images_bench_test.go) with GOMAXPROCS=$gomaxprocs, on the app's CPU when pinned:"
  echo "a 4000×3000 camera-like JPEG decoded, oriented, resized and encoded as three WebP variants (1600, 800, 400)."
  echo "ns/op is wall time; cpu-ms/op (user+system CPU of the process, GC included) is the stable figure on a shared"
  echo "machine; peak-RSS-MB is how far the resident set rose above its level before the first upload."
  echo
  echo '```'
  grep -E '^Benchmark' "$work/images.txt"
  echo '```'
} >> "${BENCH_OUT:-bench/results/latest.md}"
exit "$status"
