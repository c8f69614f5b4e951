//go:build linux && amd64

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Over a recording of some millions of stop points, the checkpoints
// spread over all of it within their memory bound, and every move
// returns the same with many checkpoints as with few.
func TestCheckpointsOverALongRecording(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "../bench/workloads.py"), "objects", "3000000", "500")
		many := startShell(t, dir, "--checkpoint-memory", "50")
		few := startShell(t, dir, "--checkpoint-memory", "0.5")
		start := many.now
		many.do("continue")
		few.do("continue")
		end := many.now
		if end < start+2_000_000 {
			t.Fatalf("the recording runs from %d to %d: too short to test", start, end)
		}
		hits := 0
		for _, cmd := range travelScript(start, end) {
			a, b := many.do(cmd), few.do(cmd)
			if a != b || many.now != few.now {
				t.Errorf("%q with many checkpoints went to %d:\n%s\nwith few to %d:\n%s", cmd, many.now, a, few.now, b)
			}
			hits += strings.Count(a, "breakpoint 1")
		}
		if hits < 3 {
			t.Errorf("the breakpoint was hit %d times, want 3 or more", hits)
		}
		manyTimes, _, _ := checkpointInfo(t, many.do("info paused"))
		fewTimes, held, bound := checkpointInfo(t, few.do("info paused"))
		t.Logf("%d checkpoints with a large memory bound; %d with a small one hold %.1f MB, bound %.1f MB", len(manyTimes), len(fewTimes), held, bound)
		if len(manyTimes) < 40 || len(fewTimes) >= len(manyTimes) {
			t.Errorf("%d checkpoints with a large memory bound, %d with a small one", len(manyTimes), len(fewTimes))
		}
		span := manyTimes[len(manyTimes)-1] - manyTimes[0]
		for i := 1; i < len(manyTimes); i++ {
			if gap := manyTimes[i] - manyTimes[i-1]; gap > 4*span/uint64(len(manyTimes)) {
				t.Errorf("checkpoints %d and %d are %d stop points apart, %d of them over %d", manyTimes[i-1], manyTimes[i], gap, len(manyTimes), span)
			}
		}
		// The bound holds where the checkpoints were last thinned; the
		// replay's later writes unshare some of their pages.
		if held > bound*3/2 && len(fewTimes) > 2 {
			t.Errorf("%d checkpoints hold %.1f MB, bound %.1f MB", len(fewTimes), held, bound)
		}
		many.quit()
		few.quit()
	})
}

// travelScript is a walk through a recording: gos across it, steps both
// ways, a breakpoint reached both ways.
func travelScript(start, end uint64) []string {
	var script []string
	for _, f := range []uint64{7, 3, 9, 1, 5} {
		script = append(script, fmt.Sprintf("go %d", start+(end-start)*f/10), "bstep", "bnext", "step", "bnext")
	}
	return append(script, "break workloads.py:209", "bcontinue", "bcontinue", "continue", "go "+strconv.FormatUint(end, 10), "bcontinue")
}

var memoryLineRE = regexp.MustCompile(`(\d+) checkpoints hold ([\d.]+) MB \(PSS.*at most ([\d.]+) MB`)

// checkpointInfo reads info paused: the checkpoints' times, the memory
// they hold and its bound (MB).
func checkpointInfo(t *testing.T, out string) (times []uint64, held, bound float64) {
	t.Helper()
	list, ok := strings.CutPrefix(strings.SplitN(out, "\n", 2)[0], "Checkpoints at times: ")
	m := memoryLineRE.FindStringSubmatch(out)
	if !ok || m == nil {
		t.Fatalf("info paused says:\n%s", out)
	}
	for _, f := range strings.Split(list, ", ") {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			t.Fatalf("info paused lists %q", f)
		}
		times = append(times, n)
	}
	held, _ = strconv.ParseFloat(m[2], 64)
	bound, _ = strconv.ParseFloat(m[3], 64)
	return times, held, bound
}

// continue and bcontinue to line breakpoints over the index of lines run
// stop where they stop without it, forwards and backwards, and so do they
// in a later session, which reads the index the first one kept.
func TestLineIndexSkipsExactly(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "../bench/workloads.py"), "objects", "12000000", "5000")
		fast := startShell(t, dir)
		slow := startShell(t, dir, "--no-line-index")
		script := lineSearchScript(fast.now)
		want := make([]string, len(script))
		hits := 0
		for i, cmd := range script {
			got := fast.do(cmd)
			want[i] = slow.do(cmd)
			if got != want[i] || fast.now != slow.now {
				t.Errorf("%q over the index went to %d:\n%s\nwithout it to %d:\n%s", cmd, fast.now, got, slow.now, want[i])
			}
			hits += strings.Count(got, "breakpoint 1")
		}
		if hits < 4 {
			t.Errorf("the breakpoint was hit %d times, want 4 or more", hits)
		}
		fast.quit()
		slow.quit()
		if _, err := os.Stat(filepath.Join(dir, "lines.idx")); err != nil {
			t.Fatalf("the index was not kept with the trace: %v", err)
		}
		later := startShell(t, dir)
		for i, cmd := range script {
			if got := later.do(cmd); got != want[i] {
				t.Errorf("%q in a later session:\n%s\nwithout the index:\n%s", cmd, got, want[i])
			}
		}
		later.quit()
	})
}

// lineSearchScript runs to the end (which builds the index), then
// continues and bcontinues to a line run every ~3.5M stop points and to
// one never run, from both ends and from the middle.
func lineSearchScript(start uint64) []string {
	script := []string{"continue", "break workloads.py:209", "go " + strconv.FormatUint(start, 10)}
	for range 5 {
		script = append(script, "continue")
	}
	for range 5 {
		script = append(script, "bcontinue")
	}
	script = append(script, "go "+strconv.FormatUint(start+5_500_000, 10), "bcontinue", "continue", "continue",
		"delete 1", "break workloads.py:213", "go "+strconv.FormatUint(start, 10), "continue", "continue", "bcontinue",
		"go "+strconv.FormatUint(start+3_000_000, 10), "bcontinue", "continue")
	return script
}
