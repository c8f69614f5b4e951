#!/usr/bin/env bash
# Measures rrpy against plain python3 on the same workloads, in one run:
# recording overhead, replay-to-end time and trace size (not counting the
# blobs shared between traces). Prints a markdown table.
#
#   bench/run.sh [PYTHON [WORKLOAD...]]
#
# PYTHON defaults to the python3 rrpy would record; the workloads (pass,
# cpu, calls, mixed, files, threads, pipeline, print, server, subprocesses,
# pool, pychildren) to all of them. print writes PRINT_MB megabytes (default 50) with
# PYTHONUNBUFFERED=1; server answers 300 requests of a client process that
# runs outside the recording.
# CLOCK=settrace or CLOCK=monitoring records with that clock (rrpy record
# --clock) instead of the cheaper one for the version.
#
# The workload getppid (not among the defaults) prints a second table
# instead: what one traced syscall costs rrpy when recording and when
# replaying, next to a minimal C tracer (bench/floor/floor.c) and strace,
# each the best of five runs.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-$(python3 -c 'import sys; print(sys.executable)')}
shift || true
wanted=${*:-pass cpu calls mixed files threads pipeline print server subprocesses pool pychildren}
clock=()
[ -n "${CLOCK:-}" ] && clock=(--clock "$CLOCK")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME="$work/data"
go build -o "$work/rrpy" ./cmd/rrpy
rrpy="$work/rrpy"

# best3 CMD...: the best wall time of three runs, in seconds.
best3() { bestof 3 "$@"; }

# bestof N CMD...: the best wall time of N runs, in seconds.
bestof() {
	local n=$1 best=""
	shift
	for _ in $(seq "$n"); do
		local t0 t1
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s.%N)
		best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
	done
	echo "$best"
}

# served ARGV...: runs ARGV (a server's command line, recorded or not),
# which is given a port file and 300 as its last arguments, beside a plain
# python client making those 300 requests; returns when both are done.
served() {
	local ports
	ports=$(mktemp -u -p "$work")
	"$@" "$ports" 300 &
	local server=$!
	"$py" bench/workloads.py client "$ports" 300
	wait "$server"
}

# record_fresh ARGV...: one recording, into a new directory.
record_fresh() {
	local d
	d=$(mktemp -d -p "$work")
	"$rrpy" record "${clock[@]}" -o "$d/t" -- "$@"
}

ratio() { echo "$1 $2" | awk '{printf "%.1fx", $1/$2}'; }

# net REC PLAIN: record/python3 net of startup (the -c pass times, when
# measured first): what the workload itself costs recorded.
net() {
	[ -n "${pass_rec:-}" ] || { echo "-"; return; }
	echo "$1 $pass_rec $2 $pass_plain" | awk '{printf "%.1fx", ($1-$2)/($3-$4)}'
}

# per_call CMD...: what CMD adds to each of 20,000 os.getppid() calls, in
# µs: its best time over 20,000 calls less its best over none, less the
# same difference for plain python3 (the loop and the calls themselves).
per_call() {
	local many none
	many=$(bestof 5 "$@" "$py" bench/workloads.py getppid 20000)
	none=$(bestof 5 "$@" "$py" bench/workloads.py getppid 0)
	echo "$many $none $plain_many $plain_none" | awk '{printf "%.1f", (($1-$2)-($3-$4))/20000*1e6}'
}

# replay_per_call: the same for replaying a recording of each.
replay_per_call() {
	local many none
	"$rrpy" record -o "$work/many" -- "$py" bench/workloads.py getppid 20000 >/dev/null 2>&1
	"$rrpy" record -o "$work/none" -- "$py" bench/workloads.py getppid 0 >/dev/null 2>&1
	many=$(bestof 5 "$rrpy" replay --autopilot "$work/many")
	none=$(bestof 5 "$rrpy" replay --autopilot "$work/none")
	echo "$many $none $plain_many $plain_none" | awk '{printf "%.1f", (($1-$2)-($3-$4))/20000*1e6}'
}

