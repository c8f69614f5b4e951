package ptrace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// redZone is the stack below rsp that a function may use without moving
// rsp (System V ABI); an injected call's frame goes below it.
const redZone = 128

// Call runs the function at fn in the stopped tracee with up to six
// integer arguments and returns its rax. The function returns to
// returnTo, where an int3 must stand; the registers are then put back.
// The function must not make syscalls: one is an error, as is any other
// stop before it returns.
func (p *Proc) Call(fn, returnTo uint64, args ...uint64) (uint64, error) {
	var rax uint64
	err := p.t.do(func() (err error) {
		rax, err = p.call(fn, returnTo, args)
		return err
	})
	return rax, err
}

func (p *Proc) call(fn, returnTo uint64, args []uint64) (uint64, error) {
	if len(args) > 6 {
		return 0, fmt.Errorf("call %#x: %d arguments, at most 6", fn, len(args))
	}
	var saved Regs
	if err := p.getRegs(&saved); err != nil {
		return 0, err
	}
	r := saved
	var a [6]uint64
	copy(a[:], args)
	r.SetArgs(a)
	r.Rcx = a[3] // SetArgs follows the syscall convention (r10); functions take rcx
	// At a function's entry rsp+8 must be 16-byte aligned, the return
	// address on top.
	r.Rsp = (saved.Rsp-redZone-256)&^15 - 8
	r.Rip, r.Rax, r.Orig_rax = fn, 0, ^uint64(0)
	ret := make([]byte, 8)
	for i := range ret {
		ret[i] = byte(returnTo >> (8 * i))
	}
	if err := p.WriteMemory(r.Rsp, ret); err != nil {
		return 0, fmt.Errorf("call %#x: push return address: %w", fn, err)
	}
	if err := p.setRegs(&r); err != nil {
		return 0, err
	}
	if err := p.resume(ToSyscall, 0); err != nil {
		return 0, err
	}
	s, err := p.wait()
	if err != nil {
		return 0, err
	}
	var after Regs
	if err := p.getRegs(&after); err != nil {
		return 0, err
	}
	if s.Kind != StopSignal || s.Signal != unix.SIGTRAP || after.Rip != returnTo+1 {
		return 0, fmt.Errorf("call %#x in pid %d: stopped for %v at %#x before returning", fn, p.Pid, s, after.Rip)
	}
	return after.Rax, p.setRegs(&saved)
}

// SingleStep runs the tracee for one instruction.
func (p *Proc) SingleStep() error {
	return p.t.do(func() error {
		if err := unix.PtraceSingleStep(p.Pid); err != nil {
			return fmt.Errorf("single-step pid %d: %w", p.Pid, err)
		}
		s, err := p.wait()
		if err != nil {
			return err
		}
		if s.Kind != StopSignal || s.Signal != unix.SIGTRAP {
			return fmt.Errorf("single-step pid %d: stopped for %v", p.Pid, s)
		}
		return nil
	})
}
