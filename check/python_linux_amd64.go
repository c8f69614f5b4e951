package check

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// wellKnownPythons are looked at besides the python3 on PATH: the
// distribution's interpreter is often hidden behind a pyenv or venv one.
var wellKnownPythons = []string{"/usr/bin/python3", "/usr/bin/python3.11", "/usr/local/bin/python3"}

// pyenvTimeout bounds `pyenv which`, a shell script.
const pyenvTimeout = 2 * time.Second

// probePython lists the python3 builds found and how each carries
// libpython, since rrpy's stop-point probe looks for the interpreter's
// symbols in the executable or in the shared library.
func probePython() (Status, string) {
	var found []string
	seen := map[string]bool{} // resolved paths already described
	if path, err := exec.LookPath("python3"); err == nil {
		found = append(found, describePython(path, seen))
	}
	for _, path := range wellKnownPythons {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		if d := describePython(path, seen); d != "" {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return Warn, fmt.Sprintf("no python3 found on PATH or at %s", strings.Join(wellKnownPythons, ", "))
	}
	return OK, strings.Join(found, "; ")
}

// describePython says what path is: a pyenv shim and what it runs, and
// how the real interpreter links libpython. It returns "" for an
// interpreter already described under another name.
func describePython(path string, seen map[string]bool) string {
	prefix := path
	if isPyenvShim(path) {
		target, err := pyenvWhich(path)
		if err != nil {
			return fmt.Sprintf("%s: pyenv shim (cannot resolve: %v)", path, err)
		}
		prefix = fmt.Sprintf("%s: pyenv shim for %s", path, target)
		path = target
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Sprintf("%s: %v", prefix, err)
	}
	if seen[resolved] && prefix == path {
		return "" // the same file under another link, said already
	}
	seen[resolved] = true
	if resolved != path {
		prefix += " -> " + resolved
	}
	return fmt.Sprintf("%s (%s)", prefix, libpythonLinkage(resolved))
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

// libpythonLinkage reads the ELF file at path: libpython is either a
// DT_NEEDED shared library or linked into the executable, whose dynamic
// symbols then export the C API.
func libpythonLinkage(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Sprintf("not readable as ELF: %v", err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		return fmt.Sprintf("cannot read its dynamic section: %v", err)
	}
	if i := slices.IndexFunc(libs, func(l string) bool { return strings.HasPrefix(l, "libpython") }); i >= 0 {
		return "shared " + libs[i]
	}
	syms, err := f.DynamicSymbols()
	if err == nil && slices.ContainsFunc(syms, func(s elf.Symbol) bool { return s.Name == "Py_Initialize" }) {
		return "libpython linked in"
	}
	return "no libpython found: not a CPython interpreter?"
}
