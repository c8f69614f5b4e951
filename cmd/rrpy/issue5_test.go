//go:build linux && amd64

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"rrpy/internal/pythons"
)

// The probe is rrpy's clock: loops that make no syscall are stopped at a
// stop point to deliver a signal or to let another thread run, and replay
// stops them at the same one.
func TestProbeIsRrpysClock(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		for _, prog := range []string{"alarm_spin.py", "spin_wait.py", "gil_printer.py"} {
			t.Run(prog, func(t *testing.T) {
				rec, _, dir := recordReplay(t, nil, nil, py, testdata(t, "py/"+prog))
				if rec.code != 0 {
					t.Fatalf("recording exited %d: %s", rec.code, rec.stderr)
				}
				if dump := rrpy(t, nil, "dump", dir); !strings.Contains(dump.stdout, "stopped at stop point") {
					t.Errorf("no tick in the trace of %s", prog)
				}
				if prog == "gil_printer.py" {
					before, _, _ := strings.Cut(rec.stdout, "computed")
					if n := len(regexp.MustCompile(`(?m)^tick \d+$`).FindAllString(before, -1)); n < 3 {
						t.Errorf("the printer printed %d lines while the other thread computed, want it to keep printing:\n%s", n, rec.stdout)
					}
				}
			})
		}
	})
}

// Acceptance scenario 1, navigation: continue to the end (line 14), bstep
// to line 13 one stop point earlier, go back and forth, a breakpoint hit
// in both directions; a second replay gives the same times.
func TestSeedDemoNavigation(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rec := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/seed_demo.py"))
		if rec.code != 1 || rec.stdout != "oops!\n" {
			t.Fatalf("recording: exit %d, printed %q", rec.code, rec.stdout)
		}
		first := seedDemoSession(t, dir)
		second := seedDemoSession(t, dir)
		if first != second {
			t.Errorf("times differ between two replays: %v then %v", first, second)
		}
	})
}

// seedDemoSession runs scenario 1's moves and returns the times it saw.
func seedDemoSession(t *testing.T, dir string) string {
	sh := startShell(t, dir)
	if line, marked := location(t, sh.opening); line != 1 || marked != "> import os" {
		t.Errorf("the shell opened at line %d (%q), want the first line of seed_demo.py", line, marked)
	}
	t0 := sh.now
	out := sh.do("continue")
	t1 := sh.now
	printed := regexp.MustCompile(`(?m)^oops!$`)
	if n := len(printed.FindAllString(out, -1)); n != 1 {
		t.Errorf("the program's output was shown %d times on the way to the end:\n%s", n, out)
	}
	if line, marked := location(t, out); line != 14 || marked != ">         os._exit(1)" || !strings.Contains(out, "seed_demo.py") {
		t.Fatalf("continue stopped at line %d (%q):\n%s", line, marked, out)
	}
	out = sh.do("bstep")
	if line, marked := location(t, out); line != 13 || marked != ">         print('oops!')" || sh.now != t1-1 {
		t.Errorf("bstep: line %d (%q) at %d, want line 13 at %d:\n%s", line, marked, sh.now, t1-1, out)
	}
	out = sh.do(fmt.Sprintf("go %d", t1))
	if line, _ := location(t, out); line != 14 || sh.now != t1 {
		t.Errorf("go %d: line %d at %d", t1, line, sh.now)
	}
	if out = sh.do("break 9"); !strings.Contains(out, "Breakpoint 1 at ") || !strings.HasSuffix(strings.TrimSpace(out), "seed_demo.py:9") {
		t.Errorf("break 9 said %q", out)
	}
	out = sh.do("bcontinue")
	t3 := sh.now
	if line, marked := location(t, out); line != 9 || marked != ">     x.value += 1" || !strings.Contains(out, "Reverse-hit breakpoint 1") || t3 >= t1 {
		t.Errorf("bcontinue: line %d (%q) at %d (from %d):\n%s", line, marked, t3, t1, out)
	}
	out = sh.do("bcontinue")
	t4 := sh.now
	if line, _ := location(t, out); line != 9 || t4 >= t3 {
		t.Errorf("second bcontinue: line %d at %d (from %d):\n%s", line, t4, t3, out)
	}
	out = sh.do("continue")
	if line, _ := location(t, out); line != 9 || sh.now != t3 || !strings.Contains(out, "Hit breakpoint 1") {
		t.Errorf("continue from %d: line %d at %d, want the hit at %d:\n%s", t4, line, sh.now, t3, out)
	}
	sh.do("delete 1")
	sh.do(fmt.Sprintf("go %d", t0))
	if sh.now != t0 {
		t.Errorf("go %d went to %d", t0, sh.now)
	}
	if out := sh.do("continue"); sh.now != t1 || printed.MatchString(out) {
		t.Errorf("continue without breakpoints went to %d (the end is %d), showing the output again?\n%s", sh.now, t1, out)
	}
	sh.quit()
	return fmt.Sprint(t0, t1, t3, t4)
}

