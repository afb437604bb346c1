-- wrk: POST a new ticket per request; SITE is set by bench_tickets.sh.
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"site_id": %s, "summary": "Load test ticket %d", "what_happened": "Printer jams when printing wristbands at the nurses station", "impact": "medium", "urgency": "high"}', os.getenv("SITE"), n)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("TOKEN") }, body)
end
