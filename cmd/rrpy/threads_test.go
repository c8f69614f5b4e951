//go:build linux && amd64

package main

import (
	"strings"
	"testing"
)

// Threads record and replay byte for byte: one runs user code at a time,
// switched at syscalls, and replay follows the recorded order.
func TestThreadsReplay(t *testing.T) {
	programs := []struct {
		script, want string
	}{
		{"py/threads_queue.py", "200 2646700 [0, 1, 2]\n"},
		{"py/thread_pool.py", "1000 "},
		{"py/sleepers.py", "joined 1\n"},
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
