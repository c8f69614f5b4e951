//go:build linux && amd64

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pdb's frame commands on a real program: where marks the selected
// frame and shows each frame's line, up and down select one, and args,
// locals, p, list and ll look there; a move selects the innermost again.
func TestFrames(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/pdb_habits.py")
		expectOut(t, sh, "break scale", "Breakpoint 1 at scale()\n")
		expectStop(t, sh, "continue", "Hit breakpoint 1: scale()\n", 5, ">     result = value * factor")
		expectOut(t, sh, "where", "Current call stack (most recent call last):\n"+
			"  File \"…/pdb_habits.py\", line 16 in <module>\n    print(total(5))\n"+
			"  File \"…/pdb_habits.py\", line 12 in total\n    acc += scale(i)\n"+
			"> File \"…/pdb_habits.py\", line 5 in scale\n    result = value * factor\n")
		expectOut(t, sh, "args", "value = 0\nfactor = 2\nrest = ()\noptions = {}\n")
		expectOut(t, sh, "whatis scale", "Function scale\n")
		expectOut(t, sh, "whatis value", "<class 'int'>\n")
		expectOut(t, sh, "whatis int", "Class builtins.int\n")
		expectOut(t, sh, "whatis options.get", "<class 'builtin_function_or_method'>\n")
		expectOut(t, sh, "whatis nosuch", "NameError: name 'nosuch' is not defined\n")
		expectOut(t, sh, "source scale", "     4   def scale(value, factor=2, *rest, **options):\n"+
			"     5       result = value * factor\n     6       return result\n")
		expectOut(t, sh, "pp options", "(pprint is not loaded in the program: as p prints it)\n$… = {}\n")
		expectOut(t, sh, "source value", "No source for value: AttributeError: 'int' object has no attribute '__code__'\n")
		expectOut(t, sh, "ll", "     4   def scale(value, factor=2, *rest, **options):\n"+
			">    5       result = value * factor\n     6       return result\n")
		expectStop(t, sh, "up", "", 12, ">         acc += scale(i)")
		expectOut(t, sh, "args", "limit = 5\n")
		expectOut(t, sh, "locals", "limit = 5\nacc = 0\ni = 0\n")
		expectOut(t, sh, "p limit * 1000", "5000\n")
		expectOut(t, sh, "w", "Current call stack (most recent call last):\n"+
			"  File \"…/pdb_habits.py\", line 16 in <module>\n    print(total(5))\n"+
			"> File \"…/pdb_habits.py\", line 12 in total\n    acc += scale(i)\n"+
			"  File \"…/pdb_habits.py\", line 5 in scale\n    result = value * factor\n")
		expectOut(t, sh, "ll", "     9   def total(limit):\n    10       acc = 0\n    11       for i in range(limit):\n"+
			">   12           acc += scale(i)\n    13       return acc\n")
		expectStop(t, sh, "u", "", 16, "> print(total(5))")
		expectOut(t, sh, "up", "*** Oldest frame\n")
		expectStop(t, sh, "d 5", "", 5, ">     result = value * factor")
		expectOut(t, sh, "down", "*** Newest frame\n")
		// A move, either way, selects the innermost frame again.
		sh.do("up 2")
		expectStop(t, sh, "step", "", 6, ">     return result")
		expectOut(t, sh, "locals", "value = 0\nfactor = 2\nrest = ()\noptions = {}\nresult = 0\n")
		sh.do("up")
		expectStop(t, sh, "bstep", "", 5, ">     result = value * factor")
		if out := sh.do("bt"); !strings.Contains(out, "> File \"") || !strings.HasSuffix(out, "line 5 in scale\n    result = value * factor\n") {
			t.Errorf("bt after bstep does not select scale:\n%s", out)
		}
		sh.quit()
	})
}

