package ptrace

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A stop costs two switches between a tracee and its tracer; what makes
// them dear is where the two run. The tracer thread binds itself to the
// CPU it is on, and every tracee it launches inherits that: on one CPU a
// stop is a switch between two tasks, where on two it is an idle CPU
// woken each way, three to six times dearer on the VM of bench/README.md
// (where the kernel, left to itself, split a tracer and its tracee in
// about half the runs, a C tracer's as well as rrpy's). rrpy runs one
// thread of the tracee at a time, so the tracee gives up little. rr binds
// its tracees to one CPU too.

// bindToOneCPU binds the calling thread to the CPU it runs on and returns
// the CPUs it could run on before, for tasks let go untraced; nil when it
// could not, and then the thread runs where the kernel puts it.
func bindToOneCPU() *unix.CPUSet {
	var free, one unix.CPUSet
	if unix.SchedGetaffinity(0, &free) != nil {
		return nil
	}
	var cpu uint32
	if _, _, errno := unix.RawSyscall(unix.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); errno != 0 {
		return nil
	}
	one.Set(int(cpu))
	if unix.SchedSetaffinity(0, &one) != nil {
		return nil
	}
	return &free
}

// saNoCldStop is SA_NOCLDSTOP (asm-generic/signal-defs.h).
const saNoCldStop = 0x1

// kernelSigaction is the kernel's struct sigaction on x86-64.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// quietChildStops keeps the kernel from signalling rrpy at every stop of
// a tracee: it adds SA_NOCLDSTOP to the SIGCHLD handler the Go runtime
// installed, which does nothing with the signal. The tracer learns of
// stops from wait4 alone, and a signal delivered to it at each stop cost
// ~3 µs (bench/README.md). Children's exits are still signalled. It is
// the process's disposition, changed in place, so every Tracer may do it.
func quietChildStops() {
	var sa kernelSigaction
	const sigsetSize = 8
	if _, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0,
		uintptr(unsafe.Pointer(&sa)), sigsetSize, 0, 0); errno != 0 || sa.flags&saNoCldStop != 0 {
		return
	}
	sa.flags |= saNoCldStop
	// Best effort: without it, the stops are only dearer.
	_, _, _ = unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), uintptr(unsafe.Pointer(&sa)), 0, sigsetSize, 0, 0)
}

// Unbind lets the task run on every CPU rrpy may use: a task let go, or
// one that will compute more than it stops (code run in a scratch copy),
// which on the tracer's CPU would only wait for it when that CPU is busy.
func (p *Proc) Unbind() error {
	if p.t.free == nil {
		return nil
	}
	if err := unix.SchedSetaffinity(p.Pid, p.t.free); err != nil {
		return fmt.Errorf("give pid %d its CPUs back: %w", p.Pid, err)
	}
	return nil
}

// FreeCPUs returns the CPUs rrpy may use, on which its tracees would run
// without the binding; ok is false when the tracer thread is not bound.
func (t *Tracer) FreeCPUs() (cpus unix.CPUSet, ok bool) {
	if t.free == nil {
		return cpus, false
	}
	return *t.free, true
}
