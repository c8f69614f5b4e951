//go:build linux && amd64

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// terminal is rrpy replay on a pseudo-terminal, as a person runs it:
// readline edits the line, Tab completes, the source is coloured.
type terminal struct {
	t      *testing.T
	master *os.File
	mu     sync.Mutex
	out    strings.Builder // everything the terminal showed
}

// openTerminal starts rrpy replay on dir in a new session whose
// controlling terminal is a pseudo-terminal of 120 columns.
func openTerminal(t *testing.T, dir string, env ...string) *terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 120}); err != nil {
		t.Fatal(err)
	}
	cmd := rrpyCommand(append([]string{"TERM=xterm"}, env...), "replay", dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	term := &terminal{t: t, master: master}
	go term.read()
	return term
}

func (term *terminal) read() {
	buf := make([]byte, 4096)
	for {
		n, err := term.master.Read(buf)
		term.mu.Lock()
		term.out.Write(buf[:n])
		term.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// waitFor waits until the terminal has shown want after what it showed
// from, and returns where it ends.
func (term *terminal) waitFor(from int, want string) int {
	term.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		shown := term.out.String()
		term.mu.Unlock()
		if i := strings.Index(shown[from:], want); i >= 0 {
			return from + i + len(want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("the terminal did not show %q; it showed:\n%q", want, term.out.String()[from:])
	return 0
}

// typeKeys types keys on the terminal's keyboard.
func (term *terminal) typeKeys(keys string) {
	term.t.Helper()
	if _, err := term.master.WriteString(keys); err != nil {
		term.t.Fatal(err)
	}
}

// On a terminal, Tab completes a function and a file of the recording in
// break and tbreak, and the frame's names in p; the source is
// highlighted.
func TestTerminalCompletionAndColours(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, py, testdata(t, "py/pdb_habits.py"))
	term := openTerminal(t, dir)
	at := term.waitFor(0, "(")
	at = term.waitFor(at, ")$ ")
	term.mu.Lock()
	opening := term.out.String()
	term.mu.Unlock()
	if !strings.Contains(opening, "\x1b[35mdef\x1b[0m \x1b[34mscale\x1b[0m") {
		t.Errorf("the source is not highlighted on a terminal:\n%q", opening)
	}
	for _, c := range []struct{ keys, then, want string }{
		{"b tot\t", "\r", "Breakpoint 1 at total()"},
		{"tbreak pdb_hab\t", "13\r", "Breakpoint 2 at " + testdata(t, "py/pdb_habits.py") + ":13"},
		{"c", "\r", "Hit breakpoint 1: total()"},
		{"p sca\t", "\r", "<function scale at 0x"}, // a global
		{"p lim\t", "\r", " = 5"},                  // a local of the frame
	} {
		term.typeKeys(c.keys)
		at = term.waitFor(at, strings.TrimRight(c.keys, "\t")) // the line drawn, completed after
		time.Sleep(200 * time.Millisecond)
		term.typeKeys(c.then)
		at = term.waitFor(at, c.want)
		at = term.waitFor(at, ")$ ")
	}
	term.typeKeys("quit\r")
}
