package pyframes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Find looks through /proc/PID/maps for the mapped ELF file that defines
// the interpreter (the executable first, then the other file-backed
// executable mappings) and detects its version from the binary. Files are
// identified by their symbols, never by their names: replay maps stored
// copies with hash-like names.
func Find(pid int) (*Python, error) {
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, fmt.Errorf("read the memory map of pid %d: %w", pid, err)
	}
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)) // "" only puts no file first
	files := executableFiles(parseMaps(maps), exe)
	var errs []error
	for _, f := range files {
		py, ok, err := elfPython(f.path)
		if err != nil && ok {
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		if err != nil {
			errs = append(errs, err) // not an ELF file, or unreadable: look on
			continue
		}
		if !ok {
			continue
		}
		if py.Bias, err = fileBias(f); err != nil {
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		if py.Runtime, err = py.Symbol(runtimeSymbol); err != nil {
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		return py, nil
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("pid %d: %w (%w)", pid, ErrNoPython, errors.Join(errs...))
	}
	return nil, fmt.Errorf("pid %d: %w", pid, ErrNoPython)
}

// mapping is one line of /proc/PID/maps.
type mapping struct {
	start, end, off uint64
	perms, path     string
}

func parseMaps(data []byte) []mapping {
	var maps []mapping
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		// start-end perms offset dev inode path; the path may hold spaces.
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) < 5 {
			continue
		}
		lo, hi, _ := strings.Cut(fields[0], "-")
		m := mapping{perms: fields[1]}
		var err1, err2, err3 error
		m.start, err1 = strconv.ParseUint(lo, 16, 64)
		m.end, err2 = strconv.ParseUint(hi, 16, 64)
		m.off, err3 = strconv.ParseUint(fields[2], 16, 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue
		}
		if len(fields) > 5 {
			m.path = strings.TrimSpace(line[strings.Index(line, fields[5]):])
		}
		maps = append(maps, m)
	}
	return maps
}

// mappedFile is a file with an executable mapping, and all its mappings.
type mappedFile struct {
	path string
	maps []mapping
}

// executableFiles lists the file-backed files that have an executable
// mapping, exe first, the rest in address order.
func executableFiles(maps []mapping, exe string) []*mappedFile {
	byPath := map[string]*mappedFile{}
	var order []*mappedFile
	for _, m := range maps {
		if !strings.HasPrefix(m.path, "/") {
			continue // anonymous, [heap], [vdso]...
		}
		f := byPath[m.path]
		if f == nil {
			f = &mappedFile{path: m.path}
			byPath[m.path] = f
		}
		f.maps = append(f.maps, m)
	}
	seen := map[string]bool{}
	add := func(f *mappedFile) {
		if f == nil || seen[f.path] {
			return
		}
		for _, m := range f.maps {
			if strings.Contains(m.perms, "x") {
				seen[f.path] = true
				order = append(order, f)
				return
			}
		}
	}
	add(byPath[exe])
	for _, m := range maps {
		add(byPath[m.path])
	}
	return order
}

// fileBias finds the load bias from the first mapping of the file that
// starts a loadable segment.
func fileBias(f *mappedFile) (uint64, error) {
	var err error
	for _, m := range f.maps {
		var bias uint64
		if bias, err = loadBias(f.path, m.start, m.off); err == nil {
			return bias, nil
		}
	}
	return 0, err
}
