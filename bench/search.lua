-- Scenarios h and i: GET /products?q=... over a list of searches, in random
-- order. BENCH_SEARCH_QUERIES names a file of request paths, one per line,
-- written by the harness (internal/benchdata's queries, URL-encoded).
local paths = {}
for line in io.lines(os.getenv("BENCH_SEARCH_QUERIES")) do
  paths[#paths + 1] = line
end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