# stop_path: the getppid table.
stop_path() {
	gcc -O2 -o "$work/floor" bench/floor/floor.c
	local cpu
	cpu=$(taskset -pc $$ | sed 's/.*: //; s/[,-].*//')
	plain_many=$(bestof 5 "$py" bench/workloads.py getppid 20000)
	plain_none=$(bestof 5 "$py" bench/workloads.py getppid 0)
	echo "| 20,000 os.getppid() | µs per traced syscall |"
	echo "|---|---|"
	echo "| rrpy record | $(per_call record_fresh) |"
	echo "| rrpy replay --autopilot | $(replay_per_call) |"
	echo "| floor: PTRACE_SYSCALL + GETREGS, one CPU | $(per_call taskset -c "$cpu" "$work/floor") |"
	echo "| floor, rdtsc trapped, one CPU | $(per_call taskset -c "$cpu" "$work/floor" -tsc) |"
	echo "| floor, rdtsc trapped, CPUs as the kernel places them | $(per_call "$work/floor" -tsc) |"
	echo "| strace -f -o /dev/null | $(per_call strace -f -o /dev/null) |"
}
if [ "$wanted" = getppid ]; then
	stop_path
	exit
fi

echo "| workload | python3 | record | replay | record/python3 | net of startup | replay/record | trace bytes |"
echo "|---|---|---|---|---|---|---|---|"
bench() {
	local name=$1
	shift
	local plain rec rep size
	plain=$(best3 "$@")
	rec=$(best3 record_fresh "$@")
	"$rrpy" record "${clock[@]}" -o "$work/$name" -- "$@" >/dev/null 2>&1 || true
	rep=$(best3 "$rrpy" replay --autopilot "$work/$name")
	size=$(du -sb "$work/$name" | cut -f1)
	printf "| %s | %.3f s | %.3f s | %.3f s | %s | %s | %s | %s |\n" "$name" "$plain" "$rec" "$rep" \
		"$(ratio "$rec" "$plain")" "$(net "$rec" "$plain")" "$(ratio "$rep" "$rec")" "$size"
	last_plain=$plain last_rec=$rec
}
last_plain="" last_rec=""
# bench_server: bench's row for the HTTP server, whose client runs beside
# it, outside the recording; replay needs no client.
bench_server() {
	local plain rec rep size
	plain=$(best3 served "$py" bench/workloads.py server)
	rec=$(best3 served record_fresh "$py" bench/workloads.py server)
	served "$rrpy" record "${clock[@]}" -o "$work/server" -- "$py" bench/workloads.py server >/dev/null 2>&1 || true
	rep=$(best3 "$rrpy" replay --autopilot "$work/server")
	size=$(du -sb "$work/server" | cut -f1)
	printf "| %s | %.3f s | %.3f s | %.3f s | %s | %s | %s | %s |\n" "ThreadingHTTPServer: 300 requests" "$plain" "$rec" "$rep" \
		"$(ratio "$rec" "$plain")" "$(net "$rec" "$plain")" "$(ratio "$rep" "$rec")" "$size"
}
# run NAME: whether the workload NAME was asked for.
run() { [[ " $wanted " == *" $1 "* ]]; }
if run pass; then
	bench "python3 -c pass" "$py" -c pass
	pass_plain=$last_plain pass_rec=$last_rec
fi
run cpu && bench "pure-Python loop (3M iterations)" "$py" bench/workloads.py cpu
run calls && bench "call-heavy loop (2M calls)" "$py" bench/workloads.py calls
run mixed && bench "json round trips + string processing" "$py" bench/workloads.py mixed
rm -rf "$work/files"
run files && bench "stat+read 2,000 small files" "$py" bench/workloads.py files "$work/files"
run threads && bench "thread pool: 4 threads, 2,000 file reads" "$py" bench/workloads.py threads "$work/threads"
run pipeline && bench "queue pipeline: 5 threads, 4,000 items" "$py" bench/workloads.py pipeline
run print && PYTHONUNBUFFERED=1 bench "print ${PRINT_MB:-50} MB, PYTHONUNBUFFERED=1" "$py" bench/workloads.py print "${PRINT_MB:-50}"
run server && bench_server
run subprocesses && bench "100 x subprocess.run(/bin/true)" "$py" bench/workloads.py subprocesses
run pool && bench "multiprocessing.Pool(4).map, 200 items" "$py" bench/workloads.py pool
run pychildren && bench "100 x subprocess.run([python, -c, pass])" "$py" bench/workloads.py pychildren
true
