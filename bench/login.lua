-- Scenario e: POST /login with valid credentials. Every request uses its own
-- login form (guest form cookie and token), fetched beforehand with GET /login by
-- the harness and written to BENCH_LOGIN_POOL as a Lua table of {cookie, body}.
-- Thread t of n takes entries t, t+n, t+2n, ... so no two requests share one.
local pool = dofile(os.getenv("BENCH_LOGIN_POOL"))
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  next_index = tid + 1
end

function request()
  local entry = pool[next_index]
  if entry == nil then
    -- Pool exhausted: this request reuses the first login form (its token is
    -- still valid: the form stores nothing on the server).
    entry = pool[1]
  end
  next_index = next_index + nthreads
  return wrk.format("POST", "/login", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = entry[1],
  }, entry[2])
end
