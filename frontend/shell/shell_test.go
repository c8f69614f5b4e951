package shell

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"rrpy/engine"
)

// run drives the shell over input against f and returns the transcript,
// without the last prompt that met the end of the input.
func run(t *testing.T, f *fakeTarget, input string) string {
	t.Helper()
	var out strings.Builder
	if err := Run(Config{Target: f, In: strings.NewReader(input), Out: &out}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return trimLastPrompt(out.String())
}

func trimLastPrompt(s string) string { return lastPrompt.ReplaceAllString(s, "") }

var lastPrompt = regexp.MustCompile(`\(\d+\)\$ \n$`)

// expect runs input from time `at` and compares the whole transcript.
func expect(t *testing.T, at uint64, input, want string) {
	t.Helper()
	f := newFake()
	f.cur = int(at) - 1
	if got := run(t, f, input); got != want {
		t.Errorf("input %q:\ngot:\n%s\nwant:\n%s", input, got, want)
	}
}

// The locations the transcripts below go through.
const (
	at1 = `File "/rec/app.py", line 1 in <module>:
> import os

  def foo(n):
      # add one
      x = n + 1
      return x
`
	at2 = `File "<frozen importlib._bootstrap>", line 1000 in _find_and_load:
Source not available for <frozen importlib._bootstrap>.
`
	at3 = `File "/rec/app.py", line 3 in <module>:
  import os

> def foo(n):
      # add one
      x = n + 1
      return x

  def bad():
`
	at4 = `File "/rec/app.py", line 8 in <module>:
  def foo(n):
      # add one
      x = n + 1
      return x

> def bad():
      raise ValueError("no")

  y = foo(1)
  try:
      bad()
`
	at6 = `File "/rec/app.py", line 5 in foo:
  def foo(n):
      # add one
>     x = n + 1
      return x

  def bad():
      raise ValueError("no")

`
	at8 = `File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
<<     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`
	at13 = `File "/rec/app.py", line 14 in <module>:
      raise ValueError("no")

  y = foo(1)
  try:
      bad()
> except ValueError:
      """ignored"""
  print(y)
`
	at14 = `File "/rec/app.py", line 16 in <module>:
  y = foo(1)
  try:
      bad()
  except ValueError:
      """ignored"""
> print(y)
`
)

func TestPromptEchoAndEOF(t *testing.T) {
	expect(t, 1, "", at1)
	expect(t, 1, "step", at1+"(1)$ step\n"+at2) // no newline at the end
	expect(t, 1, "step\r\n", at1+"(1)$ step\n"+at2)
}

func TestQuit(t *testing.T) {
	for _, q := range []string{"quit", "q", "exit"} {
		expect(t, 1, q+"\nstep\n", at1+"(1)$ "+q+"\n")
	}
}

func TestStep(t *testing.T) {
	expect(t, 1, "s\nstep 1\ns 3\nbs\nbstep 2\n",
		at1+"(1)$ s\n"+at2+"(2)$ step 1\n"+at3+"(3)$ s 3\n"+at6+"(6)$ bs\n"+
			`File "/rec/app.py", line 11 in <module>:
      return x

  def bad():
      raise ValueError("no")

> y = foo(1)
  try:
      bad()
  except ValueError:
      """ignored"""
  print(y)
`+"(5)$ bstep 2\n"+at3)
}

func TestStepEdges(t *testing.T) {
	expect(t, 1, "bstep\nbs 5\nstep 0\n",
		at1+"(1)$ bstep\nStart of the recording.\n(1)$ bs 5\nStart of the recording.\n(1)$ step 0\n"+at1)
	expect(t, 13, "s 100\ns\n",
		at13+"(13)$ s 100\nEnd of the recording.\n"+at14+"(14)$ s\nEnd of the recording.\n")
	expect(t, 3, "bs 18446744073709551615\n", at3+"(3)$ bs 18446744073709551615\nStart of the recording.\n"+at1)
	expect(t, 13, "s 18446744073709551615\n", at13+"(13)$ s 18446744073709551615\nEnd of the recording.\n"+at14)
	expect(t, 1, "step two\nstep -1\n",
		at1+"(1)$ step two\nstep needs a count (a number), got 'two'\n(1)$ step -1\nstep needs a count (a number), got '-1'\n")
}

// go goes anywhere in the recording; past either end it says so.
func TestGo(t *testing.T) {
	expect(t, 1, "go 6\ngo 99\ngo 0\ngo banana\ngo\n",
		at1+"(1)$ go 6\n"+at6+"(6)$ go 99\nEnd of the recording.\n"+at14+"(14)$ go 0\nStart of the recording.\n"+at1+
			"(1)$ go banana\ngo needs a time (a number) or a mark's name, got 'banana'\n"+
			"(1)$ go\ngo needs a time (a number) or a mark's name, got ''\n")
}

func TestNextAndFinish(t *testing.T) {
	// next steps over the import's frame; bnext comes back over foo's.
	expect(t, 1, "next\nn\nbn\n", at1+"(1)$ next\n"+at3+"(3)$ n\n"+
		at4+"(4)$ bn\n"+at3)
	expect(t, 6, "finish\nbfinish\nbf\n", at6+"(6)$ finish\n"+at8+"(8)$ bfinish\n"+
		`File "/rec/app.py", line 11 in <module>:
      return x

  def bad():
      raise ValueError("no")

> y = foo(1)
  try:
      bad()
  except ValueError:
      """ignored"""
  print(y)
`+"(5)$ bf\nNo caller.\n")
	expect(t, 13, "f\nf\nn\nnext 2\n", at13+"(13)$ f\nEnd of the recording.\n"+at14+
		"(14)$ f\nEnd of the recording.\n(14)$ n\nEnd of the recording.\n(14)$ next 2\n*** Invalid argument: 2\n")
}

func TestEmptyLineRepeats(t *testing.T) {
	expect(t, 1, "\ns\n\n  \n", at1+"(1)$ \n(1)$ s\n"+at2+"(2)$ \n"+at3+"(3)$   \n"+at4)
}

func TestUnknownCommand(t *testing.T) {
	expect(t, 1, "x\nbananas 3\nhelp x\n", at1+"(1)$ x\nno command 'x', try 'help'\n"+
		"(1)$ bananas 3\nno command 'bananas', try 'help'\n(1)$ help x\nno command 'x', try 'help'\n")
}

func TestBreak(t *testing.T) {
	expect(t, 6, "break\nb 5\nb 6x\nb app.py:13\nbreak /rec/app.py:16\nb foo\nb bad\nb missing.py:3\nb app.py:x\ninfo breakpoints\n",
		at6+`(6)$ break
No breakpoints.
(6)$ b 5
Breakpoint 1 at /rec/app.py:5
(6)$ b 6x
break needs a function name, FILE:LINE or LINE, got '6x'
(6)$ b app.py:13
Breakpoint 2 at /rec/app.py:13
(6)$ break /rec/app.py:16
Breakpoint 3 at /rec/app.py:16
(6)$ b foo
Breakpoint 4 at foo()
(6)$ b bad
Breakpoint 5 at bad()
(6)$ b missing.py:3
Breakpoint 6 at missing.py:3
(6)$ b app.py:x
break needs FILE:LINE with a line number, got 'app.py:x'
(6)$ info breakpoints
Num Type         Disp Enb   Where
1   breakpoint   keep yes   at /rec/app.py:5
2   breakpoint   keep yes   at /rec/app.py:13
3   breakpoint   keep yes   at /rec/app.py:16
4   breakpoint   keep yes   at foo()
5   breakpoint   keep yes   at bad()
6   breakpoint   keep yes   at missing.py:3
`)
}

func TestBreakRefusals(t *testing.T) {
	expect(t, 1, "b 2\nb 4\nb 15\nb 17\nb 0\nb app.py:99\nb pp.py:99\ninfo b\n", at1+`(1)$ b 2
*** Blank or comment
(1)$ b 4
*** Blank or comment
(1)$ b 15
*** Blank or comment
(1)$ b 17
End of file
(1)$ b 0
End of file
(1)$ b app.py:99
End of file
(1)$ b pp.py:99
Breakpoint 1 at pp.py:99
(1)$ info b
Num Type         Disp Enb   Where
1   breakpoint   keep yes   at pp.py:99
`)
}

func TestBreakResolvesSeenFiles(t *testing.T) {
	// Once the session has been in app.py, app.py names it from anywhere.
	expect(t, 1, "s\nb app.py:13\nb 5\n", at1+"(1)$ s\n"+at2+
		"(2)$ b app.py:13\nBreakpoint 1 at /rec/app.py:13\n(2)$ b 5\nBreakpoint 2 at <frozen importlib._bootstrap>:5\n")
}

func TestDelete(t *testing.T) {
	expect(t, 1, "delete 99\nb foo\nb 5\ndel 1\ndel 1\ninfo b\ndelete\ndelete x\ndel 2\ninfo b\n", at1+`(1)$ delete 99
No breakpoint number 99.
(1)$ b foo
Breakpoint 1 at foo()
(1)$ b 5
Breakpoint 2 at /rec/app.py:5
(1)$ del 1
Deleted breakpoint 1
(1)$ del 1
No breakpoint number 1.
(1)$ info b
Num Type         Disp Enb   Where
2   breakpoint   keep yes   at /rec/app.py:5
(1)$ delete
Delete which breakpoint? (delete N)
(1)$ delete x
delete needs a breakpoint number, got 'x'
(1)$ del 2
Deleted breakpoint 2
(1)$ info b
No breakpoints.
`)
}

func TestContinue(t *testing.T) {
	expect(t, 1, "b foo\nb 14\nc\nc\nc\nbc\nbc\nbc\n", at1+
		"(1)$ b foo\nBreakpoint 1 at foo()\n(1)$ b 14\nBreakpoint 2 at /rec/app.py:14\n"+
		"(1)$ c\nHit breakpoint 1: foo()\n"+at6+
		"(6)$ c\nHit breakpoint 2: /rec/app.py:14\n"+at13+
		"(13)$ c\nEnd of the recording.\n"+at14+
		"(14)$ bc\nReverse-hit breakpoint 2: /rec/app.py:14\n"+at13+
		"(13)$ bc\nReverse-hit breakpoint 1: foo()\n"+at6+
		"(6)$ bc\nStart of the recording.\n"+at1)
	expect(t, 14, "c\ncontinue now\n", at14+"(14)$ c\nEnd of the recording.\n(14)$ continue now\n*** Invalid argument: now\n")
}

func TestBacktrace(t *testing.T) {
	want := `Current call stack (most recent call last):
  File "/rec/app.py", line 11 in <module>
    y = foo(1)
> File "/rec/app.py", line 6 in foo
    return x
`
	expect(t, 8, "bt\nwhere\nw\n", at8+"(8)$ bt\n"+want+"(8)$ where\n"+want+"(8)$ w\n"+want)
	expect(t, 1, "backtrace\n", at1+`(1)$ backtrace
Current call stack (most recent call last):
> File "/rec/app.py", line 1 in <module>
    import os
`)
	// A frame without source shows no line.
	expect(t, 2, "bt\n", at2+`(2)$ bt
Current call stack (most recent call last):
  File "/rec/app.py", line 1 in <module>
    import os
> File "<frozen importlib._bootstrap>", line 1000 in _find_and_load
`)
}

// at5 is the call of foo at line 11, as up from foo shows it.
const at5 = `File "/rec/app.py", line 11 in <module>:
      return x

  def bad():
      raise ValueError("no")

> y = foo(1)
  try:
      bad()
  except ValueError:
      """ignored"""
  print(y)
`

// up and down select a frame, where marks it, and p, locals, args, list
// and ll look there; a move selects the innermost frame again.
func TestUpDown(t *testing.T) {
	expect(t, 7, "up\nwhere\nlocals\nargs\np os\nup\ndown\ndown\nu 5\nd 5\nup 0\n",
		`File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`+"(7)$ up\n"+at5+`(7)$ where
Current call stack (most recent call last):
> File "/rec/app.py", line 11 in <module>
    y = foo(1)
  File "/rec/app.py", line 6 in foo
    return x
(7)$ locals
os = <module 'os'>
(7)$ args
No arguments.
(7)$ p os
$0 = <module 'os'>
(7)$ up
*** Oldest frame
(7)$ down
File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
(7)$ down
*** Newest frame
(7)$ u 5
`+at5+`(7)$ d 5
File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
(7)$ up 0
File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`)
	// A move selects the innermost frame again: locals are foo's.
	got := run(t, func() *fakeTarget { f := newFake(); f.cur = 6; return f }(), "up\nlist\nb 12\nbs\nlocals\nargs\nup x\n")
	for _, want := range []string{
		"(7)$ list\n     6       return x\n",
		">   11   y = foo(1)\n    12   try:\n",
		"(7)$ b 12\nBreakpoint 1 at /rec/app.py:12\n",
		"(6)$ locals\nn = 1\n(6)$ args\nn = 1\n",
		"(6)$ up x\nneeds a count (a number), got 'x'\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	expect(t, 1, "up\ndown\n", at1+"(1)$ up\n*** Oldest frame\n(1)$ down\n*** Newest frame\n")
}

// ll lists the whole function the selected frame runs; at module level,
// the whole file.
func TestLongList(t *testing.T) {
	expect(t, 6, "ll\n", at6+`(6)$ ll
     3   def foo(n):
     4       # add one
>    5       x = n + 1
     6       return x
`)
	got := run(t, func() *fakeTarget { f := newFake(); f.cur = 10; return f }(), "longlist\nup\nll\n")
	for _, want := range []string{
		"(11)$ longlist\n     8   def bad():\n>    9       raise ValueError(\"no\")\n(11)$ up\n",
		"(11)$ ll\n     1   import os\n",
		">   13       bad()\n",
		"    16   print(y)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

func TestBlockEnd(t *testing.T) {
	lines := splitLines("@dec\ndef f(a):\n    if a:\n\n        return 1\n    # done\n    return 2\n\nx = f(1)\n")
	if got := blockEnd(lines, 1, 3); got != 7 {
		t.Errorf("blockEnd = %d, want 7", got)
	}
}

func TestListMarkers(t *testing.T) {
	expect(t, 7, "b 5\nlist\ns\nl\n", `File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`+`(7)$ b 5
Breakpoint 1 at /rec/app.py:5
(7)$ list
     3   def foo(n):
     4       # add one
     5 B     x = n + 1
>    6       return x
     7
     8   def bad():
     9       raise ValueError("no")
    10
    11   y = foo(1)
(7)$ s
`+at8+`(8)$ l
     3   def foo(n):
     4       # add one
     5 B     x = n + 1
<<   6       return x
     7
     8   def bad():
     9       raise ValueError("no")
    10
    11   y = foo(1)
`)
	expect(t, 12, "list\n", `File "/rec/app.py", line 9 in bad:
  def bad():
!!     raise ValueError("no")

  y = foo(1)
  try:
      bad()
  except ValueError:
`+`(12)$ list
     8   def bad():
!!   9       raise ValueError("no")
    10
    11   y = foo(1)
    12   try:
    13       bad()
    14   except ValueError:
`)
	// Module level: the lines around the current one.
	expect(t, 13, "list\n", at13+`(13)$ list
     9       raise ValueError("no")
    10
    11   y = foo(1)
    12   try:
    13       bad()
>   14   except ValueError:
    15       """ignored"""
    16   print(y)
`)
	expect(t, 2, "list\nlist 3\n", at2+"(2)$ list\nSource not available for <frozen importlib._bootstrap>.\n(2)$ list 3\n*** Invalid argument: 3\n")
}

func TestLocals(t *testing.T) {
	expect(t, 7, "locals\n", `File "/rec/app.py", line 6 in foo:
  def foo(n):
      # add one
      x = n + 1
>     return x

  def bad():
      raise ValueError("no")

  y = foo(1)
`+"(7)$ locals\nn = 1\nx = 2\n")
	expect(t, 1, "locals\n", at1+"(1)$ locals\nNo local variables.\n")
}

func TestInfo(t *testing.T) {
	f := newFake()
	f.checkpoints = []uint64{1, 7, 12}
	got := run(t, f, "info paused\ninfo\ninfo x\n")
	want := at1 + "(1)$ info paused\nCheckpoints at times: 1, 7, 12\n" +
		"(1)$ info\nInfo about what? (info breakpoints, info watchpoints, info paused, info anchors, info marks)\n(1)$ info x\nno info 'x', try 'help info'\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	expect(t, 1, "info p\ninfo b\n", at1+"(1)$ info p\nNo checkpoints.\n(1)$ info b\nNo breakpoints.\n")
}

func TestTargetErrors(t *testing.T) {
	f := newFake()
	f.err = errors.New("replay diverged at event 12")
	got := run(t, f, "s\nn\nc\ngo 3\n")
	want := at1 + "(1)$ s\n*** replay diverged at event 12\n(1)$ n\n*** replay diverged at event 12\n" +
		"(1)$ c\n*** replay diverged at event 12\n(1)$ go 3\n*** replay diverged at event 12\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestHelp(t *testing.T) {
	got := run(t, newFake(), "help\n")
	for _, c := range commands() {
		if !strings.Contains(got, "\n  "+c.title()+" ") {
			t.Errorf("help does not list %q:\n%s", c.title(), got)
		}
	}
	expect(t, 1, "help bs\n? go\nh break\n", at1+`(1)$ help bs
bstep [N]
Aliases: bs
Go N stop points backward (default 1).
bstep N is go NOW-N: the stop points just before this one, in whatever frame they are.
(1)$ ? go
go TIME | MARK
Jump to a time (a prompt's number) or a mark.
Times outside the recording are clamped to its start or its end. mark NAME names a time.
(1)$ h break
break [FUNC | FILE:LINE | LINE] [if COND]
Aliases: b
Set a breakpoint, or list them.
break foo stops when a function named foo is called; break app.py:12 at line 12
of the recorded file whose path ends with app.py; break 12 at line 12 of the
selected frame's file. Lines without code (blank, comments, past the end) are
refused. if COND (or pdb's , COND) stops only where the Python condition holds,
in the frame hit; a condition that raises stops and says so. Without an
argument, break lists the breakpoints as info breakpoints does.
`)
}

// The command table's names and aliases must not collide.
func TestCommandNamesUnique(t *testing.T) {
	seen := map[string]string{}
	for _, c := range commands() {
		for _, n := range append([]string{c.name}, c.aliases...) {
			if other, ok := seen[n]; ok {
				t.Errorf("%q names both %s and %s", n, other, c.name)
			}
			seen[n] = c.name
		}
	}
}

// failWriter fails after n writes, like a closed terminal.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, io.ErrClosedPipe
	}
	w.n--
	return len(p), nil
}

func TestOutputFailure(t *testing.T) {
	err := Run(Config{Target: newFake(), In: strings.NewReader("s\ns\ns\n"), Out: &failWriter{n: 3}})
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("Run = %v, want %v", err, io.ErrClosedPipe)
	}
}

// listingFake also knows every recorded file, as a SourceLister.
type listingFake struct {
	*fakeTarget
	files []string
}

func (l listingFake) SourceFiles() []string { return l.files }

func (l listingFake) DefinesFunction(name string) bool { return name == "square" }

func (l listingFake) Functions() []string { return []string{"square", "square_squares", "sum_squares"} }

// Tab completes break's, tbreak's and clear's location from the
// functions the recorded sources define and the recorded files; not
// past it.
func TestCompletionOfLocations(t *testing.T) {
	f := listingFake{newFake(), []string{"/rec/app.py", "/rec/lib/util.py", "/other/square.py"}}
	c := completion{s: newShell(Config{Target: f, Out: io.Discard}), commands: completer()}
	for line, want := range map[string]string{
		"b squ":         "are are.py: are_squares",
		"break sum":     "_squares",
		"tbreak ut":     "il.py:",
		"cl app":        ".py:",
		"b app.":        "py:",
		"b app.py:":     "",
		"b square if ":  "",
		"b square if s": "",
		"b ":            "app.py: square square.py: square_squares sum_squares util.py:",
	} {
		expectCompletion(t, c, line, want)
	}
}

func TestBreakResolvesListedFiles(t *testing.T) {
	f := listingFake{newFake(), []string{"/rec/app.py", "/rec/lib/util.py", "/other/util.py"}}
	var out strings.Builder
	in := "b util.py:3\nb lib/util.py:3\nb ./app.py:13\nb pp.py:3\ns\t2\n"
	if err := Run(Config{Target: f, In: strings.NewReader(in), Out: &out}); err != nil {
		t.Fatal(err)
	}
	want := at1 + `(1)$ b util.py:3
'util.py' could be any of /other/util.py, /rec/lib/util.py
(1)$ b lib/util.py:3
Breakpoint 1 at /rec/lib/util.py:3
(1)$ b ./app.py:13
Breakpoint 2 at /rec/app.py:13
(1)$ b pp.py:3
*** No file pp.py is among the sources the recording read
(1)$ s	2
` + at3
	if trimLastPrompt(out.String()) != want {
		t.Errorf("got:\n%s\nwant:\n%s", trimLastPrompt(out.String()), want)
	}
}

func TestPrint(t *testing.T) {
	f := newFake()
	f.cur = 5 // in foo, n = 1
	got := run(t, f, "p n\nprint n + 1000\n!print('hi')\np q\np 1 +\np\n")
	for _, want := range []string{
		"(6)$ p n\n$0 = 1\n",
		"(6)$ print n + 1000\n1001\n",
		"(6)$ !print('hi')\nhi\n$0 = None\n",
		"(6)$ p q\nNameError: name 'q' is not defined\n",
		"(6)$ p 1 +\nSyntaxError: invalid syntax\n",
		"(6)$ p\nPrint what?\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

func TestWatch(t *testing.T) {
	f := newFake()
	f.cur = 5 // in foo: $1 is x from time 7 on
	got := run(t, f, "watch\nwatch 1 +\nwatch $1\ninfo watchpoints\ns\ns\ninfo b\ndelete 1\ninfo w\n")
	for _, want := range []string{
		"(6)$ watch\nWatch what?\n",
		"(6)$ watch 1 +\nSyntaxError: invalid syntax\n",
		"(6)$ watch $1\nWatchpoint 1 added\nupdating watchpoint value: $1 => NameError: no constant object '$1'\n",
		"(6)$ info watchpoints\nNum Type         Disp Enb   Where\n1   watchpoint   keep yes   $1 => NameError: no constant object '$1'\n",
		"(6)$ s\nupdating watchpoint value: $1 => 2\nFile",
		"(7)$ s\nFile", // unchanged: no update
		"(8)$ info b\nNum Type         Disp Enb   Where\n1   watchpoint   keep yes   $1 => 2\n",
		"(8)$ delete 1\nDeleted watchpoint 1\n(8)$ info w\nNo watchpoints.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}

// With more than one thread, a location says which one runs; nthread and
// bthread in a one-thread recording run into the edges.
func TestThreadInBanner(t *testing.T) {
	var out strings.Builder
	s := newShell(Config{Target: newFake(), Out: &out})
	s.printLocation(engine.Location{File: "/rec/w.py", Line: 3, Func: "worker", Thread: 17, Threads: 3})
	s.printLocation(engine.Location{File: "/rec/w.py", Line: 3, Func: "worker", Thread: 17, Threads: 1})
	if !strings.HasPrefix(out.String(), "File \"/rec/w.py\", line 3 in worker (thread 17 of 3):\n") ||
		!strings.Contains(out.String(), "File \"/rec/w.py\", line 3 in worker:\n") {
		t.Errorf("banners:\n%s", out.String())
	}
	got := run(t, newFake(), "nthread\nbthread\n")
	if !strings.Contains(got, "(1)$ nthread\nEnd of the recording.\n") || !strings.Contains(got, "$ bthread\nStart of the recording.\n") {
		t.Errorf("nthread and bthread with one thread:\n%s", got)
	}
}

// What the shell will not do, it says: a breakpoint set twice, a
// function or a file no recorded source has, a watch on a name only a
// frame knows.
func TestBreakAndWatchRefusals(t *testing.T) {
	f := listingFake{newFake(), []string{"/rec/app.py"}}
	var out strings.Builder
	in := "b app.py:13\nb 13\nb square\nb square\nb nosuch\nb nofile.py:3\nwatch x\nwatch $1\nwatch $1\n"
	if err := Run(Config{Target: f, In: strings.NewReader(in), Out: &out}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"(1)$ b app.py:13\nBreakpoint 1 at /rec/app.py:13\n",
		"(1)$ b 13\n*** Breakpoint 1 is already at /rec/app.py:13\n",
		"(1)$ b square\nBreakpoint 2 at square()\n(1)$ b square\n*** Breakpoint 2 is already at square()\n",
		"(1)$ b nosuch\n*** No function nosuch is defined in the sources the recording read\n",
		"(1)$ b nofile.py:3\n*** No file nofile.py is among the sources the recording read\n",
		"(1)$ watch x\n*** A watch sees only the builtins and $N names, not x: p x names its value $N, to watch\n",
		"(1)$ watch $1\nWatchpoint 3 added\n",
		"(1)$ watch $1\n*** Watchpoint 3 already watches $1\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the session lacks\n%s\nin:\n%s", want, out.String())
		}
	}
}

// slowFake takes its time to move and says how far it got.
type slowFake struct{ *fakeTarget }

func (s slowFake) Go(ctx context.Context, t uint64) (engine.Stop, error) {
	time.Sleep(100 * time.Millisecond)
	return s.fakeTarget.Go(ctx, t)
}

func (slowFake) Progress() (from, now uint64, ok bool) { return 5, 7, true }

// A move that runs long shows, on a line it rewrites, what it goes
// through, and clears it before the location.
func TestProgressOfALongMove(t *testing.T) {
	var out strings.Builder
	cfg := Config{Target: slowFake{newFake()}, In: strings.NewReader("go 6\n"), Out: &out, ProgressAfter: 20 * time.Millisecond}
	if err := Run(cfg); err != nil {
		t.Fatal(err)
	}
	if want := "(1)$ go 6\n\r[searching 5..7]\033[K"; !strings.Contains(out.String(), want) {
		t.Errorf("no progress in:\n%q", out.String())
	}
	if want := "\r\033[K" + at6; !strings.Contains(out.String(), want) {
		t.Errorf("the progress line is not cleared before the location:\n%q", out.String())
	}
}

// A long history says, on the line it rewrites, how many values it has
// found and up to when, and what it replays.
func TestProgressOfALongHistory(t *testing.T) {
	var out strings.Builder
	cfg := Config{Target: slowFake{newFake()}, In: strings.NewReader("history $1\n"), Out: &out, ProgressAfter: 20 * time.Millisecond}
	if err := Run(cfg); err != nil {
		t.Fatal(err)
	}
	if want := "(1)$ history $1\n\r[history: no value found yet; replaying 5..7]\033[K"; !strings.Contains(out.String(), want) {
		t.Errorf("no progress in:\n%q", out.String())
	}
	if want := "\r\033[K$1 took 1 value:\n"; !strings.Contains(out.String(), want) {
		t.Errorf("the progress line is not cleared before the rows:\n%q", out.String())
	}
	if got := historyProgress(2, 40, 5, 7); got != "[history: 2 values found up to time 40; replaying 5..7]" {
		t.Errorf("progress with two changes: %q", got)
	}
}
