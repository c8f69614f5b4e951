//go:build linux && amd64

package main

import (
	"strings"
	"testing"
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
