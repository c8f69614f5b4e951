package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"rrpy/pyframes"
	"rrpy/session"
	"rrpy/trace"
)

const recordUsage = "usage: rrpy record [-o DIR | -n NAME] [--clock CLOCK] -- PROGRAM [ARGS...]"

func recordCmd(c *cli.Context, stderr io.Writer) error {
	argv := c.Args().Slice()
	if len(argv) == 0 || !hadSeparator(os.Args) {
		return usageError{recordUsage}
	}
	if err := session.Supported(); err != nil {
		return err
	}
	clock := c.String("clock")
	if clock != session.ClockAuto && clock != session.ClockSettrace && clock != session.ClockMonitoring {
		return usageError{fmt.Sprintf("--clock %s: the clocks are settrace and monitoring", clock)}
	}
	name := c.String("name")
	if name != "" && c.String("output") != "" {
		return usageError{"-o DIR and -n NAME both say where the trace goes: one or the other"}
	}
	if name != "" && (filepath.Base(name) != name || name == "latest" || name == "." || name == "..") {
		return usageError{fmt.Sprintf("-n %s: a trace's name is one word of a file name, not a path", name)}
	}
	stop := make(chan struct{})
	defer stopOnSignals(stop)()
	dir, status, err := recordProgram(recording{
		argv: argv, output: c.String("output"), name: name, clock: clock, stop: stop,
		stdio: []*os.File{os.Stdin, os.Stdout, os.Stderr}, stderr: stderr,
	})
	if dir == "" {
		return err
	}
	if err != nil {
		fmt.Fprintf(stderr, "rrpy: %v: %s\n", err, dir)
		return exitError{1}
	}
	fmt.Fprintf(stderr, "rrpy: recorded into %s\n", dir)
	return exitError{shellStatus(status)}
}

// recording is what recordProgram records and where it talks.
type recording struct {
	argv   []string
	output string // the trace directory; "" for a new one beside the others, then latest
	name   string // the new one's name, when not output; "" for the program's and a number
	clock  string
	stop   <-chan struct{}
	stdio  []*os.File // the program's stdin, stdout, stderr
	stderr io.Writer  // rrpy's own messages
}

// recordProgram records a program into a trace. It returns the trace's
// directory ("" when none was written: the error says why) and the
// program's wait status; an interrupted recording is a trace and an
// error.
func recordProgram(r recording) (dir string, status int32, err error) {
	path, shim, err := resolveProgram(r.argv[0])
	if err != nil {
		return "", 0, err
	}
	if err := refuseUnsupportedPython(path, r.clock); err != nil {
		return "", 0, err
	}
	if shim {
		fmt.Fprintf(r.stderr, "rrpy: %s is a pyenv shim; recording %s\n", r.argv[0], path)
	}
	blobs, err := trace.OpenBlobStore(trace.DefaultBlobsDir())
	if err != nil {
		return "", 0, err
	}
	if dir, err = traceDir(r.output, r.name, traceName(r.argv)); err != nil {
		return "", 0, err
	}
	if r.output != "" {
		// Outside the traces directory: gc must still know its files.
		if err := registerElsewhere(dir); err != nil {
			fmt.Fprintf(r.stderr, "rrpy: warning: rrpy gc will not know this trace: %v\n", err)
		}
	}
	status, err = session.Record(session.RecordOptions{
		Path: path, Argv: r.argv, Env: os.Environ(), TraceDir: dir, Blobs: blobs,
		Stdio: r.stdio, Version: version, Stop: r.stop,
		Warn:  func(msg string) { fmt.Fprintf(r.stderr, "rrpy: warning: %s\n", msg) },
		Clock: r.clock,
	})
	if err != nil && !errors.Is(err, session.ErrInterrupted) {
		return "", 0, err
	}
	if r.output == "" {
		linkLatest(dir)
	}
	return dir, status, err
}

// hadSeparator reports whether the command line separated rrpy's flags
// from the program with "--", which the flag parser swallows.
func hadSeparator(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return true
		}
	}
	return false
}

