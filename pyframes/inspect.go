package pyframes

import (
	"debug/elf"
	"errors"
	"fmt"
	"strings"
)

// Inspect identifies, from the files on disk, the CPython that running
// executable would start: the executable itself when it defines the
// interpreter, else the libpython it needs, found where the dynamic loader
// would find it. A program that is no CPython (not an ELF file, or an ELF
// file that neither defines nor needs the interpreter) gives an error
// wrapping ErrNoPython; a CPython rrpy cannot read, one wrapping
// ErrUnsupportedVersion that names the executable, as the user knows it,
// whichever file holds the interpreter.
func Inspect(executable string) (*Python, error) {
	py, ok, err := elfPython(executable)
	if !ok {
		if err != nil { // a script, say
			return nil, fmt.Errorf("%w: %w", ErrNoPython, err)
		}
		py, err = neededPython(executable)
	}
	var unsupported *UnsupportedVersionError
	if errors.As(err, &unsupported) {
		return nil, fmt.Errorf("%s: %w", executable, unsupported)
	}
	return py, err
}

// neededPython looks for the interpreter in the libpython libraries that
// the executable needs (DT_NEEDED).
func neededPython(executable string) (*Python, error) {
	f, err := elf.Open(executable)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", executable, err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		return nil, fmt.Errorf("read the libraries %s needs: %w", executable, err)
	}
	dirs := loadPath(executable, f)
	for _, lib := range libs {
		if !strings.HasPrefix(lib, "libpython") {
			continue
		}
		path, err := findLibrary(lib, dirs, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", executable, err)
		}
		py, ok, err := elfPython(path)
		if err != nil && ok {
			return nil, fmt.Errorf("%s: %w", executable, err)
		}
		if ok {
			return py, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", executable, ErrNoPython)
}

// versionMarkers date a CPython older than 3.11, which has no Py_Version:
// each names the C API functions that the version was the first to define
// (the C API documentation's "Added in version"), newest first. 2.7 needs
// two: PyCapsule_New is in 3.1 too, and PyString_FromString in every 2.x
// and no 3.x. Checked against builds of 2.7 and 3.6 to 3.10.
var versionMarkers = []struct {
	version Version
	symbols []string
}{
	{Version{3, 10, 0}, []string{"Py_Is"}},
	{Version{3, 9, 0}, []string{"PyFrame_GetCode"}},
	{Version{3, 8, 0}, []string{"Py_BytesMain"}},
	{Version{3, 7, 0}, []string{"PyContext_New"}},
	{Version{3, 6, 0}, []string{"PyOS_FSPath"}},
	{Version{3, 5, 0}, []string{"PyModule_FromDefAndSpec2"}},
	{Version{3, 4, 0}, []string{"PyMem_RawMalloc"}},
	{Version{3, 3, 0}, []string{"PyUnicode_AsUCS4"}},
	{Version{3, 2, 0}, []string{"PyUnicode_AsWideCharString"}},
	{Version{2, 7, 0}, []string{"PyCapsule_New", "PyString_FromString"}},
}

// versionBefore311 dates a CPython without Py_Version from the functions
// it defines: the symbols are the file's own, whatever it is named. The
// micro version is unknown (0); an older build than all markers gives the
// zero Version.
func versionBefore311(syms map[string]uint64) Version {
	for _, m := range versionMarkers {
		if definesAll(syms, m.symbols) {
			return m.version
		}
	}
	return Version{}
}

func definesAll(syms map[string]uint64, names []string) bool {
	for _, name := range names {
		if _, ok := syms[name]; !ok {
			return false
		}
	}
	return true
}
