//go:build linux && amd64

package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// A trace whose recorded binary was swapped for another stops at the
// first syscall that differs and says where.
func TestDivergenceIsReported(t *testing.T) {
	recorded := compileC(t, "hello.c")
	other := compileC(t, "hello.c", "-DOTHER")
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, recorded)
	editMeta(t, dir, func(m map[string]any) {
		m["Exe"] = other
		m["ExeBlob"] = sha256File(t, other)
	})
	r := rrpy(t, nil, "replay", "--autopilot", dir)
	if r.code == 0 {
		t.Fatalf("replay of a swapped binary succeeded: %+v", r)
	}
	for _, want := range []string{"replay diverged from the recording at event ", "the program made getppid()", "the trace has getpid() = "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("divergence message lacks %q: %s", want, r.stderr)
		}
	}
}

// A trace cut in the middle replays up to its last complete chunk, then
// says the recording ended early.
func TestTruncatedTraceReplaysItsPrefix(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	rec := rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/countdown.py"), "300")
	events := filepath.Join(dir, "events")
	info, err := os.Stat(events)
	if err != nil {
		t.Fatal(err)
	}
	// Cut into the last chunks: the first one holds all of startup.
	if err := os.Truncate(events, info.Size()-300); err != nil {
		t.Fatal(err)
	}
	rep := rrpy(t, nil, "replay", "--autopilot", dir)
	if rep.code == 0 || !strings.Contains(rep.stderr, "the recording ended early") {
		t.Fatalf("replay of a truncated trace: exit %d, stderr %s", rep.code, rep.stderr)
	}
	if !strings.HasPrefix(rec.stdout, rep.stdout) || !strings.Contains(rep.stdout, "tick") {
		t.Errorf("replay printed %q, not a prefix of the recording's output", rep.stdout)
	}
}

// Bad traces are refused with one clear line.
func TestBadTracesAreRefused(t *testing.T) {
	py := anyPython(t)
	good := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, good, py, "-c", "pass")
	cases := []struct {
		name  string
		spoil func(dir string)
		want  string
	}{
		{"flipped byte", func(dir string) { flipByte(t, filepath.Join(dir, "events"), 200) }, "corrupt"},
		{"other format version", func(dir string) {
			editMeta(t, dir, func(m map[string]any) { m["FormatVersion"] = 99 })
		}, "version 99"},
		{"not a trace", func(dir string) { os.Remove(filepath.Join(dir, "events")) }, "not an rrpy trace"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, good)
			c.spoil(dir)
			r := rrpy(t, nil, "replay", "--autopilot", dir)
			assertOneLineError(t, r, c.want)
		})
	}
}

// Killing the recorded program still leaves a complete trace, which
// replays to the same death.
func TestKilledProgramReplays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	code, stderr := recordCountdownUntil(t, dir, syscall.SIGKILL)
	if code != 128+9 {
		t.Fatalf("rrpy record exited %d, want 137 like the program; stderr %s", code, stderr)
	}
	rep := rrpy(t, nil, "replay", "--autopilot", dir)
	if rep.code != 137 || !strings.HasPrefix(rep.stdout, "pid ") {
		t.Fatalf("replay: exit %d, printed %q, stderr %s", rep.code, rep.stdout, rep.stderr)
	}
}

// recordCountdownUntil records countdown.py and, a few lines in, sends
// sig to the program (not to rrpy); it returns rrpy's exit code and
// stderr once the recording ended.
func recordCountdownUntil(t *testing.T, dir string, sig syscall.Signal) (int, string) {
	t.Helper()
	cmd, lines, stderr := startRecording(t, dir, anyPython(t), testdata(t, "py/countdown.py"), "100000")
	lines.Scan()
	var pid int
	if _, err := fmt.Sscanf(lines.Text(), "pid %d", &pid); err != nil {
		t.Fatalf("first line %q: %v", lines.Text(), err)
	}
	for i := 0; i < 5 && lines.Scan(); i++ {
	}
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	_ = cmd.Wait()
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// SIGTERM to rrpy record stops the recording and keeps what it has.
func TestInterruptedRecordingReplaysItsPrefix(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	cmd, lines, _ := startRecording(t, dir, py, testdata(t, "py/countdown.py"), "100000")
	for i := 0; i < 30 && lines.Scan(); i++ {
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err == nil {
		t.Fatalf("an interrupted recording exited 0")
	}
	rep := rrpy(t, nil, "replay", "--autopilot", dir)
	if rep.code == 0 || !strings.Contains(rep.stderr, "the recording ended early") {
		t.Fatalf("replay: exit %d, stderr %s", rep.code, rep.stderr)
	}
	if !strings.Contains(rep.stdout, "tick 20\n") {
		t.Errorf("replay lost what was recorded before the stop: %q", rep.stdout)
	}
}

// Traces hold the program's environment and file contents: only their
// owner may read them, and the blob store likewise.
func TestTracesArePrivate(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, nil, dir, py, "-c", "pass")
	checkMode(t, dir, 0o700)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		checkMode(t, filepath.Join(dir, e.Name()), 0o600)
	}
	blobs := filepath.Join(dataHome, "rrpy", "blobs")
	checkMode(t, blobs, 0o700)
	n := 0
	_ = filepath.WalkDir(blobs, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			checkMode(t, p, 0o600)
			n++
		}
		return nil
	})
	if n == 0 {
		t.Errorf("no blobs stored under %s", blobs)
	}
}

// A replay whose stored copies of mapped files are gone says which.
func TestMissingBlobIsReported(t *testing.T) {
	py := anyPython(t)
	own := t.TempDir()
	env := []string{"XDG_DATA_HOME=" + own}
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, env, dir, py, "-c", "pass")
	os.RemoveAll(filepath.Join(own, "rrpy", "blobs"))
	r := rrpy(t, env, "replay", "--autopilot", dir)
	assertOneLineError(t, r, "this trace needs are missing from")
}

// recordOK records argv into dir and fails the test unless it exits 0.
func recordOK(t *testing.T, env []string, dir string, argv ...string) {
	t.Helper()
	if r := rrpy(t, env, append([]string{"record", "-o", dir, "--"}, argv...)...); r.code != 0 {
		t.Fatalf("record %v: %+v", argv, r)
	}
}

// startRecording starts rrpy record in the background and returns a
// reader of the program's output lines.
func startRecording(t *testing.T, dir string, argv ...string) (*exec.Cmd, *bufio.Scanner, *lockedBuffer) {
	t.Helper()
	cmd := rrpyCommand(nil, append([]string{"record", "-o", dir, "--"}, argv...)...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(out), stderr
}

// lockedBuffer is a bytes.Buffer that a test may read while a process
// writes into it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

func assertOneLineError(t *testing.T, r result, want string) {
	t.Helper()
	if r.code == 0 {
		t.Fatalf("exit 0, want an error containing %q", want)
	}
	msg := strings.TrimRight(r.stderr, "\n")
	if strings.Count(msg, "\n") != 0 || !strings.HasPrefix(msg, "rrpy: ") || !strings.Contains(msg, want) {
		t.Errorf("want one line 'rrpy: …%s…', got:\n%s", want, r.stderr)
	}
}

func editMeta(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, "meta.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data))
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}
