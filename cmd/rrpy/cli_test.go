//go:build linux && amd64

package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	pythonlist "rrpy/internal/pythons" // pythons is this package's helper
)

// Each mistake a user can make gets one line saying what is wrong and a
// non-zero exit.
func TestBadInputIsOneLine(t *testing.T) {
	notEmpty := t.TempDir()
	writeFile(t, filepath.Join(notEmpty, "x"), "x")
	notTrace := t.TempDir()
	noExec := filepath.Join(t.TempDir(), "script")
	writeFile(t, noExec, "#!/bin/sh\n")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"program not found", []string{"record", "--", "/nonexistent/prog"}, `program "/nonexistent/prog" not found`},
		{"program not executable", []string{"record", "--", noExec}, "permission denied"},
		{"no separator", []string{"record", "/bin/true"}, "usage: rrpy record"},
		{"nothing to record", []string{"record", "--"}, "usage: rrpy record"},
		{"unknown flag", []string{"record", "--bogus", "--", "/bin/true"}, "flag provided but not defined: -bogus"},
		{"output not empty", []string{"record", "-o", notEmpty, "--", "/bin/true"}, "is not empty"},
		{"replay of a directory that is no trace", []string{"replay", "--autopilot", notTrace}, "not an rrpy trace"},
		{"replay of a missing directory", []string{"replay", "--autopilot", "/nonexistent/trace"}, "no trace at /nonexistent/trace"},
		{"unknown command", []string{"frobnicate"}, "no command 'frobnicate'"},
		{"rm of a missing trace", []string{"rm", "nosuch-0"}, "no trace nosuch-0: rrpy ls lists them"},
		{"rm of a directory that is no trace", []string{"rm", notTrace}, "is not a trace: rrpy rm removes traces only"},
		{"replay of an unknown name", []string{"replay", "nosuch-0"}, "no trace nosuch-0: rrpy ls lists them"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertOneLineError(t, rrpy(t, nil, c.args...), c.want)
		})
	}
}

// With no trace recorded yet, replay says how to make one.
func TestReplayWithNoTraceYet(t *testing.T) {
	r := rrpy(t, []string{"XDG_DATA_HOME=" + t.TempDir()}, "replay", "--autopilot")
	assertOneLineError(t, r, "no trace yet")
}

// Without -o, a trace goes under the data directory with a "latest" link
// that replay finds by itself, and its path is printed.
func TestLatestTrace(t *testing.T) {
	py := anyPython(t)
	env := []string{"XDG_DATA_HOME=" + t.TempDir()}
	rec := rrpy(t, env, "record", "--", py, "-c", "print('latest')")
	if rec.code != 0 || !strings.Contains(rec.stderr, "rrpy: recorded into ") {
		t.Fatalf("record: %+v", rec)
	}
	rep := rrpy(t, env, "replay", "--autopilot")
	if rep.stdout != "latest\n" || rep.code != 0 {
		t.Fatalf("replay of the latest trace: %+v", rep)
	}
}

// A CPython that rrpy cannot read is refused in one line naming its
// version, before anything is written: no trace directory, and the latest
// link where it was.
func TestRecordRefusesUnsupportedPython(t *testing.T) {
	data := t.TempDir()
	env := []string{"XDG_DATA_HOME=" + data}
	if r := rrpy(t, env, "record", "--", "/bin/true"); r.code != 0 {
		t.Fatalf("record /bin/true: %+v", r)
	}
	traces := filepath.Join(data, "rrpy", "traces")
	before := listDir(t, traces)
	for _, old := range pythonlist.Old() {
		if old.Version != "3.10" && old.Version != "2.7" {
			continue // pyframes' tests have the others
		}
		t.Run(old.Version, func(t *testing.T) {
			if _, err := os.Stat(old.Path); err != nil {
				t.Skipf("no CPython %s on this machine: %v", old.Version, err)
			}
			out := filepath.Join(t.TempDir(), "trace")
			for _, args := range [][]string{{"record", "--", old.Path, "-c", "print(1)"}, {"record", "-o", out, "--", old.Path, "-c", "print(1)"}} {
				r := rrpy(t, env, args...)
				want := "rrpy: " + old.Path + ": CPython " + old.Version + " is not supported (rrpy supports 3.11, 3.12, 3.13)\n"
				if r.code != 1 || r.stderr != want || r.stdout != "" {
					t.Errorf("rrpy %s: exit %d, stderr %q, stdout %q; want exit 1, stderr %q", strings.Join(args, " "), r.code, r.stderr, r.stdout, want)
				}
			}
			if after := listDir(t, traces); after != before {
				t.Errorf("the traces directory was\n%s\nand is now\n%s", before, after)
			}
			if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("-o %s: %v, want it not created", out, err)
			}
		})
	}
}

// listDir describes a directory's entries, symbolic links with their
// targets.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.Name())
		if target, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil {
			b.WriteString(" -> " + target)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// rrpy dump lists the events a user debugging rrpy wants to see.
func TestDump(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	rrpy(t, nil, "record", "-o", dir, "--", py, "-c", "print(6*7)")
	r := rrpy(t, nil, "dump", dir)
	for _, want := range []string{"     0 ", "openat(", "write(0x1, ", "= 3\n", "exit: exited with status 0"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dump lacks %q", want)
		}
	}
}

// rrpy check passes on a machine that can record.
func TestCheck(t *testing.T) {
	r := rrpy(t, nil, "check")
	if r.code != 0 {
		t.Fatalf("check failed on this machine:\n%s", r.stdout)
	}
	for _, item := range []string{"ptrace", "rdtsc trapping", "kernel.randomize_va_space"} {
		if !strings.Contains(r.stdout, "OK    "+item) {
			t.Errorf("check does not say %s is OK:\n%s", item, r.stdout)
		}
	}
}

// macOS is named on the design card: rrpy must build there.
func TestBuildsForDarwin(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiling is slow; skipped in -short mode")
	}
	cmd := exec.Command("go", "build", "-o", os.DevNull, "./...")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=darwin go build ./...: %v\n%s", err, out)
	}
}
