package session

import (
	"encoding/binary"
	"fmt"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
	"rrpy/trace"
)

// A forked child's image begins as a copy of its parent's at the parent's
// fork. Its replay replays the parent (and so on up) to that event, makes
// the fork for real there, lets the parent go and replays the child from
// its own trace.

// findParent prepares the replay of the image a forked child began from.
func (r *replayer) findParent() error {
	from := r.meta.ForkedFrom
	if from == nil {
		return nil
	}
	if from.Event < 0 {
		return fmt.Errorf("process %d: the recording was cut off before its parent's fork was written: it cannot be replayed", r.meta.Pid)
	}
	opts := r.opts
	opts.TraceDir = trace.ImageDir(trace.RecordingOf(r.opts.TraceDir), from.Image)
	parent, err := newReplayer(opts)
	if err != nil {
		return fmt.Errorf("the parent of process %d: %w", r.meta.Pid, err)
	}
	parent.forks = map[int]forkHook{int(from.Event): parent.forkForReal}
	r.parent = parent
	return nil
}

// forkHook makes the fork the trace's event ev recorded, at t's syscall
// entry (regs), for a replay that follows the child.
type forkHook func(t *rtask, regs ptrace.Regs, ev *trace.Event) error

// startForked replays the parent up to the fork that made this image's
// process, which it makes for real, and takes the child on.
func (r *replayer) startForked(tracer *ptrace.Tracer) error {
	p := r.parent
	err := p.start(tracer)
	if err == nil {
		err = tracer.Run(p.run)
	}
	r.scratch = p.scratch // removed with this replay
	switch {
	case err != nil:
		p.kill()
		return fmt.Errorf("replay process %d up to its fork of %d: %w", p.meta.Pid, r.meta.Pid, err)
	case p.forked == nil:
		p.kill()
		return fmt.Errorf("process %d ended before its fork of %d", p.meta.Pid, r.meta.Pid)
	}
	p.kill()
	r.adoptForked(p, p.forked)
	return nil
}

// adoptForked takes on child, which the replay of its parent p forked,
// as this replay's process.
func (r *replayer) adoptForked(p *replayer, child *ptrace.Proc) {
	r.main = r.addTask(child, int32(r.meta.Pid))
	r.probe = p.probe
	r.probe.warn = r.warn
	r.outputs = p.outputs.clone()
}

// forkForReal makes the fork of event ev for real, and stops this replay
// there: the child is the process a replay of it is for.
func (r *replayer) forkForReal(t *rtask, regs ptrace.Regs, ev *trace.Event) error {
	child, err := r.forkChild(t, regs, ev)
	r.forked = child
	return err
}

// forkChild makes the fork of event ev for real and returns the child,
// stopped where the recorded child began.
func (r *replayer) forkChild(t *rtask, regs ptrace.Regs, ev *trace.Event) (*ptrace.Proc, error) {
	out, err := t.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: unix.SYS_FORK})
	if err != nil || isError(out.Result) || len(out.NewTasks) != 1 {
		return nil, fmt.Errorf("fork process %d as recorded: %s (%v)", ev.Result, describeResult(out.Result), err)
	}
	child := t.proc.Tracer().Adopt(out.NewTasks[0])
	if err := asForked(child, regs, ev); err != nil {
		child.KillAlone()
		return nil, fmt.Errorf("fork process %d as recorded: %w", ev.Result, err)
	}
	return child, nil
}

// asForked makes a child made by a plain fork what the recorded call made:
// its registers those of its parent at the call, returning 0, and what the
// call's flags asked of the child (its tid at ctid, cleared at its end).
func asForked(child *ptrace.Proc, regs ptrace.Regs, ev *trace.Event) error {
	var flags, stack, ctid uint64
	if ev.Nr == unix.SYS_CLONE {
		flags, stack, ctid = ev.Args[0], ev.Args[1], ev.Args[3]
	}
	if flags&unix.CLONE_CHILD_CLEARTID != 0 {
		in := ptrace.Injection{At: regs.Rip - 2, Nr: unix.SYS_SET_TID_ADDRESS, Args: [6]uint64{ctid}}
		if _, err := child.Inject(in); err != nil {
			return err
		}
	}
	if flags&unix.CLONE_CHILD_SETTID != 0 {
		if err := child.WriteMemory(ctid, binary.LittleEndian.AppendUint32(nil, uint32(ev.Result))); err != nil {
			return err
		}
	}
	regs.Rax, regs.Orig_rax = 0, ^uint64(0)
	if stack != 0 {
		regs.Rsp = stack
	}
	return child.SetRegs(regs)
}

// writeShared writes what other processes changed in the memory the
// process shares with them, where the recording saw it changed.
func (r *replayer) writeShared(t *rtask, ev *trace.Event) error {
	for _, w := range ev.Writes {
		if err := t.proc.WriteMemory(w.Addr, w.Data); err != nil {
			return r.diverge(fmt.Sprintf("cannot write the shared memory other processes changed: %v", err))
		}
	}
	r.consume()
	return nil
}

// endAtExec ends the replay of an image where its execve succeeded when
// recorded: the program it exec'd is an image of its own, replayed apart.
func (r *replayer) endAtExec(t *rtask) error {
	if err := r.noteLastTime(t); err != nil {
		return err
	}
	r.main.proc.Kill()
	for tid, other := range r.tasks {
		other.proc.Forget()
		delete(r.tasks, tid)
	}
	r.exited = &ptrace.Stop{Kind: ptrace.StopExited, Pid: t.proc.Pid}
	return nil
}