// Acceptance scenario 2: from the end, bstep back to `x = 7 * 10`, where
// x is 60; one stop point earlier it is 50. 60 and 50 are CPython's
// cached small ints: objects the program has, so p names them $N.
func TestStartReverseStepping(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "py/start.py"))
		sh := startShell(t, dir)
		sh.do("continue")
		var out string
		for i := 0; ; i++ {
			if i == 2000 {
				t.Fatalf("2000 bsteps did not reach `x = 7 * 10`")
			}
			out = sh.do("bstep")
			if _, marked := location(t, out); marked == "> x = 7 * 10" {
				break
			}
		}
		if locals := sh.do("locals"); !strings.Contains(locals, "x = 60\n") {
			t.Errorf("at `x = 7 * 10`, locals says:\n%s", locals)
		}
		if p := sh.do("p x"); !regexp.MustCompile(`^\$\d+ = 60\n$`).MatchString(p) {
			t.Errorf("at `x = 7 * 10`, p x says %q", p)
		}
		at := sh.now
		out = sh.do("bstep")
		if _, marked := location(t, out); marked != "> x = 6 * 10" || sh.now != at-1 {
			t.Errorf("bstep from %d: %q at %d", at, marked, sh.now)
		}
		if p := sh.do("p x"); !regexp.MustCompile(`^\$\d+ = 50\n$`).MatchString(p) {
			t.Errorf("at `x = 6 * 10`, p x says %q", p)
		}
		sh.quit()
	})
}

// next, finish and their backward forms, bt and list in a function.
func TestNextFinishInFunctions(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "py/calls.py"))
		sh := startShell(t, dir)
		expectLine := func(cmd string, want int) string {
			t.Helper()
			out := sh.do(cmd)
			if line, _ := location(t, out); line != want {
				t.Fatalf("%s stopped at line %d, want %d:\n%s", cmd, line, want, out)
			}
			return out
		}
		if out := sh.do("break square"); !strings.Contains(out, "Breakpoint 1 at square()") {
			t.Errorf("break square said %q", out)
		}
		if out := expectLine("continue", 5); !strings.Contains(out, "Hit breakpoint 1: square()") {
			t.Errorf("continue to square:\n%s", out)
		}
		if bt := sh.do("bt"); !strings.Contains(bt, "line 10 in total") || !strings.Contains(bt, "in square") {
			t.Errorf("bt:\n%s", bt)
		}
		if l := sh.do("list"); !strings.Contains(l, ">    5 ") {
			t.Errorf("list has no marker at line 5:\n%s", l)
		}
		out := expectLine("finish", 5)
		if _, marked := location(t, out); !strings.HasPrefix(marked, "<< ") {
			t.Errorf("finish did not stop at the return: %q", marked)
		}
		expectLine("next", 9) // back in total, its loop's next turn
		expectLine("next", 10)
		expectLine("bnext", 9)
		expectLine("bfinish", 14)
		if out := sh.do("bfinish"); !strings.Contains(out, "No caller.") {
			t.Errorf("bfinish at the top:\n%s", out)
		}
		sh.quit()
	})
}

