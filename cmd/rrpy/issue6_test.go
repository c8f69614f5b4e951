//go:build linux && amd64

package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Acceptance scenario 1, the whole session: p names program objects $N,
// a watchpoint on $0.value finds, backward, the lines that changed it and
// the object's creation, and forward the stop point after it. A second
// replay gives the same times.
func TestSeedDemoWatch(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rec := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/seed_demo.py"))
		if rec.code != 1 || rec.stdout != "oops!\n" {
			t.Fatalf("recording: exit %d, printed %q", rec.code, rec.stdout)
		}
		first := seedDemoWatchSession(t, dir)
		if second := seedDemoWatchSession(t, dir); first != second {
			t.Errorf("times differ between two replays: %v then %v", first, second)
		}
	})
}

// expectOut checks a command's whole answer against a pattern, where
// `…` stands for anything on one line (addresses, paths).
func expectOut(t *testing.T, sh *shellDriver, cmd, want string) string {
	t.Helper()
	out := sh.do(cmd)
	pattern := strings.ReplaceAll(regexp.QuoteMeta(want), "…", `[^\n]*`)
	if !regexp.MustCompile(`^` + pattern + `$`).MatchString(out) {
		t.Errorf("%s at %d answered:\n%s\nwant:\n%s", cmd, sh.now, out, want)
	}
	return out
}

// expectStop checks a move's messages (before the location) and where it
// stopped.
func expectStop(t *testing.T, sh *shellDriver, cmd, messages string, line int, marked string) {
	t.Helper()
	out := sh.do(cmd)
	if !strings.HasPrefix(out, messages) {
		t.Errorf("%s: want the messages\n%s\ngot:\n%s", cmd, messages, out)
	}
	got, gotMarked := location(t, out)
	if got != line || (marked != "" && gotMarked != marked) {
		t.Errorf("%s stopped at line %d (%q), want line %d (%q):\n%s", cmd, got, gotMarked, line, marked, out)
	}
}

func seedDemoWatchSession(t *testing.T, dir string) string {
	sh := startShell(t, dir)
	sh.do("continue")
	t1 := sh.now
	expectOut(t, sh, "p x", "$0 = <__main__.Foo object at 0x…>\n")
	expectOut(t, sh, "p x.value", "$1 = 7\n")
	expectOut(t, sh, "p x.value + 1000", "1007\n")
	expectStop(t, sh, "bstep", "", 13, ">         print('oops!')")
	if t2 := sh.now; t2 != t1-1 {
		t.Errorf("bstep went to %d, want %d", t2, t1-1)
	}
	expectOut(t, sh, "p $0.value", "$1 = 7\n")
	expectOut(t, sh, "watch $0.value", "Watchpoint 1 added\nupdating watchpoint value: $0.value => 7\n")
	times := []uint64{sh.now}
	for _, c := range []struct {
		value  string
		line   int
		marked string
	}{
		{"6", 9, ">     x.value += 1"},
		{"5", 7, "> lst1[50].value += 1"},
		{"RuntimeError: '$0' refers to an object created later in time", 6, "> lst1 = [Foo() for i in range(100)]"},
	} {
		msg := fmt.Sprintf("updating watchpoint value: $0.value => %s\nReverse-hit watchpoint 1: $0.value\n", c.value)
		expectStop(t, sh, "bcontinue", msg, c.line, c.marked)
		if sh.now >= times[len(times)-1] {
			t.Errorf("bcontinue went from %d to %d, not back", times[len(times)-1], sh.now)
		}
		times = append(times, sh.now)
	}
	t5 := sh.now
	expectStop(t, sh, "continue", "updating watchpoint value: $0.value => 5\nHit watchpoint 1: $0.value\n", 6, "")
	if sh.now <= t5 || sh.now >= times[2] {
		t.Errorf("continue from the creation went to %d, want just after %d", sh.now, t5)
	}
	tAfter := sh.now
	// go T3 lands on line 9 again, where $0.value is 6.
	expectStop(t, sh, fmt.Sprintf("go %d", times[1]), "updating watchpoint value: $0.value => 6\n", 9, "")
	expectOut(t, sh, "p $0.value", "$… = 6\n")
	sh.quit()
	return fmt.Sprint(t1, times, tAfter)
}

