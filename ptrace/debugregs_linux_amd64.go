package ptrace

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// debugRegOffset is offsetof(struct user, u_debugreg) on x86-64: the
// kernel exposes DR0..DR7 to PTRACE_PEEKUSER/POKEUSER at this offset in
// struct user, one 8-byte word per register.
const debugRegOffset = 848

// NumDebugRegs is the number of debug register slots (DR0..DR7; DR4 and
// DR5 are reserved and the kernel rejects writes to them).
const NumDebugRegs = 8

// SetDebugReg writes v into debug register DRi of the tracee. The kernel
// checks DR7 against the address registers, so set an address in DR0..3
// before enabling it in DR7, and disable it in DR7 before clearing it.
func (p *Proc) SetDebugReg(i int, v uint64) error {
	if err := checkDebugReg(i); err != nil {
		return err
	}
	return p.t.do(func() error {
		// One raw POKEUSER: unix.PtracePokeUser would peek first to
		// merge a trailing partial word, a request we do not need.
		_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_POKEUSR, uintptr(p.Pid),
			debugRegAddr(i), uintptr(v), 0, 0)
		if errno != 0 {
			return fmt.Errorf("write DR%d=%#x of pid %d: %w", i, v, p.Pid, errno)
		}
		return nil
	})
}

// DebugReg reads debug register DRi of the tracee.
func (p *Proc) DebugReg(i int) (uint64, error) {
	if err := checkDebugReg(i); err != nil {
		return 0, err
	}
	var v uint64
	err := p.t.do(func() error {
		// The raw PEEKUSER stores the word at *data (glibc's wrapper
		// returns it instead).
		_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_PEEKUSR, uintptr(p.Pid),
			debugRegAddr(i), uintptr(unsafe.Pointer(&v)), 0, 0)
		if errno != 0 {
			return fmt.Errorf("read DR%d of pid %d: %w", i, p.Pid, errno)
		}
		return nil
	})
	return v, err
}

func checkDebugReg(i int) error {
	if i < 0 || i >= NumDebugRegs {
		return fmt.Errorf("no debug register DR%d", i)
	}
	return nil
}

func debugRegAddr(i int) uintptr { return uintptr(debugRegOffset + 8*i) }
