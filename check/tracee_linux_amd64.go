package check

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
)

// traceeTimeout bounds the life of a probe's traced child: a watchdog
// kills it then, which also wakes a tracer thread blocked in wait4.
const traceeTimeout = 3 * time.Second

// truePaths are where true(1) is looked for: a tiny program that exists
// everywhere and does nothing we need to handle.
var truePaths = []string{"/bin/true", "/usr/bin/true"}

// tracee is a probe's traced child.
type tracee struct {
	*ptrace.Proc
	// reaped is set once its exit has been collected: its pid may then
	// belong to another process, which must not be killed.
	reaped bool
}

// withTracee starts true(1) under trace, stopped at its exec before its
// first instruction, and runs f on it. The child is always killed and
// reaped, and the tracer thread ended, before withTracee returns.
func withTracee(f func(t *tracee) error) error {
	path, err := findTrue()
	if err != nil {
		return err
	}
	devNull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", os.DevNull, err)
	}
	defer devNull.Close()

	tr := ptrace.NewTracer()
	defer tr.Close()
	p, err := tr.Launch(ptrace.LaunchOptions{
		Path:  path,
		Argv:  []string{path},
		Files: []*os.File{devNull, devNull, devNull},
	})
	if err != nil {
		return err
	}
	t := &tracee{Proc: p}
	stopWatchdog := startWatchdog(p.Pid, traceeTimeout)
	defer func() {
		stopWatchdog()
		if !t.reaped {
			p.Kill()
		}
	}()
	return f(t)
}

// findTrue returns the first true(1) that exists.
func findTrue() (string, error) {
	for _, p := range truePaths {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no true(1) program to trace (looked for %v)", truePaths)
}

// startWatchdog kills pid after d, through a pidfd so that a pid reused
// after the child was reaped is never hit. Without pidfds (Linux < 5.3)
// there is no watchdog; runProbe's timeout still bounds the probe.
func startWatchdog(pid int, d time.Duration) (stop func()) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return func() {}
	}
	timer := time.AfterFunc(d, func() { _ = unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0) })
	return func() {
		// Stop does not wait for a callback already running; closing the
		// fd under it would at worst make its signal fail with EBADF.
		timer.Stop()
		unix.Close(fd)
	}
}

// resumeWait is Proc.ResumeWait, noting when the child is gone.
func (t *tracee) resumeWait(mode ptrace.ResumeMode, sig unix.Signal) (ptrace.Stop, error) {
	s, err := t.ResumeWait(mode, sig)
	if s.Kind == ptrace.StopExited {
		t.reaped = true
	}
	return s, err
}

// syscallAt runs syscall nr inside the child with a syscall instruction
// written at addr for the time of the call (the child is stopped at its
// exec, where no syscall instruction is at hand), and returns its result.
func (t *tracee) syscallAt(addr uint64, nr int, args ...uint64) (int64, error) {
	var a [6]uint64
	copy(a[:], args)
	out, err := t.InjectPlanted(ptrace.Injection{At: addr, Nr: nr, Args: a})
	if out.End.Kind == ptrace.StopExited {
		t.reaped = true
	}
	if err != nil {
		return 0, fmt.Errorf("inject syscall %d: %w", nr, err)
	}
	return out.Result, nil
}

// probePtrace traces true(1) from its exec to its exit.
func probePtrace() (Status, string) {
	err := withTracee(runToExit)
	if err != nil {
		return Fail, ptraceFailure(err)
	}
	detail := "permitted"
	if v, err := readTrimmed(yamaScopePath); err == nil {
		detail += fmt.Sprintf(" (yama ptrace_scope=%s)", v)
	}
	return OK, detail
}

