package check

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// readTrimmed reads a small /proc or /sys file holding one value.
func readTrimmed(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// procStatusField returns a field of /proc/self/status ("CapEff",
// "Seccomp", ...).
func procStatusField(name string) (string, error) {
	return fileField("/proc/self/status", name)
}

// fileField returns the value of the first "name: value" line of a /proc
// file such as /proc/self/status or /proc/cpuinfo (whose separator is
// padded with tabs).
func fileField(path, name string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.TrimSpace(value), nil
		}
	}
	return "", fmt.Errorf("no %q in %s", name, path)
}

// aslrMeanings are the values of kernel.randomize_va_space.
var aslrMeanings = map[string]string{
	"0": "no randomization",
	"1": "stack, mmap and vDSO randomized",
	"2": "stack, mmap, vDSO and heap randomized",
}

// probeASLR reports the kernel's ASLR setting. It is always OK: rrpy turns
// randomization off for the traced process alone.
func probeASLR() (Status, string) {
	const path = "/proc/sys/kernel/randomize_va_space"
	const why = "rrpy disables ASLR for the traced process itself with personality(ADDR_NO_RANDOMIZE), so no change is needed"
	v, err := readTrimmed(path)
	if err != nil {
		return OK, fmt.Sprintf("unknown (%v); %s", err, why)
	}
	if meaning, ok := aslrMeanings[v]; ok {
		v += " (" + meaning + ")"
	}
	return OK, v + "; " + why
}

// probePerfCounters reports whether hardware performance counters can be
// opened (rr needs them to place signals; rrpy does not) and the kernel's
// perf_event_paranoid.
func probePerfCounters() (Status, string) {
	const why = "rrpy does not need them"
	detail := "present (" + why + ")"
	if err := openInstructionCounter(); err != nil {
		detail = fmt.Sprintf("absent (%s; perf_event_open: %v)", why, err)
	}
	if v, err := readTrimmed("/proc/sys/kernel/perf_event_paranoid"); err == nil {
		detail += "; kernel.perf_event_paranoid=" + v
	}
	return OK, detail
}

// openInstructionCounter opens, and closes again, a counter of retired
// user-space instructions on rrpy itself.
func openInstructionCounter() error {
	attr := unix.PerfEventAttr{
		Type:   unix.PERF_TYPE_HARDWARE,
		Config: unix.PERF_COUNT_HW_INSTRUCTIONS,
		// User space only: counting the kernel needs a lower paranoia level
		// than the question we ask.
		Bits: unix.PerfBitDisabled | unix.PerfBitExcludeKernel | unix.PerfBitExcludeHv,
	}
	attr.Size = uint32(unsafe.Sizeof(attr))
	fd, err := unix.PerfEventOpen(&attr, 0, -1, -1, unix.PERF_FLAG_FD_CLOEXEC)
	if err != nil {
		return err
	}
	return unix.Close(fd)
}

// probeCPU reports the CPU model, which a trace records.
func probeCPU() (Status, string) {
	const why = "a trace records the CPU model; replay warns when it runs on a different one"
	model, err := fileField("/proc/cpuinfo", "model name")
	if err != nil {
		return Warn, fmt.Sprintf("unknown (%v); %s", err, why)
	}
	return OK, model + " (" + why + ")"
}
