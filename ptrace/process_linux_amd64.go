package ptrace

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// traceOptions are set on every tracee: syscall stops are told apart from
// SIGTRAP, execs and new tasks stop, and tracees die with the tracer.
const traceOptions = unix.PTRACE_O_TRACESYSGOOD | unix.PTRACE_O_TRACEEXEC |
	unix.PTRACE_O_TRACEFORK | unix.PTRACE_O_TRACEVFORK | unix.PTRACE_O_TRACECLONE |
	unix.PTRACE_O_EXITKILL

// LaunchOptions describe the program to start under trace.
type LaunchOptions struct {
	Path  string   // executable to exec
	Argv  []string // its argv, argv[0] included
	Env   []string
	Dir   string     // working directory; "" keeps rrpy's
	Files []*os.File // stdin, stdout, stderr of the program
	// NewProcessGroup keeps terminal signals (Ctrl-C) away from the
	// tracee, as replay wants; recording leaves it in rrpy's group so the
	// program sees Ctrl-C as it would without rrpy.
	NewProcessGroup bool
	// StackRlimit, when not zero, is the RLIMIT_STACK the program starts
	// with: the kernel places mmaps below a gap sized by it.
	StackRlimit uint64
}

// Proc is one traced task.
type Proc struct {
	Pid int
	// group is the thread group's id (the process's pid), which tgkill
	// needs with a thread's own tid.
	group int
	t     *Tracer
	mem   *os.File // /proc/PID/mem, reopened after each exec
}

