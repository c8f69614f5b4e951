//go:build linux && amd64

package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// Ctrl-C at the terminal reaches the recorded program as it would without
// rrpy (KeyboardInterrupt, then death by SIGINT), the trace is finished,
// and replay shows the same traceback and the same death.
func TestCtrlCReachesProgram(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		cmd, lines, stderr := startRecording(t, dir, py, testdata(t, "py/countdown.py"), "100000")
		for i := 0; i < 20 && lines.Scan(); i++ {
		}
		// The terminal sends SIGINT to the whole foreground process group.
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		for lines.Scan() {
		}
		_ = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 128+int(syscall.SIGINT) {
			t.Fatalf("rrpy record exited %d, want 130 as the program; stderr %s", code, stderr)
		}
		if !strings.Contains(stderr.String(), "KeyboardInterrupt") {
			t.Fatalf("the program did not get KeyboardInterrupt: %s", stderr)
		}
		rep := rrpy(t, nil, "replay", "--autopilot", dir)
		if rep.code != 130 || !strings.Contains(rep.stderr, "KeyboardInterrupt") {
			t.Fatalf("replay: exit %d, stderr %s", rep.code, rep.stderr)
		}
		recorded := stderr.String()
		if i := strings.Index(recorded, "Traceback"); i < 0 || !strings.Contains(rep.stderr, recorded[i:strings.Index(recorded, "KeyboardInterrupt")]) {
			t.Errorf("replay's traceback differs:\n%s\nrecorded:\n%s", rep.stderr, recorded)
		}
	})
}

// SIGINT sent to rrpy alone (not the terminal's, which the program gets
// too) stops the recording after a grace period; the trace keeps what was
// recorded and replays up to there.
func TestSIGINTToRecorderStopsIt(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	cmd, lines, _ := startRecording(t, dir, py, testdata(t, "py/countdown.py"), "100000")
	for i := 0; i < 20 && lines.Scan(); i++ {
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("a stopped recording exited 0")
	}
	rep := rrpy(t, nil, "replay", "--autopilot", dir)
	if rep.code == 0 || !strings.Contains(rep.stderr, "the recording ended early") || !strings.Contains(rep.stdout, "tick 18\n") {
		t.Fatalf("replay: exit %d, printed %d bytes, stderr %s", rep.code, len(rep.stdout), rep.stderr)
	}
}

// kill -INT of the recorded program from outside: KeyboardInterrupt while
// recording, and the same traceback and death on replay.
func TestKillINTFromOutsideReplays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	code, stderr := recordCountdownUntil(t, dir, syscall.SIGINT)
	if code != 130 {
		t.Fatalf("rrpy record exited %d, want 130; stderr %s", code, stderr)
	}
	rep := rrpy(t, nil, "replay", "--autopilot", dir)
	if rep.code != 130 || rep.stderr != programStderr(stderr) {
		t.Fatalf("replay: exit %d, stderr\n%s\nrecorded\n%s", rep.code, rep.stderr, programStderr(stderr))
	}
}

// A signal sent to a non-main thread blocked in a syscall (pthread_kill)
// is handled once, recorded and replayed: replay sends it to that thread
// of the replayed process, where the recording got it, though other
// threads' events came between (repro tsig2.py).
func TestSignalToThread(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rec := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/signal_thread.py"))
		if rec.code != 0 || rec.stdout != "handled 1\n" {
			t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
		}
		if rep := rrpy(t, nil, "replay", "--autopilot", dir); rep.code != 0 || rep.stdout != rec.stdout {
			t.Errorf("replay: exit %d, printed %q, stderr %s", rep.code, rep.stdout, rep.stderr)
		}
	})
}

// A signal with no handler (SIGCHLD) interrupts a blocked poll, which the
// kernel finishes with restart_syscall: replay gives the program the
// revents the restarted poll wrote, and runs on as the recording did.
func TestRestartedPoll(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, dir := recordReplay(t, nil, nil, py, testdata(t, "py/poll_restart.py"))
		if rec.code != 0 || rec.stdout != "(b'', b'')\n" {
			t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
		}
		if dump := rrpy(t, nil, "dump", dir); !strings.Contains(dump.stdout, "restart_syscall() = ") {
			t.Errorf("the recording has no restarted poll: the test did not test it\n%s", dump.stdout)
		}
	})
}

// A signal that interrupted one thread's wait and was taken by another
// thread (any thread may take a SIGCHLD): the kernel restarted the wait,
// and replay restarts it too rather than give the program the kernel's
// restart code (glibc aborted the program).
func TestSignalTakenByAnotherThread(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		// Which thread takes each SIGCHLD is the kernel's choice: a
		// recording may have no such call, and is made again (most have).
		for try := 1; ; try++ {
			rec, _, dir := recordReplay(t, nil, nil, py, testdata(t, "py/stolen_signal.py"))
			if rec.code != 0 || rec.stdout != "done\n" {
				t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
			}
			if interruptedWithoutSignal(rrpy(t, nil, "dump", dir).stdout) > 0 {
				return
			}
			if try == 4 {
				t.Fatalf("in %d recordings, no thread's call was interrupted for a signal another thread took: the test did not test it", try)
			}
		}
	})
}

// interruptedWithoutSignal counts, in rrpy dump's lines, the calls a
// signal interrupted (the result "-", a restart code) after which their
// thread did something other than take a signal.
func interruptedWithoutSignal(dump string) int {
	line := regexp.MustCompile(`^\s*\d+\s+(\d+) (.*)$`)
	interrupted, n := map[string]bool{}, 0
	for _, l := range strings.Split(dump, "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		tid, what := m[1], m[2]
		if interrupted[tid] && !strings.HasPrefix(what, "signal ") {
			n++
		}
		interrupted[tid] = strings.HasSuffix(what, ") = -")
	}
	return n
}
