//go:build linux && amd64

// Command watch measures looking at the past: the latency of p at random
// times, the speed of a backward watchpoint search over a long loop, by
// reading memory ($0.attr, len($0)) and by running Python (the same
// values written as calls, which only Python answers), history over the
// whole recording, and the seed demo's three bcontinues.
//
//	go run ./bench/watch [-python PATH] [-stops N] [-eval-stops M]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"rrpy/bench/internal/rec"
	"rrpy/engine"
	"rrpy/snapshot"
)

func main() {
	python := flag.String("python", "/usr/bin/python3.11", "the python to record")
	stops := flag.Int("stops", 1_000_000, "stop points of the loop searched by reading memory")
	evalStops := flag.Int("eval-stops", 5_000, "stop points of the loop searched by running Python")
	flag.Parse()
	if err := run(*python, *stops, *evalStops); err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		os.Exit(1)
	}
}

func run(python string, stops, evalStops int) error {
	fmt.Printf("python: %s\n", python)
	if err := printLatency(python, stops); err != nil {
		return err
	}
	for _, c := range []struct {
		path, attr, length string
		stops              int
	}{
		{"memory", "$0.attr", "len($1)", stops},
		{"evaluation", "getattr($0, 'attr')", "$1.__len__()", evalStops},
	} {
		if err := searchSpeed(python, c.stops, c.path, c.attr, c.length); err != nil {
			return err
		}
	}
	if err := historySpeed(python, stops); err != nil {
		return err
	}
	if err := hotBirth(python, hotStops); err != nil {
		return err
	}
	return seedDemo(python)
}

// hotStops is the length of the hot workload's loop.
const hotStops = 200_000