// list shows the source as recorded, even after the file changed.
func TestListShowsRecordedSource(t *testing.T) {
	py := anyPython(t)
	src := filepath.Join(t.TempDir(), "app.py")
	if err := os.WriteFile(src, []byte("a = 1\nb = a + 1\nprint(b)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "trace")
	if rec := rrpy(t, nil, "record", "-o", dir, "--", py, src); rec.stdout != "2\n" {
		t.Fatalf("recording printed %q: %s", rec.stdout, rec.stderr)
	}
	if err := os.Remove(src); err != nil {
		t.Fatal(err)
	}
	sh := startShell(t, dir)
	if !strings.Contains(sh.opening, "> a = 1") {
		t.Errorf("opening location without the recorded source:\n%s", sh.opening)
	}
	if l := sh.do("list"); !strings.Contains(l, "b = a + 1") {
		t.Errorf("list after the file was deleted:\n%s", l)
	}
	sh.quit()
}

// Bad input in the shell: one clear line each, and the shell goes on.
func TestShellBadInput(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, py, testdata(t, "py/calls.py"))
	sh := startShell(t, dir)
	start := sh.now
	for cmd, want := range map[string]string{
		"frobnicate":   "no command 'frobnicate', try 'help'",
		"break":        "No breakpoints.", // pdb's break lists them
		"delete 99":    "No breakpoint number 99.",
		"go banana":    "go needs a time (a number) or a mark's name, got 'banana'",
		"break 100":    "End of file",
		"break 2":      "Blank or comment",
		"condition 99": "No breakpoint number 99.",
		"up":           "*** Oldest frame\n",
		"down":         "*** Newest frame\n",
		"retval":       "*** Not yet returned!",
		"until 0":      "is not past the current line",
	} {
		if out := sh.do(cmd); !strings.Contains(out, want) {
			t.Errorf("%s: got %q, want %q", cmd, out, want)
		}
	}
	sh.do("go 0")
	if sh.now != start {
		t.Errorf("go 0 went to %d, the start is %d", sh.now, start)
	}
	sh.do("go 99999999999")
	end := sh.now
	sh.do("continue")
	if sh.now != end {
		t.Errorf("go past the end went to %d, continue to %d", end, sh.now)
	}
	if rest := sh.quit(); strings.Contains(rest, "panic") {
		t.Errorf("quit printed %s", rest)
	}
}

// clocks are the stop-point clocks an interpreter can record with: the
// trace function always, sys.monitoring's callbacks from 3.12.
func clocks(in pythons.Interpreter) []string {
	if in.Minor < 12 {
		return []string{"settrace"}
	}
	return []string{"settrace", "monitoring"}
}

// A program's own sys.settrace replaces the settrace clock in its thread,
// and rrpy says where, when recording and when replaying; the monitoring
// clock goes on counting: no warning, and the shell travels past it.
func TestSettraceIsReported(t *testing.T) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		for _, clock := range clocks(in) {
			dir := filepath.Join(t.TempDir(), "trace")
			rec := rrpy(t, nil, "record", "--clock", clock, "-o", dir, "--", in.Path, testdata(t, "py/settrace.py"))
			rep := rrpy(t, nil, "replay", "--autopilot", dir)
			if rec.code != 0 || rep.stdout != rec.stdout {
				t.Fatalf("%s clock: recorded %+v, replayed %+v", clock, rec, rep)
			}
			const said = "settrace.py line 10 calls sys.settrace, which replaces rrpy's probe"
			for what, stderr := range map[string]string{"recording": rec.stderr, "replay": rep.stderr} {
				if reported := strings.Contains(stderr, said); reported != (clock == "settrace") {
					t.Errorf("%s clock, %s: said %q: %v:\n%s", clock, what, said, reported, stderr)
				}
			}
			if clock == "settrace" {
				continue
			}
			sh := startShell(t, dir)
			sh.do("break 12")
			if out := sh.do("continue"); !strings.Contains(out, "Hit breakpoint 1") {
				t.Errorf("after sys.settrace, continue to line 12:\n%s", out)
			}
			if p := sh.do("p y"); !regexp.MustCompile(`^\$\d+ = 2\n$`).MatchString(p) {
				t.Errorf("at line 12, p y says %q", p)
			}
			sh.quit()
		}
	})
}

