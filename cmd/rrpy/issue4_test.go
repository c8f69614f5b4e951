//go:build linux && amd64

package main

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// Signals, children and the ways a program ends record and replay byte
// for byte, stderr included (tracebacks), under both CPython builds.
func TestSignalsChildrenAndExitsReplay(t *testing.T) {
	programs := []struct {
		script string
		code   int
		want   string
	}{
		{"py/signal_alarm.py", 0, "alarm fired 1 True\n"},
		{"py/signal_itimer.py", 0, "ticks 5 True\n"},
		{"py/signal_term.py", 5, "handled ['TERM']\nsigchld True\nsystem status 0\n"},
		{"py/thread_exits.py", 3, "after the thread's exception\nending from a thread\n"},
	}
	for _, p := range programs {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(p.script, "py/"), ".py"), func(t *testing.T) {
			forEachPython(t, func(t *testing.T, py string) {
				rec, rep, _ := recordReplay(t, nil, nil, py, testdata(t, p.script))
				if rec.code != p.code || rec.stdout != p.want {
					t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
				}
				if got, want := rep.stderr, programStderr(rec.stderr); got != want {
					t.Errorf("replay's stderr\n%s\ndiffers from the recording's\n%s", got, want)
				}
			})
		})
	}
}

// A C program's own SIGSEGV handler: the fault recurs on replay by itself
// and is delivered once, as recorded.
func TestSynchronousSignalReplays(t *testing.T) {
	rec, _, _ := recordReplay(t, nil, nil, compileC(t, "sigsegv.c"))
	if rec.code != 3 || !strings.Contains(rec.stdout, "recovered from fault 3\n") {
		t.Fatalf("recording: exit %d, printed %q", rec.code, rec.stdout)
	}
}

// fork, a pipe and waitpid in C: the child runs only while recording.
func TestCForkReplays(t *testing.T) {
	rec, _, _ := recordReplay(t, nil, nil, compileC(t, "fork.c"))
	if rec.code != 0 || rec.stdout != "child said 'hello through the pipe' and exited 42\n" {
		t.Fatalf("recording: exit %d, printed %q", rec.code, rec.stdout)
	}
}

// Outside Python there is no probe to stop a spinning thread at: a C
// thread that spins without syscalls while another waits keeps the CPU,
// and rrpy says so instead of hanging silently.
func TestSpinningThreadIsReported(t *testing.T) {
	cmd, _, stderr := startRecording(t, t.TempDir()+"/trace", compileC(t, "spin.c", "-pthread"))
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "without a syscall while others wait") {
		if time.Now().After(deadline) {
			t.Fatalf("no warning after 20s; stderr: %s", stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
}

// A recording whose threads wait for ever for a spinning one stops at the
// stall limit, says why, and keeps a trace that replays up to there.
func TestStalledRecordingStops(t *testing.T) {
	dir := t.TempDir() + "/trace"
	rec := rrpy(t, nil, "record", "--stall-limit", "6s", "-o", dir, "--", compileC(t, "spin.c", "-pthread"))
	if rec.code != 1 || !strings.Contains(rec.stderr, "without a syscall while others wait") ||
		!strings.Contains(rec.stderr, "rrpy: recording stopped: a thread ran without a syscall or a Python stop point") {
		t.Fatalf("record exited %d; stderr: %s", rec.code, rec.stderr)
	}
	rep := rrpy(t, nil, "replay", "--autopilot", dir)
	if !strings.Contains(rep.stderr, "the recording ended early") {
		t.Errorf("replay exited %d; stderr: %s", rep.code, rep.stderr)
	}
}

// programStderr is what the program itself wrote to stderr during a
// recording: rrpy's own lines removed.
func programStderr(s string) string {
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(line, "rrpy: ") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// Threads that all wait in the kernel are not spinning: no warning.
func TestBlockedThreadsAreNotReportedAsSpinning(t *testing.T) {
	if testing.Short() {
		t.Skip("sleeps 6 seconds; skipped in -short mode")
	}
	rec, _, _ := recordReplay(t, nil, nil, anyPython(t), testdata(t, "py/long_sleep.py"))
	if rec.stdout != "joined\n" || strings.Contains(rec.stderr, "without a syscall") {
		t.Fatalf("recording: printed %q; stderr %s", rec.stdout, rec.stderr)
	}
}
