package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"rrpy/engine"
)

// Config says what the shell drives and where it talks.
type Config struct {
	Target engine.Target
	// In carries the commands, from a terminal or not.
	In io.Reader
	// Out receives everything the shell prints, errors included.
	Out io.Writer
	// Interactive says In is a terminal: the shell then edits lines with
	// readline (history, completion). Otherwise it reads plain lines and
	// echoes each prompt and command to Out, so that a transcript of a
	// scripted session reads like one typed by hand.
	Interactive bool
	// Interrupts delivers Ctrl-C. During a move it cancels the move (the
	// Target stops at a valid time); at the prompt it only gives a new
	// prompt. May be nil.
	Interrupts <-chan struct{}
	// ProgressAfter, if not 0, is how long a move runs before the shell
	// shows what it goes through ("[searching 19629..19726]"), again at
	// that period, on one line it rewrites: for a terminal.
	ProgressAfter time.Duration
	// Startup are command files run at the first stop, before the first
	// prompt (.rrpyrc in the home and the current directories, as pdb
	// runs .pdbrc): their lines are not echoed, and one that fails is
	// reported with its place and the rest runs.
	Startup []Script
	// Color highlights the Python source the shell shows, for a terminal
	// that takes colours (and a user who did not set NO_COLOR).
	Color bool
	// StopOnFailure ends Run at the first command of In that fails (a
	// script, rrpy replay -x), with a *CommandError.
	StopOnFailure bool
}

// Script is a file of shell commands, one a line; # starts a comment line.
type Script struct {
	Name string // for messages: its path
	Text string
}

// CommandError says which command of In failed, when Config.StopOnFailure
// ended Run there; what it said is in the transcript.
type CommandError struct {
	Line    int // 1 is the first line of In
	Command string
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("line %d, %s, failed", e.Line, e.Command)
}

// Run runs the shell until quit or the end of In. It returns an error only
// when Out or In fails, or a command fails under StopOnFailure; otherwise
// the Target's errors are printed and the shell goes on.
func Run(cfg Config) error {
	s := newShell(cfg)
	in, err := newInput(cfg, s)
	if err != nil {
		return err
	}
	defer in.close()
	s.in = in
	s.printLocation(s.t.Now())
	if s.runStartup(cfg.Startup) {
		return s.out.err
	}
	for s.out.err == nil {
		line, err := s.readLine(s.prompt())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading commands: %w", err)
		}
		quit, failed := s.execLine(line)
		if failed && cfg.StopOnFailure {
			return &CommandError{Line: s.linesRead, Command: strings.TrimSpace(line)}
		}
		if quit {
			break
		}
	}
	return s.out.err
}

// runStartup runs the startup files, and reports whether one quit.
func (s *shell) runStartup(scripts []Script) (quit bool) {
	for _, sc := range scripts {
		for i, line := range strings.Split(sc.Text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			quit, failed := s.run(line)
			if failed {
				s.out.printf("*** (%s, line %d)\n", sc.Name, i+1)
			}
			if quit {
				return true
			}
		}
	}
	return false
}

// shell is one session's state: everything Run knows between commands.
type shell struct {
	t           engine.Target
	out         *errWriter
	interactive bool
	color       bool // Config.Color
	interrupts  <-chan struct{}
	progress    time.Duration // Config.ProgressAfter

	last    string // the last non-empty command line, for the empty line
	frame   int    // the frame up and down selected: 0 is the innermost
	frameAt uint64 // the time they selected it at
	// queued are the commands of the breakpoint a move stopped at, to
	// run before the next prompt; a move drops those left.
	queued []string
	in     input // where commands reads its lists from; nil in a Console
	// aliases are pdb's: a name for a command line, %1... its arguments.
	aliases map[string]string
	// linesRead counts the lines read from In, to say which one failed.
	linesRead int
	// context is how many lines a stop shows around its line (set context).
	contextLines int
	nextBP       int // the number the next breakpoint gets
	bps          []*breakpoint
	watched      map[int]string // the last value shown of each watchpoint
	displays     []display
	files        map[string]bool // source files seen, for break FILE:LINE
	sources      map[string]sourceFile
}

func newShell(cfg Config) *shell {
	return &shell{
		t:            cfg.Target,
		out:          &errWriter{w: cfg.Out},
		interactive:  cfg.Interactive,
		color:        cfg.Color,
		interrupts:   cfg.Interrupts,
		progress:     cfg.ProgressAfter,
		nextBP:       1,
		watched:      map[int]string{},
		files:        map[string]bool{},
		sources:      map[string]sourceFile{},
		aliases:      map[string]string{},
		contextLines: around,
	}
}

func (s *shell) prompt() string {
	return fmt.Sprintf("(%d)$ ", s.t.Now().Time)
}