// Launch starts a program with address-space randomization off, stopped
// at its exec before its first instruction.
func (t *Tracer) Launch(opts LaunchOptions) (*Proc, error) {
	p := &Proc{t: t}
	err := t.do(func() error {
		pid, err := launchOnThisThread(opts)
		if err != nil {
			return err
		}
		p.Pid, p.group = pid, pid
		return p.waitInitialExec()
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func launchOnThisThread(opts LaunchOptions) (int, error) {
	// personality is per thread and inherited by fork: setting it on the
	// tracer thread, which forks the tracee, changes only the tracee's
	// exec layout. It stays set on this thread for later launches.
	const queryPersonality = 0xffffffff
	old, _, errno := unix.RawSyscall(unix.SYS_PERSONALITY, queryPersonality, 0, 0)
	if errno != 0 {
		return 0, fmt.Errorf("read personality: %w", errno)
	}
	if _, _, errno := unix.RawSyscall(unix.SYS_PERSONALITY, old|addrNoRandomize, 0, 0); errno != 0 {
		return 0, fmt.Errorf("set personality ADDR_NO_RANDOMIZE: %w", errno)
	}
	if opts.StackRlimit != 0 {
		lim := unix.Rlimit{Cur: opts.StackRlimit, Max: unix.RLIM_INFINITY}
		var cur unix.Rlimit
		if err := unix.Getrlimit(unix.RLIMIT_STACK, &cur); err == nil {
			lim.Max = cur.Max
		}
		if err := unix.Setrlimit(unix.RLIMIT_STACK, &lim); err != nil {
			return 0, fmt.Errorf("set stack rlimit to %d: %w", opts.StackRlimit, err)
		}
	}
	files := make([]uintptr, len(opts.Files))
	for i, f := range opts.Files {
		files[i] = f.Fd()
	}
	attr := &syscall.ProcAttr{
		Dir:   opts.Dir,
		Env:   opts.Env,
		Files: files,
		Sys:   &syscall.SysProcAttr{Ptrace: true, Setpgid: opts.NewProcessGroup},
	}
	pid, err := syscall.ForkExec(opts.Path, opts.Argv, attr)
	if errors.Is(err, syscall.EPERM) {
		return 0, fmt.Errorf("cannot trace %s: ptrace is not permitted here (rrpy check tells why): %w", opts.Path, err)
	}
	if err != nil {
		return 0, fmt.Errorf("start %s: %w", opts.Path, err)
	}
	return pid, nil
}

// waitInitialExec waits for the SIGTRAP that PTRACE_TRACEME raises at the
// exec, then sets the trace options.
func (p *Proc) waitInitialExec() error {
	var ws unix.WaitStatus
	if _, err := unix.Wait4(p.Pid, &ws, unix.WALL, nil); err != nil {
		return fmt.Errorf("wait for exec of pid %d: %w", p.Pid, err)
	}
	if !ws.Stopped() || ws.StopSignal() != unix.SIGTRAP {
		return fmt.Errorf("pid %d did not stop at its exec (%s)", p.Pid, describeExit(ws))
	}
	if err := unix.PtraceSetOptions(p.Pid, traceOptions); err != nil {
		return fmt.Errorf("set ptrace options of pid %d: %w", p.Pid, err)
	}
	return nil
}

// Adopt takes over a process that was auto-attached by a fork event, once
// it has reported its first stop.
func (t *Tracer) Adopt(pid int) *Proc { return &Proc{Pid: pid, group: pid, t: t} }

// AdoptThread takes over a thread of p's process that was auto-attached
// by a clone event.
func (p *Proc) AdoptThread(tid int) *Proc { return &Proc{Pid: tid, group: p.group, t: p.t} }

// ResumeMode says how far a tracee runs.
type ResumeMode int

// Resume modes.
const (
	ToSyscall ResumeMode = iota + 1 // PTRACE_SYSCALL: stop at the next syscall entry or exit
	ToSysemu                        // PTRACE_SYSEMU: stop at the next syscall entry, which the kernel skips
	ToCont                          // PTRACE_CONT: run until a signal or event
)

// Resume restarts the tracee, delivering sig (0 for none).
func (p *Proc) Resume(mode ResumeMode, sig unix.Signal) error {
	if p.t.onThread() {
		return p.resume(mode, sig)
	}
	return p.t.do(func() error { return p.resume(mode, sig) })
}

func (p *Proc) resume(mode ResumeMode, sig unix.Signal) error {
	var req int
	switch mode {
	case ToSyscall:
		req = unix.PTRACE_SYSCALL
	case ToSysemu:
		req = unix.PTRACE_SYSEMU
	default:
		req = unix.PTRACE_CONT
	}
	if _, _, errno := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(p.Pid), 0, uintptr(sig), 0, 0); errno != 0 {
		return fmt.Errorf("resume pid %d: %w", p.Pid, errno)
	}
	return nil
}

// Wait waits for the tracee's next stop.
func (p *Proc) Wait() (Stop, error) {
	var s Stop
	err := p.t.do(func() (err error) { s, err = p.wait(); return err })
	return s, err
}

// ResumeWait resumes the tracee and waits for its next stop in one trip
// to the tracer thread.
func (p *Proc) ResumeWait(mode ResumeMode, sig unix.Signal) (Stop, error) {
	if p.t.onThread() {
		return p.resumeWait(mode, sig)
	}
	var s Stop
	err := p.t.do(func() (err error) { s, err = p.resumeWait(mode, sig); return err })
	return s, err
}

func (p *Proc) resumeWait(mode ResumeMode, sig unix.Signal) (Stop, error) {
	if err := p.resume(mode, sig); err != nil {
		return Stop{}, err
	}
	return p.wait()
}

func (p *Proc) wait() (Stop, error) {
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(p.Pid, &ws, unix.WALL, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Stop{}, fmt.Errorf("wait for pid %d: %w", p.Pid, err)
		}
		break
	}
	s, err := decodeStop(p.Pid, ws, func() (uint, error) { return unix.PtraceGetEventMsg(p.Pid) })
	if s.Kind == StopExec || s.Kind == StopExited {
		p.closeMem() // the old address space is gone
	}
	return s, err
}

// Regs reads the tracee's registers.
func (p *Proc) Regs() (Regs, error) {
	if p.t.onThread() {
		var r Regs
		return r, p.getRegs(&r)
	}
	var r Regs
	err := p.t.do(func() error { return p.getRegs(&r) })
	return r, err
}

// SetRegs writes the tracee's registers.
func (p *Proc) SetRegs(r Regs) error {
	if p.t.onThread() {
		return p.setRegs(&r)
	}
	regs := r // what the closure takes, so that r itself stays on the stack
	return p.t.do(func() error { return p.setRegs(&regs) })
}

func (p *Proc) getRegs(r *Regs) error {
	if err := unix.PtraceGetRegs(p.Pid, (*unix.PtraceRegs)(r)); err != nil {
		return fmt.Errorf("read registers of pid %d: %w", p.Pid, err)
	}
	return nil
}

func (p *Proc) setRegs(r *Regs) error {
	if err := unix.PtraceSetRegs(p.Pid, (*unix.PtraceRegs)(r)); err != nil {
		return fmt.Errorf("write registers of pid %d: %w", p.Pid, err)
	}
	return nil
}

// Detach lets the task run on untraced, on every CPU rrpy may use.
func (p *Proc) Detach() error {
	return p.t.do(func() error {
		if err := p.Unbind(); err != nil {
			return err
		}
		if err := unix.PtraceDetach(p.Pid); err != nil {
			return fmt.Errorf("detach pid %d: %w", p.Pid, err)
		}
		return nil
	})
}

// Kill kills the tracee's whole thread group and reaps every task of it.
// The leader is reported only after its other threads are reaped, so all
// of them are waited for. Safe to call on a task that is gone.
func (p *Proc) Kill() {
	_ = p.t.do(func() error {
		if unix.Kill(p.Pid, unix.SIGKILL) != nil {
			return nil
		}
		var ws unix.WaitStatus
		for {
			pid, err := unix.Wait4(-1, &ws, unix.WALL, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil || (pid == p.Pid && (ws.Exited() || ws.Signaled())) {
				return nil
			}
		}
	})
	p.closeMem()
}

// KillAlone kills a single-threaded tracee and reaps it, without waiting
// for any other task: the stops of other tracees stay to be reported.
func (p *Proc) KillAlone() {
	_ = p.t.do(func() error {
		if unix.Kill(p.Pid, unix.SIGKILL) != nil {
			return nil
		}
		var ws unix.WaitStatus
		for {
			_, err := unix.Wait4(p.Pid, &ws, unix.WALL, nil)
			if err == unix.EINTR {
				continue
			}
			if err != nil || ws.Exited() || ws.Signaled() {
				return nil
			}
		}
	})
	p.closeMem()
}

// Signal sends sig to the task with tgkill.
func (p *Proc) Signal(sig unix.Signal) error {
	if err := unix.Tgkill(p.group, p.Pid, sig); err != nil {
		return fmt.Errorf("send %v to task %d of process %d: %w", sig, p.Pid, p.group, err)
	}
	return nil
}

// SyscallOp tells a syscall-entry stop from a syscall-exit stop.
type SyscallOp uint8

// Values of PTRACE_GET_SYSCALL_INFO's op.
const (
	SyscallNone  SyscallOp = 0
	SyscallEntry SyscallOp = 1
	SyscallExit  SyscallOp = 2
)

// syscallInfo is struct ptrace_syscall_info, sized for its largest member.
type syscallInfo struct {
	Op    uint8
	_     [3]uint8
	Arch  uint32
	IP    uint64
	SP    uint64
	Entry [8]uint64 // entry: nr, args[6]; exit: rval, is_error
}

func (p *Proc) syscallOp() (SyscallOp, error) {
	var info syscallInfo
	_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_GET_SYSCALL_INFO, uintptr(p.Pid),
		unsafe.Sizeof(info), uintptr(unsafe.Pointer(&info)), 0, 0)
	if errno != 0 {
		return SyscallNone, fmt.Errorf("get syscall info of pid %d: %w", p.Pid, errno)
	}
	return SyscallOp(info.Op), nil
}

// ErrExited is returned by an injection during which the tracee exited.
var ErrExited = errors.New("tracee exited")

// addrNoRandomize is the personality flag ADDR_NO_RANDOMIZE (linux/personality.h).
const addrNoRandomize = 0x0040000

// SigCode returns the si_code of the signal the tracee is stopped for.
func (p *Proc) SigCode() (int32, error) {
	var info [128]byte
	err := p.t.do(func() error {
		_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_GETSIGINFO, uintptr(p.Pid), 0,
			uintptr(unsafe.Pointer(&info[0])), 0, 0)
		if errno != 0 {
			return fmt.Errorf("read siginfo of pid %d: %w", p.Pid, errno)
		}
		return nil
	})
	// siginfo_t: si_signo, si_errno, si_code are the first three ints.
	return int32(uint32(info[8]) | uint32(info[9])<<8 | uint32(info[10])<<16 | uint32(info[11])<<24), err
}