// pdb's breakpoints on a real program, forward and backward: conditions,
// ignore counts, disable and enable, temporary breakpoints, clear,
// until and return.
func TestBreakpointsAsPdb(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		file := testdata(t, "py/pdb_habits.py")
		sh := recordAndOpen(t, py, "py/pdb_habits.py")
		expectOut(t, sh, "break scale if value == 3", "Breakpoint 1 at scale()\n")
		expectStop(t, sh, "continue", "Hit breakpoint 1: scale()\n", 5, ">     result = value * factor")
		expectOut(t, sh, "p value", "$… = 3\n")
		expectOut(t, sh, "condition 1 value == 1", "New condition set for breakpoint 1.\n")
		expectStop(t, sh, "bcontinue", "Reverse-hit breakpoint 1: scale()\n", 5, "")
		expectOut(t, sh, "p value", "$… = 1\n")
		expectOut(t, sh, "condition 1", "Breakpoint 1 is now unconditional.\n")
		expectOut(t, sh, "ignore 1 2", "Will ignore next 2 crossings of breakpoint 1.\n")
		expectStop(t, sh, "continue", "Hit breakpoint 1: scale()\n", 5, "")
		expectOut(t, sh, "p value", "$… = 4\n")
		expectOut(t, sh, "disable 1", "Disabled breakpoint 1 at scale()\n")
		expectOut(t, sh, "tbreak pdb_habits.py:13", "Breakpoint 2 at "+file+":13\n")
		expectStop(t, sh, "continue", "Hit breakpoint 2: "+file+":13\nDeleted breakpoint 2 at "+file+":13\n", 13, ">     return acc")
		expectOut(t, sh, "enable 1", "Enabled breakpoint 1 at scale()\n")
		expectStop(t, sh, "bcontinue", "Reverse-hit breakpoint 1: scale()\n", 5, "")
		expectOut(t, sh, "p value", "$… = 4\n")
		// A condition that raises stops there and says why.
		expectOut(t, sh, "condition 1 undefined_name > 0", "New condition set for breakpoint 1.\n")
		expectStop(t, sh, "bcontinue", "Reverse-hit breakpoint 1: scale()\n"+
			"Breakpoint 1: the condition undefined_name > 0 raised NameError: name 'undefined_name' is not defined\n", 5, "")
		expectOut(t, sh, "p value", "$… = 3\n")
		expectOut(t, sh, "break", "Num Type         Disp Enb   Where\n1   breakpoint   keep yes   at scale()\n"+
			"\tstop only if undefined_name > 0\n\tbreakpoint already hit 6 times\n")
		expectStop(t, sh, "continue", "Hit breakpoint 1: scale()\n"+
			"Breakpoint 1: the condition undefined_name > 0 raised NameError: name 'undefined_name' is not defined\n", 5, "")
		expectOut(t, sh, "p value", "$… = 4\n")
		expectOut(t, sh, "clear scale", "Deleted breakpoint 1 at scale()\n")
		// break LINE is in the selected frame's file; backward, the
		// condition is the one that held at the line's start.
		expectOut(t, sh, "tbreak 12 if i == 2", "Breakpoint 3 at "+file+":12\n")
		expectStop(t, sh, "bcontinue", "Reverse-hit breakpoint 3: "+file+":12\nDeleted breakpoint 3 at "+file+":12\n", 12, ">         acc += scale(i)")
		expectOut(t, sh, "p i", "$… = 2\n")
		expectStop(t, sh, "until", "", 13, ">     return acc")
		expectOut(t, sh, "p acc", "$… = 20\n")
		expectStop(t, sh, "return", "", 13, "<<     return acc")
		expectOut(t, sh, "condition 99", "No breakpoint number 99.\n")
		expectOut(t, sh, "break", "No breakpoints.\n")
		sh.quit()
	})
}

