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
}

// Run runs the shell until quit or the end of In. It returns an error only
// when Out or In fails; the Target's errors are printed and the shell goes on.
func Run(cfg Config) error {
	s := newShell(cfg)
	in, err := newInput(cfg)
	if err != nil {
		return err
	}
	defer in.close()
	s.printLocation(s.t.Now())
	for s.out.err == nil {
		line, err := s.readLine(in)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading commands: %w", err)
		}
		if s.execLine(line) {
			break
		}
	}
	return s.out.err
}

// shell is one session's state: everything Run knows between commands.
type shell struct {
	t           engine.Target
	out         *errWriter
	interactive bool
	interrupts  <-chan struct{}
	progress    time.Duration // Config.ProgressAfter

	last     string // the last non-empty command line, for the empty line
	frame    int    // the selected frame (up, down): 0 is the innermost
	nextBP   int    // the number the next breakpoint gets
	bps      []*breakpoint
	watched  map[int]string // the last value shown of each watchpoint
	displays []display
	files    map[string]bool // source files seen, for break FILE:LINE
	sources  map[string]sourceFile
}

func newShell(cfg Config) *shell {
	return &shell{
		t:           cfg.Target,
		out:         &errWriter{w: cfg.Out},
		interactive: cfg.Interactive,
		interrupts:  cfg.Interrupts,
		progress:    cfg.ProgressAfter,
		nextBP:      1,
		watched:     map[int]string{},
		files:       map[string]bool{},
		sources:     map[string]sourceFile{},
	}
}

func (s *shell) prompt() string {
	return fmt.Sprintf("(%d)$ ", s.t.Now().Time)
}

// readLine waits for a command line. Interrupts that come meanwhile are
// consumed here, so that a Ctrl-C at the prompt cannot cancel the next move.
func (s *shell) readLine(in input) (string, error) {
	prompt := s.prompt()
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
		line, err := in.readLine(prompt)
		done <- result{line, err}
	}()
	for {
		select {
		case r := <-done:
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

// execLine runs one command line and reports whether the shell should quit.
// An empty line repeats the last command, as in pdb.
func (s *shell) execLine(line string) (quit bool) {
	line = strings.TrimSpace(line)
	if line == "" {
		line = s.last
	}
	if line == "" {
		return false
	}
	s.last = line
	name, arg := line, ""
	if i := strings.IndexFunc(line, unicode.IsSpace); i >= 0 {
		name, arg = line[:i], line[i:]
	}
	if strings.HasPrefix(line, "!") {
		name, arg = "!", line[1:] // pdb's !STMT needs no space
	}
	cmd := lookup(name)
	if cmd == nil {
		s.out.printf("no command '%s', try 'help'\n", name)
		return false
	}
	err := cmd.fn(s, strings.TrimSpace(arg))
	if errors.Is(err, errQuit) {
		return true
	}
	s.report(err)
	return false
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
