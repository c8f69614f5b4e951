//go:build linux && amd64

package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A main script that dies of an uncaught exception: continue stops where
// it was raised, in the innermost frame, with the whole stack there; the
// traceback and the shutdown stay reachable; travel works from there.
func TestUncaughtException(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		if r := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/uncaught.py")); r.code != 1 ||
			!strings.Contains(r.stderr, "KeyError: 'sku-17'") {
			t.Fatalf("recording: %+v", r)
		}
		sh := startShell(t, dir)
		expectStop(t, sh, "continue", "Uncaught exception: KeyError: 'sku-17'\n", 13, "!!     left = STOCK[sku]")
		failure := sh.now
		bt := sh.do("bt")
		for _, frame := range []string{"line 19 in <module>", "line 9 in reserve", "line 13 in take"} {
			if !strings.Contains(bt, frame) {
				t.Errorf("bt at the failure lacks %q:\n%s", frame, bt)
			}
		}
		expectOut(t, sh, "p sku", "$0 = 'sku-17'\n")
		expectOut(t, sh, "p STOCK", "$1 = {'sku-1': 1, 'sku-2': -1}\n")
		// Back to where STOCK['sku-1'] last changed, and forward again.
		expectOut(t, sh, "watch $1['sku-1']", "Watchpoint 1 added\nupdating watchpoint value: $1['sku-1'] => 1\n")
		expectStop(t, sh, "bcontinue", "updating watchpoint value: $1['sku-1'] => 2\nReverse-hit watchpoint 1: $1['sku-1']", 14, ">     STOCK[sku] = left - 1")
		sh.do("delete 1")
		expectStop(t, sh, "continue", "Uncaught exception: KeyError: 'sku-17'\n", 13, "!!     left = STOCK[sku]")
		if sh.now != failure {
			t.Errorf("the second continue stopped at %d, the first at %d", sh.now, failure)
		}
		// On: the frames unwind, then the traceback and the shutdown.
		expectStop(t, sh, "step", "", 9, "!!         take(item)")
		out := sh.do("continue")
		if !strings.Contains(out, "KeyError: 'sku-17'\nThe program is shutting down.\nEnd of the recording.\n") {
			t.Errorf("continue after the failure said:\n%s", out)
		}
		sh.do("bcontinue")
		expectStop(t, sh, "continue", "Uncaught exception: KeyError: 'sku-17'\n", 13, "")
		sh.quit()

		// The exception the script died of was raised in load, after
		// parse's ValueError was caught.
		dir = filepath.Join(t.TempDir(), "trace")
		rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/uncaught_chain.py"))
		sh = startShell(t, dir)
		expectStop(t, sh, "continue", "Uncaught exception: RuntimeError: bad item 'x'\n", 15, `!!             raise RuntimeError(f"bad item {s!r}")`)
		sh.quit()
	})
}

// A main script that ends by itself stops at its last stop point, then
// the shutdown; sys.exit says what it was.
func TestMainScriptEnd(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/start.py")
		out := sh.do("continue")
		if !strings.HasPrefix(out, "End of the main script.\n") || !strings.Contains(out, "start.py") {
			t.Errorf("continue said:\n%s", out)
		}
		end := sh.now
		sh.do("bstep")
		if sh.do("continue"); sh.now != end {
			t.Errorf("continue from before the end stopped at %d, not at %d", sh.now, end)
		}
		if out := sh.do("continue"); !strings.Contains(out, "End of the recording.") {
			t.Errorf("the second continue said:\n%s", out)
		}
		sh.quit()

		dir := filepath.Join(t.TempDir(), "trace")
		if r := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/sysexit.py")); r.code != 3 {
			t.Fatalf("sys.exit(3): %+v", r)
		}
		sh = startShell(t, dir)
		expectStop(t, sh, "continue", "The main script ended by SystemExit (sys.exit), or by an exception Python did not keep.\n", 10, "!! main()")
		sh.quit()
	})
}

