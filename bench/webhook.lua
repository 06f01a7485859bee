-- Scenario o: POST /webhooks/stripe with signed Stripe events. The harness
-- writes BENCH_WEBHOOK_EVENTS before each run: one event a line, its
-- Stripe-Signature header, a tab, then the JSON body; every event has an id of
-- its own and a signature made just before the run (Stripe's tolerance is
-- 300 s), so each request does the whole work (a replay would be cheaper).
-- Thread t of n takes lines t, t+n, t+2n, ... so no two requests share one.
local events = {}
for line in io.lines(os.getenv("BENCH_WEBHOOK_EVENTS")) do
  local tab = line:find("\t", 1, true)
  events[#events + 1] = {line:sub(1, tab - 1), line:sub(tab + 1)}
end
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
  local e = events[next_index]
  if e == nil then
    -- Exhausted (the harness sizes the file well above the rate): a replay.
    e = events[1]
  end
  next_index = next_index + nthreads
  return wrk.format("POST", "/webhooks/stripe", {
    ["Content-Type"] = "application/json",
    ["Stripe-Signature"] = e[1],
  }, e[2])
end
