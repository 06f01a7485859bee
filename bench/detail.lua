-- Scenario d: product detail pages with ids spread uniformly over the data set,
-- so that one hot row (or one cached page) is not all that gets measured.
-- BENCH_ID_MIN and BENCH_ID_MAX come from the harness.
local lo = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local hi = tonumber(os.getenv("BENCH_ID_MAX") or "1000")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

function request()
  return wrk.format("GET", "/products/" .. math.random(lo, hi))
end
