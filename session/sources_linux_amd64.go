package session

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
)

// Python source files are kept with the trace, so that the shell shows
// the code as it was when recorded. CPython stats every module's .py
// before it loads the cached bytecode and opens the main script's, so
// those calls name every source file the run used.

// pathArg says which argument of a call that looks at a file is its path,
// and which its directory descriptor (-1 for none); ok is false for a
// call that looks at no file by its path.
func pathArg(nr int) (path, dirfd int, ok bool) {
	switch nr {
	case unix.SYS_OPEN, unix.SYS_STAT, unix.SYS_LSTAT:
		return 0, -1, true
	case unix.SYS_OPENAT, unix.SYS_NEWFSTATAT:
		return 1, 0, true
	}
	return 0, 0, false
}

// noteSource stores a .py file the program just opened or stat'ed.
func (r *recorder) noteSource(t *task, e *syscallEntry, result int64) error {
	pathAt, dirfd, ok := pathArg(e.nr)
	if !ok || isError(result) {
		return nil
	}
	path, err := readCString(t.proc, e.args[pathAt], unix.PathMax)
	if err != nil || !strings.HasSuffix(path, ".py") {
		return nil // a path the kernel accepted but rrpy cannot read is no source
	}
	abs := r.absPath(t, path, dirfd, e.args)
	m := t.img.w.Meta()
	if _, seen := m.Sources[abs]; seen {
		return nil
	}
	hash, err := r.opts.Blobs.Put(abs)
	if err != nil {
		r.warn(fmt.Sprintf("cannot keep a copy of %s: %v", abs, err))
		return nil
	}
	if m.Sources == nil {
		m.Sources = map[string]string{}
	}
	m.Sources[abs] = hash
	// Saved at once: a recording killed later still shows this source.
	return t.img.w.SaveMeta()
}

// absPath resolves a path the way the kernel did for the task.
func (r *recorder) absPath(t *task, path string, dirfd int, args [6]uint64) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	dir := fmt.Sprintf("/proc/%d/cwd", t.tid)
	if dirfd >= 0 && int32(args[dirfd]) != unix.AT_FDCWD {
		dir = fmt.Sprintf("/proc/%d/fd/%d", t.tid, int32(args[dirfd]))
	}
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	return filepath.Join(dir, path)
}

// readCString reads a NUL-terminated string of at most max bytes.
func readCString(p *ptrace.Proc, addr uint64, max int) (string, error) {
	var out []byte
	for len(out) < max {
		at := addr + uint64(len(out))
		// Never read across a page end: the next page may not exist.
		buf := make([]byte, min(256, 4096-at%4096))
		if err := p.ReadMemory(at, buf); err != nil {
			return "", err
		}
		if i := bytes.IndexByte(buf, 0); i >= 0 {
			return string(append(out, buf[:i]...)), nil
		}
		out = append(out, buf...)
	}
	return "", fmt.Errorf("string at %#x longer than %d bytes", addr, max)
}
