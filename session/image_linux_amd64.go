package session

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"strings"

	"rrpy/ptrace"
)

// Auxiliary vector entry types (elf.h) that the initial image rewrites.
const (
	atNull        = 0
	atIgnore      = 1
	atEntry       = 9  // the executable's entry point
	atSysinfoEhdr = 33 // the vDSO's address
)

// stackImage is the tracee's initial stack from its stack pointer to the
// top of the stack mapping: argc, argv, envp, the auxiliary vector,
// AT_RANDOM's bytes and the strings they point to.
type stackImage struct {
	Addr uint64
	Data []byte
}

// captureStack reads the initial stack at an exec stop.
func captureStack(p *ptrace.Proc, sp uint64) (stackImage, error) {
	_, end, _, err := mappingAround(p.Pid, sp)
	if err != nil {
		return stackImage{}, err
	}
	img := stackImage{Addr: sp, Data: make([]byte, end-sp)}
	if err := p.ReadMemory(sp, img.Data); err != nil {
		return stackImage{}, fmt.Errorf("read initial stack: %w", err)
	}
	return img, nil
}

// hideVDSO turns AT_SYSINFO_EHDR into AT_IGNORE so that glibc finds no
// vDSO and makes real clock_gettime/gettimeofday/time syscalls, which
// rrpy sees and records.
func (img *stackImage) hideVDSO() error {
	off, ok, err := img.auxvEntry(atSysinfoEhdr)
	if ok {
		binary.LittleEndian.PutUint64(img.Data[off:], atIgnore)
	}
	return err
}

// entryPoint returns AT_ENTRY, the executable's entry point: by then the
// dynamic loader has mapped every library the executable needs.
func (img *stackImage) entryPoint() (uint64, error) {
	off, ok, err := img.auxvEntry(atEntry)
	if err != nil || !ok {
		return 0, fmt.Errorf("initial stack: no AT_ENTRY (%v)", err)
	}
	return binary.LittleEndian.Uint64(img.Data[off+8:]), nil
}

// auxvEntry finds the auxiliary vector entry of a type and returns its
// offset in the image.
func (img *stackImage) auxvEntry(typ uint64) (int, bool, error) {
	off, err := img.auxvOffset()
	if err != nil {
		return 0, false, err
	}
	for ; off+16 <= len(img.Data); off += 16 {
		switch binary.LittleEndian.Uint64(img.Data[off:]) {
		case atNull:
			return 0, false, nil
		case typ:
			return off, true, nil
		}
	}
	return 0, false, fmt.Errorf("initial stack: auxiliary vector has no end")
}

// auxvOffset finds the auxiliary vector: after argc, argv and envp, each
// pointer list ending with a zero word.
func (img *stackImage) auxvOffset() (int, error) {
	word := func(off int) (uint64, error) {
		if off+8 > len(img.Data) {
			return 0, fmt.Errorf("initial stack: truncated at offset %d", off)
		}
		return binary.LittleEndian.Uint64(img.Data[off:]), nil
	}
	argc, err := word(0)
	if err != nil {
		return 0, err
	}
	off := 8 + 8*int(argc) + 8 // argv and its NULL
	for {
		w, err := word(off)
		if err != nil {
			return 0, err
		}
		off += 8
		if w == 0 {
			return off, nil
		}
	}
}

// strings reads the argv (or, after it, envp) strings the image points to.
func (img *stackImage) argvEnv() (argv, env []string, err error) {
	readStr := func(ptr uint64) (string, error) {
		if ptr < img.Addr || ptr >= img.Addr+uint64(len(img.Data)) {
			return "", fmt.Errorf("initial stack: string pointer %#x outside the stack", ptr)
		}
		s := img.Data[ptr-img.Addr:]
		if i := bytes.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return string(s), nil
	}
	argc := int(binary.LittleEndian.Uint64(img.Data))
	off := 8
	list := func() ([]string, error) {
		var out []string
		for ; off+8 <= len(img.Data); off += 8 {
			ptr := binary.LittleEndian.Uint64(img.Data[off:])
			if ptr == 0 {
				off += 8
				return out, nil
			}
			s, err := readStr(ptr)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return nil, fmt.Errorf("initial stack: pointer list has no end")
	}
	if argv, err = list(); err != nil {
		return nil, nil, err
	}
	if len(argv) != argc {
		return nil, nil, fmt.Errorf("initial stack: argc %d but %d arguments", argc, len(argv))
	}
	env, err = list()
	return argv, env, err
}

// mappingAround returns the bounds of the mapping that contains addr,
// and the file it maps ("" or a [name] when anonymous).
func mappingAround(pid int, addr uint64) (start, end uint64, path string, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return 0, 0, "", fmt.Errorf("read memory map of pid %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		s, err1 := strconv.ParseUint(lo, 16, 64)
		e, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil && s <= addr && addr < e {
			if len(fields) >= 6 {
				path = fields[5]
			}
			return s, e, path, nil
		}
	}
	return 0, 0, "", fmt.Errorf("pid %d has no mapping at %#x", pid, addr)
}