// runToExit lets the child run, passing its signals on, until it exits;
// a clean exit shows that tracing works end to end.
func runToExit(t *tracee) error {
	var sig unix.Signal
	for range 64 { // true(1) stops once or twice; more means something is wrong
		s, err := t.resumeWait(ptrace.ToCont, sig)
		if err != nil {
			return err
		}
		switch s.Kind {
		case ptrace.StopExited:
			if !s.Status.Exited() || s.Status.ExitStatus() != 0 {
				return fmt.Errorf("traced true(1) %v", s)
			}
			return nil
		case ptrace.StopSignal:
			sig = s.Signal
		default:
			sig = 0
		}
	}
	return errors.New("traced true(1) did not exit")
}

// yamaScopePath is the Yama LSM's ptrace restriction, absent without Yama.
const yamaScopePath = "/proc/sys/kernel/yama/ptrace_scope"

// capSysPtrace is CAP_SYS_PTRACE's bit in the capability sets.
const capSysPtrace = 19

// ptraceFailure explains why tracing failed; for a permission error it
// lists the usual culprits found on this machine.
func ptraceFailure(err error) string {
	msg := fmt.Sprintf("cannot trace a child: %v", err)
	if !errors.Is(err, unix.EPERM) && !errors.Is(err, unix.EACCES) {
		return msg
	}
	hints := permissionHints()
	if len(hints) == 0 {
		hints = []string{"no Yama, capability or seccomp restriction found to explain it"}
	}
	for _, h := range hints {
		msg += "; " + h
	}
	return msg
}

// permissionHints reads what can forbid ptrace: Yama's scope, a missing
// CAP_SYS_PTRACE (containers drop it) and seccomp filters (container
// runtimes' default profiles can block ptrace).
func permissionHints() []string {
	var hints []string
	if v, err := readTrimmed(yamaScopePath); err == nil {
		switch v {
		case "3":
			hints = append(hints, "yama ptrace_scope=3: ptrace is disabled entirely until reboot")
		case "2":
			hints = append(hints, "yama ptrace_scope=2: only processes with CAP_SYS_PTRACE may trace (as root: sysctl kernel.yama.ptrace_scope=1)")
		default:
			hints = append(hints, fmt.Sprintf("yama ptrace_scope=%s allows tracing one's own children", v))
		}
	}
	if capEff, err := procStatusField("CapEff"); err == nil {
		var caps uint64
		if _, err := fmt.Sscanf(capEff, "%x", &caps); err == nil && caps&(1<<capSysPtrace) == 0 {
			hints = append(hints, "CAP_SYS_PTRACE is not in rrpy's effective capabilities (in a container: --cap-add=SYS_PTRACE)")
		}
	}
	if mode, err := procStatusField("Seccomp"); err == nil && mode != "0" {
		hints = append(hints, fmt.Sprintf("a seccomp filter is active (Seccomp: %s); a container's profile may forbid ptrace (docker: --security-opt seccomp=unconfined)", mode))
	}
	return hints
}

// rdtscInsn is the encoding of rdtsc.
var rdtscInsn = []byte{0x0f, 0x31}

// probeRdtscTrap checks that rdtsc can be made to fault in a tracee, which
// is how rrpy records the time-stamp counter values a program reads.
func probeRdtscTrap() (Status, string) {
	if err := withTracee(checkRdtscTrap); err != nil {
		return Fail, fmt.Sprintf("%v (rrpy makes rdtsc fault to record its value)", err)
	}
	return OK, "prctl(PR_SET_TSC, PR_TSC_SIGSEGV) is accepted and rdtsc faults"
}

