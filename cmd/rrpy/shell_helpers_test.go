//go:build linux && amd64

package main

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shellDriver types commands into `rrpy replay` one at a time, the way a
// user does, and reads what the shell answers up to its next prompt.
type shellDriver struct {
	t       *testing.T
	in      io.WriteCloser
	out     *bufio.Reader
	cmd     *exec.Cmd
	now     uint64 // the time in the last prompt
	opening string
}

var promptRE = regexp.MustCompile(`\((\d+)\)\$ $`)

// startShell opens the shell on a trace and reads its opening location;
// flags go to rrpy replay.
func startShell(t *testing.T, dir string, flags ...string) *shellDriver {
	t.Helper()
	cmd := rrpyCommand(nil, append(append([]string{"replay"}, flags...), dir)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &shellDriver{t: t, in: in, out: bufio.NewReader(stdout), cmd: cmd}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	d.opening = d.readToPrompt()
	return d
}

// readToPrompt returns what the shell printed before its next prompt.
func (d *shellDriver) readToPrompt() string {
	d.t.Helper()
	type answer struct {
		text string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		var b strings.Builder
		for {
			c, err := d.out.ReadByte()
			if err != nil {
				got <- answer{b.String(), err}
				return
			}
			b.WriteByte(c)
			if c == ' ' && promptRE.MatchString(b.String()) {
				got <- answer{b.String(), nil}
				return
			}
		}
	}()
	select {
	case a := <-got:
		if a.err != nil {
			d.t.Fatalf("the shell stopped (%v) after printing:\n%s", a.err, a.text)
		}
		m := promptRE.FindStringSubmatchIndex(a.text)
		d.now, _ = strconv.ParseUint(a.text[m[2]:m[3]], 10, 64)
		return a.text[:m[0]]
	case <-time.After(120 * time.Second):
		d.t.Fatalf("no prompt from the shell after 120 s")
	}
	return ""
}

// do types one command and returns the shell's answer, without the echo
// of the command itself.
func (d *shellDriver) do(command string) string {
	d.t.Helper()
	if _, err := io.WriteString(d.in, command+"\n"); err != nil {
		d.t.Fatalf("type %q: %v", command, err)
	}
	out := d.readToPrompt()
	out = strings.TrimPrefix(out, command+"\n")
	return out
}

// write types a line the shell reads without a prompt of its own (a
// breakpoint's commands after "commands"): what it answers is read with
// the next do.
func (d *shellDriver) write(line string) {
	d.t.Helper()
	if _, err := io.WriteString(d.in, line+"\n"); err != nil {
		d.t.Fatalf("type %q: %v", line, err)
	}
}

// quit ends the shell with end of input and checks that it exits cleanly.
func (d *shellDriver) quit() string {
	d.t.Helper()
	d.in.Close()
	rest, _ := io.ReadAll(d.out)
	if err := d.cmd.Wait(); err != nil {
		d.t.Fatalf("the shell exited with %v at end of input; it printed %s", err, rest)
	}
	return string(rest)
}

// location returns the line and the marked source line of a stop.
func location(t *testing.T, out string) (line int, marked string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^File ".*", line (\d+) in .*:$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no location in:\n%s", out)
	}
	line, _ = strconv.Atoi(m[1])
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "> ") || strings.HasPrefix(l, "<< ") || strings.HasPrefix(l, "!! ") {
			marked = l
		}
	}
	return line, marked
}

// recordAndOpen records py running a testdata script (with args) and
// opens the shell on the trace.
func recordAndOpen(t *testing.T, py, script string, args ...string) *shellDriver {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, append([]string{py, testdata(t, script)}, args...)...)
	return startShell(t, dir)
}

// interrupt types a command and, once the shell has taken it (it echoes
// the line before running it) and after another wait, sends Ctrl-C; it
// returns what the shell printed up to its next prompt.
func (d *shellDriver) interrupt(command string, wait time.Duration) string {
	d.t.Helper()
	if _, err := io.WriteString(d.in, command+"\n"); err != nil {
		d.t.Fatalf("type %q: %v", command, err)
	}
	echoed := make(chan error, 1)
	go func() {
		var b strings.Builder
		for !strings.HasSuffix(b.String(), command+"\n") {
			c, err := d.out.ReadByte()
			if err != nil {
				echoed <- err
				return
			}
			b.WriteByte(c)
		}
		echoed <- nil
	}()
	select {
	case err := <-echoed:
		if err != nil {
			d.t.Fatalf("the shell stopped before taking %q: %v", command, err)
		}
	case <-time.After(120 * time.Second):
		d.t.Fatalf("the shell did not take %q in 120 s", command)
	}
	time.Sleep(wait)
	if err := d.cmd.Process.Signal(syscall.SIGINT); err != nil {
		d.t.Fatal(err)
	}
	return d.readToPrompt()
}
