-- wrk script of tools/bench_serve.sh: each connection walks the same list of tile paths from its
-- own offset (so that 64 connections ask for different tiles), asks for gzip as browsers do, and
-- each thread stops after MAX_REQUESTS / threads requests. done() prints one machine-readable line.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = os.getenv("BENCH_PREFIX") .. line
end
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
-- With BENCH_DELAY_MS each connection waits that long between its requests: a fixed offered load
-- below both servers' capacity, so that latency is the server's and not the saturated client's.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local wrk_threads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
local next_id = 0
local counter = 0
local limit = 0
local sent = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  counter = (id * 7919) % #paths
  limit = max_requests > 0 and math.floor(max_requests / wrk_threads) or 0
end

function request()
  counter = counter + 1
  sent = sent + 1
  if limit > 0 and sent > limit then
    wrk.thread:stop()
  end
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["Accept-Encoding"] = "gzip" })
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.3f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f errors=%d non2xx=%d bytes=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, errors, summary.errors.status, summary.bytes))
end
