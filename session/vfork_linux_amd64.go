package session

import (
	"bytes"
	"fmt"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
	"rrpy/trace"
)

// A child made by clone with CLONE_VM|CLONE_VFORK (glibc's posix_spawn)
// runs in its parent's memory until it execs or exits, and writes there:
// posix_spawn's child reports a failed exec in a variable of the parent's
// stack frame (without it, an exec that fails looked like a success and
// the child exited 127: repro exec_fails.py, test_subprocess on 3.13), and
// its errno is the parent thread's. Made a plain fork, the child could not
// tell. So the recorder lets such a child share the memory, and records
// what changed meanwhile as outputs of the clone: the parent waits in the
// clone all that time (CLONE_VFORK), so the child made every change.
// Looked at are the parent thread's stack above its stack pointer, where
// the frames of the caller of clone are, and its thread-local storage
// below the thread pointer, where errno is; replay writes the changes as
// it answers the clone.

// sharesMemoryUntilExec reports whether a clone's flags make such a child.
func sharesMemoryUntilExec(flags uint64) bool {
	const vfork = unix.CLONE_VM | unix.CLONE_VFORK
	return flags&unix.CLONE_THREAD == 0 && flags&vfork == vfork
}

// tlsBelow is how much of the thread-local storage below the thread
// pointer is compared: the initial-exec blocks of the libraries loaded at
// startup (libc's errno among them) lie right below it.
const tlsBelow = 4096

// vforkWatch is the parent's memory the child may write, as it was at
// the clone's entry.
type vforkWatch struct {
	regions []ptrace.Region
	before  [][]byte
}

// watchVfork reads the memory a sharing child may write, at the clone's
// entry.
func watchVfork(p *ptrace.Proc, regs ptrace.Regs) (*vforkWatch, error) {
	_, stackEnd, _, err := mappingAround(p.Pid, regs.Rsp)
	if err != nil {
		return nil, fmt.Errorf("the stack of a vfork's parent: %w", err)
	}
	w := &vforkWatch{regions: []ptrace.Region{{Addr: regs.Rsp, Len: int(stackEnd - regs.Rsp)}}}
	if tlsStart, tlsEnd, _, err := mappingAround(p.Pid, regs.Fs_base-1); err == nil && tlsEnd != stackEnd {
		// A thread's storage lies at the top of its stack's mapping,
		// compared already; the main thread's is a mapping of its own.
		from := max(tlsStart, regs.Fs_base-tlsBelow)
		w.regions = append(w.regions, ptrace.Region{Addr: from, Len: int(regs.Fs_base - from)})
	}
	if w.before, err = p.ReadRegions(w.regions); err != nil {
		return nil, fmt.Errorf("the memory of a vfork's parent: %w", err)
	}
	return w, nil
}

// changes returns what the child changed, read at the clone's exit.
func (w *vforkWatch) changes(p *ptrace.Proc) ([]trace.MemWrite, error) {
	after, err := p.ReadRegions(w.regions)
	if err != nil {
		return nil, fmt.Errorf("the memory of a vfork's parent: %w", err)
	}
	var writes []trace.MemWrite
	for i, reg := range w.regions {
		old, now := w.before[i], after[i]
		for at := 0; at < len(now); {
			if old[at] == now[at] {
				at++
				continue
			}
			end := at + 1
			for end < len(now) && !bytes.Equal(old[end:min(end+8, len(now))], now[end:min(end+8, len(now))]) {
				end++
			}
			writes = append(writes, trace.MemWrite{Addr: reg.Addr + uint64(at), Data: now[at:end]})
			at = end
		}
	}
	return writes, nil
}
