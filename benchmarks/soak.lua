-- wrk script of soak.sh: cycles fast, slow, streaming, failing and native requests, and counts the statuses.
local paths = { "/wsgi/hello", "/wsgi/sleep?ms=20", "/wsgi/download?mb=1", "/wsgi/fail", "/wsgi/hello", "/native/hello" }
local counter = 0
local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	statuses = {}
end

function request()
	counter = counter + 1
	return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local total = {}
	for _, thread in ipairs(threads) do
		for status, count in pairs(thread:get("statuses")) do
			total[status] = (total[status] or 0) + count
		end
	end
	for status, count in pairs(total) do
		io.write(string.format("status %d %d\n", status, count))
	end
	io.write(string.format("socket errors connect %d read %d write %d timeout %d\n", summary.errors.connect,
		summary.errors.read, summary.errors.write, summary.errors.timeout))
end
