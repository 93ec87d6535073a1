-- wrk script of `npm run bench:match-load` (bench/match-load-client.ts runs it): each request
-- is a POST of the next line of the bodies file, with the bearer key; done() prints wrk's
-- summary as one JSON line, latencies in milliseconds.
local bodies = {}
local key = ""
local i = 0

function init(args)
  key = args[2] or ""
  wrk.method = args[3] or "GET"
  if args[1] and args[1] ~= "-" then
    for line in io.lines(args[1]) do
      if line ~= "" then bodies[#bodies + 1] = line end
    end
  end
  i = math.random(math.max(#bodies, 1))
end

function request()
  local headers = { ["content-type"] = "application/json" }
  if key ~= "" then headers["authorization"] = "Bearer " .. key end
  if #bodies == 0 then return wrk.format(nil, nil, headers, nil) end
  i = i % #bodies + 1
  return wrk.format(nil, nil, headers, bodies[i])
end

function done(summary, latency, requests)
  local ms = function(us) return us / 1000 end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"rps":%.1f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f,' ..
    '"non2xx":%d,"errors":%d,"timeouts":%d,"durationS":%.2f}\n',
    summary.requests, summary.requests / (summary.duration / 1e6),
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency.max), errors.status, errors.connect + errors.read + errors.write,
    errors.timeout, summary.duration / 1e6))
end