// retval at a return stop point and display at each stop where the
// value changed, on a real program, forward and backward.
func TestRetvalAndDisplay(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/pdb_habits.py")
		sh.do("break scale")
		expectStop(t, sh, "continue", "Hit breakpoint 1: scale()\n", 5, ">     result = value * factor")
		unbound := expectOut(t, sh, "display result", "display result: NameError: …\n")
		unbound = strings.TrimSuffix(strings.TrimPrefix(unbound, "display result: "), "\n")
		expectOut(t, sh, "rv", "*** Not yet returned! finish runs to where this frame returns (<<)\n")
		if out := sh.do("step"); !strings.HasSuffix(out, "display result: 0  [old: "+unbound+"]\n") {
			t.Errorf("step to line 6 does not display result:\n%s", out)
		}
		if out := sh.do("step"); strings.Contains(out, "display") || !strings.Contains(out, "<<     return result") {
			t.Errorf("step to the return displays an unchanged value, or is not at the return:\n%s", out)
		}
		expectOut(t, sh, "retval", "$… = 0\n")
		if out := sh.do("continue"); !strings.HasSuffix(out, "display result: "+unbound+"  [old: 0]\n") {
			t.Errorf("continue to the next call of scale does not display result:\n%s", out)
		}
		if out := sh.do("return"); !strings.HasSuffix(out, "display result: 2  [old: "+unbound+"]\n") {
			t.Errorf("return does not display result:\n%s", out)
		}
		expectOut(t, sh, "rv", "$… = 2\n")
		// Backward: the same values, shown where they change.
		if out := sh.do("bstep"); strings.Contains(out, "display") {
			t.Errorf("bstep to line 6 displays an unchanged value:\n%s", out)
		}
		if out := sh.do("bstep"); !strings.HasSuffix(out, "display result: "+unbound+"  [old: 2]\n") {
			t.Errorf("bstep to line 5 does not display result:\n%s", out)
		}
		// Not in another function: total's stops show nothing.
		if out := sh.do("bfinish"); strings.Contains(out, "display") {
			t.Errorf("bfinish into total displays scale's result:\n%s", out)
		}
		expectOut(t, sh, "undisplay result", "")
		expectOut(t, sh, "display", "No display expressions.\n")
		sh.quit()
	})
}

// commands on a real program: a silent breakpoint that prints a value
// and goes on logs every hit where its condition holds, both ways.
func TestBreakpointCommandsRecorded(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		sh := recordAndOpen(t, py, "py/pdb_habits.py")
		sh.do("break scale if value >= 3")
		for _, line := range []string{"commands", "silent", "p value", "continue"} {
			sh.write(line)
		}
		expectOut(t, sh, "end", "commands\n(com) silent\n(com) p value\n(com) continue\n(com) end\n")
		out := sh.do("continue")
		if !regexp.MustCompile(`^\$\d+ = 3\n\$\d+ = 4\n(.|\n)*End of the main script\.\n`).MatchString(out) || strings.Contains(out, "Hit breakpoint") {
			t.Errorf("continue with a logging breakpoint said:\n%s", out)
		}
		out = sh.do("bcontinue")
		if !regexp.MustCompile(`^\$\d+ = 4\n`).MatchString(out) {
			t.Errorf("bcontinue with a logging breakpoint said:\n%s", out)
		}
		sh.quit()
	})
}

