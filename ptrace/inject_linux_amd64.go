package ptrace

import (
	"errors"
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

// Injected is what an injected syscall did.
type Injected struct {
	Result   int64
	Held     []unix.Signal // signals that arrived meanwhile, held back for the caller to deliver
	NewTasks []int         // tasks the call created (clone), each stopped at its first stop
	End      Stop          // how the tracee ended, when the error is ErrExited
}

// Inject runs a syscall inside the stopped tracee. If the tracee exits
// during the call (exit, exit_group), the error is ErrExited and End says
// how it ended.
func (p *Proc) Inject(in Injection) (Injected, error) {
	var out Injected
	err := p.t.do(func() (err error) {
		out, err = p.inject(in)
		return err
	})
	return out, err
}

func (p *Proc) inject(in Injection) (Injected, error) {
	var saved Regs
	if err := p.getRegs(&saved); err != nil {
		return Injected{}, err
	}
	r := saved
	r.Rip = in.At
	r.Rax = uint64(in.Nr)
	// No syscall is in progress from the tracee's point of view: this
	// also keeps the kernel from restarting the interrupted one.
	r.Orig_rax = ^uint64(0)
	r.SetArgs(in.Args)
	if err := p.setRegs(&r); err != nil {
		return Injected{}, err
	}
	out, err := p.runInjected(in)
	if err != nil || in.KeepRegs {
		return out, err
	}
	// The thread's segment bases are what an injected arch_prctl is for:
	// they stay as the syscall left them.
	var after Regs
	if err := p.getRegs(&after); err != nil {
		return out, err
	}
	saved.Fs_base, saved.Gs_base, saved.Fs, saved.Gs = after.Fs_base, after.Gs_base, after.Fs, after.Gs
	return out, p.setRegs(&saved)
}

// runInjected resumes the tracee until the injected syscall has entered
// at in.At and exited. A tracee stopped at a PTRACE_SYSEMU entry first
// reports the exit of the syscall it skipped; that and any other stop
// before our entry are passed over.
func (p *Proc) runInjected(in Injection) (Injected, error) {
	var out Injected
	entered := false
	for range 16 {
		if err := p.resume(ToSyscall, 0); err != nil {
			return out, err
		}
		s, err := p.wait()
		if err != nil {
			return out, err
		}
		switch s.Kind {
		case StopExited:
			out.End = s
			return out, ErrExited
		case StopSignal:
			out.Held = append(out.Held, s.Signal)
			continue
		case StopFork:
			if err := p.awaitFirstStop(s.Child); err != nil {
				return out, err
			}
			out.NewTasks = append(out.NewTasks, s.Child)
			continue
		case StopSyscall:
		default:
			return out, fmt.Errorf("injected %d into pid %d: unexpected %v", in.Nr, p.Pid, s)
		}
		var r Regs
		if err := p.getRegs(&r); err != nil {
			return out, err
		}
		op, err := p.syscallOp()
		if err != nil {
			return out, err
		}
		switch {
		case op == SyscallEntry && r.Orig_rax == uint64(in.Nr) && r.Rip == in.At+2:
			entered = true
		case op == SyscallExit && entered:
			out.Result = r.Result()
			return out, nil
		}
	}
	return out, fmt.Errorf("injected syscall %d into pid %d never completed", in.Nr, p.Pid)
}

// awaitFirstStop waits for a new task's first stop (the SIGSTOP the
// kernel gives an auto-attached child), which it reports by itself.
func (p *Proc) awaitFirstStop(tid int) error {
	var ws unix.WaitStatus
	if _, err := unix.Wait4(tid, &ws, unix.WALL, nil); err != nil {
		return fmt.Errorf("wait for new task %d: %w", tid, err)
	}
	if !ws.Stopped() {
		return fmt.Errorf("new task %d did not stop (%s)", tid, describeExit(ws))
	}
	return nil
}

// InjectPlanted runs a syscall at an address that holds no syscall
// instruction (a program's entry point, at its exec stop): it writes one
// there for the duration of the call and puts the code back, unless the
// tracee exited meanwhile.
func (p *Proc) InjectPlanted(in Injection) (Injected, error) {
	saved := make([]byte, len(SyscallInsn))
	if err := p.ReadMemory(in.At, saved); err != nil {
		return Injected{}, fmt.Errorf("save code at %#x: %w", in.At, err)
	}
	if err := p.WriteMemory(in.At, SyscallInsn); err != nil {
		return Injected{}, err
	}
	out, err := p.Inject(in)
	if errors.Is(err, ErrExited) {
		return out, err
	}
	if werr := p.WriteMemory(in.At, saved); err == nil {
		err = werr
	}
	return out, err
}