// A recording cut off while the program runs (rrpy killed with SIGKILL):
// the shell opens, continue ends at the last stop point the trace holds,
// and everything works there and before.
func TestCutOffRecording(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		cmd, lines, _ := startRecording(t, dir, py, testdata(t, "py/ticker.py"))
		// Half a second in: the trace's chunks (written every 0.2 s) hold
		// some of the main script by then.
		for i := 0; i < 100 && lines.Scan(); i++ {
		}
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		sh := startShell(t, dir)
		out := sh.do("continue")
		if !strings.Contains(out, "The recording was cut off here.\n") || !strings.Contains(out, "ticker.py") {
			t.Fatalf("continue in a cut-off recording said:\n%s", out)
		}
		end := sh.now
		if bt := sh.do("bt"); !strings.Contains(bt, "ticker.py") {
			t.Errorf("bt at the cut:\n%s", bt)
		}
		if list := sh.do("list"); !strings.Contains(list, `print("tick", state["n"], flush=True)`) {
			t.Errorf("list at the cut:\n%s", list)
		}
		p := sh.do("p state")
		m := regexp.MustCompile(`^\$(\d+) = \{'n': (\d+)\}\n$`).FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("p state at the cut: %q", p)
		}
		if out := sh.do("locals"); !strings.Contains(out, "state = {'n': "+m[2]+"}\n") {
			t.Errorf("locals at the cut:\n%s", out)
		}
		w := "$" + m[1] + "['n']"
		expectOut(t, sh, "watch "+w, "Watchpoint 1 added\nupdating watchpoint value: "+w+" => "+m[2]+"\n")
		n, _ := strconv.Atoi(m[2])
		expectStop(t, sh, "bcontinue", fmt.Sprintf("updating watchpoint value: %s => %d\nReverse-hit watchpoint 1: %s", w, n-1, w),
			9, `>     state["n"] += 1`)
		sh.do("delete 1")
		if out := sh.do("continue"); !strings.Contains(out, "The recording was cut off here.") || sh.now != end {
			t.Errorf("continue again went to %d (the cut is at %d):\n%s", sh.now, end, out)
		}
		sh.quit()
		rep := rrpy(t, nil, "replay", "--autopilot", dir)
		if !strings.Contains(rep.stderr, "the recording ended early") {
			t.Errorf("autopilot of a cut-off recording: %+v", rep)
		}
	})
}

// A -c program opens at its first line, its source is the command.
func TestCommandProgram(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, "-c", "x = 6\ny = x * 7\nprint(y)")
		sh := startShell(t, dir)
		if line, marked := location(t, sh.opening); line != 1 || marked != "> x = 6" {
			t.Fatalf("the shell opened at line %d (%q):\n%s", line, marked, sh.opening)
		}
		expectOut(t, sh, "break 3", "Breakpoint 1 at <string>:3\n")
		expectStop(t, sh, "continue", "Hit breakpoint 1: <string>:3\n", 3, "> print(y)")
		expectOut(t, sh, "bt", "Current call stack (most recent call last):\n> File \"<string>\", line 3 in <module>\n    print(y)\n")
		expectOut(t, sh, "p y", "$0 = 42\n")
		sh.quit()
	})
}

// Replay shows what the program wrote to its stdout and stderr where they
// are: not what went to a file dup2 put on fd 1 (repro dup2.py), and
// what a dup of fd 1 wrote.
func TestReplayOutputFollowsDup(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rec := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/dup2_output.py"))
		want := "visible; the file holds b'this went to a temp file, not the terminal\\n'\n"
		if rec.code != 0 || rec.stdout != want {
			t.Fatalf("recording: exit %d, printed %q", rec.code, rec.stdout)
		}
		if rep := rrpy(t, nil, "replay", "--autopilot", dir); rep.code != 0 || rep.stdout != want {
			t.Errorf("replay printed %q, the recording %q", rep.stdout, want)
		}
	})
}

// A program that reads its own memory with process_vm_readv gets the
// bytes, and replay gives it the same (repro vm_readv.py).
func TestProcessVMReadvSelf(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/vm_readv_self.py"))
		if rec.code != 0 || rec.stdout != "b'hello'\n" {
			t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
		}
	})
}

// posix_spawn of a program that does not exist fails as it does without
// rrpy (its child tells the parent through their shared memory), one that
// exists runs, and replay prints the same.
func TestPosixSpawn(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/posix_spawn.py"))
		want := "OSError: [Errno 2] No such file or directory: '/no/such/program'\ntrue exited with 0\n"
		if rec.code != 0 || rec.stdout != want {
			t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
		}
	})
}

// The first line of /proc/self/maps is the executable's, recorded as
// without rrpy: the probe's page is mapped above it.
func TestProbeAfterExecutableInMaps(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/maps_first_line.py"))
		if rec.code != 0 || rec.stdout != "first mapping is the executable: True\n" {
			t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
		}
	})
}

// A file mapped shared and writable (multiprocessing's semaphores) is
// memory other processes write without the program making a syscall:
// the processes that share it are recorded with it, their changes
// recorded where the program finds them, and nothing is left to warn of.
func TestSharedSemaphoreReplays(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/shared_semaphore.py"))
		if rec.code != 0 || rec.stdout != "acquired: True\n" {
			t.Fatalf("recording: exit %d, printed %q, stderr %s", rec.code, rec.stdout, rec.stderr)
		}
		if strings.Contains(rec.stderr, "warning") {
			t.Errorf("rrpy warned:\n%s", rec.stderr)
		}
	})
}
