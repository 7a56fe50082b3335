-- wrk script for the keelson benchmark suite (bench/load/wrk.ts).
-- Arguments after `--`: METHOD BODIES_FILE
--   METHOD       POST sends the lines of BODIES_FILE in turn as JSON bodies; GET sends no body
--   BODIES_FILE  one request body per line (ignored for GET; pass "-")
-- Environment: WRK_DELAY_MS, the pause per connection between a response and its next request, which paces a
-- fixed rate (unset or 0 = closed loop at full speed). It is read at load time because wrk only calls delay()
-- when the script defines it.
-- done() prints one line `WRK_JSON {...}` with counts, errors and latency percentiles in microseconds.

local bodies = {}
local next_body = 1
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0") or 0
local method = "GET"

function init(args)
  method = args[1] or "GET"
  if method == "POST" then
    for line in io.lines(args[2]) do
      if #line > 0 then bodies[#bodies + 1] = line end
    end
    if #bodies == 0 then error("no request bodies in " .. tostring(args[2])) end
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if method ~= "POST" then
    return wrk.format("GET", wrk.path)
  end
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", wrk.path, nil, body)
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
end
