//go:build linux && amd64

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rrpy/internal/pythons"
)

// Each quick module, recorded, behaves as it does plain, and its replay
// shows what the recording did, under every interpreter with its tests.
func TestQuickModules(t *testing.T) {
	// The harness's CI subset: modules that take a few seconds at most plain.
	// test_winreg is skipped whole on Linux: it ran no test, and is left
	// out of the score, whatever regrtest's version prints.
	modules := []string{"test_json", "test_string", "test_bisect", "test_heapq", "test_fnmatch", "test_winreg"}
	rrpy := filepath.Join(t.TempDir(), "rrpy")
	if out, err := exec.Command("go", "build", "-o", rrpy, "rrpy/cmd/rrpy").CombinedOutput(); err != nil {
		t.Fatalf("build rrpy: %v: %s", err, out)
	}
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		s, err := findSuite(in.Path)
		if err != nil {
			t.Skipf("%s: %v", in.Path, err)
		}
		cfg := config{rrpy: rrpy, timeout: 60 * time.Second, jobs: 2, out: t.TempDir()}
		results, err := runSuite(context.Background(), cfg, s, modules, func(result) {})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Module == "test_winreg" {
				if r.LeftOut != plainRunsNoTest {
					t.Errorf("%s: %s, not left out as running no test\n%s", r.Module, verdict(r), logs(r))
				}
				continue
			}
			if !r.scored() || !r.Same || !r.Replays {
				t.Errorf("%s: %s\n%s", r.Module, verdict(r), logs(r))
			}
		}
		rejudgeFromLogs(t, cfg.out, suiteRun{Python: s.python, Version: s.version, Results: results})
	})
}

// rejudgeFromLogs checks that a saved run judged again from its logs gets
// the same verdicts, and that a later run (here the same one, -over)
// replaces each module's.
func rejudgeFromLogs(t *testing.T, out string, rn suiteRun) {
	dir := filepath.Join(out, rn.Version)
	if err := saveRun(dir, rn, ""); err != nil {
		t.Fatal(err)
	}
	again, err := rejudge(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range again.Results {
		if was := rn.Results[i]; r.Same != was.Same || r.Replays != was.Replays || r.LeftOut != was.LeftOut {
			t.Errorf("%s judged again: %s; when run: %s", r.Module, verdict(r), verdict(was))
		}
	}
	notes, err := replaceByLater(&again, []string{out})
	if want := fmt.Sprintf("verdicts of %d modules from the later run under %s:", len(rn.Results), dir); err != nil || !strings.HasPrefix(notes, want) {
		t.Errorf("-over the same run: %q, %v; want %q…", notes, err, want)
	}
}

func verdict(r result) string {
	if !r.scored() {
		return "left out: " + r.LeftOut
	}
	return strings.Join(append(r.Classes, r.Details...), "\n")
}

// logs are a module's logs, for the test's failure message.
func logs(r result) string {
	var b strings.Builder
	for _, name := range []string{"plain.out", "record.err", "replay.err"} {
		out, err := os.ReadFile(filepath.Join(r.Dir, name))
		if err != nil {
			continue
		}
		ls := lines(out)
		b.WriteString("--- " + name + " (its end):\n" + strings.Join(ls[max(0, len(ls)-15):], "\n") + "\n")
	}
	return b.String()
}
