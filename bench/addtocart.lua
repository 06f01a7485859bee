-- Scenario l: POST /cart/items as the signed-in bench user (session cookie and
-- its CSRF token from the harness), one of five products in turn, so the cart
-- stays five lines long (quantities cap at 99) while every add does the whole
-- work: the product's check, the cart row and the line's upsert in one
-- transaction, and the 303 back to the product with a flash.
local lo = tonumber(os.getenv("BENCH_ID_MIN") or "1")
local token = os.getenv("BENCH_CSRF")
-- Headers given to wrk.format replace those of -H: the cookie goes here.
local cookie = "sid=" .. os.getenv("BENCH_SESSION")
local i = 0

function request()
  i = i + 1
  local body = "product_id=" .. (lo + i % 5) .. "&quantity=1&_csrf=" .. token
  return wrk.format("POST", "/cart/items", {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie}, body)
end