// Tracer returns the tracer that owns the task.
func (p *Proc) Tracer() *Tracer { return p.t }

// WaitAny waits for the next stop of any task the tracer traces. With
// noHang it returns ok=false at once when none has stopped.
func (t *Tracer) WaitAny(noHang bool) (Stop, bool, error) {
	if t.onThread() {
		return waitAny(noHang)
	}
	var s Stop
	var ok bool
	err := t.do(func() (err error) { s, ok, err = waitAny(noHang); return err })
	return s, ok, err
}

func waitAny(noHang bool) (Stop, bool, error) {
	opts := unix.WALL
	if noHang {
		opts |= unix.WNOHANG
	}
	var ws unix.WaitStatus
	for {
		pid, err := unix.Wait4(-1, &ws, opts, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Stop{}, false, fmt.Errorf("wait for any tracee: %w", err)
		}
		if pid == 0 {
			return Stop{}, false, nil
		}
		s, err := decodeStop(pid, ws, func() (uint, error) { return unix.PtraceGetEventMsg(pid) })
		return s, true, err
	}
}

// AwaitFirstStop waits for a task created by a fork or clone event to
// report its first stop.
func (p *Proc) AwaitFirstStop() error {
	return p.t.do(func() error { return p.awaitFirstStop(p.Pid) })
}

// Forget drops what the Proc holds for a task that is gone.
func (p *Proc) Forget() { p.closeMem() }

// Execed tells the task its process has a new image (an execve): the
// memory file of the old one reads nothing any more.
func (p *Proc) Execed() { p.closeMem() }
