package ptrace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// StopKind says why a tracee stopped.
type StopKind int

// The kinds of stop a tracee reports.
const (
	StopSyscall   StopKind = iota + 1 // a syscall-entry or syscall-exit stop
	StopSignal                        // a signal-delivery stop; Stop.Signal says which
	StopExec                          // PTRACE_EVENT_EXEC
	StopFork                          // PTRACE_EVENT_FORK / VFORK / CLONE; Stop.Child is the new task
	StopVforkDone                     // PTRACE_EVENT_VFORK_DONE
	StopExit                          // PTRACE_EVENT_EXIT: about to exit
	StopExited                        // the task is gone; Stop.Status says how
)

// Stop is one wait4 result, decoded.
type Stop struct {
	Kind   StopKind
	Pid    int
	Signal unix.Signal     // StopSignal
	Child  int             // StopFork
	Clone  bool            // StopFork: PTRACE_EVENT_CLONE rather than fork/vfork
	Status unix.WaitStatus // the raw status
}

func (s Stop) String() string {
	switch s.Kind {
	case StopSyscall:
		return "syscall stop"
	case StopSignal:
		return fmt.Sprintf("signal %v", s.Signal)
	case StopExec:
		return "exec"
	case StopFork:
		return fmt.Sprintf("new task %d", s.Child)
	case StopVforkDone:
		return "vfork done"
	case StopExit:
		return "exiting"
	case StopExited:
		return describeExit(s.Status)
	}
	return "unknown stop"
}

func decodeStop(pid int, ws unix.WaitStatus, eventMsg func() (uint, error)) (Stop, error) {
	s := Stop{Pid: pid, Status: ws}
	switch {
	case ws.Exited() || ws.Signaled():
		s.Kind = StopExited
		return s, nil
	case !ws.Stopped():
		return s, fmt.Errorf("unexpected wait status %#x of pid %d", uint32(ws), pid)
	}
	sig := ws.StopSignal()
	if sig == unix.SIGTRAP|0x80 {
		s.Kind = StopSyscall
		return s, nil
	}
	switch ws.TrapCause() {
	case unix.PTRACE_EVENT_EXEC:
		s.Kind = StopExec
	case unix.PTRACE_EVENT_FORK, unix.PTRACE_EVENT_VFORK, unix.PTRACE_EVENT_CLONE:
		s.Kind = StopFork
		s.Clone = ws.TrapCause() == unix.PTRACE_EVENT_CLONE
		msg, err := eventMsg()
		if err != nil {
			return s, fmt.Errorf("read new task of pid %d: %w", pid, err)
		}
		s.Child = int(msg)
	case unix.PTRACE_EVENT_VFORK_DONE:
		s.Kind = StopVforkDone
	case unix.PTRACE_EVENT_EXIT:
		s.Kind = StopExit
	case -1, 0:
		s.Kind = StopSignal
		s.Signal = sig
	default:
		return s, fmt.Errorf("unexpected ptrace event %d of pid %d", ws.TrapCause(), pid)
	}
	return s, nil
}