// sys.monitoring, from 3.12: a program that uses a tool of its own (as
// coverage.py does) shares nothing with rrpy's clock, whichever it is;
// one that takes the monitoring clock's tool over is told where.
func TestProgramsOwnMonitoring(t *testing.T) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		if in.Minor < 12 {
			t.Skip("sys.monitoring is new in CPython 3.12")
		}
		for _, clock := range clocks(in) {
			dir := filepath.Join(t.TempDir(), "trace")
			rec := rrpy(t, nil, "record", "--clock", clock, "-o", dir, "--", in.Path, testdata(t, "py/monitoring_coverage.py"))
			if rec.stdout != "total 30 lines seen 6\n" || strings.Contains(rec.stderr, "warning") {
				t.Errorf("%s clock, the program's own tool 1: printed %q; stderr:\n%s", clock, rec.stdout, rec.stderr)
			}
			sh := startShell(t, dir)
			sh.do("break square")
			for i := range 5 {
				if out := sh.do("continue"); !strings.Contains(out, "Hit breakpoint 1") {
					t.Fatalf("%s clock: call %d of square not hit:\n%s", clock, i, out)
				}
			}
			if p := sh.do("p n"); !regexp.MustCompile(`^\$\d+ = 4\n$`).MatchString(p) {
				t.Errorf("%s clock: in the last call of square, p n says %q", clock, p)
			}
			sh.quit()
		}

		dir := filepath.Join(t.TempDir(), "trace")
		rec := rrpy(t, nil, "record", "--clock", "monitoring", "-o", dir, "--", in.Path, testdata(t, "py/monitoring_takeover.py"))
		rep := rrpy(t, nil, "replay", "--autopilot", dir)
		const said = "monitoring_takeover.py line 11 registers a callback for sys.monitoring's tool 4, rrpy's clock"
		if !strings.Contains(rec.stdout, "refused: tool 4 is already in use") || rep.stdout != rec.stdout {
			t.Errorf("use_tool_id(4) in the program: printed %q, replayed %q", rec.stdout, rep.stdout)
		}
		for what, stderr := range map[string]string{"recording": rec.stderr, "replay": rep.stderr} {
			if !strings.Contains(stderr, said) {
				t.Errorf("%s did not say %q:\n%s", what, said, stderr)
			}
		}
	})
}

// The two clocks count the same stop points (the monitoring clock makes a
// same-line backward jump a line start, as sys.settrace does), so a trace
// travels the same under either.
func TestClocksAgree(t *testing.T) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		if in.Minor < 12 {
			t.Skip("sys.monitoring is new in CPython 3.12")
		}
		for _, prog := range []string{"py/loops.py", "py/seed_demo.py"} {
			var walks []string
			for _, clock := range clocks(in) {
				dir := filepath.Join(t.TempDir(), "trace")
				if r := rrpy(t, nil, "record", "--clock", clock, "-o", dir, "--", in.Path, testdata(t, prog)); r.code != 0 && prog == "py/loops.py" {
					t.Fatalf("%s clock: %+v", clock, r)
				}
				sh := startShell(t, dir)
				walk := fmt.Sprintf("start %d", sh.now)
				for range 60 {
					out := sh.do("step")
					if strings.Contains(out, "End of the recording") {
						walk += fmt.Sprintf(", end %d", sh.now)
						break
					}
					line, _ := location(t, out)
					walk += fmt.Sprintf(", %d:%d", sh.now, line)
				}
				walks = append(walks, walk)
				sh.quit()
			}
			if walks[0] != walks[1] {
				t.Errorf("%s: stepping under settrace\n%s\nunder monitoring\n%s", prog, walks[0], walks[1])
			}
		}
	})
}

// Threads started by the program get the probe: a breakpoint in a worker
// thread's function is hit, and the banner names the thread.
func TestBreakpointInThread(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "py/threads_queue.py"))
		sh := startShell(t, dir)
		sh.do("break 13")
		out := sh.do("continue")
		if line, marked := location(t, out); line != 13 || !strings.Contains(marked, "results.append((n, item * item))") {
			t.Fatalf("continue to the worker's line 13:\n%s", out)
		}
		if bt := sh.do("bt"); !strings.Contains(bt, "in worker") || !strings.Contains(bt, "in _bootstrap") {
			t.Errorf("bt in a worker thread:\n%s", bt)
		}
		first := sh.now
		sh.do("continue")
		sh.do("bcontinue")
		if sh.now != first {
			t.Errorf("continue then bcontinue went to %d, want %d", sh.now, first)
		}
		sh.quit()
	})
}

// Ctrl-C during a long continue stops it at a valid stop point, and the
// shell goes on from there.
func TestInterruptedContinue(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, py, testdata(t, "../bench/workloads.py"), "stops", "60000000")
	sh := startShell(t, dir)
	out := sh.interrupt("continue", 500*time.Millisecond)
	if line, _ := location(t, out); line != 61 && line != 62 {
		t.Errorf("interrupted at line %d, want inside the loop:\n%s", line, out)
	}
	stopped := sh.now
	sh.do("bstep")
	if sh.now != stopped-1 {
		t.Errorf("bstep after the interrupt went to %d, want %d", sh.now, stopped-1)
	}
	sh.do("continue")
	if sh.now <= stopped {
		t.Errorf("continue after the interrupt went to %d, from %d", sh.now, stopped)
	}
	sh.quit()
}
