package ptrace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// redZone is the stack below rsp that a function may use without moving
// rsp (System V ABI); an injected call's frame goes below it.
const redZone = 128

// CallHooks let an injected call make syscalls and meet signals. A nil
// hook makes a syscall or a signal end the call with an error.
type CallHooks struct {
	// Syscall is asked at each syscall entry: run it for real (emulate
	// false), or skip it and give it result. An error ends the call.
	Syscall func(p *Proc, r *Regs) (emulate bool, result int64, err error)
	// Signal is asked at each signal stop: nil goes on without the
	// signal; an error ends the call.
	Signal func(p *Proc, sig unix.Signal) error
}

// Call runs the function at fn in the stopped tracee with up to six
// integer arguments and returns its rax. The function returns to
// returnTo, where an int3 must stand; the registers are then put back.
// The function must not make syscalls or meet signals: either is an
// error.
func (p *Proc) Call(fn, returnTo uint64, args ...uint64) (uint64, error) {
	return p.CallHooked(CallHooks{}, fn, returnTo, args...)
}

// CallHooked is Call with hooks for the syscalls and signals the
// function meets. If the tracee ends meanwhile (killed from outside),
// the error is ErrExited.
func (p *Proc) CallHooked(h CallHooks, fn, returnTo uint64, args ...uint64) (uint64, error) {
	var rax uint64
	err := p.t.do(func() (err error) {
		rax, err = p.call(h, fn, returnTo, args)
		return err
	})
	return rax, err
}

func (p *Proc) call(h CallHooks, fn, returnTo uint64, args []uint64) (uint64, error) {
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
	// address on top. rax = 0 tells a variadic function no vector
	// registers carry arguments.
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
	rax, err := p.runCall(h, fn, returnTo)
	if err != nil {
		return 0, err
	}
	return rax, p.setRegs(&saved)
}

// runCall resumes an injected call until it returns to returnTo's int3.
func (p *Proc) runCall(h CallHooks, fn, returnTo uint64) (uint64, error) {
	for {
		if err := p.resume(ToSyscall, 0); err != nil {
			return 0, err
		}
		s, err := p.wait()
		if err != nil {
			return 0, err
		}
		var r Regs
		if s.Kind != StopExited {
			if err := p.getRegs(&r); err != nil {
				return 0, err
			}
		}
		switch {
		case s.Kind == StopExited:
			return 0, fmt.Errorf("call %#x in pid %d: %w (%s)", fn, p.Pid, ErrExited, describeExit(unix.WaitStatus(s.Status)))
		case s.Kind == StopSignal && s.Signal == unix.SIGTRAP && r.Rip == returnTo+1:
			return r.Rax, nil
		case s.Kind == StopSignal && h.Signal != nil:
			if err := h.Signal(p, s.Signal); err != nil {
				return 0, err
			}
		case s.Kind == StopSyscall && h.Syscall != nil:
			if err := p.callSyscall(h, &r); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("call %#x in pid %d: stopped for %v at %#x before returning", fn, p.Pid, s, r.Rip)
		}
	}
}

// callSyscall lets the hook decide a syscall entry of an injected call:
// an emulated one is skipped (orig_rax -1) and its result set at the exit.
func (p *Proc) callSyscall(h CallHooks, r *Regs) error {
	op, err := p.syscallOp()
	if err != nil || op != SyscallEntry {
		return err
	}
	emulate, result, err := h.Syscall(p, r)
	if err != nil || !emulate {
		return err
	}
	r.Orig_rax = ^uint64(0)
	if err := p.setRegs(r); err != nil {
		return err
	}
	if err := p.resume(ToSyscall, 0); err != nil {
		return err
	}
	s, err := p.wait()
	if err != nil {
		return err
	}
	if s.Kind != StopSyscall {
		return fmt.Errorf("skip a syscall of pid %d: stopped for %v", p.Pid, s)
	}
	if err := p.getRegs(r); err != nil {
		return err
	}
	r.Rax = uint64(result)
	return p.setRegs(r)
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