// checkRdtscTrap sets PR_TSC_SIGSEGV in the child, reads it back with
// PR_GET_TSC, then runs an rdtsc at the entry point and expects SIGSEGV
// there: a kernel or hypervisor could accept the prctl and still let the
// instruction through.
func checkRdtscTrap(t *tracee) error {
	regs, err := t.Regs()
	if err != nil {
		return err
	}
	entry := regs.Rip
	if res, err := t.syscallAt(entry, unix.SYS_PRCTL, unix.PR_SET_TSC, unix.PR_TSC_SIGSEGV); err != nil {
		return err
	} else if res < 0 {
		return fmt.Errorf("prctl(PR_SET_TSC, PR_TSC_SIGSEGV): %w", unix.Errno(-res))
	}
	// PR_GET_TSC stores an int; the stack below rsp is mapped and unused
	// at the exec stop, past the 128-byte red zone.
	out := (regs.Rsp - 256) &^ 7
	if res, err := t.syscallAt(entry, unix.SYS_PRCTL, unix.PR_GET_TSC, out); err != nil {
		return err
	} else if res < 0 {
		return fmt.Errorf("prctl(PR_GET_TSC): %w", unix.Errno(-res))
	}
	var mode [4]byte
	if err := t.ReadMemory(out, mode[:]); err != nil {
		return err
	}
	if got := binary.LittleEndian.Uint32(mode[:]); got != unix.PR_TSC_SIGSEGV {
		return fmt.Errorf("prctl(PR_GET_TSC) says %d after setting PR_TSC_SIGSEGV (%d)", got, unix.PR_TSC_SIGSEGV)
	}
	return expectFault(t, entry, rdtscInsn, unix.SIGSEGV, "rdtsc")
}

// expectFault writes code at addr (the child's rip), resumes the child and
// checks that it stops with sig at addr, before the instruction completed.
func expectFault(t *tracee, addr uint64, code []byte, sig unix.Signal, what string) error {
	if code != nil {
		if err := t.WriteMemory(addr, code); err != nil {
			return err
		}
	}
	s, err := t.resumeWait(ptrace.ToCont, 0)
	if err != nil {
		return err
	}
	if s.Kind != ptrace.StopSignal || s.Signal != sig {
		return fmt.Errorf("%s did not raise %v: the child stopped with %v", what, unix.SignalName(sig), s)
	}
	regs, err := t.Regs()
	if err != nil {
		return err
	}
	if regs.Rip != addr {
		return fmt.Errorf("%s raised %v at %#x, not at %#x", what, unix.SignalName(sig), regs.Rip, addr)
	}
	return nil
}

// Debug register layout (Intel SDM vol. 3, 17.2).
const (
	dr7Index = 7
	// dr7L0 enables DR0 for this task; R/W0 = 00 and LEN0 = 00 make it an
	// instruction breakpoint, the only kind whose length must be 1.
	dr7L0 = 1
)

// probeDebugRegs checks that a tracee's debug registers can be set and
// that a breakpoint in them fires. Only later watchpoint speedups use
// them, so failure is a warning.
func probeDebugRegs() (Status, string) {
	if err := withTracee(checkDebugRegs); err != nil {
		return Warn, fmt.Sprintf("not usable: %v (informational: only faster watchpoints would use them)", err)
	}
	return OK, "DR0-DR7 can be set through PTRACE_POKEUSER and a breakpoint in them fires"
}

// checkDebugRegs puts an instruction breakpoint at the child's entry
// point in DR0/DR7, reads both back, and resumes the child, which must
// trap before running its first instruction.
func checkDebugRegs(t *tracee) error {
	regs, err := t.Regs()
	if err != nil {
		return err
	}
	entry := regs.Rip
	want := map[int]uint64{0: entry, dr7Index: dr7L0}
	for _, i := range []int{0, dr7Index} { // DR0 first: the kernel checks DR7 against it
		if err := t.SetDebugReg(i, want[i]); err != nil {
			return err
		}
	}
	for _, i := range []int{0, dr7Index} {
		got, err := t.DebugReg(i)
		if err != nil {
			return err
		}
		if got != want[i] {
			return fmt.Errorf("DR%d reads back %#x after writing %#x", i, got, want[i])
		}
	}
	if err := expectFault(t, entry, nil, unix.SIGTRAP, "a breakpoint in DR0"); err != nil {
		return err
	}
	// Disable before clearing the address, in the order the kernel accepts.
	if err := t.SetDebugReg(dr7Index, 0); err != nil {
		return err
	}
	return t.SetDebugReg(0, 0)
}
