//go:build linux && amd64

// Command travel measures how fast the replay shell moves in a long
// recording: it records `workloads.py WORKLOAD N` (N stop points of a
// pure-Python loop, "stops", or of objects, calls, dicts and lists,
// "objects"), opens it as the shell does, and reports the speed of a
// forward go, the latency of go to random times and of a bstep and a
// step there, of bcontinue to a line breakpoint (objects: a line run once
// every ~7M stop points, and one never run), and the memory its
// checkpoints hold.
//
//	go run ./bench/travel [-python PATH] [-workload stops|objects] [-stops N] [-checkpoint-memory F]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"rrpy/bench/internal/rec"
	"rrpy/engine"
	"rrpy/snapshot"
)

func main() {
	python := flag.String("python", "/usr/bin/python3.11", "the python to record")
	workload := flag.String("workload", "stops", "stops (a tight loop) or objects (objects, calls, dicts, lists)")
	stops := flag.Int("stops", 1_000_000, "stop points in the recorded workload")
	memory := flag.Float64("checkpoint-memory", 0, "the checkpoints' memory bound (0: the default)")
	trace := flag.String("trace", "", "a trace of the workload recorded before (its directory): kept, not recorded again")
	flag.Parse()
	if err := run(*python, *workload, *stops, *memory, *trace); err != nil {
		fmt.Fprintln(os.Stderr, "travel:", err)
		os.Exit(1)
	}
}

func run(python, workload string, stops int, memory float64, dir string) error {
	r := &rec.Recording{Dir: dir}
	if dir == "" {
		var err error
		t0 := time.Now()
		if r, err = rec.Record(python, "bench/workloads.py", workload, strconv.Itoa(stops)); err != nil {
			return err
		}
		defer r.Remove()
		fmt.Printf("recorded in %v\n", time.Since(t0).Round(time.Millisecond))
	}
	index := filepath.Join(r.Dir, "lines.idx")
	os.Remove(index) // built by this run's first continue to the end
	t0 := time.Now()
	tl, err := r.OpenWith(snapshot.Options{CheckpointMemory: memory})
	if err != nil {
		return err
	}
	defer func() {
		tl.Close()
		if fi, err := os.Stat(index); err == nil {
			fmt.Printf("index of lines run: %d bytes\n", fi.Size())
		}
	}()
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
	fmt.Printf("%d stop points after the main script's start (%s, %s), shell open in %v\n", end-start, workload, python, opened.Round(time.Millisecond))
	fmt.Printf("continue to the end: %v, %.1fM stop points/s (%d checkpoints taken on the way, %s)\n",
		forward.Round(time.Millisecond), float64(end-start)/forward.Seconds()/1e6, len(tl.Checkpoints()), gaps(tl.Checkpoints()))
	t0 = time.Now()
	if _, err := tl.Go(ctx, end-1); err != nil {
		return err
	}
	fmt.Printf("bstep at the end: %v\n", time.Since(t0).Round(100*time.Microsecond))
	if err := randomGos(ctx, tl, start, end); err != nil {
		return err
	}
	if workload == "objects" {
		if err := lineSearches(ctx, tl, start, end); err != nil {
			return err
		}
	}
	held, program, bound, err := tl.CheckpointMemory()
	if err != nil {
		return err
	}
	fmt.Printf("checkpoints hold %.1f MB (PSS), the program %.1f MB (RSS), bound %.1f MB\n",
		float64(held)/1e6, float64(program)/1e6, float64(bound)/1e6)
	n, rss, pss, pte := childMemory()
	fmt.Printf("checkpoints: %d, memory of the %d replay processes: RSS sum %.0f MB, PSS sum %.0f MB, page tables %.1f MB\n",
		len(tl.Checkpoints()), n, float64(rss)/1024, float64(pss)/1024, float64(pte)/1024)
	return nil
}

// randomGos times go to random times, and a bstep and a step from each.
func randomGos(ctx context.Context, tl *snapshot.Timeline, start, end uint64) error {
	var gos, bsteps, steps, bnexts timings
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		t := start + 1 + rng.Uint64N(end-start-2)
		if err := gos.time(func() error { _, err := tl.Go(ctx, t); return err }); err != nil {
			return err
		}
		if err := bsteps.time(func() error { _, err := tl.Go(ctx, tl.Now().Time-1); return err }); err != nil {
			return err
		}
		if err := steps.time(func() error { _, err := tl.Go(ctx, tl.Now().Time+1); return err }); err != nil {
			return err
		}
		if err := bnexts.time(func() error { _, err := tl.Next(ctx, true); return err }); err != nil {
			return err
		}
	}
	fmt.Printf("go to a random time: %v\nbstep there: %v\nstep there: %v\nbnext there: %v\n", gos, bsteps, steps, bnexts)
	return nil
}

// lineSearches times bcontinue to a line run once every ~7M stop points
// (objects_rare's), from random times, and continue and bcontinue to a
// line never run, across the whole recording.
func lineSearches(ctx context.Context, tl *snapshot.Timeline, start, end uint64) error {
	rare := []engine.Breakpoint{{ID: 1, File: "workloads.py", Line: 209}}
	never := []engine.Breakpoint{{ID: 2, File: "workloads.py", Line: 213}}
	var back timings
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		if _, err := tl.Go(ctx, start+1+rng.Uint64N(end-start-2)); err != nil {
			return err
		}
		if err := back.time(func() error { _, err := tl.Continue(ctx, true, rare); return err }); err != nil {
			return err
		}
	}
	fmt.Printf("bcontinue to the previous hit of a line run every ~7M stop points: %v\n", back)
	if _, err := tl.Go(ctx, start); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := tl.Continue(ctx, false, never); err != nil {
		return err
	}
	fmt.Printf("continue to a line never run, from the start: %v\n", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if _, err := tl.Continue(ctx, true, never); err != nil {
		return err
	}
	fmt.Printf("bcontinue to a line never run, from the end: %v\n", time.Since(t0).Round(time.Millisecond))
	return nil
}

// gaps describes the distances between checkpoints: median and largest.
func gaps(times []uint64) string {
	if len(times) < 2 {
		return "no gaps"
	}
	d := make([]uint64, len(times)-1)
	for i := range d {
		d[i] = times[i+1] - times[i]
	}
	slices.Sort(d)
	return fmt.Sprintf("gaps: median %.2fM, largest %.2fM stop points", float64(d[len(d)/2])/1e6, float64(d[len(d)-1])/1e6)
}

// timings collects the durations of one kind of move.
type timings struct {
	sum, worst time.Duration
	n          int
}

func (t *timings) time(move func() error) error {
	t0 := time.Now()
	err := move()
	d := time.Since(t0)
	t.sum += d
	t.worst = max(t.worst, d)
	t.n++
	return err
}

func (t timings) String() string {
	return fmt.Sprintf("mean %v, worst %v (%d)", (t.sum / time.Duration(max(1, t.n))).Round(100*time.Microsecond),
		t.worst.Round(100*time.Microsecond), t.n)
}

// childMemory sums VmRSS and Pss (kB) over the processes this one traces:
// the replay and its checkpoints (forks of forks, many of them orphans by
// now, so they are found by their tracer rather than their parent).
func childMemory() (n, rss, pss, pte int) {
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
		pte += atoi(field(string(status), "VmPTE:"))
		rollup, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "smaps_rollup"))
		pss += atoi(field(string(rollup), "Pss:"))
	}
	return n, rss, pss, pte
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
