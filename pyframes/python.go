package pyframes

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrNoPython is returned by Find for a process that runs no CPython, and
// by Inspect for a program that is none.
var ErrNoPython = errors.New("no CPython interpreter")

// Python is the CPython found in a live process (Find), or in the files a
// program would run (Inspect: nothing is mapped, Bias and Runtime are 0).
type Python struct {
	Version Version
	Layout  *Layout
	File    string // the ELF file holding the interpreter (the executable or libpython), as /proc/PID/maps names it
	Bias    uint64 // load bias: runtime address = symbol value + Bias
	Runtime uint64 // _PyRuntime, the interpreter's global state

	syms map[string]uint64 // symbol values (not biased), dynsym and symtab
}

// Symbol returns the runtime address of a symbol of the interpreter's file.
func (p *Python) Symbol(name string) (uint64, error) {
	v, ok := p.syms[name]
	if !ok {
		return 0, fmt.Errorf("symbol %s not found in %s", name, p.File)
	}
	return v + p.Bias, nil
}

// interpreterSymbol is defined by every CPython's interpreter, whichever
// file (executable or libpython) holds it.
const interpreterSymbol = "PyEval_SetTrace"

// versionSymbol is `const unsigned long Py_Version = PY_VERSION_HEX`,
// exported since 3.11. It is read from the file's bytes, not the
// process's, so a damaged tracee cannot lie about its version.
const versionSymbol = "Py_Version"

// runtimeSymbol is the interpreter's global state, _PyRuntimeState.
const runtimeSymbol = "_PyRuntime"

// elfPython inspects one ELF file. It returns ok=false when the file does
// not define the interpreter; an error when it does but cannot be used.
func elfPython(path string) (py *Python, ok bool, err error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	syms := map[string]uint64{}
	var version, runtime *elf.Symbol
	// The dynamic table is enough for an exported symbol; symtab (absent
	// from stripped files) adds the static ones. Dynsym wins on conflicts.
	tabs := []func() ([]elf.Symbol, error){f.Symbols, f.DynamicSymbols}
	for _, tab := range tabs {
		list, _ := tab() // a missing table is no error: the other one may do
		for i := range list {
			s := &list[i]
			if s.Section == elf.SHN_UNDEF || s.Name == "" {
				continue
			}
			syms[s.Name] = s.Value
			switch s.Name {
			case versionSymbol:
				version = s
			case runtimeSymbol:
				runtime = s
			}
		}
	}
	if _, defined := syms[interpreterSymbol]; !defined {
		return nil, false, nil
	}
	py = &Python{File: path, syms: syms}
	if version == nil {
		return nil, true, fmt.Errorf("%s: %w", path, &UnsupportedVersionError{Version: versionBefore311(syms)})
	}
	data, err := symbolBytes(f, version, 8)
	if err != nil {
		return nil, true, fmt.Errorf("read %s in %s: %w", versionSymbol, path, err)
	}
	py.Version = versionFromHex(binary.LittleEndian.Uint64(data))
	if py.Layout, err = LayoutFor(py.Version); err != nil {
		return nil, true, fmt.Errorf("%s: %w", path, err)
	}
	if runtime == nil {
		return nil, true, fmt.Errorf("%s has no %s symbol", path, runtimeSymbol)
	}
	if err := checkDebugOffsets(f, runtime, py.Version, py.Layout); err != nil {
		return nil, true, fmt.Errorf("%s: %w", path, err)
	}
	return py, true, nil
}

// loadBias returns runtime minus link-time addresses for a file mapped at
// start from file offset off: the PT_LOAD segment that the mapping begins
// gives the link-time address of that offset.
func loadBias(path string, start, off uint64) (uint64, error) {
	f, err := elf.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	const pageMask = 4096 - 1 // the kernel maps whole pages: offsets are rounded down
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		if p.Off&^pageMask == off {
			return start - p.Vaddr&^pageMask, nil
		}
	}
	return 0, fmt.Errorf("no loadable segment of %s at file offset %#x", path, off)
}
