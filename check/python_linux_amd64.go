package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"rrpy/pyframes"
)

// pyenvTimeout bounds `pyenv which`, a shell script.
const pyenvTimeout = 2 * time.Second

// versionedPython matches the interpreters listed besides python3:
// python3.X (3.13t too), not python3.X-config nor python3.6m (python3.6
// by another name).
var versionedPython = regexp.MustCompile(`^python3\.[0-9]+t?$`)

// foundPython is one interpreter found, and what rrpy makes of it.
type foundPython struct {
	name string           // where it was found
	shim bool             // name is a pyenv shim, real what it runs
	real string           // the file that runs, links resolved: the same python found twice has one
	py   *pyframes.Python // nil when rrpy cannot record it
	err  error            // why not
}

// probePython lists every python found, each once: the python3 on PATH,
// then python3.X and python3 in the directories of PATH, /usr/bin,
// /usr/local/bin and pyenv's versions, each with whether rrpy can record
// it, as its ELF files tell (no interpreter is run). It warns, and does
// not fail, when the python3 on PATH cannot be recorded: `rrpy record --
// python3` refuses it, but the machine records the pythons listed OK and
// any other program.
func probePython() Item {
	var found []foundPython
	seen := map[string]bool{}
	first, onPath := pathPython3()
	if onPath {
		found = append(found, first)
		seen[first.real] = true
	}
	for _, path := range pythonFiles() {
		real, err := filepath.EvalSymlinks(path)
		if err != nil || seen[real] || isPyenvShim(real) {
			continue // not there, listed already, or a shim: pyenv's versions are listed themselves
		}
		seen[real] = true
		found = append(found, inspectPython(path, real))
	}
	st, detail := judgePythons(first, onPath, found)
	item := Item{Status: st, Detail: detail}
	for _, f := range found {
		item.Lines = append(item.Lines, f.line())
	}
	return item
}

// judgePythons says whether rrpy can record the python3 on PATH, the one
// `rrpy record -- python3` runs, and how many of the pythons found.
func judgePythons(first foundPython, onPath bool, found []foundPython) (Status, string) {
	if len(found) == 0 {
		return Warn, "no python3 found on PATH, in /usr/bin, /usr/local/bin or pyenv's versions"
	}
	recordable := 0
	for _, f := range found {
		if f.err == nil {
			recordable++
		}
	}
	count := fmt.Sprintf("%d of the %d pythons found can be recorded", recordable, len(found))
	switch {
	case !onPath:
		return Warn, "no python3 on PATH; " + count
	case first.err != nil:
		return Warn, "rrpy cannot record the python3 on PATH: " + first.verdict() + "; " + count
	}
	return OK, fmt.Sprintf("python3 on PATH is CPython %v; %s", first.py.Version, count)
}

// pathPython3 finds the python3 that PATH gives, and what a pyenv shim
// runs there.
func pathPython3() (f foundPython, onPath bool) {
	path, err := exec.LookPath("python3")
	if err != nil {
		return foundPython{}, false
	}
	shim, target := isPyenvShim(path), path
	if shim {
		if target, err = pyenvWhich(path); err != nil {
			return foundPython{name: path, shim: true, real: path, err: err}, true
		}
	}
	real, err := filepath.EvalSymlinks(target)
	if err != nil {
		return foundPython{name: path, shim: shim, real: target, err: err}, true
	}
	f = inspectPython(path, real)
	f.shim = shim
	return f, true
}

// pythonFiles lists the python3.X, then python3, of the directories of
// PATH, /usr/bin, /usr/local/bin and pyenv's versions, in that order:
// python3 is mostly a link to a python3.X, which names the interpreter
// better. Some may not exist.
func pythonFiles() []string {
	dirs := append(filepath.SplitList(os.Getenv("PATH")), "/usr/bin", "/usr/local/bin")
	versions, _ := filepath.Glob(filepath.Join(pyenvRoot(), "versions", "*", "bin")) // errs only on a bad pattern
	var files []string
	for _, dir := range append(dirs, versions...) {
		if !filepath.IsAbs(dir) {
			continue // as exec.LookPath, which refuses a program found relative to the current directory
		}
		versioned, _ := filepath.Glob(filepath.Join(dir, "python3.[0-9]*"))
		for _, path := range versioned {
			if versionedPython.MatchString(filepath.Base(path)) {
				files = append(files, path)
			}
		}
		files = append(files, filepath.Join(dir, "python3"))
	}
	return files
}

// pyenvRoot is where pyenv keeps its versions: $PYENV_ROOT, by default
// ~/.pyenv.
func pyenvRoot() string {
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		return root
	}
	home, _ := os.UserHomeDir() // no home: a relative path, not looked in
	return filepath.Join(home, ".pyenv")
}

func inspectPython(name, real string) foundPython {
	py, err := pyframes.Inspect(real)
	return foundPython{name: name, real: real, py: py, err: err}
}

// line is the python's entry in the list: where it was found, and OK with
// its version or why rrpy cannot record it.
func (f foundPython) line() string {
	where := f.name
	if f.shim {
		where += " (pyenv shim)"
	}
	if f.real != f.name {
		where += " -> " + f.real
	}
	return where + ": " + f.verdict()
}

// verdict is OK with the interpreter and where its symbols are (in the
// executable or a shared libpython), or why rrpy cannot record it.
func (f foundPython) verdict() string {
	var unsupported *pyframes.UnsupportedVersionError
	switch {
	case f.err == nil && f.py.File == f.real:
		return fmt.Sprintf("OK, CPython %v (libpython linked in)", f.py.Version)
	case f.err == nil:
		return fmt.Sprintf("OK, CPython %v (shared %s)", f.py.Version, f.py.File)
	case errors.As(f.err, &unsupported):
		return unsupported.Error()
	case errors.Is(f.err, pyframes.ErrNoPython):
		return "not CPython"
	}
	return f.err.Error()
}

// isPyenvShim reports whether path is one of pyenv's shims: a small shell
// script that execs `pyenv exec`.
func isPyenvShim(path string) bool {
	head, err := readHead(path, 64<<10)
	if err != nil || !bytes.HasPrefix(head, []byte("#!")) {
		return false
	}
	return bytes.Contains(head, []byte("pyenv")) && bytes.Contains(head, []byte("exec"))
}

// readHead reads at most n bytes from the start of a file.
func readHead(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// shimPyenv finds the pyenv program a shim execs.
var shimPyenv = regexp.MustCompile(`exec "([^"]*/pyenv)" exec`)

// pyenvWhich asks pyenv which interpreter the shim at path runs, with the
// pyenv named in the shim itself (PATH may not have one).
func pyenvWhich(path string) (string, error) {
	pyenv := "pyenv"
	if head, err := readHead(path, 64<<10); err == nil {
		if m := shimPyenv.FindSubmatch(head); m != nil {
			pyenv = string(m[1])
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), pyenvTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, pyenv, "which", filepath.Base(path)).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("pyenv which: %s", strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("pyenv which: %w", err)
	}
	target := strings.TrimSpace(string(out))
	if target == "" {
		return "", errors.New("pyenv which printed nothing")
	}
	return target, nil
}
