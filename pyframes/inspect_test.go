package pyframes

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rrpy/internal/pythons"
)

func TestInspectSupported(t *testing.T) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		py, err := Inspect(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		if py.Version.Major != 3 || py.Version.Minor != in.Minor || py.Layout == nil {
			t.Errorf("Inspect(%s) = CPython %v, layout %v", in.Path, py.Version, py.Layout != nil)
		}
		lib := "libpython" + in.Version() + ".so.1.0"
		if in.Shared && filepath.Base(py.File) != lib || !in.Shared && py.File != in.Path {
			t.Errorf("the interpreter of %s is in %s", in.Path, py.File)
		}
	})
}

// The CPythons older than 3.11 have no Py_Version: the functions they
// define name their version.
func TestInspectRefusesOldPythons(t *testing.T) {
	for _, old := range pythons.Old() {
		t.Run(old.Version, func(t *testing.T) {
			if _, err := os.Stat(old.Path); err != nil {
				t.Skipf("no CPython %s on this machine: %v", old.Version, err)
			}
			_, err := Inspect(old.Path)
			want := old.Path + ": CPython " + old.Version + " is not supported (rrpy supports 3.11, 3.12, 3.13)"
			if !errors.Is(err, ErrUnsupportedVersion) || err.Error() != want {
				t.Errorf("Inspect(%s) = %v, want %q", old.Path, err, want)
			}
		})
	}
}

func TestInspectNoPython(t *testing.T) {
	script := filepath.Join(t.TempDir(), "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable() // a Go program: ELF, no libpython
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{script, self, "/bin/ls"} {
		if _, err := Inspect(path); !errors.Is(err, ErrNoPython) {
			t.Errorf("Inspect(%s) = %v, want ErrNoPython", path, err)
		}
	}
}

// A 3.14 and a free-threaded 3.13 are copies of libpython3.13 with bytes
// patched, found through LD_LIBRARY_PATH before the executable's RUNPATH.
func TestInspectRefusesPatchedBuilds(t *testing.T) {
	in := pythons.Minor(t, 13)
	for _, c := range []struct {
		name  string
		patch func(t *testing.T, f *elf.File, data []byte)
		want  string
	}{
		{"3.14", patchVersion(0x030e00f0), "CPython 3.14 is not supported yet (rrpy supports 3.11, 3.12, 3.13)"},
		{"3.13t", patchFreeThreaded, "CPython 3.13 free-threaded (no GIL) is not supported (rrpy supports 3.11, 3.12, 3.13 with the GIL)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LD_LIBRARY_PATH", patchedLibpython313(t, c.patch))
			_, err := Inspect(in.Path)
			if want := in.Path + ": " + c.want; !errors.Is(err, ErrUnsupportedVersion) || err.Error() != want {
				t.Errorf("Inspect = %v, want %q", err, want)
			}
		})
	}
}

// Inspect finds libpython where the loader does: through $ORIGIN in
// DT_RUNPATH or DT_RPATH, and LD_LIBRARY_PATH after the one, before the
// other.
func TestInspectFollowsTheLoader(t *testing.T) {
	in := pythons.Minor(t, 13)
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc is not installed")
	}
	genuine := filepath.Join(filepath.Dir(in.Path), "..", "lib")
	fake := patchedLibpython313(t, patchVersion(0x030e00f0))
	for _, c := range []struct {
		dtags             string
		ldLibraryPathWins bool
	}{
		{"--enable-new-dtags", true},   // DT_RUNPATH
		{"--disable-new-dtags", false}, // DT_RPATH
	} {
		t.Run(c.dtags, func(t *testing.T) {
			prog := linkWithLibpython(t, fake, c.dtags)
			t.Setenv("LD_LIBRARY_PATH", "")
			if _, err := Inspect(prog); !errors.Is(err, ErrUnsupportedVersion) || !strings.Contains(err.Error(), "3.14") {
				t.Errorf("with a fake 3.14 in $ORIGIN/../lib: %v, want it refused", err)
			}
			t.Setenv("LD_LIBRARY_PATH", genuine)
			if _, err := Inspect(prog); (err == nil) != c.ldLibraryPathWins {
				t.Errorf("with LD_LIBRARY_PATH=%s: %v; want the genuine 3.13: %v", genuine, err, c.ldLibraryPathWins)
			}
		})
	}
}

// linkWithLibpython builds a C program into libDir/../bin that needs
// libDir/libpython3.13.so.1.0 and finds it through $ORIGIN/../lib in its
// DT_RUNPATH (dtags --enable-new-dtags) or DT_RPATH (--disable-new-dtags).
func linkWithLibpython(t *testing.T, libDir, dtags string) string {
	t.Helper()
	root := filepath.Dir(libDir)
	src := filepath.Join(root, "main.c")
	if err := os.WriteFile(src, []byte("int main(void) { return 0; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(root, "bin", "embed")
	if err := os.MkdirAll(filepath.Dir(prog), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("gcc", "-o", prog, src, "-L"+libDir, "-Wl,--no-as-needed", "-l:libpython3.13.so.1.0",
		"-Wl,"+dtags, "-Wl,-rpath,$ORIGIN/../lib").CombinedOutput()
	if err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	return prog
}

// patchedLibpython313 writes a patched copy of libpython3.13 into a new
// directory called lib, and returns the directory.
func patchedLibpython313(t *testing.T, patch func(t *testing.T, f *elf.File, data []byte)) string {
	t.Helper()
	path, f, _ := libpython313(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	patch(t, f, data)
	dir := filepath.Join(t.TempDir(), "lib")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// patchVersion makes Py_Version say PY_VERSION_HEX hex.
func patchVersion(hex uint64) func(t *testing.T, f *elf.File, data []byte) {
	return func(t *testing.T, f *elf.File, data []byte) {
		binary.LittleEndian.PutUint64(data[symbolOffset(t, f, versionSymbol):], hex)
	}
}

// patchFreeThreaded sets _Py_DebugOffsets.free_threaded, as a 3.13t
// build has it.
func patchFreeThreaded(t *testing.T, f *elf.File, data []byte) {
	data[symbolOffset(t, f, runtimeSymbol)+uint64(layout313.DebugOffsetsFreeThreaded)] = 1
}

// symbolOffset is where an initialised data symbol's bytes are in the file.
func symbolOffset(t *testing.T, f *elf.File, name string) uint64 {
	t.Helper()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == name {
			sec := f.Sections[s.Section]
			return sec.Offset + s.Value - sec.Addr
		}
	}
	t.Fatalf("no dynamic symbol %s", name)
	return 0
}

// A build older than all the markers (3.1 has PyCapsule_New, not
// PyString_FromString) is refused without a version.
func TestVersionBefore311Unknown(t *testing.T) {
	v := versionBefore311(map[string]uint64{"PyCapsule_New": 1, interpreterSymbol: 2})
	want := "CPython older than 3.11 is not supported (rrpy supports 3.11, 3.12, 3.13)"
	if err := (&UnsupportedVersionError{Version: v}); v != (Version{}) || err.Error() != want {
		t.Errorf("versionBefore311 = %v, refused as %q; want the zero Version, %q", v, err, want)
	}
}
