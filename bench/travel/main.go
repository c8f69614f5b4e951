//go:build linux && amd64

// Command travel measures how fast the replay shell moves in a long
// recording: it records `workloads.py stops N` (N stop points of a
// pure-Python loop), opens it as the shell does, and reports the speed of
// a forward go, the latency of bstep at the end and of go to random
// times, and the memory its checkpoints hold.
//
//	go run ./bench/travel [-python PATH] [-stops N]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rrpy/bench/internal/rec"
)

func main() {
	python := flag.String("python", "/usr/bin/python3.11", "the python to record")
	stops := flag.Int("stops", 1_000_000, "stop points in the recorded loop")
	flag.Parse()
	if err := run(*python, *stops); err != nil {
		fmt.Fprintln(os.Stderr, "travel:", err)
		os.Exit(1)
	}
}

func run(python string, stops int) error {
	r, err := rec.Record(python, "bench/workloads.py", "stops", strconv.Itoa(stops))
	if err != nil {
		return err
	}
	defer r.Remove()
	t0 := time.Now()
	tl, err := r.Open()
	if err != nil {
		return err
	}
	defer tl.Close()
	opened := time.Since(t0)
	ctx := context.Background()
	start := tl.Now().Time
	t0 = time.Now()
	st, err := tl.Continue(ctx, false, nil)
	if err != nil {
		return err
	}
	forward := time.Since(t0)
	end := st.Time
	fmt.Printf("%d stop points after the main script's start (%s), shell open in %v\n", end-start, python, opened.Round(time.Millisecond))
	fmt.Printf("continue to the end: %v, %.1fM stop points/s (%d checkpoints taken on the way)\n",
		forward.Round(time.Millisecond), float64(end-start)/forward.Seconds()/1e6, len(tl.Checkpoints()))
	t0 = time.Now()
	if _, err := tl.Go(ctx, end-1); err != nil {
		return err
	}
	fmt.Printf("bstep at the end: %v\n", time.Since(t0).Round(100*time.Microsecond))
	var worst, sum time.Duration
	const gos = 20
	rng := rand.New(rand.NewPCG(1, 2))
	for range gos {
		t := start + rng.Uint64N(end-start)
		t0 = time.Now()
		if _, err := tl.Go(ctx, t); err != nil {
			return err
		}
		d := time.Since(t0)
		sum += d
		worst = max(worst, d)
	}
	fmt.Printf("go to a random time: mean %v, worst %v (%d gos)\n", (sum / gos).Round(100*time.Microsecond), worst.Round(100*time.Microsecond), gos)
	n, rss, pss := childMemory()
	fmt.Printf("checkpoints: %d, memory of the %d replay processes: RSS sum %.0f MB, PSS sum %.0f MB\n",
		len(tl.Checkpoints()), n, float64(rss)/1024, float64(pss)/1024)
	return nil
}

// childMemory sums VmRSS and Pss (kB) over the processes this one traces:
// the replay and its checkpoints (forks of forks, many of them orphans by
// now, so they are found by their tracer rather than their parent).
func childMemory() (n, rss, pss int) {
	threads, _ := os.ReadDir("/proc/self/task")
	mine := map[string]bool{}
	for _, t := range threads {
		mine[t.Name()] = true
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil || !mine[field(string(status), "TracerPid:")] {
			continue
		}
		n++
		rss += atoi(field(string(status), "VmRSS:"))
		rollup, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "smaps_rollup"))
		pss += atoi(field(string(rollup), "Pss:"))
	}
	return n, rss, pss
}

func field(text, name string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, name) {
			return strings.Fields(line)[1]
		}
	}
	return ""
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