// .rrpyrc in the home and the current directories runs at the start,
// as pdb's .pdbrc; a script given with -x stops at its first failing
// command, and rrpy says which and exits 1. Without -x the shell goes on.
func TestStartupFilesAndScripts(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, py, testdata(t, "py/pdb_habits.py"))
	home, work := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(home, ".rrpyrc"), "alias pv p value\nbreak scale if value == 2\n")
	writeFile(t, filepath.Join(work, ".rrpyrc"), "# the project's\ncontinue\n")
	script := filepath.Join(work, "commands")
	writeFile(t, script, "pv\nbreak nosuch\nstep\n")
	replay := func(args ...string) (stdout, stderr string, code int) {
		cmd := rrpyCommand([]string{"HOME=" + home}, append([]string{"replay"}, args...)...)
		cmd.Dir = work
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errb, strings.NewReader("pv\nbreak nosuch\nstep\n")
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		assertNoCrash(t, result{out.String(), errb.String(), code})
		return out.String(), errb.String(), code
	}
	out, errOut, code := replay("-x", script, dir)
	if code != 1 || errOut != "rrpy: "+script+": line 2, break nosuch, failed\n" {
		t.Errorf("replay -x with a failing command: status %d, stderr %q", code, errOut)
	}
	if !regexp.MustCompile(`Hit breakpoint 1: scale\(\)\n(.|\n)*\(\d+\)\$ pv\n\$\d+ = 2\n\(\d+\)\$ break nosuch\n\*\*\* No function nosuch`).MatchString(out) ||
		strings.Contains(out, "$ step") {
		t.Errorf("replay -x said:\n%s", out)
	}
	out, errOut, code = replay(dir)
	if code != 0 || errOut != "" || !strings.Contains(out, "$ step\n") {
		t.Errorf("replay from stdin with a failing command: status %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// history on the seed demo: the object's creation, then 5, 6, 7, with
// the lines that changed it; on a list that grows and is freed, its
// length; an attribute changed in many ways. All against a brute force: every stop point of the recording,
// evaluated with p.
func TestHistory(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/seed_demo.py"))
		sh := startShell(t, dir)
		sh.do("continue")
		expectOut(t, sh, "source Foo", "     3   class Foo(object):\n     4       value = 5\n")
		expectOut(t, sh, "source x.__class__", "     3   class Foo(object):\n     4       value = 5\n")
		expectOut(t, sh, "p x", "$0 = <__main__.Foo object at 0x…>\n")
		rows := checkHistory(t, sh, "$0.value", "1 6 7 9", py == anyPython(t))
		if rows[0].value != "not alive yet" ||
			rows[1].value != "5" || rows[2].value != "6" || rows[3].value != "7" {
			t.Errorf("history $0.value: %+v", rows)
		}
		sh.quit()

		sh = recordAndOpen(t, py, "py/watch_len.py")
		sh.do("continue")
		bstepUntil(t, sh, "> del lst")
		expectOut(t, sh, "p lst", "$0 = [60, 70]\n")
		rows = checkHistory(t, sh, "len($0)", "1 1 2 4 5", py == anyPython(t))
		if rows[1].value != "0" || rows[4].value != "freed" {
			t.Errorf("history len($0): %+v", rows)
		}
		sh.quit()

		// Changed in a called function, through another name, in an
		// except block, between a generator's yields.
		sh = recordAndOpen(t, py, "py/history_mix.py")
		sh.do("continue")
		expectOut(t, sh, "p acct", "$0 = <__main__.Account object at 0x…>\n")
		rows = checkHistory(t, sh, "$0.balance", "1 21 8 12 24 28 17 17 17", py == anyPython(t))
		var values []string
		for _, r := range rows {
			values = append(values, r.value)
		}
		if want := "not alive yet|AttributeError: 'Account' object has no attribute 'balance'|0|10|20|-1|-2|-3|-4"; strings.Join(values, "|") != want {
			t.Errorf("history $0.balance: %s, want %s", strings.Join(values, "|"), want)
		}
		sh.quit()

		// A value that changes at every turn of a loop: a row each, in
		// one pass forward (a backward search per change took minutes).
		sh = recordAndOpen(t, py, "py/history_many.py")
		sh.do("continue")
		expectOut(t, sh, "p items", "$0 = [0, 1, 2, 3, …]\n")
		rows = checkHistory(t, sh, "len($0)", "1 2"+strings.Repeat(" 4", 2000), false)
		for i, r := range rows[1:] {
			if r.value != fmt.Sprint(i) {
				t.Fatalf("history len($0): row %d says %s", i+1, r.value)
			}
		}
		sh.quit()
	})
}

// Ctrl-C stops a history with the values found so far, says how far it
// searched, and leaves the present where it was.
func TestHistoryInterrupted(t *testing.T) {
	sh := recordAndOpen(t, anyPython(t), "py/history_many.py")
	sh.do("continue")
	here := sh.now
	expectOut(t, sh, "p items", "$0 = [0, 1, 2, 3, …]\n")
	// Only Python answers $0.__len__(): evaluated at every stop point, a
	// history of it takes minutes.
	out := sh.interrupt("history $0.__len__()", 2*time.Second)
	m := regexp.MustCompile(`^\$0\.__len__\(\) took (\d+) values?:\n(?:  .*\n)+Interrupted: the recording after time (\d+) was not searched\.\n$`).FindStringSubmatch(out)
	if m == nil || m[1] == "2002" || !strings.Contains(out, " not alive yet\n") {
		t.Fatalf("history interrupted:\n%s", out)
	}
	if sh.now != here {
		t.Errorf("the interrupted history left the present at %d, not %d", sh.now, here)
	}
	expectOut(t, sh, "p len($0)", "2000\n")
}

// historyRow is a row of history's answer.
type historyRow struct{ time, line, value string }

