package pyframes

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// systemLibDirs stand for the loader's cache and its default directories:
// where distributions (Debian's multiarch, Fedora's lib64) and `make
// install` (/usr/local/lib) put a shared libpython.
var systemLibDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
	"/lib", "/usr/lib", "/usr/local/lib",
}

// loadPath lists the directories where the dynamic loader looks for the
// libraries that the executable f needs, in its order (ld.so(8)):
// DT_RPATH unless there is a DT_RUNPATH, LD_LIBRARY_PATH (the recorded
// program inherits rrpy's environment), DT_RUNPATH, the system's.
func loadPath(executable string, f *elf.File) []string {
	origin := executable
	if real, err := filepath.EvalSymlinks(executable); err == nil {
		origin = real // as the loader's $ORIGIN, from /proc/self/exe
	}
	expand := strings.NewReplacer("${ORIGIN}", filepath.Dir(origin), "$ORIGIN", filepath.Dir(origin))
	runpath, _ := f.DynString(elf.DT_RUNPATH) // unreadable: as if absent
	lists := []string{os.Getenv("LD_LIBRARY_PATH")}
	if len(runpath) == 0 {
		rpath, _ := f.DynString(elf.DT_RPATH)
		lists = append(rpath, lists...)
	}
	var dirs []string
	for _, list := range append(lists, runpath...) {
		for _, dir := range strings.FieldsFunc(list, func(r rune) bool { return r == ':' || r == ';' }) {
			dirs = append(dirs, expand.Replace(dir))
		}
	}
	return append(dirs, systemLibDirs...)
}

// findLibrary returns the first file called name in dirs that the loader
// would take for the executable f: an ELF file of its class and machine
// (a 32-bit libpython in /usr/lib is passed over).
func findLibrary(name string, dirs []string, f *elf.File) (string, error) {
	for _, dir := range dirs {
		if path := filepath.Join(dir, name); loadable(path, f) {
			return path, nil
		}
	}
	return "", fmt.Errorf("needs %s, found in none of %s", name, strings.Join(dirs, ", "))
}

// loadable reports whether path is an ELF file of f's class and machine.
func loadable(path string, f *elf.File) bool {
	lib, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer lib.Close()
	return lib.Class == f.Class && lib.Machine == f.Machine
}