// stopOnSignals turns SIGTERM and SIGHUP of rrpy into a stop of the
// recording, and gives a Ctrl-C (which the program receives too) a moment
// to end the program before the recording is stopped. The returned
// function undoes it.
func stopOnSignals(stop chan struct{}) func() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			if sig == syscall.SIGINT {
				select {
				case <-time.After(2 * time.Second):
				case <-done:
					return
				}
			}
			close(stop)
		case <-done:
		}
	}()
	return func() { signal.Stop(sigs); close(done) }
}

// resolveProgram finds the executable the way a shell would. A pyenv shim
// is a shell script that picks an interpreter by running other programs;
// rrpy records the interpreter it picks instead, and says so (shim).
func resolveProgram(name string) (path string, shim bool, err error) {
	path, err = exec.LookPath(name)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return "", false, fmt.Errorf("program %q not found", name)
		}
		return "", false, fmt.Errorf("cannot run %q: %w", name, unwrapExecErr(err))
	}
	if path, err = filepath.Abs(path); err != nil {
		return "", false, err
	}
	if real, ok := pyenvTarget(path); ok {
		return real, true, nil
	}
	return path, false, nil
}

// refuseUnsupportedPython refuses, before anything is written, a CPython
// that rrpy cannot read, or cannot time with the clock asked for:
// recording it would stop where the interpreter is found, leaving a trace
// cut off. Any other program records, CPython or not, and so does one
// whose files say nothing sure (a libpython that is not where Inspect
// looks): the recording finds out.
func refuseUnsupportedPython(path, clock string) error {
	py, err := pyframes.Inspect(path)
	if errors.Is(err, pyframes.ErrUnsupportedVersion) {
		return err
	}
	if err != nil {
		return nil
	}
	if err := session.ClockFits(py, clock); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func unwrapExecErr(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}

// pyenvTarget asks pyenv which interpreter a shim would run.
func pyenvTarget(path string) (string, bool) {
	head := make([]byte, 512)
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	if !bytes.HasPrefix(head, []byte("#!")) || !bytes.Contains(head, []byte("pyenv\" exec")) {
		return "", false
	}
	out, err := exec.Command("pyenv", "which", filepath.Base(path)).Output()
	if err != nil {
		return "", false
	}
	real := strings.TrimSpace(string(out))
	return real, real != ""
}

// traceDir returns where a new trace goes: the -o directory, or under the
// default traces directory the one named (-n), else the next numbered one.
func traceDir(output, name, prog string) (string, error) {
	if output != "" {
		if entries, err := os.ReadDir(output); err == nil && len(entries) > 0 {
			return "", fmt.Errorf("%s exists and is not empty: rrpy never writes over a trace", output)
		}
		return output, nil
	}
	base := trace.DefaultTracesDir()
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", fmt.Errorf("create traces directory: %w", err)
	}
	if name != "" {
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o700); errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("a trace named %s exists: rrpy rm %s first, or choose another name", name, name)
		} else if err != nil {
			return "", fmt.Errorf("create trace directory: %w", err)
		}
		return dir, nil
	}
	for n := 0; ; n++ {
		dir := filepath.Join(base, prog+"-"+strconv.Itoa(n))
		if err := os.Mkdir(dir, 0o700); err == nil {
			return dir, nil
		} else if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("create trace directory: %w", err)
		}
	}
}

// traceName names a new trace after the script a Python run executes, or
// else after the program.
func traceName(argv []string) string {
	for _, a := range argv[1:] {
		if strings.HasSuffix(a, ".py") {
			return strings.TrimSuffix(filepath.Base(a), ".py")
		}
	}
	return filepath.Base(argv[0])
}

// linkLatest points the "latest" link at dir, replacing it atomically.
func linkLatest(dir string) {
	latest := filepath.Join(filepath.Dir(dir), "latest")
	tmp := latest + ".tmp"
	os.Remove(tmp)
	if os.Symlink(filepath.Base(dir), tmp) == nil {
		_ = os.Rename(tmp, latest)
	}
}

// shellStatus is the exit code a shell reports for a wait status.
func shellStatus(status int32) int {
	ws := syscall.WaitStatus(status)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
