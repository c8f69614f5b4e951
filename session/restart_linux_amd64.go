package session

import "golang.org/x/sys/unix"

// erestartRestartblock is the kernel's ERESTART_RESTARTBLOCK, the result a
// syscall-exit stop shows when a signal interrupted a call the kernel will
// finish later with restart_syscall (poll, nanosleep, clock_nanosleep,
// futex waits with a timeout) unless a handler runs.
const erestartRestartblock = 516

// outputsOf returns the call whose outputs this syscall exit carries. The
// restart_syscall the kernel makes the program run, after a signal with no
// handler interrupted a call, finishes that call and writes what it would
// have (poll's revents, nanosleep's remaining time): it takes no arguments
// of its own, so its outputs are the interrupted call's, told from the
// thread's last interrupted call. (Without them replay's poll left its
// revents unwritten, and the program polled again where the recording
// read: repro poll_restart.py.)
func (t *task) outputsOf(e *syscallEntry, result int64) *syscallEntry {
	if result == -erestartRestartblock {
		t.interrupted = *e
	}
	return t.restarted(e)
}

// restarted returns the call a restart_syscall finishes, e itself for any
// other call: the scheduler judges whether it may block as that call.
func (t *task) restarted(e *syscallEntry) *syscallEntry {
	if e.nr == unix.SYS_RESTART_SYSCALL && t.interrupted.sc != nil {
		return &t.interrupted
	}
	return e
}

// kernelRestarts reports whether a recorded result is one of the kernel's
// restart codes (ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND,
// ERESTART_RESTARTBLOCK): a signal interrupted the call, and a program
// never sees the code. As the thread left its exit stop, the kernel either
// delivered a signal (and restarted the call, or made it fail with EINTR,
// as the handler's flags say) or, finding none, restarted it.
func kernelRestarts(result int64) bool {
	return result <= -512 && result >= -erestartRestartblock && result != -515
}

// restartIfNoSignal restarts the thread's interrupted call before it runs
// on, as the kernel did when recorded, where no signal was raised for it
// since: the signal that interrupted the call was taken by another thread
// of the process (a SIGCHLD, which any thread may take) before this one
// ran. The kernel restarted the call then because the signal had woken
// this thread; in replay nothing is pending for it, and it would see the
// restart code as the call's result (glibc's futex wait aborts the
// program: repro stolen_signal.py). A thread for which a signal was raised
// is left to the kernel, which does what it did when recorded.
func (t *rtask) restartIfNoSignal() error {
	if !t.restart {
		return nil
	}
	t.restart = false
	regs, err := t.proc.Regs()
	if err != nil {
		return err
	}
	if int64(regs.Rax) == -erestartRestartblock {
		regs.Rax = unix.SYS_RESTART_SYSCALL
	} else {
		regs.Rax = regs.Orig_rax
	}
	regs.Rip -= 2 // back onto the syscall instruction
	return t.proc.SetRegs(regs)
}
