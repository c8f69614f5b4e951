// Package pythons is the one list of CPython interpreters that rrpy's tests
// run under: every test that records or reads a real Python takes its
// interpreters from here, so a version is added in one place.
//
// RRPY_TEST_PYTHONS narrows the list: a comma-separated list of names
// ("pyenv-3.13") or minor versions ("3.13"). An interpreter missing from
// the machine is a skipped subtest that names its path, never a pass.
package pythons

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Interpreter is one CPython build.
type Interpreter struct {
	Name  string // the subtest's name
	Path  string // the executable
	Minor int    // 3.Minor
	// Shared says libpython is a shared library (pyenv's builds);
	// Debian's python3.11 has it linked into the executable.
	Shared bool
}

// Version is "3.Minor".
func (in Interpreter) Version() string { return "3." + strconv.Itoa(in.Minor) }

// pyenvRoot is where pyenv keeps its versions.
func pyenvRoot() string {
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		return root
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "/root/.pyenv"
	}
	return filepath.Join(home, ".pyenv")
}

// pyenvPath is the path of a program of a pyenv version ("3.10.13",
// "python3.10"), present or not.
func pyenvPath(version, program string) string {
	return filepath.Join(pyenvRoot(), "versions", version, "bin", program)
}

// Unsupported is a build of a CPython that rrpy refuses to record.
type Unsupported struct {
	Version string // "3.10": the version rrpy's refusal names
	Path    string // the executable, present or not
}

// Old lists pyenv's builds of CPythons older than 3.11, which rrpy
// refuses, newest first; the tests of the refusal skip those missing.
func Old() []Unsupported {
	return []Unsupported{
		{"3.10", pyenvPath("3.10.13", "python3.10")},
		{"3.9", pyenvPath("3.9.18", "python3.9")},
		{"3.8", pyenvPath("3.8.18", "python3.8")},
		{"3.7", pyenvPath("3.7.16", "python3.7")},
		{"3.6", pyenvPath("3.6.15", "python3.6")},
		{"2.7", pyenvPath("2.7.18", "python2.7")},
	}
}

// All lists the interpreters rrpy supports and tests: Debian's
// python3.11 and pyenv's shared-libpython builds of each minor version.
func All() []Interpreter {
	pyenv := func(version string, minor int) Interpreter {
		return Interpreter{
			Name:   "pyenv-" + version,
			Path:   pyenvPath(version, "python3."+strconv.Itoa(minor)),
			Minor:  minor,
			Shared: true,
		}
	}
	return []Interpreter{
		{Name: "debian-3.11", Path: "/usr/bin/python3.11", Minor: 11},
		pyenv("3.11.7", 11),
		pyenv("3.12.1", 12),
		pyenv("3.13.0", 13),
	}
}

// EnvSelect is the environment variable that narrows the list.
const EnvSelect = "RRPY_TEST_PYTHONS"

// Selected returns the interpreters RRPY_TEST_PYTHONS picks (all when it
// is unset), present or not.
func Selected() []Interpreter {
	want := strings.FieldsFunc(os.Getenv(EnvSelect), func(r rune) bool { return r == ',' || r == ' ' })
	if len(want) == 0 {
		return All()
	}
	var out []Interpreter
	for _, in := range All() {
		for _, w := range want {
			if w == in.Name || w == in.Version() {
				out = append(out, in)
				break
			}
		}
	}
	return out
}

// Present reports whether the interpreter's executable exists.
func (in Interpreter) Present() bool {
	st, err := os.Stat(in.Path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// Require skips t when the interpreter is not on this machine.
func (in Interpreter) Require(t testing.TB) {
	t.Helper()
	if !in.Present() {
		t.Skipf("%s is not on this machine (no %s)", in.Name, in.Path)
	}
}

// ForEach runs f as a subtest under each selected interpreter, skipping
// those this machine lacks. It fails when RRPY_TEST_PYTHONS selects none.
func ForEach(t *testing.T, f func(t *testing.T, in Interpreter)) {
	t.Helper()
	sel := Selected()
	if len(sel) == 0 {
		t.Fatalf("%s=%q selects no interpreter; names: %s", EnvSelect, os.Getenv(EnvSelect), names())
	}
	for _, in := range sel {
		t.Run(in.Name, func(t *testing.T) {
			in.Require(t)
			f(t, in)
		})
	}
}

// Minor returns the first selected interpreter of a minor version that
// is present, skipping t when there is none.
func Minor(t testing.TB, minor int) Interpreter {
	t.Helper()
	for _, in := range Selected() {
		if in.Minor == minor && in.Present() {
			return in
		}
	}
	t.Skipf("no CPython 3.%d selected and present on this machine", minor)
	return Interpreter{}
}

func names() string {
	var n []string
	for _, in := range All() {
		n = append(n, in.Name)
	}
	return strings.Join(n, ", ")
}
