//go:build linux && amd64

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Threads record and replay byte for byte: one runs user code at a time,
// switched at syscalls, and replay follows the recorded order.
func TestThreadsReplay(t *testing.T) {
	programs := []struct {
		script, want string
	}{
		// Which workers took the items varies from run to run, recorded
		// or not: replay prints what the recording did.
		{"py/threads_queue.py", "200 2646700 ["},
		{"py/thread_pool.py", "1000 "},
		{"py/sleepers.py", "joined 1\n"},
		{"py/audit_threads.py", "threads done, audited: []\n"},
		{"py/blocked_send.py", "received 4194304\n"},
		{"py/spin_start.py", "started and joined 20 threads beside a spinning one\n"},
	}
	for _, p := range programs {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(p.script, "py/"), ".py"), func(t *testing.T) {
			forEachPython(t, func(t *testing.T, py string) {
				rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, p.script))
				if rec.code != 0 || !strings.Contains(rec.stdout, p.want) {
					t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
				}
			})
		})
	}
}

// C threads with a mutex and a condition variable.
func TestPthreadsReplay(t *testing.T) {
	prog := compileC(t, "pthreads.c", "-pthread")
	rec, _, _ := recordReplay(t, nil, nil, prog)
	if rec.code != 0 || !strings.Contains(rec.stdout, "total 820\n") {
		t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
	}
}

// Acceptance scenario 7: nthread and bthread move to the other side of
// the nearest thread switch, and the location says which thread runs.
func TestThreadSwitches(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/threads_queue.py")
		sh.do("break 13")
		thread := func(out string) string {
			t.Helper()
			m := regexp.MustCompile(`(?m)^File ".*", line \d+ in \S+ \(thread (\d+) of (\d+)\):$`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no thread in the location:\n%s", out)
			}
			if n, _ := strconv.Atoi(m[2]); n < 2 {
				t.Fatalf("no thread in the location:\n%s", out)
			}
			return m[1]
		}
		worker, at := thread(sh.do("continue")), sh.now
		// threads lists the main thread first, and marks the present's.
		list := sh.do("threads")
		current := regexp.MustCompile(`(?m)^\* thread (\d+): File ".*threads_queue.py", line 13 in worker$`).FindStringSubmatch(list)
		if current == nil || current[1] != worker || !regexp.MustCompile(`^  main thread \d+: File `).MatchString(list) ||
			strings.Count(list, "\n") < 2 {
			t.Errorf("threads at the worker's line 13 (thread %s):\n%s", worker, list)
		}
		sh.do("delete 1")
		other, switched := thread(sh.do("nthread")), sh.now
		if other == worker || switched <= at {
			t.Errorf("nthread from thread %s at %d: thread %s at %d", worker, at, other, switched)
		}
		if back := thread(sh.do("bthread")); back != worker || sh.now != switched-1 {
			t.Errorf("bthread from %d: thread %s at %d, want thread %s at %d", switched, back, sh.now, worker, switched-1)
		}
		if again := thread(sh.do("nthread")); again != other || sh.now != switched {
			t.Errorf("nthread again: thread %s at %d, want %s at %d", again, sh.now, other, switched)
		}
		sh.quit()
	})
}