// Acceptance scenario 3: p of each value at `y = x` prints Python's repr,
// with a $N since each is a program object.
func TestReprs(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/reprs.py")
		sh.do("break 6")
		for _, want := range []string{"100000000000000000000", "[5, 6, 7]", "{1: 2, 3: 4, 5: 6}",
			"<__main__.A object at 0x…>", "2.5", "'café'", `b'\x00\xff'`, "None", "(1,)", "{3}"} {
			expectStop(t, sh, "continue", "Hit breakpoint 1", 6, ">     y = x")
			expectOut(t, sh, "p x", "$… = "+want+"\n")
		}
		sh.quit()
	})
}

// Acceptance scenario 4: a watchpoint on len($0) finds the appends
// backward (at the start of the line that changed the length) and
// forward (at the stop point after it), and the list's creation; after
// its deletion $0 says it was freed.
func TestWatchLenBothDirections(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/watch_len.py")
		sh.do("continue")
		bstepUntil(t, sh, "> del lst")
		expectOut(t, sh, "p lst", "$0 = [60, 70]\n")
		expectOut(t, sh, "p len($0)", "$1 = 2\n") // 2 is a cached small int: the program has it
		expectOut(t, sh, "watch len($0)", "Watchpoint 1 added\nupdating watchpoint value: len($0) => 2\n")
		reverse := func(value string) string {
			return fmt.Sprintf("updating watchpoint value: len($0) => %s\nReverse-hit watchpoint 1: len($0)\n", value)
		}
		forward := func(value string) string {
			return fmt.Sprintf("updating watchpoint value: len($0) => %s\nHit watchpoint 1: len($0)\n", value)
		}
		expectStop(t, sh, "bcontinue", reverse("1"), 4, "> lst.append(70)")
		expectStop(t, sh, "bcontinue", reverse("0"), 2, "> lst.append(50)")
		second := sh.now
		expectStop(t, sh, "bcontinue", reverse("RuntimeError: '$0' refers to an object created later in time"), 1, "> lst = []")
		expectStop(t, sh, "continue", forward("0"), 2, "> lst.append(50)")
		if sh.now != second {
			t.Errorf("continue stopped at %d, the second bcontinue at %d", sh.now, second)
		}
		expectStop(t, sh, "continue", forward("1"), 3, "> lst[-1] = 60")
		expectStop(t, sh, "continue", forward("2"), 5, "> del lst")
		freed := "RuntimeError: '$0' refers to an object freed earlier in time (at "
		expectStop(t, sh, "continue", "updating watchpoint value: len($0) => "+freed, 5, "<< del lst")
		expectOut(t, sh, "p $0", "RuntimeError: '$0' refers to an object freed earlier in time (at …)\n")
		sh.quit()
	})
}

// What p does with statements, side effects, output, errors, I/O,
// crashes and endless loops; the replay stays in step through it all.
func TestPrintInScratchCopy(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "py/reprs.py"))
		// Long enough for a million maps on a loaded machine; the endless
		// loop below waits it out.
		sh := startShell(t, dir, "--eval-timeout", "6s")
		sh.do("break 6")
		sh.do("continue")
		at := sh.now
		expectOut(t, sh, "p y = 5", "")
		expectOut(t, sh, "p y", "$0 = 5\n")
		if out := sh.do("locals"); !strings.Contains(out, "\ny = 5\n") {
			t.Errorf("after p y = 5, locals says:\n%s", out)
		}
		expectOut(t, sh, "!z = [y, 1000]", "")
		expectOut(t, sh, "p z", "[5, 1000]\n") // made by p: not the program's, no $N
		expectOut(t, sh, `p print("hi")`, "hi\n$… = None\n")
		// Writes that reach fds 1 and 2 themselves are captured too.
		expectOut(t, sh, `p __import__("os").writev(2, [b"raw", b"\n"])`, "raw\n$… = 4\n")
		expectOut(t, sh, "p [1, 2]", "[1, 2]\n")
		expectOut(t, sh, "p 1 +", "SyntaxError: invalid syntax\n")
		expectOut(t, sh, "p nosuchname", "NameError: name 'nosuchname' is not defined\n")
		expectOut(t, sh, "p $9", "NameError: no constant object '$9'\n")
		expectOut(t, sh, "p 1 / 0", "ZeroDivisionError: division by zero\n")
		expectOut(t, sh, "p", "Print what?\n")
		expectOut(t, sh, "watch", "Watch what?\n")
		expectOut(t, sh, "watch 1 +", "SyntaxError: invalid syntax\n")
		expectOut(t, sh, `p open("/etc/hostname")`, "Attempted to do I/O or access raw memory (openat)\n")
		// A crash: a million maps, each over the next, overflow the C
		// stack (no recursion limit guards map's next, in any version).
		expectOut(t, sh, "p f = iter([])", "")
		expectOut(t, sh, "p for i in range(10**6): f = map(id, f)", "")
		expectOut(t, sh, "p next(f, None)", "the evaluation crashed: SIGSEGV at 0x…\n")
		expectOut(t, sh, "p while True: pass", "Timeout: the evaluation ran too long and was stopped\n")
		// What succeeded before the crash and the timeout is still there.
		expectOut(t, sh, "p z", "[5, 1000]\n") // made by p: not the program's, no $N
		if sh.now != at {
			t.Errorf("evaluations moved the present from %d to %d", at, sh.now)
		}
		// Moving discards it all: the program's own y comes back.
		sh.do("step")
		sh.do("bstep")
		expectOut(t, sh, "p y", "NameError: name 'y' is not defined\n")
		expectOut(t, sh, "p z", "NameError: name 'z' is not defined\n")
		if out := sh.do("locals"); strings.Contains(out, "y = 5") {
			t.Errorf("after moving, locals still shows p's y = 5:\n%s", out)
		}
		sh.do("delete 1")
		sh.do("continue")
		expectOut(t, sh, "p 6 * 7", "$… = 42\n") // after the end, the replay is gone: p brings it back
		sh.quit()
	})
}

