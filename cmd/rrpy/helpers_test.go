//go:build linux && amd64

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"rrpy/internal/pythons"
)

// rrpyBin is the rrpy binary under test, built once by TestMain.
var rrpyBin string

// dataHome is the XDG_DATA_HOME the tests share, so the blob store (the
// interpreter and its libraries) is filled once.
var dataHome string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// The programs' stdout is a pipe here, where Python holds prints in
	// its buffer until exit (and os._exit drops them). The tests look for
	// a print where the program made it, as a terminal shows it: so
	// unbuffered, whatever the environment go test ran in (the recorded
	// programs, node and the adapter it starts inherit it).
	if err := os.Setenv("PYTHONUNBUFFERED", "1"); err != nil {
		panic(err)
	}
	tmp, err := os.MkdirTemp("", "rrpy-test-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(tmp)
	rrpyBin = filepath.Join(tmp, "rrpy")
	dataHome = filepath.Join(tmp, "data")
	if out, err := exec.Command("go", "build", "-o", rrpyBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		return 1
	}
	return m.Run()
}

// result is what a user sees of one rrpy command.
type result struct {
	stdout, stderr string
	code           int
}

// commandLimit is how long one rrpy command of a test may take: minutes
// more than any takes on a loaded machine.
const commandLimit = 4 * time.Minute

// rrpy runs the rrpy binary and waits for it.
func rrpy(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := rrpyCommand(env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatalf("run rrpy %v: %v", args, err)
	}
	// A hang fails its own test instead of the whole package's run: the
	// group goes, tracee and all.
	hung := time.AfterFunc(commandLimit, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	err := cmd.Wait()
	if !hung.Stop() {
		t.Fatalf("rrpy %v did not finish in %v (a hang); it printed %q, stderr %s", args, commandLimit, out.String(), errb.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run rrpy %v: %v", args, err)
	}
	r := result{out.String(), errb.String(), code}
	assertNoCrash(t, r)
	return r
}

func rrpyCommand(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(rrpyBin, args...)
	cmd.Env = append(append(os.Environ(), "XDG_DATA_HOME="+dataHome), env...)
	// Its own process group, as a shell job has, so a test can send it
	// what a terminal sends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	return cmd
}

// assertNoCrash fails on a Go panic or stack trace reaching the user.
func assertNoCrash(t *testing.T, r result) {
	t.Helper()
	for _, bad := range []string{"panic:", "goroutine ", "runtime error"} {
		if strings.Contains(r.stderr, bad) {
			t.Fatalf("rrpy crashed:\n%s", r.stderr)
		}
	}
}

// forEachPython runs a subtest under every CPython rrpy supports (the
// list is internal/pythons'; RRPY_TEST_PYTHONS narrows it).
func forEachPython(t *testing.T, f func(t *testing.T, py string)) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) { f(t, in.Path) })
}

// anyPython returns one CPython for a test of rrpy's own machinery, where
// the version does not matter: the first selected one present.
func anyPython(t *testing.T) string {
	t.Helper()
	for _, in := range pythons.Selected() {
		if in.Present() {
			return in.Path
		}
	}
	t.Skipf("none of the selected CPythons is on this machine (%s)", pythons.EnvSelect)
	return ""
}

// pythonSays runs a line of Python under py, without rrpy, and returns
// what it printed: what the interpreter itself answers.
func pythonSays(t *testing.T, py, code string) string {
	t.Helper()
	out, err := exec.Command(py, "-c", code).Output()
	if err != nil {
		t.Fatalf("%s -c %q: %v", py, code, err)
	}
	return string(out)
}

// testdata returns the path of a file under the repository's testdata.
func testdata(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// compileC builds a C program from testdata/c into a temp dir.
func compileC(t *testing.T, name string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not installed")
	}
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(name, ".c"))
	args := append([]string{"-O1", "-o", out, testdata(t, "c/"+name)}, flags...)
	if msg, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
		t.Fatalf("gcc %s: %v\n%s", name, err, msg)
	}
	return out
}

// recordReplay records argv into a new trace, lets change alter the
// world, replays, and checks that the user sees the same bytes and status.
func recordReplay(t *testing.T, env []string, change func(), argv ...string) (rec, rep result, dir string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "trace")
	rec = rrpy(t, env, append([]string{"record", "-o", dir, "--"}, argv...)...)
	if change != nil {
		change()
	}
	rep = rrpy(t, nil, "replay", "--autopilot", dir)
	if rep.stdout != rec.stdout {
		t.Errorf("replay printed\n%q\nrecording printed\n%q\nreplay stderr: %s", rep.stdout, rec.stdout, rep.stderr)
	}
	if rep.code != rec.code {
		t.Errorf("replay exited %d, recording %d; replay stderr: %s", rep.code, rec.code, rep.stderr)
	}
	return rec, rep, dir
}
