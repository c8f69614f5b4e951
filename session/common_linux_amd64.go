package session

import (
	"fmt"

	"golang.org/x/sys/unix"

	"rrpy/linux_amd64"
	"rrpy/ptrace"
	"rrpy/syscalls"
)

// enableTSCTrap makes rdtsc and rdtscp fault in the tracee, so rrpy can
// record (and replay) the values they produce. It runs at the exec stop,
// before the program's first instruction, by writing a syscall
// instruction over the entry point for the duration of one injected
// prctl. rrpy cannot set it on itself before the fork: the Go runtime
// executes rdtsc too.
func enableTSCTrap(p *ptrace.Proc, rip uint64) error {
	return injectAtEntry(p, rip, unix.SYS_PRCTL, unix.PR_SET_TSC, unix.PR_TSC_SIGSEGV)
}

func injectAtEntry(p *ptrace.Proc, rip uint64, nr int, args ...uint64) error {
	var a [6]uint64
	copy(a[:], args)
	out, err := p.InjectPlanted(ptrace.Injection{At: rip, Nr: nr, Args: a})
	if err == nil && out.Result < 0 {
		err = fmt.Errorf("syscall %d failed: %w", nr, unix.Errno(-out.Result))
	}
	if err != nil {
		return fmt.Errorf("inject syscall %d at exec: %w", nr, err)
	}
	return nil
}

// trappedTimeInstruction tells a SIGSEGV raised by a trapped rdtsc/rdtscp
// (ok) from a real fault, and returns the registers to emulate it with.
func trappedTimeInstruction(p *ptrace.Proc) (regs ptrace.Regs, insn linux_amd64.TimeInstruction, ok bool, err error) {
	if regs, err = p.Regs(); err != nil {
		return regs, insn, false, err
	}
	code := make([]byte, 3) // rdtscp is the longer, without prefixes
	if p.ReadMemory(regs.Rip, code) != nil {
		return regs, insn, false, nil
	}
	insn, ok = linux_amd64.DecodeTimeInstruction(code)
	return regs, insn, ok, nil
}

// isSynchronous reports whether a signal was raised by the instruction
// the tracee executed (a fault), so that it recurs by itself on replay.
func isSynchronous(p *ptrace.Proc, sig unix.Signal) bool {
	switch sig {
	case unix.SIGSEGV, unix.SIGBUS, unix.SIGILL, unix.SIGFPE, unix.SIGTRAP:
	default:
		return false
	}
	code, err := p.SigCode()
	return err == nil && code > 0 // si_code > 0: sent by the kernel for a fault
}

// toRegions converts the table's regions to ptrace's.
func toRegions(rs []syscalls.Region) []ptrace.Region {
	out := make([]ptrace.Region, len(rs))
	for i, r := range rs {
		out[i] = ptrace.Region{Addr: r.Addr, Len: r.Len}
	}
	return out
}