// Ctrl-C stops an endless evaluation; the shell goes on at the same time.
func TestInterruptedPrint(t *testing.T) {
	sh := recordAndOpen(t, "python3", "py/start.py")
	if out := sh.interrupt("p while True: pass", 300*time.Millisecond); !strings.HasSuffix(out, "KeyboardInterrupt: the evaluation was stopped by Ctrl-C\n") {
		t.Errorf("Ctrl-C during p said:\n%s", out)
	}
	expectOut(t, sh, "p 6 * 7", "$0 = 42\n")
	sh.quit()
}

// A watch expression with side effects runs in a copy at each stop point:
// the replay never sees them and reaches its recorded end.
func TestWatchWithSideEffects(t *testing.T) {
	sh := recordAndOpen(t, "python3", "py/watch_len.py")
	sh.do("step")
	sh.do("step")
	expectOut(t, sh, "p lst", "$0 = [50]\n")
	expectOut(t, sh, "watch $0.append(0) or len($0)", "Watchpoint 1 added\nupdating watchpoint value: $0.append(0) or len($0) => 2\n")
	expectStop(t, sh, "continue", "updating watchpoint value: $0.append(0) or len($0) => 3\nHit watchpoint 1", 5, "> del lst")
	expectOut(t, sh, "p $0", "$0 = [60, 70]\n")
	sh.do("delete 1")
	if out := sh.do("continue"); !strings.HasPrefix(out, "End of the main script.\n") {
		t.Errorf("continue to the main script's end said:\n%s", out)
	}
	if out := sh.do("continue"); !strings.Contains(out, "End of the recording.") {
		t.Errorf("continue to the end said:\n%s", out)
	}
	sh.quit()
}

// bstepUntil steps back from the end to a line: after the main script,
// pyenv's python runs atexit code of its site-packages.
func bstepUntil(t *testing.T, sh *shellDriver, marked string) {
	t.Helper()
	for i := 0; i < 5000; i++ {
		if _, got := location(t, sh.do("bstep")); got == marked {
			return
		}
	}
	t.Fatalf("5000 bsteps did not reach %q", marked)
}

// p and watch in a worker thread: the copy is forked from the thread
// that stopped (it holds the GIL); the search for $N's lifetime replays
// to the end without showing the program's output, which continue then
// shows once. At the end, as the interpreter shuts down, p still works.
func TestPrintAndWatchInThreads(t *testing.T) {
	sh := recordAndOpen(t, "/usr/bin/python3.11", "py/threads_queue.py")
	sh.do("break 13")
	expectStop(t, sh, "continue", "Hit breakpoint 1", 13, ">             results.append((n, item * item))")
	hit := sh.now
	expectOut(t, sh, "p item", "$0 = 0\n")
	expectOut(t, sh, "p results", "$1 = []\n")
	expectOut(t, sh, "watch len($1)", "Watchpoint 2 added\nupdating watchpoint value: len($1) => 0\n")
	expectStop(t, sh, "continue", "updating watchpoint value: len($1) => 1\nHit watchpoint 2: len($1)\n", 12, "")
	expectStop(t, sh, "bcontinue", "updating watchpoint value: len($1) => 0\nReverse-hit watchpoint 2: len($1)\n", 13, "")
	if sh.now != hit {
		t.Errorf("bcontinue went to %d, the append is at %d", sh.now, hit)
	}
	sh.do("delete 1")
	sh.do("delete 2")
	out := sh.do("continue")
	if n := strings.Count(out, "200 2646700 ["); n != 1 {
		t.Errorf("the program's output was shown %d times by continue:\n%s", n, out)
	}
	expectOut(t, sh, "p 6 * 7", "$… = 42\n")
	sh.quit()
}

