package shell

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"rrpy/engine"
)

// runFrom drives the shell from time at and returns the transcript.
func runFrom(t *testing.T, at uint64, input string) string {
	t.Helper()
	f := newFake()
	f.cur = int(at) - 1
	return run(t, f, input)
}

// expectLines checks that a transcript holds each of wants, in order.
func expectLines(t *testing.T, got string, wants ...string) {
	t.Helper()
	rest := got
	for _, want := range wants {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Errorf("the transcript lacks, after what came before,\n%s\nin:\n%s", want, got)
			return
		}
		rest = rest[i+len(want):]
	}
}

// A temporary breakpoint goes where it first stops, forward or backward.
func TestTbreak(t *testing.T) {
	expectLines(t, runFrom(t, 1, "tbreak bad\nc\nbc\nb\n"),
		"(1)$ tbreak bad\nBreakpoint 1 at bad()\n",
		"(1)$ c\nHit breakpoint 1: bad()\nDeleted breakpoint 1 at bad()\nFile \"/rec/app.py\", line 9 in bad:\n",
		"(11)$ bc\nStart of the recording.\n",
		"(1)$ b\nNo breakpoints.\n")
	expectLines(t, runFrom(t, 14, "tbreak foo\nb\nbc\ninfo b\n"),
		"(14)$ b\nNum Type         Disp Enb   Where\n1   breakpoint   del  yes   at foo()\n",
		"(14)$ bc\nReverse-hit breakpoint 1: foo()\nDeleted breakpoint 1 at foo()\n"+at6,
		"(6)$ info b\nNo breakpoints.\n")
}

// break LOCATION if COND and condition N [COND] stop only where the
// condition holds, both ways; a condition that raises stops and says so.
func TestConditions(t *testing.T) {
	expectLines(t, runFrom(t, 1, "b foo if n == 2\nc\ncondition 1 n == 1\nbc\ncondition 1 zz == 1\ngo 1\nc\ninfo b\ncondition 1\nbreak\n"),
		"(1)$ b foo if n == 2\nBreakpoint 1 at foo()\n",
		"(1)$ c\nEnd of the recording.\n",
		"(14)$ condition 1 n == 1\nNew condition set for breakpoint 1.\n",
		"(14)$ bc\nReverse-hit breakpoint 1: foo()\n"+at6,
		"(1)$ c\nHit breakpoint 1: foo()\nBreakpoint 1: the condition zz == 1 raised NameError: name 'zz' is not defined\n"+at6,
		"(6)$ info b\nNum Type         Disp Enb   Where\n1   breakpoint   keep yes   at foo()\n"+
			"\tstop only if zz == 1\n\tbreakpoint already hit 1 time\n",
		"(6)$ condition 1\nBreakpoint 1 is now unconditional.\n",
		"(6)$ break\nNum Type         Disp Enb   Where\n1   breakpoint   keep yes   at foo()\n\tbreakpoint already hit 1 time\n")
	// pdb's comma form; a temporary breakpoint whose condition raised
	// stays, as bdb keeps it.
	expectLines(t, runFrom(t, 1, "tbreak bad, zz == 1\nc\nb\n"),
		"(1)$ c\nHit breakpoint 1: bad()\nBreakpoint 1: the condition zz == 1 raised NameError: name 'zz' is not defined\nFile",
		"(11)$ b\nNum Type         Disp Enb   Where\n1   breakpoint   del  yes   at bad()\n\tstop only if zz == 1\n")
}

