-- wrk script for bench/load/run: one wrk process per route, so that wrk's
-- own latency distribution (--latency) is that route's.
--
--   wrk ... -s mix.lua -- ROUTE REQUESTS_FILE            (search, product,
--                                                         configure, recommend)
--   wrk -tN -cN ... -s mix.lua -- buy ACCOUNTS_FILE SKUS_FILE RUN_ID
--
-- REQUESTS_FILE holds one request a line, "METHOD<TAB>PATH[<TAB>JSON BODY]";
-- each thread cycles through them from its own offset.
-- The buy route needs exactly one connection per thread (-tN -cN): each
-- thread is one logged-in shopper (ACCOUNTS_FILE line N: "SESSION<TAB>CSRF")
-- who alternates "add one item to the cart" and "check out" with a fresh
-- Idempotency-Key, buying SKUS_FILE's products (one SKU a line).
--
-- done() prints one line for the driver:
--   LOAD route=R requests=N duration_us=D p50_us=.. p90_us=.. p99_us=.. max_us=..
--        connect=.. read=.. write=.. timeout=.. status_errors=.. codes=201:10,409:1

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

local function lines(path)
  local out = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    if line ~= "" then table.insert(out, line) end
  end
  f:close()
  return out
end

local function split_tabs(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

route = nil
codes = {}
local prepared = {}
local next_index = 1

-- buy: the next request is a checkout once the cart add has been answered.
-- The state moves in response(), not request(): wrk calls request() once
-- more than it sends, on the first thread, to check the request's syntax.
local buy_headers_add, skus, run_id
local checkout_next, order_no = false, 0

function init(args)
  route = args[1]
  if route == "buy" then
    local accounts = lines(args[2])
    local account = split_tabs(accounts[thread_no])
    skus = lines(args[3])
    run_id = args[4]
    buy_headers_add = {
      ["Cookie"] = "atelier_session=" .. account[1],
      ["X-CSRF-Token"] = account[2],
      ["Content-Type"] = "application/json",
    }
    next_index = (thread_no * 7) % #skus + 1
    return
  end
  local headers = { ["Content-Type"] = "application/json" }
  for _, line in ipairs(lines(args[2])) do
    local f = split_tabs(line)
    local body = f[3] ~= nil and f[3] ~= "" and f[3] or nil
    table.insert(prepared, wrk.format(f[1], f[2], body and headers or nil, body))
  end
  next_index = (thread_no * 7919) % #prepared + 1
end

function request()
  if route ~= "buy" then
    local r = prepared[next_index]
    next_index = next_index % #prepared + 1
    return r
  end
  if not checkout_next then
    local sku = skus[next_index]
    next_index = next_index % #skus + 1
    return wrk.format("POST", "/api/v1/cart/items", buy_headers_add, '{"sku":"' .. sku .. '","quantity":1}')
  end
  order_no = order_no + 1
  local headers = {}
  for k, v in pairs(buy_headers_add) do headers[k] = v end
  headers["Idempotency-Key"] = run_id .. "-" .. thread_no .. "-" .. order_no
  return wrk.format("POST", "/api/v1/checkout", headers, '{"shipping":{"region":"us-east"}}')
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if route == "buy" then checkout_next = not checkout_next end
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("codes")
    for code, n in pairs(c) do all[code] = (all[code] or 0) + n end
  end
  local keys = {}
  for code in pairs(all) do table.insert(keys, code) end
  table.sort(keys)
  local parts = {}
  for _, code in ipairs(keys) do table.insert(parts, code .. ":" .. all[code]) end
  local e = summary.errors
  io.write(string.format(
    "LOAD route=%s requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "connect=%d read=%d write=%d timeout=%d status_errors=%d codes=%s\n",
    threads[1]:get("route"), summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ",")))
end
