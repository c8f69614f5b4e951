package session

import (
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
	"rrpy/syscalls"
	"rrpy/trace"
)

// describeCall renders a syscall as name(args), for messages and dumps.
func describeCall(nr int, args [6]uint64) string {
	sc, ok := syscalls.Lookup(nr)
	if !ok {
		return fmt.Sprintf("syscall_%d(%#x, %#x, %#x, %#x, %#x, %#x)", nr, args[0], args[1], args[2], args[3], args[4], args[5])
	}
	parts := make([]string, len(sc.Args))
	for i := range sc.Args {
		parts[i] = fmt.Sprintf("%#x", args[i])
	}
	return sc.Name + "(" + strings.Join(parts, ", ") + ")"
}

// describeResult renders a syscall result, naming errors.
func describeResult(res int64) string {
	if isError(res) {
		return fmt.Sprintf("-%s", unix.ErrnoName(unix.Errno(-res)))
	}
	return fmt.Sprintf("%d", res)
}

// DescribeEvent renders one trace event on one line.
func DescribeEvent(ev *trace.Event) string { return describeEvent(ev) }

func describeEvent(ev *trace.Event) string {
	switch ev.Kind {
	case trace.KindSyscall:
		s := describeCall(int(ev.Nr), ev.Args) + " = " + describeResult(ev.Result)
		written := 0
		for _, w := range ev.Writes {
			written += len(w.Data)
		}
		if written > 0 {
			s += fmt.Sprintf(" [%d bytes written]", written)
		}
		if ev.Blob != "" {
			s += fmt.Sprintf(" [%s, blob %.12s]", ev.Path, ev.Blob)
		}
		return s
	case trace.KindExec:
		return fmt.Sprintf("exec %s (stack %d bytes at %#x)", ev.Path, len(ev.Writes[0].Data), ev.Writes[0].Addr)
	case trace.KindInstruction:
		return fmt.Sprintf("rdtsc -> %#x", ev.Regs[1]<<32|ev.Regs[0])
	case trace.KindSignal:
		return fmt.Sprintf("signal %s delivered", unix.SignalName(unix.Signal(ev.Nr)))
	case trace.KindExit:
		if ev.Nr == unix.SYS_EXECVE {
			return "execve: the image ends, another takes the process on"
		}
		return "exit: " + ptrace.DescribeExit(ev.Status)
	case trace.KindSyscallEnter:
		return "enters " + describeCall(int(ev.Nr), ev.Args) + " and waits in the kernel"
	case trace.KindTick:
		return fmt.Sprintf("stopped at stop point %d", ev.Time)
	case trace.KindShared:
		n := 0
		for _, w := range ev.Writes {
			n += len(w.Data)
		}
		return fmt.Sprintf("shared memory changed by other processes: %d bytes in %d ranges", n, len(ev.Writes))
	}
	return fmt.Sprintf("event of unknown kind %d", ev.Kind)
}

// sameArgs compares the arguments the tracee passes with the recorded
// ones. A faithful replay repeats them bit for bit (same addresses, same
// values); only the ones the call takes are compared.
func sameArgs(ev *trace.Event, args [6]uint64) bool {
	n := 6
	if sc, ok := syscalls.Lookup(int(ev.Nr)); ok {
		n = len(sc.Args)
	}
	return ev.Args == args || equalPrefix(ev.Args, args, n)
}

func equalPrefix(a, b [6]uint64, n int) bool {
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
