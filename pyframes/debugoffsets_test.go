package pyframes

import (
	"debug/elf"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"rrpy/internal/pythons"
)

// libpython313 opens the shared libpython of a CPython 3.13 and finds
// its _PyRuntime.
func libpython313(t *testing.T) (path string, f *elf.File, runtime *elf.Symbol) {
	t.Helper()
	in := pythons.Minor(t, 13)
	path = filepath.Join(filepath.Dir(in.Path), "..", "lib", "libpython3.13.so.1.0")
	f, err := elf.Open(path)
	if err != nil {
		t.Skipf("no shared libpython beside %s: %v", in.Path, err)
	}
	t.Cleanup(func() { f.Close() })
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	for i := range syms {
		if syms[i].Name == runtimeSymbol {
			return path, f, &syms[i]
		}
	}
	t.Fatalf("%s exports no %s", path, runtimeSymbol)
	return
}

func TestDebugOffsetsAgreeWithLayout(t *testing.T) {
	_, f, runtime := libpython313(t)
	v := Version{3, 13, 0}
	l, err := LayoutFor(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkDebugOffsets(f, runtime, v, l); err != nil {
		t.Fatalf("the generated 3.13 layout disagrees with the binary: %v", err)
	}
	if len(debugTables[13]) < 30 {
		t.Errorf("only %d fields are checked against _Py_DebugOffsets", len(debugTables[13]))
	}
	// A layout that is wrong where CPython publishes the offset is refused.
	bad := *l
	bad.CodeFilename += 8
	err = checkDebugOffsets(f, runtime, v, &bad)
	if err == nil || !strings.Contains(err.Error(), "CodeFilename") {
		t.Errorf("a wrong co_filename offset: %v, want an error naming CodeFilename", err)
	}
}

// TestFreeThreadedRefused flips _Py_DebugOffsets.free_threaded in a copy
// of libpython3.13, as a 3.13t build has it.
func TestFreeThreadedRefused(t *testing.T) {
	copyPath := filepath.Join(patchedLibpython313(t, patchFreeThreaded), "libpython3.13.so.1.0")
	_, ok, err := elfPython(copyPath)
	want := "CPython 3.13 free-threaded (no GIL) is not supported (rrpy supports 3.11, 3.12, 3.13 with the GIL)"
	if !ok || !errors.Is(err, ErrUnsupportedVersion) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("elfPython of a free-threaded build: ok %v, %v; want %q", ok, err, want)
	}
}
