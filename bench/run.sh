#!/usr/bin/env bash
# Measures rrpy against plain python3 on the same workloads, in one run:
# recording overhead, replay-to-end time and trace size (not counting the
# blobs shared between traces). Prints a markdown table.
#
#   bench/run.sh [PYTHON]     (default: the python3 rrpy would record)
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-$(python3 -c 'import sys; print(sys.executable)')}
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

ratio() { echo "$1 $2" | awk '{printf "%.1fx", $1/$2}'; }

echo "| workload | python3 | record | replay | record/python3 | replay/record | trace bytes |"
echo "|---|---|---|---|---|---|---|"
bench() {
	local name=$1
	shift
	local plain rec rep size
	plain=$(best3 "$@")
	rec=$(best3 bash -c 'd=$(mktemp -d -p "$0"); "$1" record -o "$d/t" -- "${@:2}"' "$work" "$rrpy" "$@")
	"$rrpy" record -o "$work/$name" -- "$@" >/dev/null 2>&1 || true
	rep=$(best3 "$rrpy" replay --autopilot "$work/$name")
	size=$(du -sb "$work/$name" | cut -f1)
	printf "| %s | %.3f s | %.3f s | %.3f s | %s | %s | %s |\n" "$name" "$plain" "$rec" "$rep" \
		"$(ratio "$rec" "$plain")" "$(ratio "$rep" "$rec")" "$size"
}
bench "python3 -c pass" "$py" -c pass
bench "pure-Python loop (3M iterations)" "$py" bench/workloads.py cpu
bench "json round trips + string processing" "$py" bench/workloads.py mixed
rm -rf "$work/files"
bench "stat+read 2,000 small files" "$py" bench/workloads.py files "$work/files"
bench "thread pool: 4 threads, 2,000 file reads" "$py" bench/workloads.py threads "$work/threads"
bench "100 x subprocess.run(/bin/true)" "$py" bench/workloads.py subprocesses
