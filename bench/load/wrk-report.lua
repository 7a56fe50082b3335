-- wrk script for the keelson benchmark suite (bench/load/wrk.ts).
-- Arguments after `--`: METHOD BODIES_FILE
--   METHOD       POST sends the lines of BODIES_FILE in turn as JSON bodies; GET sends no body
--   BODIES_FILE  one request body per line (ignored for GET; pass "-")
-- Environment (read at load time, because wrk only calls delay() when the script defines it):
--   WRK_DELAY_MS  a fixed pause per connection between a response and its next request (a paced probe)
--   WRK_RATE      requests per second for this wrk thread: connections take send slots from one schedule
--                 (monotonic clock via LuaJIT's ffi), so the rate holds while latency < connections / rate;
--                 a schedule more than 100 ms behind is reset instead of being caught up in a burst
-- Neither set: a closed loop at full speed.
-- done() prints one line `WRK_JSON {...}` with counts, errors and latency percentiles in microseconds.

local bodies = {}
local next_body = 1
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0") or 0
local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
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

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_nsec; } keelson_timespec;
    int clock_gettime(int clock_id, keelson_timespec *tp);
  ]])
  local ts = ffi.new("keelson_timespec")
  local CLOCK_MONOTONIC = 1
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval_ms = 1000 / rate
  local next_slot = nil
  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 100 then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + interval_ms
    return math.floor(wait + 0.5)
  end
elseif delay_ms > 0 then
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
