-- wrk script for the newsbrief benchmarks (driven by bench/loadgen.py through the environment).
--
--   BENCH_METHOD     POST (default) or GET
--   BENCH_PATH       request path, e.g. /v1/summaries
--   BENCH_BODY_FILE  JSON body; with BENCH_UNIQUE=1 its "@@ID@@" is replaced by a unique id per request
--   BENCH_NONCE      part of every unique id, so that two runs never send the same body
--   BENCH_QUOTA      requests per wrk thread (0: run for -d); each connection stops asking when
--                    the quota is used up, and the thread stops once every answer is in
--   BENCH_OUT        where done() writes its JSON report (latency in microseconds)
--   BENCH_RAMP_MS    spread the connections' first requests evenly over this many ms (0: all at once);
--                    needs BENCH_CONNECTIONS_PER_THREAD and BENCH_THREADS

local method = os.getenv("BENCH_METHOD") or "POST"
local path = os.getenv("BENCH_PATH") or "/"
local nonce = os.getenv("BENCH_NONCE") or "0"
local quota = tonumber(os.getenv("BENCH_QUOTA") or "0")
local want_unique = os.getenv("BENCH_UNIQUE") == "1"
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local body = ""
  local file = os.getenv("BENCH_BODY_FILE")
  if file and file ~= "" then
    local fh = assert(io.open(file, "rb"))
    body = fh:read("*a")
    fh:close()
  end
  local first, last = string.find(body, "@@ID@@", 1, true)
  unique = want_unique and first ~= nil
  headers = {}
  if method ~= "GET" then
    headers["Content-Type"] = "application/json"
  end
  if unique then
    prefix, suffix = body:sub(1, first - 1), body:sub(last + 1)
  else
    static_request = wrk.format(method, path, headers, method ~= "GET" and body or nil)
  end
  sent, answered, cached = 0, 0, 0
  statuses, overhead = {}, {}
end

function request()
  sent = sent + 1
  if not unique then
    return static_request
  end
  return wrk.format(method, path, headers, prefix .. nonce .. "-" .. tid .. "-" .. sent .. suffix)
end

local ramp_ms = tonumber(os.getenv("BENCH_RAMP_MS") or "0")
local per_thread = tonumber(os.getenv("BENCH_CONNECTIONS_PER_THREAD") or "0")
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "1")

if quota > 0 or ramp_ms > 0 then
  local remaining = quota
  local started = 0
  -- Called before every request. With a ramp, the first request of each connection waits its
  -- turn, so the c connections start evenly spread over ramp_ms instead of all at once (with a
  -- fixed upstream latency they would otherwise stay in lock step, one burst per round).
  -- With a quota, a connection whose thread has used it up waits "forever".
  function delay()
    local wait = 0
    if started < per_thread then
      wait = math.floor((started * thread_count + tid - 1) * ramp_ms / (per_thread * thread_count))
      started = started + 1
    end
    if quota > 0 then
      if remaining <= 0 then
        return 86400000
      end
      remaining = remaining - 1
    end
    return wait
  end
end

function response(status, hdrs, body)
  answered = answered + 1
  statuses[status] = (statuses[status] or 0) + 1
  local ms = tonumber(hdrs["x-overhead-ms"] or hdrs["X-Overhead-Ms"] or "")
  if ms then
    -- 0.1 ms buckets keep the table small however many requests there are
    local bucket = math.floor(ms * 10 + 0.5)
    overhead[bucket] = (overhead[bucket] or 0) + 1
  end
  if body and string.find(body, '"cached":true', 1, true) then
    cached = cached + 1
  end
  if quota > 0 and answered == quota then
    -- wrk's main thread sleeps for -d whatever the threads do: tell loadgen.py, which sends SIGINT
    local fh = io.open(os.getenv("BENCH_OUT") .. ".done" .. tid, "w")
    if fh then
      fh:close()
    end
    wrk.thread:stop()
  end
end

local function merge(into, from)
  for k, v in pairs(from or {}) do
    into[k] = (into[k] or 0) + v
  end
end

local function json_counts(t, scale)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, string.format('"%s":%d', scale and string.format("%.1f", k / scale) or tostring(k), v))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local st, ov, hits = {}, {}, 0
  for _, t in ipairs(threads) do
    merge(st, t:get("statuses"))
    merge(ov, t:get("overhead"))
    hits = hits + (t:get("cached") or 0)
  end
  local e = summary.errors
  local out = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_us":%d', summary.duration),
    string.format('"bytes":%d', summary.bytes),
    string.format(
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
      e.connect, e.read, e.write, e.status, e.timeout
    ),
    string.format(
      '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p75":%d,"p90":%d,"p99":%d,"p999":%d}',
      latency.min, latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(75), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9)
    ),
    '"statuses":' .. json_counts(st),
    '"overhead_ms_counts":' .. json_counts(ov, 10),
    string.format('"cached":%d', hits),
  }
  local fh = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  fh:write("{" .. table.concat(out, ",") .. "}\n")
  fh:close()
end