// ignore N COUNT lets hits go by, in whichever direction they come;
// disable and enable take a breakpoint out of moves and back.
func TestIgnoreDisableEnable(t *testing.T) {
	expectLines(t, runFrom(t, 1, "b foo\nignore 1 1\nc\ninfo b\nbc\ndisable 1\nb\nc\nenable 1\nbc\n"),
		"(1)$ ignore 1 1\nWill ignore next 1 crossing of breakpoint 1.\n",
		"(1)$ c\nEnd of the recording.\n",
		"(14)$ info b\nNum Type         Disp Enb   Where\n1   breakpoint   keep yes   at foo()\n\tbreakpoint already hit 1 time\n",
		"(14)$ bc\nReverse-hit breakpoint 1: foo()\n"+at6,
		"(6)$ disable 1\nDisabled breakpoint 1 at foo()\n",
		"(6)$ b\nNum Type         Disp Enb   Where\n1   breakpoint   keep no    at foo()\n\tbreakpoint already hit 2 times\n",
		"(6)$ c\nEnd of the recording.\n",
		"(14)$ enable 1\nEnabled breakpoint 1 at foo()\n",
		"(14)$ bc\nReverse-hit breakpoint 1: foo()\n"+at6)
	expectLines(t, runFrom(t, 1, "b foo\nignore 1 2\ninfo b\nignore 1\n"),
		"(1)$ ignore 1 2\nWill ignore next 2 crossings of breakpoint 1.\n",
		"1   breakpoint   keep yes   at foo()\n\tignore next 2 hits\n",
		"(1)$ ignore 1\nWill stop next time breakpoint 1 is reached.\n")
}

// clear deletes by number or every breakpoint at a location.
func TestClear(t *testing.T) {
	expectLines(t, runFrom(t, 1, "b foo\nb 14\nb app.py:16\nclear 1\ncl app.py:14\nclear 14\nclear app.py:3\nclear bad\nclear\ninfo b\n"),
		"(1)$ clear 1\nDeleted breakpoint 1 at foo()\n",
		"(1)$ cl app.py:14\nDeleted breakpoint 2 at /rec/app.py:14\n",
		"(1)$ clear 14\nNo breakpoint number 14.\n",
		"(1)$ clear app.py:3\nThere are no breakpoints at /rec/app.py:3\n",
		"(1)$ clear bad\nThere are no breakpoints at bad()\n",
		"(1)$ clear\nClear which breakpoint? (clear N... or clear FILE:LINE or clear FUNC)\n",
		"(1)$ info b\nNum Type         Disp Enb   Where\n3   breakpoint   keep yes   at /rec/app.py:16\n")
}

// Bad input to the breakpoint commands gets one line each.
func TestBreakpointCommandErrors(t *testing.T) {
	expect(t, 1, "condition 99\ncondition\ncondition x\nb foo\nignore 1 x\nignore 9 1\ndisable\nenable 7\nb bad if\nb bad x\nb foo if True\n", at1+`(1)$ condition 99
No breakpoint number 99.
(1)$ condition
condition needs a breakpoint number (see break)
(1)$ condition x
condition needs a breakpoint number, got 'x'
(1)$ b foo
Breakpoint 1 at foo()
(1)$ ignore 1 x
ignore needs a count (a number), got 'x'
(1)$ ignore 9 1
No breakpoint number 9.
(1)$ disable
Disable needs breakpoint numbers (disable N...)
(1)$ enable 7
No breakpoint number 7.
(1)$ b bad if
break needs LOCATION [if CONDITION], got 'bad if'
(1)$ b bad x
break needs LOCATION [if CONDITION], got 'bad x'
(1)$ b foo if True
*** Breakpoint 1 is already at foo(): condition 1 True gives it the condition
`)
}

// until runs over calls to a line past this one, or to LINE, or to the
// frame's return; return is finish.
func TestUntilAndReturn(t *testing.T) {
	expect(t, 1, "until\n", at1+"(1)$ until\n"+at3)
	expect(t, 6, "unt\n", at6+"(6)$ unt\n"+`File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`)
	expect(t, 6, "until 9\nunt 3\nuntil x\n", at6+"(6)$ until 9\n"+at8+
		"(8)$ unt 3\n*** \"until\" line number 3 is not past the current line, 6\n(8)$ until x\nuntil needs a line number, got 'x'\n")
	expect(t, 6, "r\n", at6+"(6)$ r\n"+at8)
	expect(t, 6, "return\n", at6+"(6)$ return\n"+at8)
}