// checkHistory runs history EXPR, checks the lines of its rows, that it
// leaves the present where it was and that go to a row's time is at its
// line, and with brute, that stepping
// through every stop point and printing EXPR sees the same changes.
func checkHistory(t *testing.T, sh *shellDriver, expr, lines string, brute bool) []historyRow {
	t.Helper()
	here := sh.now
	out := sh.do("history " + expr)
	var rows []historyRow
	var gotLines []string
	for _, m := range regexp.MustCompile(`(?m)^  +(\d+)  \S+\.py:(\d+) in \S+ +(.*)$`).FindAllStringSubmatch(out, -1) {
		rows = append(rows, historyRow{m[1], m[2], m[3]})
		gotLines = append(gotLines, m[2])
	}
	if strings.Join(gotLines, " ") != lines || !strings.HasPrefix(out, fmt.Sprintf("%s took %d values:\n", expr, len(rows))) {
		t.Fatalf("history %s, want the lines %s:\n%s", expr, lines, out)
	}
	if sh.now != here {
		t.Errorf("history left the present at %d, not %d", sh.now, here)
	}
	// go to a row's time is at the start of the line that made it (a
	// dozen rows of a long history).
	step := max(1, len(rows)/12)
	for i := 1; i < len(rows); i += step {
		r := rows[i]
		if line, _ := location(t, sh.do("go "+r.time)); fmt.Sprint(line) != r.line {
			t.Errorf("go %s (a row of history %s) is at line %d, the row says %s", r.time, expr, line, r.line)
		}
	}
	sh.do(fmt.Sprintf("go %d", here))
	if !brute {
		return rows
	}
	// A change seen at time t was made by the line that started at t-1.
	sh.do("go 0")
	start := sh.now
	sh.do("go 99999999999")
	end := sh.now
	var seen []string
	last := ""
	for now := start; now <= end; now++ {
		sh.do(fmt.Sprintf("go %d", now))
		v := asHistoryRow(strings.TrimSpace(regexp.MustCompile(`^\$\d+ = `).ReplaceAllString(sh.do("p "+expr), "")))
		if v != last && now > start {
			seen = append(seen, fmt.Sprintf("%d %s", now-1, v))
		}
		last = v
	}
	var said []string
	for _, r := range rows[1:] {
		said = append(said, r.time+" "+r.value)
	}
	if strings.Join(said, ", ") != strings.Join(seen, ", ") {
		t.Errorf("history %s says %v, stepping through every stop point says %v", expr, said, seen)
	}
	sh.do(fmt.Sprintf("go %d", here))
	return rows
}

// asHistoryRow is what p says of a value as history shows it: a $N
// whose object is not alive is "not alive yet" or "freed" there.
func asHistoryRow(p string) string {
	switch {
	case regexp.MustCompile(`^RuntimeError: '\$\d+' refers to an object created later in time$`).MatchString(p):
		return "not alive yet"
	case regexp.MustCompile(`^RuntimeError: '\$\d+' refers to an object freed earlier in time`).MatchString(p):
		return "freed"
	}
	return p
}

