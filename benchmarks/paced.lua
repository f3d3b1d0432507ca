-- wrk script of run.sh's paced runs: each connection waits 5 ms before its next request, so that 64 connections
-- offer about half of what this machine serves flat out. Latencies are then the served side's own, not the queueing
-- of a saturated server (where any extra CPU work raises p99 in proportion).
function delay()
	return 5
end
