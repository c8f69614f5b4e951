package session

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"rrpy/trace"
)

// meta describes the recording for its trace header: what replay needs to
// start the same program the same way, and what it checks.
func (r *recorder) meta(img *stackImage, exe string, pid int) (*trace.Meta, error) {
	argv, env, err := img.argvEnv()
	if err != nil {
		return nil, err
	}
	m := &trace.Meta{
		RrpyVersion:   r.opts.Version,
		FormatVersion: trace.FormatVersion,
		Argv:          argv,
		Env:           env,
		Exe:           exe,
		CPU:           cpuModel(),
		Start:         time.Now(),
		Clock:         r.opts.Clock,
		Pid:           pid,
		ParentPid:     parentOf(pid),
	}
	m.Cwd, _ = os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_STACK, &lim); err == nil {
		m.StackRlimit = lim.Cur
	}
	// The executable and its loader are mapped by the kernel at exec, not
	// by a recorded mmap: keep their content so replay can check it.
	if m.ExeBlob, err = r.opts.Blobs.Put(fmt.Sprintf("/proc/%d/exe", pid)); err != nil {
		return nil, fmt.Errorf("store executable: %w", err)
	}
	if m.Interp, err = interpreterOf(exe); err != nil {
		return nil, err
	}
	if m.Interp != "" {
		if m.InterpBlob, err = r.opts.Blobs.Put(m.Interp); err != nil {
			return nil, fmt.Errorf("store dynamic loader: %w", err)
		}
	}
	return m, nil
}

// interpreterOf returns the PT_INTERP path of an executable ("" if static).
func interpreterOf(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("read ELF of %s: %w", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		buf := make([]byte, p.Filesz)
		if _, err := p.ReadAt(buf, 0); err != nil {
			return "", fmt.Errorf("read PT_INTERP of %s: %w", path, err)
		}
		return strings.TrimRight(string(buf), "\x00"), nil
	}
	return "", nil
}

// cpuModel is the CPU's model name: replay on another CPU may see other
// cpuid results, which rrpy cannot trap here.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// parentOf returns the parent pid of a process, 0 if unknown.
func parentOf(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// pid (comm) state ppid ...: comm may hold spaces and parentheses.
	rest := string(data[strings.LastIndexByte(string(data), ')')+1:])
	fields := strings.Fields(rest)
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}
