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
	switch {
	case e.nr == unix.SYS_RESTART_SYSCALL && t.interrupted.sc != nil:
		return &t.interrupted
	case result == -erestartRestartblock:
		t.interrupted = *e
	}
	return e
}