// A breakpoint set in the console (the editor's Debug Console) keeps its
// condition and its state when the adapter continues: the console
// decides its hits, as the shell's continue does.
func TestConsoleTakes(t *testing.T) {
	f := newFake()
	var out strings.Builder
	c := NewConsole(f, &out)
	c.Exec("b foo if n == 2")
	c.Exec("b bad")
	c.Exec("disable 2")
	cont := func() engine.Stop {
		st, err := engine.ContinueTaking(context.Background(), f, false, c.Breakpoints(), func(ctx context.Context, st engine.Stop) (bool, error) {
			stop, _, err := c.Takes(ctx, st.Hit.ID)
			return stop, err
		})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := cont(); st.Hit != nil || !st.AtEdge {
		t.Errorf("continue stopped at %+v, want the end: foo's condition fails, bad is disabled", st)
	}
	c.Exec("condition 1 n == 1")
	c.Exec("go 1")
	if st := cont(); st.Hit == nil || st.Hit.ID != 1 || st.Time != 6 {
		t.Errorf("continue stopped at %+v, want breakpoint 1 at time 6", st)
	}
}

// retval shows the value returned at a return stop point, and says why
// not elsewhere.
func TestRetval(t *testing.T) {
	expect(t, 8, "retval\nrv\nup\nrv\n", at8+"(8)$ retval\n$1 = 2\n(8)$ rv\n$1 = 2\n(8)$ up\n"+at5+
		"(8)$ rv\n*** Not yet returned! The selected frame is a caller: down to the one returning\n")
	expect(t, 7, "rv\nrv 1\n", `File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`+"(7)$ rv\n*** Not yet returned! finish runs to where this frame returns (<<)\n(7)$ rv 1\n*** Invalid argument: 1\n")
	expectLines(t, runFrom(t, 12, "rv\n"), "(12)$ rv\n*** No value: the frame returns by an exception (!!)\n")
}

// display shows an expression where its value changed, at the stops of
// the function it was set in, forward and backward.
func TestDisplay(t *testing.T) {
	got := runFrom(t, 6, "display x\ndisplay n\ns\ns\ns\nbs\nbs\nbs\ndisplay\nundisplay y\nundisplay x\ndisplay\nundisplay\ndisplay\n")
	expectLines(t, got,
		"(6)$ display x\ndisplay x: NameError: name 'x' is not defined\n(6)$ display n\ndisplay n: 1\n",
		"(6)$ s\nFile \"/rec/app.py\", line 6 in foo:\n",
		"  y = foo(1)\ndisplay x: 2  [old: NameError: name 'x' is not defined]\n(7)$ s\n",
		"  y = foo(1)\n(8)$ s\n",    // unchanged
		"(9)$ bs\n"+at8+"(8)$ bs\n", // in another function, then unchanged
		"(7)$ bs\n"+at6+"display x: NameError: name 'x' is not defined  [old: 2]\n(6)$ display\n",
		"Currently displaying:\nx: NameError: name 'x' is not defined (in foo)\nn: 1 (in foo)\n",
		"(6)$ undisplay y\nNot displaying y\n(6)$ undisplay x\n(6)$ display\nCurrently displaying:\nn: 1 (in foo)\n",
		"(6)$ undisplay\n(6)$ display\nNo display expressions.\n")
}

// commands N gives a breakpoint shell commands run where it stops, both
// ways; silent hides the stop, and a move ends the list there.
func TestBreakpointCommands(t *testing.T) {
	got := runFrom(t, 1, "commands\nb foo\ncommands 1\np n\ncontinue\np 99\nend\nb bad\ncommands\nsilent\np 1 +\nend\nc\nbc\ncommands 1\nend\nbc\ncommands 99\ncommands 1 2\n")
	expectLines(t, got,
		"(1)$ commands\nNo breakpoints: commands needs one (break first)\n",
		"(1)$ commands 1\n(com) p n\n(com) continue\n(com) p 99\n(com) end\n(1)$ b bad\n",
		"(1)$ commands\n(com) silent\n(com) p 1 +\n(com) end\n",
		// foo's list: p n, then continue to bad, whose silent list runs.
		"(1)$ c\nHit breakpoint 1: foo()\n"+at6+"$0 = 1\nSyntaxError: invalid syntax\n",
		// Backward: bc from bad reaches foo, whose continue comes back.
		"(11)$ bc\nReverse-hit breakpoint 1: foo()\n"+at6+"$0 = 1\nSyntaxError: invalid syntax\n(11)$ commands 1\n(com) end\n",
		"(11)$ bc\nReverse-hit breakpoint 1: foo()\n"+at6+"(6)$ commands 99\nNo breakpoint number 99.\n",
		"(6)$ commands 1 2\ncommands takes one breakpoint number, got '1 2'\n")
	if strings.Contains(got, "99\n$") || strings.Contains(got, "Hit breakpoint 2") {
		t.Errorf("a command after a move ran, or a silent stop was shown:\n%s", got)
	}
	// The console has no lines to read a list from.
	var out strings.Builder
	c := NewConsole(newFake(), &out)
	c.Exec("b foo")
	c.Exec("commands 1")
	if !strings.Contains(out.String(), "*** commands reads its list from the shell's input") {
		t.Errorf("commands in the console:\n%s", out.String())
	}
}

// alias names a command line, pdb's way: %1... are its arguments, %* all.
func TestAlias(t *testing.T) {
	expect(t, 6, "alias\nalias pv p %1\nalias sn s %*\nalias\npv n\nalias pv\nsn\nunalias pv\npv n\nunalias pv\nalias x\nalias loop loop\nloop\nalias alias p 1\nunalias\n", at6+`(6)$ alias
No aliases.
(6)$ alias pv p %1
(6)$ alias sn s %*
(6)$ alias
pv = p %1
sn = s %*
(6)$ pv n
$0 = 1
(6)$ alias pv
pv = p %1
(6)$ sn
File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
(7)$ unalias pv
(7)$ pv n
no command 'pv', try 'help'
(7)$ unalias pv
No alias pv
(7)$ alias x
No alias x
(7)$ alias loop loop
(7)$ loop
alias loop expands more than 10 times: does it name itself?
(7)$ alias alias p 1
*** alias cannot be an alias: it would be no way back
(7)$ unalias
Unalias what? (unalias NAME)
`)
}

// Startup files run at the first stop, unechoed; a failing line says
// where it is and the rest runs.
func TestStartupFiles(t *testing.T) {
	var out strings.Builder
	cfg := Config{Target: newFake(), In: strings.NewReader("pn\n"), Out: &out, Startup: []Script{
		{Name: "/home/u/.rrpyrc", Text: "# mine\nalias pn p n\n\nbreak nosuch.py:x\n"},
		{Name: ".rrpyrc", Text: "b foo\nc\n"},
	}}
	if err := Run(cfg); err != nil {
		t.Fatal(err)
	}
	want := at1 + "break needs FILE:LINE with a line number, got 'nosuch.py:x'\n*** (/home/u/.rrpyrc, line 4)\n" +
		"Breakpoint 1 at foo()\nHit breakpoint 1: foo()\n" + at6 + "(6)$ pn\n$0 = 1\n"
	if got := trimLastPrompt(out.String()); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// A script (rrpy replay -x) stops at its first failing command, and Run
// says which line it was.
func TestStopOnFailure(t *testing.T) {
	var out strings.Builder
	cfg := Config{Target: newFake(), In: strings.NewReader("b foo\ncommands\np n\nend\nb nosuch.py:x\nc\n"), Out: &out, StopOnFailure: true}
	err := Run(cfg)
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Line != 5 || ce.Command != "b nosuch.py:x" {
		t.Fatalf("Run = %v, want line 5's failure", err)
	}
	if strings.Contains(out.String(), "$ c\n") {
		t.Errorf("the script ran on after the failure:\n%s", out.String())
	}
	// Without it, the shell goes on.
	cfg = Config{Target: newFake(), In: strings.NewReader("b nosuch.py:x\nquit\n"), Out: &out}
	if err := Run(cfg); err != nil {
		t.Errorf("Run = %v, want the shell to go on", err)
	}
}

// history refuses what a watch refuses, and comes back to the present.
func TestHistory(t *testing.T) {
	expectLines(t, runFrom(t, 6, "history\nhistory n\nhistory 1 +\nhistory $1\ns\n"),
		"(6)$ history\nHistory of what? (history EXPR, EXPR as for watch)\n",
		"(6)$ history n\n*** A history sees only the builtins and $N names, not n: p n names its value $N, to history\n",
		"(6)$ history 1 +\nSyntaxError: invalid syntax\n",
		// The fake's watches never hit: the value at the start is all.
		"(6)$ history $1\n$1 took 1 value:\n  1  app.py:1 in <module>  NameError: no constant object '$1'\n(6)$ s\n")
}

// keepingFake keeps marks and anchors, as a recording does between
// sessions.
type keepingFake struct {
	*fakeTarget
	marks   map[string]uint64
	anchors []engine.Anchor
}

func (k *keepingFake) Anchors() []engine.Anchor { return k.anchors }

func (k *keepingFake) Marks() map[string]uint64 { return k.marks }

// SearchAnchors finds what the fake's anchors lack: $0 dies at 9, the
// others last.
func (k *keepingFake) SearchAnchors(context.Context) error {
	for i := range k.anchors {
		a := &k.anchors[i]
		a.BornKnown = true
		if i == 0 {
			a.Died, a.DiedKnown = 9, true
		} else if !a.DiedKnown {
			a.Lasts = true
		}
	}
	return nil
}

func (k *keepingFake) Mark(name string, t uint64) error {
	k.marks[name] = t
	return nil
}

// mark names a time that go takes; info marks and info anchors list what
// the recording keeps.
func TestMarksAndAnchors(t *testing.T) {
	k := &keepingFake{fakeTarget: newFake(), marks: map[string]uint64{},
		anchors: []engine.Anchor{{Seen: 6, Born: 5, BornKnown: true, Died: 9}, {Seen: 6, Static: true}, {Seen: 8, Born: 8, Died: 8}}}
	var out strings.Builder
	in := "info marks\nmark\nmark 12\nmark a-b\nmark foo 6\nmark start\nmark foo x\ninfo marks\ngo foo\ngo nosuch\ninfo anchors\n"
	if err := Run(Config{Target: k, In: strings.NewReader(in), Out: &out}); err != nil {
		t.Fatal(err)
	}
	expectLines(t, out.String(),
		"(1)$ info marks\nNo marks: mark NAME names the present.\n",
		"(1)$ mark\nMark with what name? (mark NAME [TIME])\n",
		"(1)$ mark 12\na mark's name is a word, not a time: got '12'\n",
		"(1)$ mark a-b\na mark's name is a word, not a time: got 'a-b'\n",
		"(1)$ mark foo 6\nMark foo at time 6\n(1)$ mark start\nMark start at time 1\n",
		"(1)$ mark foo x\nmark needs a time (a number), got 'x'\n",
		"(1)$ info marks\nstart  time 1\nfoo  time 6\n",
		"(1)$ go foo\n"+at6,
		"(6)$ go nosuch\ngo needs a time (a number) or a mark's name, got 'nosuch'\n",
		"(6)$ info anchors\n$0  born at 5, freed at 9\n$1  alive throughout (in the executable's data)\n"+
			"$2  born at 8, alive to the end\n")
	expectLines(t, runFrom(t, 1, "mark here\ninfo anchors\n"),
		"(1)$ mark here\n*** This recording keeps no marks or $N names between sessions\n",
		"(1)$ info anchors\n*** This recording keeps no marks or $N names between sessions\n")
}

// set context N is how many lines a stop shows around its line.
func TestSetContext(t *testing.T) {
	expect(t, 6, "set\nset context 1\ns\nset context 0\ns\nset\nset context x\nset colour 1\n", at6+`(6)$ set
context 5
(6)$ set context 1
(6)$ s
File "/rec/app.py", line 6 in foo:
      x = n + 1
>     return x

(7)$ set context 0
(7)$ s
File "/rec/app.py", line 6 in foo:
<<     return x
(8)$ set
context 0
(8)$ set context x
set context needs a number of lines, got 'x'
(8)$ set colour 1
no setting 'colour': set context N
`)
}

// Tab completes Python names where a command takes Python: the selected
// frame's names, attributes after a dot, $N; files in break.
func TestCompletion(t *testing.T) {
	k := &keepingFake{fakeTarget: newFake(), marks: map[string]uint64{}, anchors: make([]engine.Anchor, 2)}
	k.cur = 4 // module level, line 11: os is a global
	s := newShell(Config{Target: k, Out: io.Discard})
	s.files[app] = true
	c := completion{s: s, commands: completer()}
	for line, want := range map[string]string{
		"bco":       "ntinue ",
		"info an":   "chors ",
		"p o":       "s",
		"!o":        "s",
		"display o": "s",
		"p os.pa":   "th rdir",
		"p os":      "",
		"watch $":   "0 1",
		"watch o":   "", // a watch does not see the frame
		"b ap":      "p.py:",
		"go o":      "",
	} {
		expectCompletion(t, c, line, want)
	}
}

// expectCompletion checks what Tab offers at the end of line: the
// completions' suffixes, space-separated.
func expectCompletion(t *testing.T, c completion, line, want string) {
	t.Helper()
	got, _ := c.Do([]rune(line), len([]rune(line)))
	var words []string
	for _, g := range got {
		words = append(words, string(g))
	}
	if strings.Join(words, " ") != want {
		t.Errorf("completing %q: got %q, want %q", line, words, want)
	}
}

// On a terminal that takes colours, source is highlighted, a line's
// colours closed at its end; the text is the file's.
func TestHighlight(t *testing.T) {
	lines := []string{`def f(x):  # one`, `    s = """a`, `b"""`, `    return len(s) + 1`}
	got := highlight(lines)
	for i, want := range []string{
		ansiKeyword + "def" + ansiReset + " " + ansiDef + "f" + ansiReset,
		ansiString + `"""a` + ansiReset,
		ansiString + `b"""` + ansiReset,
		ansiBuiltin + "len" + ansiReset,
	} {
		if !strings.Contains(got[i], want) {
			t.Errorf("line %d: %q lacks %q", i+1, got[i], want)
		}
		if plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(got[i], ""); plain != lines[i] {
			t.Errorf("line %d without colours is %q, want %q", i+1, plain, lines[i])
		}
	}
	if !strings.Contains(got[0], ansiComment+"# one"+ansiReset) || !strings.Contains(got[3], ansiNumber+"1"+ansiReset) {
		t.Errorf("comment or number not highlighted: %q", got)
	}
	// The shell colours what it shows, and only when told.
	var out strings.Builder
	if err := Run(Config{Target: newFake(), In: strings.NewReader("list\n"), Out: &out, Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "> "+ansiKeyword+"import"+ansiReset+" os\n") ||
		!strings.Contains(out.String(), "  1   "+ansiKeyword+"import") {
		t.Errorf("a coloured session:\n%q", out.String())
	}
}
