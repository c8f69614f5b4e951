package ptrace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// SyscallInsn is the encoding of the x86-64 syscall instruction.
var SyscallInsn = []byte{0x0f, 0x05}

// Injection is one syscall to run inside the stopped tracee.
type Injection struct {
	At   uint64    // address of a syscall instruction in the tracee
	Nr   int       // syscall number
	Args [6]uint64 // its arguments
	// KeepRegs leaves the registers as the syscall left them (rt_sigreturn
	// restores a whole context); otherwise they are put back as they were.
	KeepRegs bool
}

// Inject runs a syscall inside the stopped tracee and returns its result.
// Signals that arrive meanwhile are held back and returned, to be
// delivered by the caller. If the tracee exits during the call (exit,
// exit_group), the error is ErrExited and the Stop says how it ended.
func (p *Proc) Inject(in Injection) (result int64, held []unix.Signal, end Stop, err error) {
	err = p.t.do(func() error {
		result, held, end, err = p.inject(in)
		return err
	})
	return result, held, end, err
}

func (p *Proc) inject(in Injection) (int64, []unix.Signal, Stop, error) {
	var saved Regs
	if err := p.getRegs(&saved); err != nil {
		return 0, nil, Stop{}, err
	}
	r := saved
	r.Rip = in.At
	r.Rax = uint64(in.Nr)
	// No syscall is in progress from the tracee's point of view: this
	// also keeps the kernel from restarting the interrupted one.
	r.Orig_rax = ^uint64(0)
	r.SetArgs(in.Args)
	if err := p.setRegs(&r); err != nil {
		return 0, nil, Stop{}, err
	}
	result, held, end, err := p.runInjected(in)
	if err != nil {
		return 0, held, end, err
	}
	if in.KeepRegs {
		return result, held, end, nil
	}
	// The thread's segment bases are what an injected arch_prctl is for:
	// they stay as the syscall left them.
	var after Regs
	if err := p.getRegs(&after); err != nil {
		return 0, held, end, err
	}
	saved.Fs_base, saved.Gs_base, saved.Fs, saved.Gs = after.Fs_base, after.Gs_base, after.Fs, after.Gs
	return result, held, end, p.setRegs(&saved)
}

// runInjected resumes the tracee until the injected syscall has entered
// at in.At and exited. A tracee stopped at a PTRACE_SYSEMU entry first
// reports the exit of the syscall it skipped; that and any other stop
// before our entry are passed over.
func (p *Proc) runInjected(in Injection) (int64, []unix.Signal, Stop, error) {
	var held []unix.Signal
	entered := false
	for range 16 {
		if err := p.resume(ToSyscall, 0); err != nil {
			return 0, held, Stop{}, err
		}
		s, err := p.wait()
		if err != nil {
			return 0, held, s, err
		}
		switch s.Kind {
		case StopExited:
			return 0, held, s, ErrExited
		case StopSignal:
			held = append(held, s.Signal)
			continue
		case StopSyscall:
		default:
			return 0, held, s, fmt.Errorf("injected %d into pid %d: unexpected %v", in.Nr, p.Pid, s)
		}
		var r Regs
		if err := p.getRegs(&r); err != nil {
			return 0, held, s, err
		}
		op, err := p.syscallOp()
		if err != nil {
			return 0, held, s, err
		}
		switch {
		case op == SyscallEntry && r.Orig_rax == uint64(in.Nr) && r.Rip == in.At+2:
			entered = true
		case op == SyscallExit && entered:
			return r.Result(), held, s, nil
		}
	}
	return 0, held, Stop{}, fmt.Errorf("injected syscall %d into pid %d never completed", in.Nr, p.Pid)
}
