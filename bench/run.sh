#!/usr/bin/env bash
# Measures rrpy against plain python3 on the same workloads, in one run:
# recording overhead, replay-to-end time and trace size (not counting the
# blobs shared between traces). Prints a markdown table.
#
#   bench/run.sh [PYTHON [WORKLOAD...]]
#
# PYTHON defaults to the python3 rrpy would record; the workloads (pass,
# cpu, calls, mixed, files, threads, subprocesses) to all of them.
# CLOCK=settrace or CLOCK=monitoring records with that clock (rrpy record
# --clock) instead of the cheaper one for the version.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-$(python3 -c 'import sys; print(sys.executable)')}
shift || true
wanted=${*:-pass cpu calls mixed files threads subprocesses}
clock=()
[ -n "${CLOCK:-}" ] && clock=(--clock "$CLOCK")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME="$work/data"
go build -o "$work/rrpy" ./cmd/rrpy
rrpy="$work/rrpy"

# best3 CMD...: the best wall time of three runs, in seconds.
best3() {
	local best=""
	for _ in 1 2 3; do
		local t0 t1
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s.%N)
		best=$(echo "$t0 $t1 $best" | awk '{d=$2-$1; if ($3=="" || d<$3) print d; else print $3}')
	done
	echo "$best"
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
run subprocesses && bench "100 x subprocess.run(/bin/true)" "$py" bench/workloads.py subprocesses
true
