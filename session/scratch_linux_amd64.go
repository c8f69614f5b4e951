package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/syscalls"
)

// IOError is a syscall that code run in a scratch copy may not make: it
// would reach the world outside, or read what the replay cannot give.
type IOError struct{ Syscall string }

func (e *IOError) Error() string {
	return fmt.Sprintf("Attempted to do I/O or access raw memory (%s)", e.Syscall)
}

// CrashError is a fault of code run in a scratch copy.
type CrashError struct {
	Signal unix.Signal
	At     uint64 // the instruction
}

func (e *CrashError) Error() string {
	return fmt.Sprintf("the evaluation crashed: %s at %#x", unix.SignalName(e.Signal), e.At)
}

// Scratch is a throw-away copy of the program at a stop point, in which
// rrpy runs code (Python's C API): what the code changes stays in the
// copy, never reaches the replay. Close it before the session moves on:
// the session's process reaps it.
type Scratch struct {
	proc   *ptrace.Proc
	parent *ptrace.Proc // the thread of the replay that forked it
	out    []byte       // what the code wrote to fds 1 and 2
}

// Scratch forks a copy of the program at the session's trap, from the
// thread that trapped (it holds the GIL). Unlike a checkpoint, a copy of
// a multi-threaded program will do: it runs a few calls, then dies.
func (s *Session) Scratch() (*Scratch, error) {
	r := s.r
	if r.exited != nil || r.trap == nil {
		return nil, errors.New("no stop point to copy: the program ended")
	}
	t := r.tasks[r.trap.Thread]
	var proc *ptrace.Proc
	err := s.tracer.Run(func() (err error) { proc, err = s.forkTask(t); return err })
	if err != nil {
		return nil, err
	}
	c := &Scratch{proc: proc, parent: t.proc}
	// The code it runs computes and seldom stops: any CPU will do.
	if err := proc.Unbind(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// forkTask forks the process from t, with an injected fork at the probe
// page's syscall instruction; the copy stands where t stands.
func (s *Session) forkTask(t *rtask) (*ptrace.Proc, error) {
	regs, err := t.proc.Regs()
	if err != nil {
		return nil, err
	}
	out, err := t.proc.Inject(ptrace.Injection{At: probe.Syscall, Nr: unix.SYS_FORK})
	if err != nil || isError(out.Result) || len(out.NewTasks) != 1 {
		return nil, fmt.Errorf("fork pid %d: %s (%v)", t.proc.Pid, describeResult(out.Result), err)
	}
	proc := s.tracer.Adopt(out.NewTasks[0])
	if err := proc.SetRegs(regs); err != nil {
		proc.Kill()
		return nil, err
	}
	return proc, nil
}

// ReadMemory reads the copy's memory.
func (c *Scratch) ReadMemory(addr uint64, buf []byte) error { return c.proc.ReadMemory(addr, buf) }

// WriteMemory writes into the copy.
func (c *Scratch) WriteMemory(addr uint64, data []byte) error { return c.proc.WriteMemory(addr, data) }

// TakeOutput returns what the code wrote to fds 1 and 2 since the last call.
func (c *Scratch) TakeOutput() []byte {
	out := c.out
	c.out = nil
	return out
}

// Call runs the C function at fn in the copy. Its syscalls that act on
// the copy alone run; writes to fds 1 and 2 are kept for TakeOutput; any
// other is an *IOError, a fault a *CrashError. Canceling ctx kills the
// copy (an endless loop) and Call returns ctx's cause. After an error the
// copy is unusable.
func (c *Scratch) Call(ctx context.Context, fn uint64, args ...uint64) (uint64, error) {
	pid := c.proc.Pid
	stop := context.AfterFunc(ctx, func() { _ = unix.Kill(pid, unix.SIGKILL) })
	defer stop()
	hooks := ptrace.CallHooks{Syscall: c.onSyscall, Signal: c.onSignal}
	rax, err := c.proc.CallHooked(hooks, fn, probe.CallReturn, args...)
	if ctx.Err() != nil {
		return 0, context.Cause(ctx)
	}
	return rax, err
}

func (c *Scratch) onSyscall(p *ptrace.Proc, r *ptrace.Regs) (bool, int64, error) {
	nr, a := int(r.Orig_rax), r.Args()
	sc, known := syscalls.Lookup(nr)
	switch {
	case (nr == unix.SYS_WRITE || nr == unix.SYS_WRITEV) && (a[0] == 1 || a[0] == 2):
		n, err := c.capture(p, nr, a)
		return true, n, err
	case !known:
		return false, 0, &IOError{Syscall: fmt.Sprintf("syscall %d", nr)}
	case nr == unix.SYS_MMAP && a[3]&unix.MAP_ANONYMOUS == 0:
		return false, 0, &IOError{Syscall: "mmap of a file"}
	case sc.Private:
		return false, 0, nil
	}
	return false, 0, &IOError{Syscall: sc.Name}
}

const (
	maxCapture = 1 << 20 // bounds what one write of an evaluation shows
	uioMaxIOV  = 1024    // UIO_MAXIOV: the kernel refuses a writev with more
)

// capture keeps the bytes of a write or writev to fd 1 or 2; a bad
// buffer fails the call as the kernel would.
func (c *Scratch) capture(p *ptrace.Proc, nr int, a [6]uint64) (int64, error) {
	var data []byte
	var err error
	if nr == unix.SYS_WRITEV {
		if a[2] > uioMaxIOV {
			return -int64(unix.EINVAL), nil
		}
		data, err = readIovecs(p, a[1], int(a[2]), maxCapture)
	} else {
		data = make([]byte, min(a[2], maxCapture))
		err = p.ReadMemory(a[1], data)
	}
	if err != nil {
		return -int64(unix.EFAULT), nil
	}
	c.out = append(c.out, data...)
	return int64(len(data)), nil
}

// onSignal lets a trapped rdtsc run (the copy's clock does not matter)
// and reports faults; other signals are not the copy's business.
func (c *Scratch) onSignal(p *ptrace.Proc, sig unix.Signal) error {
	if sig == unix.SIGSEGV {
		regs, insn, ok, err := trappedTimeInstruction(p)
		if err != nil {
			return err
		}
		if ok {
			now := uint64(time.Now().UnixNano())
			regs.Rax, regs.Rdx, regs.Rip = now&0xffffffff, now>>32, regs.Rip+uint64(insn.Len)
			return p.SetRegs(regs)
		}
	}
	if !isSynchronous(p, sig) {
		return nil
	}
	regs, err := p.Regs()
	if err != nil {
		return err
	}
	return &CrashError{Signal: sig, At: regs.Rip}
}

// Close kills the copy and has the replay's thread that forked it reap
// it: a stopped tracee reaps nothing by itself, and thousands of zombies
// (a watch expression evaluated at every stop point) would use up the
// pids.
func (c *Scratch) Close() {
	c.proc.KillAlone()
	_, _ = c.parent.Inject(ptrace.Injection{At: probe.Syscall, Nr: unix.SYS_WAIT4,
		Args: [6]uint64{uint64(c.proc.Pid), 0, unix.WALL}})
}