// Ctrl-C during a long backward watch search (Python evaluates the
// expression at every stop point) leaves the user where the search began.
func TestInterruptedWatchSearch(t *testing.T) {
	py := anyPython(t)
	sh := recordAndOpen(t, py, "../bench/workloads.py", "watched", "200000")
	sh.do("break workloads.py:80")
	sh.do("continue")
	at := sh.now
	sh.do("delete 1")
	expectOut(t, sh, "p items", "$0 = [1]\n")
	expectOut(t, sh, "watch $0.__len__()", "Watchpoint 2 added\nupdating watchpoint value: $0.__len__() => 1\n")
	out := sh.interrupt("bcontinue", time.Second)
	if sh.now != at || strings.Contains(out, "Reverse-hit") || strings.Contains(out, "updating") {
		t.Errorf("Ctrl-C during bcontinue: at %d (began at %d):\n%s", sh.now, at, out)
	}
	expectOut(t, sh, "p $0", "$0 = [1]\n")
	sh.quit()
}

// A watch on an object used on every line, over more than one checkpoint
// window: the recent change is found first, then, further back, each
// time the length grew in the first turns of the loop, and the dict's
// creation.
func TestWatchHotObjectAcrossWindows(t *testing.T) {
	sh := recordAndOpen(t, "/usr/bin/python3.11", "py/hot_dict.py")
	sh.do("break 8")
	sh.do("continue")
	sh.do("delete 1")
	expectOut(t, sh, "p d", "$0 = {0: 90, 1: 91, 2: 92, 3: 93, 4: 94, 5: 95, 6: 96, 7: 97, 8: 98, 9: 99, 10: 0}\n")
	expectOut(t, sh, "watch len($0)", "Watchpoint 2 added\nupdating watchpoint value: len($0) => 11\n")
	reverse := func(value string) string {
		return fmt.Sprintf("updating watchpoint value: len($0) => %s\nReverse-hit watchpoint 2: len($0)\n", value)
	}
	expectStop(t, sh, "bcontinue", reverse("10"), 5, "> d[10] = 0")
	expectStop(t, sh, "bcontinue", reverse("9"), 4, ">     d[i % 10] = i")
	expectOut(t, sh, "p i", "$… = 9\n")
	for v := 8; v >= 0; v-- {
		expectStop(t, sh, "bcontinue", reverse(fmt.Sprint(v)), 4, ">     d[i % 10] = i")
	}
	expectStop(t, sh, "bcontinue", reverse("RuntimeError: '$0' refers to an object created later in time"), 2, "> d = {}")
	// Forward again, the dict's death searched a stretch at a time.
	for _, v := range []string{"0", "1", "2"} {
		expectStop(t, sh, "continue", fmt.Sprintf("updating watchpoint value: len($0) => %s\nHit watchpoint 2: len($0)\n", v), 3, "")
	}
	sh.quit()
}

// locals prints what Python's repr prints: the reader's reprs where they
// are Python's, Python's own (run in a copy) for a user's __repr__ and
// the types the reader does not decode.
func TestLocalsUsePythonsRepr(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/custom_reprs.py")
		sh.do("break 12")
		sh.do("continue")
		out := sh.do("locals")
		od := pythonSays(t, py, "import collections; print(repr(collections.OrderedDict(a=1)))") // 3.12 changed it
		for _, want := range []string{"\np = Point(1, 2)\n", "\nod = " + od, "\ndq = deque([1, 2])\n",
			"\nPoint = <class '__main__.Point'>\n", "collections = <module 'collections' from '"} {
			if !strings.Contains(out, want) {
				t.Errorf("locals lacks %q:\n%s", want, out)
			}
		}
		sh.quit()
	})
}