// hotBirth times the search for the birth of an object whose reference
// count changes on every line: each change is a debug trap.
func hotBirth(python string, stops int) error {
	tl, done, err := openAt(python, hotEnd, "bench/workloads.py", "hot", strconv.Itoa(stops))
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()
	if _, err := tl.Print(ctx, "d", 0); err != nil {
		return err
	}
	// Near the start of the loop: the search for $0's birth goes back
	// through it all.
	if _, err := tl.Go(ctx, tl.Now().Time-uint64(stops)+100); err != nil {
		return err
	}
	t0 := time.Now()
	if v, err := tl.Print(ctx, "len($0)", 0); err != nil || v.Err != "" {
		return fmt.Errorf("p len($0): %v %s", err, v.Err)
	}
	fmt.Printf("p len($0) at the start of a %d stop-point loop that changes $0's refcount on every line: %v\n",
		stops, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	if _, err := tl.Go(ctx, tl.Now().Time+uint64(stops)/2); err != nil {
		return err
	}
	if v, err := tl.Print(ctx, "len($0)", 0); err != nil || v.Err != "" {
		return fmt.Errorf("p len($0): %v %s", err, v.Err)
	}
	fmt.Printf("then go to the middle of the loop and p len($0) again: %v\n", time.Since(t0).Round(time.Millisecond))
	return nil
}

// The lines of workloads.py where watched(n) and hot(n) end: print().
const (
	watchedEnd = 80
	hotEnd     = 90
)

// openAt records python running script with args, opens the replay and
// runs it to the first hit of the script's line (0: to its end).
func openAt(python string, line int, script string, args ...string) (*snapshot.Timeline, func(), error) {
	r, err := rec.Record(python, append([]string{script}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	tl, err := r.Open()
	if err != nil {
		r.Remove()
		return nil, nil, err
	}
	done := func() { tl.Close(); r.Remove() }
	var bps []engine.Breakpoint
	if line > 0 {
		bps = []engine.Breakpoint{{ID: 1, File: filepath.Base(script), Line: line}}
	}
	if st, err := tl.Continue(context.Background(), false, bps); err != nil || (line > 0 && st.Hit == nil) {
		done()
		return nil, nil, fmt.Errorf("run to %s:%d: %v", script, line, err)
	}
	return tl, done, nil
}

// atEnd opens the watched workload at the end of its loop (pyenv's
// python runs atexit code after the script).
func atEnd(python string, stops int) (*snapshot.Timeline, func(), error) {
	return openAt(python, watchedEnd, "bench/workloads.py", "watched", strconv.Itoa(stops))
}

// atEndNamed is atEnd with the workload's objects named $0 (box) and $1
// (items), as a watch or a history names them.
func atEndNamed(python string, stops int) (*snapshot.Timeline, func(), error) {
	tl, done, err := atEnd(python, stops)
	if err != nil {
		return nil, nil, err
	}
	for _, src := range []string{"box", "items"} {
		if v, err := tl.Print(context.Background(), src, 0); err != nil || v.Anchor < 0 {
			done()
			return nil, nil, fmt.Errorf("p %s: %v %+v", src, err, v)
		}
	}
	return tl, done, nil
}

// printLatency times p at random times of the loop.
func printLatency(python string, stops int) error {
	tl, done, err := atEnd(python, stops)
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()
	end := tl.Now().Time
	rng := rand.New(rand.NewPCG(3, 4))
	var sum, worst time.Duration
	const n = 20
	for range n {
		if _, err := tl.Go(ctx, end-uint64(stops)+rng.Uint64N(uint64(stops))); err != nil {
			return err
		}
		t0 := time.Now()
		v, err := tl.Print(ctx, "total", 0)
		if err != nil || v.Err != "" {
			return fmt.Errorf("p total at %d: %v %s", tl.Now().Time, err, v.Err)
		}
		d := time.Since(t0)
		sum += d
		worst = max(worst, d)
	}
	fmt.Printf("p at a random time of a %d stop-point loop: mean %v, worst %v (%d times; the go before each not counted)\n",
		stops, (sum / n).Round(100*time.Microsecond), worst.Round(100*time.Microsecond), n)
	return nil
}

// searchSpeed times bcontinue from the end back over the loop to the
// change before it, for an attribute and a length.
func searchSpeed(python string, stops int, path, attr, length string) error {
	tl, done, err := atEndNamed(python, stops)
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()
	end := tl.Now().Time
	for _, expr := range []string{attr, length} {
		// The first search also finds when $N was made (a replay with
		// the processor watching its reference count); the second is
		// the search alone.
		for _, what := range []string{"first, with $N's birth", "again"} {
			if _, err := tl.Go(ctx, end); err != nil {
				return err
			}
			t0 := time.Now()
			st, err := tl.Continue(ctx, true, []engine.Breakpoint{{ID: 1, Watch: expr}})
			if err != nil {
				return err
			}
			d := time.Since(t0)
			if st.Hit == nil {
				return fmt.Errorf("watch %s: no change found", expr)
			}
			fmt.Printf("backward watch search, %s (%s, %s): %d stop points in %v, %.0f stop points/s\n",
				expr, path, what, end-st.Time, d.Round(time.Millisecond), float64(end-st.Time)/d.Seconds())
		}
	}
	return nil
}

// historySpeed times history over the whole recording of the watched
// workload, whose objects change before its loop: the search back from
// the end over the loop, then over the interpreter's start.
func historySpeed(python string, stops int) error {
	tl, done, err := atEndNamed(python, stops)
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()
	for _, expr := range []string{"$0.attr", "len($1)"} {
		t0 := time.Now()
		changes, _, err := engine.History(ctx, tl, expr, nil)
		if err != nil {
			return err
		}
		fmt.Printf("history %s over a recording of %d stop points (memory): %d values in %v\n",
			expr, tl.Now().Time, len(changes), time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

// seedDemo times scenario 1's three bcontinues on watch $0.value.
func seedDemo(python string) error {
	tl, done, err := openAt(python, 0, "testdata/py/seed_demo.py")
	if err != nil {
		return err
	}
	defer done()
	ctx := context.Background()
	if _, err := tl.Print(ctx, "x", 0); err != nil {
		return err
	}
	if _, err := tl.Go(ctx, tl.Now().Time-1); err != nil {
		return err
	}
	watch := []engine.Breakpoint{{ID: 1, Watch: "$0.value"}}
	t0 := time.Now()
	for range 3 {
		st, err := tl.Continue(ctx, true, watch)
		if err != nil {
			return err
		}
		if st.Hit == nil {
			return fmt.Errorf("seed demo: bcontinue stopped at %d without a watchpoint hit", st.Time)
		}
	}
	fmt.Printf("seed demo, watch $0.value then three bcontinues: %v (the first searches $0's lifetime)\n",
		time.Since(t0).Round(time.Millisecond))
	return nil
}
