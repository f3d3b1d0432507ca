# Shared by the benchmark scripts (sourced).

# Heap in use after a full GC, in MB, of the JVM with the given pid.
heap_after_gc_mb() {
	jcmd "$1" GC.run >/dev/null
	sleep 2
	jcmd "$1" GC.heap_info | awk '/garbage-first heap/ { for (i=1;i<=NF;i++) if ($i=="used") { v=$(i+1); sub("K,?","",v); printf "%.1f", v/1024 } }'
}