// The $N names and the marks last: a later rrpy replay of the trace
// knows them, and what was found of the objects' lives.
func TestLastingAnchorsAndMarks(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/seed_demo.py"))
		sh := startShell(t, dir)
		start := sh.now
		sh.do("continue")
		failure := sh.now
		expectOut(t, sh, "p x", "$0 = <__main__.Foo object at 0x…>\n")
		expectOut(t, sh, "p $0.value", "$1 = 7\n")
		expectOut(t, sh, "mark failure", fmt.Sprintf("Mark failure at time %d\n", failure))
		expectOut(t, sh, "mark begin "+fmt.Sprint(start), fmt.Sprintf("Mark begin at time %d\n", start))
		sh.quit()
		if fi, err := os.Stat(filepath.Join(dir, "session.json")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("the kept names: %v, %v", fi, err)
		}

		// history searches without showing the program's output: the
		// user sees it when they get there.
		sh = startShell(t, dir)
		if out := sh.do("history $0.value"); strings.Contains(out, "oops!") || !strings.HasPrefix(out, "$0.value took 4 values:\n") {
			t.Errorf("history of a kept name, before going anywhere:\n%s", out)
		}
		expectOut(t, sh, "info marks", fmt.Sprintf("begin  time %d\nfailure  time %d\n", start, failure))
		expectOut(t, sh, "p $0.value", "RuntimeError: '$0' refers to an object created later in time\n")
		expectOut(t, sh, "info anchors", "$0  born at …, alive to the end\n$1  alive throughout (in the executable's data)\n")
		if out := sh.do("continue"); !strings.Contains(out, "oops!\n") {
			t.Errorf("continue after history does not show the program's output:\n%s", out)
		}
		if sh.now != failure {
			t.Errorf("continue went to %d, the failure is at %d", sh.now, failure)
		}
		sh.do("go begin")
		sh.do("go failure")
		if sh.now != failure {
			t.Errorf("go failure went to %d, the mark is at %d", sh.now, failure)
		}
		expectOut(t, sh, "p x", "$0 = <__main__.Foo object at 0x…>\n")
		expectOut(t, sh, "p $0.value", "$1 = 7\n")
		sh.quit()
		// What info anchors searched is kept: the next session knows it
		// without searching.
		kept := readKept(t, dir)
		if len(kept.Anchors) != 2 || !kept.Anchors[0].BornKnown || kept.Anchors[0].Died != math.MaxUint64 || kept.Anchors[0].Checked != math.MaxUint64 {
			t.Errorf("the lives info anchors found are not kept: %+v", kept)
		}
	})
}

// keptFile is what session.json holds, as far as the tests look.
type keptFile struct {
	Anchors []struct {
		Addr      uint64 `json:"addr"`
		BornKnown bool   `json:"born_known"`
		Born      uint64 `json:"born"`
		Died      uint64 `json:"died"`
		Checked   uint64 `json:"checked"`
	} `json:"anchors"`
	Marks map[string]uint64 `json:"marks"`
}

func readKept(t *testing.T, dir string) keptFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "session.json"))
	if err != nil {
		t.Fatal(err)
	}
	var k keptFile
	if err := json.Unmarshal(data, &k); err != nil {
		t.Fatalf("session.json: %v\n%s", err, data)
	}
	return k
}

// Two shells open on one trace: each $N is numbered after the other's,
// and what both named and marked is kept, whichever quits last.
func TestTwoShellsKeepTheirNames(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/seed_demo.py"))
	first, second := startShell(t, dir), startShell(t, dir)
	first.do("continue")
	second.do("continue")
	expectOut(t, first, "p x", "$0 = <__main__.Foo object at 0x…>\n")
	expectOut(t, second, "p lst1[0]", "$1 = <__main__.Foo object at 0x…>\n")
	expectOut(t, second, "p x", "$0 = <__main__.Foo object at 0x…>\n") // the first's, read from the file
	expectOut(t, first, "mark one", fmt.Sprintf("Mark one at time %d\n", first.now))
	expectOut(t, second, "mark two 5", "Mark two at time 5\n")
	expectOut(t, first, "p lst1", "$2 = [<__main__.Foo object at 0x…>, …]\n")
	second.quit() // each writes at the end what it knows: neither loses the other's
	first.quit()
	sh := startShell(t, dir)
	expectOut(t, sh, "info marks", fmt.Sprintf("two  time 5\none  time %d\n", first.now))
	out := sh.do("info anchors")
	if n := strings.Count(out, "\n"); n != 3 || !strings.HasPrefix(out, "$0  born at ") || !strings.Contains(out, "\n$2  born at ") {
		t.Errorf("info anchors after two shells:\n%s", out)
	}
	sh.do("go one")
	expectOut(t, sh, "p lst1[0]", "$1 = <__main__.Foo object at 0x…>\n")
	sh.quit()
}

// pp lays a value out with the program's pprint.
func TestPrettyPrint(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, "-c", "import pprint\nd = {'k%02d' % i: 'v' * 9 for i in range(9)}\nprint(len(d))")
		sh := startShell(t, dir)
		sh.do("continue")
		want := "{"
		for i := range 9 {
			want += fmt.Sprintf("'k%02d': 'vvvvvvvvv'", i)
			if i < 8 {
				want += ",\n "
			}
		}
		expectOut(t, sh, "pp d", want+"}\n")
		expectOut(t, sh, "pp nosuch", "NameError: name 'nosuch' is not defined\n")
		sh.quit()
	})
}
