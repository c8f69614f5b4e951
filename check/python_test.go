//go:build linux && amd64

package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rrpy/internal/pythons"
)

// Every python of this machine is listed once, under its real path, OK
// with its version or refused with the version rrpy's record names.
func TestPythonsListed(t *testing.T) {
	it := probePython()
	it.Name = "python3"
	t.Logf("\n%s", Format([]Item{it}))
	if len(it.Lines) == 0 {
		t.Fatalf("no python listed: %+v", it)
	}
	for _, in := range pythons.All() {
		t.Run(in.Name, func(t *testing.T) {
			in.Require(t)
			assertListedOnce(t, it, in.Path, ": OK, CPython "+in.Version()+".")
		})
	}
	for _, old := range pythons.Old() {
		if !strings.HasPrefix(filepath.Base(old.Path), "python3.") {
			continue // python2.7: only python3 and python3.X are looked for
		}
		t.Run(old.Version, func(t *testing.T) {
			if _, err := os.Stat(old.Path); err != nil {
				t.Skipf("no CPython %s on this machine: %v", old.Version, err)
			}
			assertListedOnce(t, it, old.Path, ": CPython "+old.Version+" is not supported (rrpy supports 3.11, 3.12, 3.13)")
		})
	}
}

// assertListedOnce checks that the interpreter at path is on one line of
// the item, which says want of it.
func assertListedOnce(t *testing.T, it Item, path, want string) {
	t.Helper()
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, line := range it.Lines {
		if strings.Contains(line, real+": ") {
			found = append(found, line)
		}
	}
	if len(found) != 1 || !strings.Contains(found[0], real+want) {
		t.Errorf("%s is on %d lines %q, want one saying %q", real, len(found), found, want)
	}
}

// The item's status is the python3 on PATH's: WARN when rrpy cannot
// record it, OK when it can, whatever else is found.
func TestPythonOnPathJudged(t *testing.T) {
	supported := pythons.Minor(t, 11)
	old := pythons.Old()[0]
	if _, err := os.Stat(old.Path); err != nil {
		t.Skipf("no CPython %s on this machine: %v", old.Version, err)
	}
	for _, c := range []struct {
		name    string
		python3 string // what python3 on PATH links to; "" for none
		status  Status
		detail  string
	}{
		{"supported", supported.Path, OK, "python3 on PATH is CPython 3.11."},
		{"old", old.Path, Warn, "rrpy cannot record the python3 on PATH: CPython " + old.Version + " is not supported (rrpy supports 3.11, 3.12, 3.13); "},
		{"not CPython", "/bin/true", Warn, "rrpy cannot record the python3 on PATH: not CPython; "},
		{"none", "", Warn, "no python3 on PATH; "},
	} {
		t.Run(c.name, func(t *testing.T) {
			bin := t.TempDir()
			if c.python3 != "" {
				link(t, c.python3, filepath.Join(bin, "python3"))
				link(t, c.python3, filepath.Join(bin, "python3.99")) // the same file: listed once
			}
			t.Setenv("PATH", bin)
			it := probePython()
			if it.Status != c.status || !strings.HasPrefix(it.Detail, c.detail) {
				t.Errorf("%v %s, want %v %s...", it.Status, it.Detail, c.status, c.detail)
			}
			if c.python3 != "" && !strings.HasPrefix(it.Lines[0], filepath.Join(bin, "python3")+" -> ") {
				t.Errorf("the python3 on PATH is not listed first: %q", it.Lines)
			}
			for _, line := range it.Lines {
				if strings.Contains(line, "python3.99") {
					t.Errorf("a python listed twice: %q", line)
				}
			}
		})
	}
}

func link(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}
