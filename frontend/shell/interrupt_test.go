package shell

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// Ctrl-C during a move cancels it; the shell prints where the Target
// stopped, whether the Target reports the cancellation as an error or not.
func TestInterruptMove(t *testing.T) {
	for _, withErr := range []bool{false, true} {
		f := newFake()
		f.started = make(chan struct{})
		f.cancelErr = withErr
		intr := make(chan struct{})
		go func() {
			<-f.started
			intr <- struct{}{}
		}()
		var out strings.Builder
		err := Run(Config{Target: f, In: strings.NewReader("c\n"), Out: &out, Interrupts: intr})
		if err != nil {
			t.Fatal(err)
		}
		if want := at1 + "(1)$ c\n" + at3; trimLastPrompt(out.String()) != want {
			t.Errorf("error %v: got:\n%s\nwant:\n%s", withErr, trimLastPrompt(out.String()), want)
		}
	}
}

// Ctrl-C at the prompt is consumed there: it must not cancel the next move.
func TestInterruptAtPrompt(t *testing.T) {
	pr, pw := io.Pipe()
	intr := make(chan struct{})
	var out strings.Builder
	done := make(chan error)
	go func() {
		done <- Run(Config{Target: newFake(), In: pr, Out: &out, Interrupts: intr})
	}()
	select {
	case intr <- struct{}{}:
	case <-time.After(10 * time.Second):
		t.Fatal("the prompt does not take Ctrl-C")
	}
	io.WriteString(pw, "s\n")
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := at1 + "(1)$ s\n" + at2; trimLastPrompt(out.String()) != want {
		t.Errorf("got:\n%s\nwant:\n%s", trimLastPrompt(out.String()), want)
	}
}

// A closed Interrupts channel means no more Ctrl-C, not a Ctrl-C forever.
func TestInterruptsClosed(t *testing.T) {
	f := newFake()
	intr := make(chan struct{})
	close(intr)
	var out strings.Builder
	if err := Run(Config{Target: f, In: strings.NewReader("s\ns\n"), Out: &out, Interrupts: intr}); err != nil {
		t.Fatal(err)
	}
	if want := at1 + "(1)$ s\n" + at2 + "(2)$ s\n" + at3; trimLastPrompt(out.String()) != want {
		t.Errorf("got:\n%s\nwant:\n%s", trimLastPrompt(out.String()), want)
	}
}

func TestCompleter(t *testing.T) {
	c := completer()
	for line, want := range map[string]string{
		"bco":      "ntinue ",
		"info p":   "aused ",
		"help whe": "re ",
	} {
		got, _ := c.Do([]rune(line), len(line))
		if len(got) != 1 || string(got[0]) != want {
			t.Errorf("completing %q: got %q, want %q", line, got, want)
		}
	}
}

// The readline history is the user's alone, as the traces are.
func TestHistoryFileIsPrivate(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	path := historyFile()
	if path == "" {
		t.Fatal("no history file")
	}
	if err := os.Chmod(path, 0o644); err != nil { // as an older rrpy left it
		t.Fatal(err)
	}
	if historyFile() != path {
		t.Fatal("the history file moved")
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("history file: %v, %v; want mode 0600", fi, err)
	}
}