// readLine waits for a command line. Interrupts that come meanwhile are
// consumed here, so that a Ctrl-C at the prompt cannot cancel the next move.
func (s *shell) readLine(prompt string) (string, error) {
	type result struct {
		line string
		err  error
	}
	if !s.interactive {
		// The prompt comes first, as on a terminal, so that a program
		// driving the shell through a pipe knows when it may type.
		s.out.printf("%s", prompt)
	}
	done := make(chan result, 1)
	go func() {
		line, err := s.in.readLine(prompt)
		done <- result{line, err}
	}()
	for {
		select {
		case r := <-done:
			if r.err == nil {
				s.linesRead++
			}
			if !s.interactive {
				if r.err == nil {
					s.out.printf("%s\n", r.line)
				} else {
					s.out.printf("\n")
				}
			}
			return r.line, r.err
		case _, ok := <-s.interrupts:
			if !ok {
				s.interrupts = nil // closed: never select it again
			}
		}
	}
}

// execLine runs a typed command line, as run does. An empty line
// repeats the last command, as in pdb.
func (s *shell) execLine(line string) (quit, failed bool) {
	line = strings.TrimSpace(line)
	if line == "" {
		line = s.last
	}
	if line == "" {
		return false, false
	}
	s.last = line
	return s.run(line)
}

// run runs one command line, then the commands of the breakpoint it
// stopped at. It reports whether the shell should quit, and whether a
// command failed (what it said is printed).
func (s *shell) run(line string) (quit, failed bool) {
	quit, failed = s.exec(line)
	for len(s.queued) > 0 && !quit {
		next := s.queued[0]
		s.queued = s.queued[1:]
		q, f := s.exec(next)
		quit, failed = q, failed || f
	}
	return quit, failed
}

// exec runs one command, its aliases expanded, and reports whether the
// shell should quit and whether the command failed.
func (s *shell) exec(line string) (quit, failed bool) {
	line, err := s.expandAliases(line)
	if err != nil {
		s.report(err)
		return false, true
	}
	name, arg := splitCommand(line)
	cmd := lookup(name)
	if cmd == nil {
		s.out.printf("no command '%s', try 'help'\n", name)
		return false, true
	}
	err = cmd.fn(s, strings.TrimSpace(arg))
	if errors.Is(err, errQuit) {
		return true, false
	}
	s.report(err)
	return false, err != nil
}

// splitCommand cuts a command line into the command's name and its
// argument.
func splitCommand(line string) (name, arg string) {
	if strings.HasPrefix(line, "!") {
		return "!", line[1:] // pdb's !STMT needs no space
	}
	if i := strings.IndexFunc(line, unicode.IsSpace); i >= 0 {
		return line[:i], line[i:]
	}
	return line, ""
}

// errQuit is what the quit command returns to end Run.
var errQuit = errors.New("quit")

// userError is a mistake in a command line, printed as it is
// ("Break where?"), in RevPDB's manner.
type userError string

func (e userError) Error() string { return string(e) }

// refusal is a command the shell will not carry out, printed pdb-style
// ("*** Blank or comment").
type refusal string

func (e refusal) Error() string { return string(e) }

// report prints a handler's error: the user's mistakes plainly, anything
// else (the Target's failures, refusals) pdb-style after "*** ".
func (s *shell) report(err error) {
	if err == nil {
		return
	}
	var u userError
	if errors.As(err, &u) {
		s.out.printf("%s\n", u)
		return
	}
	s.out.printf("*** %s\n", err)
}

// moveContext returns the context for one move, canceled by an interrupt,
// and the function that ends the watch for interrupts.
func (s *shell) moveContext() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case _, ok := <-s.interrupts:
			if ok { // closed means no more Ctrl-C, not one
				cancel()
			}
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		<-finished // s.interrupts is read by one goroutine at a time
		cancel()
	}
}

// errWriter keeps the first write error so that printing code need not
// check each call; Run returns it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err != nil {
		return
	}
	_, e.err = fmt.Fprintf(e.w, format, args...)
}

// Console runs shell commands a line at a time for another frontend (the
// debug adapter's console): the shell's language, messages and state (its
// own breakpoints and watchpoints), its output written to Out.
type Console struct {
	s          *shell
	interrupts chan struct{}
}

// NewConsole makes a console on t that prints into out.
func NewConsole(t engine.Target, out io.Writer) *Console {
	interrupts := make(chan struct{}, 1)
	return &Console{s: newShell(Config{Target: t, Out: out, Interrupts: interrupts}), interrupts: interrupts}
}

// IsCommand tells whether a line starts with a command's name (or an
// alias): what a console runs as a command rather than as Python.
func IsCommand(line string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
	return name != "" && lookup(name) != nil
}

// Exec runs one line, as the shell would have.
func (c *Console) Exec(line string) {
	c.s.execLine(line)
}

// Interrupt stops the move Exec runs (Ctrl-C).
func (c *Console) Interrupt() {
	select {
	case c.interrupts <- struct{}{}:
	default:
	}
}

// Breakpoints returns the breakpoints and watchpoints set in the
// console that are enabled.
func (c *Console) Breakpoints() []engine.Breakpoint {
	return c.s.enabled()
}

// Takes tells whether a hit of a breakpoint set in the console stops: its
// condition and ignore count, as the shell's continue decides. A
// condition that raises stops, and problem says what it raised.
func (c *Console) Takes(ctx context.Context, id int) (stop bool, problem string, err error) {
	return c.s.takes(ctx, id)
}
