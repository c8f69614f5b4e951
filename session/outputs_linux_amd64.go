package session

import (
	"golang.org/x/sys/unix"

	"rrpy/trace"
)

// outputFds are the program's file descriptors whose writes replay shows,
// and on which of rrpy's streams (1: stdout, 2: stderr). They start as
// fds 1 and 2 and follow the program's dup, dup2, dup3, fcntl(F_DUPFD)
// and close: after os.dup2(file, 1) a write to fd 1 went to the file
// when recorded, and replay shows none of it; a dup of fd 1 writes to
// the terminal.
type outputFds map[uint64]uint64

func newOutputFds() outputFds { return outputFds{1: 1, 2: 2} }

// clone copies them for a checkpoint, whose program goes its own way.
func (o outputFds) clone() outputFds {
	c := make(outputFds, len(o))
	for fd, stream := range o {
		c[fd] = stream
	}
	return c
}

// follow updates them after a recorded syscall that succeeded.
func (o outputFds) follow(ev *trace.Event) {
	if ev.Result < 0 {
		return
	}
	switch ev.Nr {
	case unix.SYS_DUP, unix.SYS_DUP2, unix.SYS_DUP3:
		o.copyFd(ev.Args[0], uint64(ev.Result))
	case unix.SYS_FCNTL:
		if cmd := ev.Args[1]; cmd == unix.F_DUPFD || cmd == unix.F_DUPFD_CLOEXEC {
			o.copyFd(ev.Args[0], uint64(ev.Result))
		}
	case unix.SYS_CLOSE:
		delete(o, ev.Args[0])
	case unix.SYS_CLOSE_RANGE:
		for fd := range o {
			if fd >= ev.Args[0] && fd <= ev.Args[1] {
				delete(o, fd)
			}
		}
	}
	// Any other call that makes an fd (open, socket, pipe) can only reuse
	// a number that close freed, and close took it out already.
}

// copyFd makes to write where from writes.
func (o outputFds) copyFd(from, to uint64) {
	if stream, ok := o[from]; ok {
		o[to] = stream
	} else {
		delete(o, to)
	}
}
