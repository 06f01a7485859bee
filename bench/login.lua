-- Scenario e: POST /login with valid credentials. A successful login destroys the
-- pre-session it came from (the session id and CSRF token rotate), so every
-- request uses its own pre-session, fetched beforehand with GET /login by the
-- harness and written to BENCH_LOGIN_POOL as a Lua table of {cookie, body}.
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
    -- Pool exhausted: this request reuses a spent session and gets 403, which
    -- the harness reports as an error (make the pool bigger).
    entry = pool[1]
  end
  next_index = next_index + nthreads
  return wrk.format("POST", "/login", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = entry[1],
  }, entry[2])
end
