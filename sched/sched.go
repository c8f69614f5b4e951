// Package sched decides, while recording, which thread of the tracee runs
// user code: one at a time, switched only at syscall boundaries. A thread
// that enters a syscall while another waits makes way at once; one that
// keeps making quick syscalls makes way after a time slice, so that none
// starves. The decisions need not be
// deterministic: the recorder writes down what happened, and replay
// follows the trace's order instead of asking the policy again.
//
// It knows threads only by their ids, and nothing of ptrace or CPython.
package sched

import "time"

// DefaultSlice is how long a thread runs before a waiting one gets a turn.
const DefaultSlice = 10 * time.Millisecond

// Policy is the record-time scheduler.
type Policy struct {
	ready   []int // threads stopped at a boundary, waiting for their turn, oldest first
	running int   // the thread running user code or in a syscall, 0 for none
	since   time.Time
	slice   time.Duration
	now     func() time.Time
}

// New returns a policy with the given time slice.
func New(slice time.Duration) *Policy {
	return &Policy{slice: slice, now: time.Now}
}

// Running returns the thread that has the CPU, if any.
func (p *Policy) Running() (int, bool) { return p.running, p.running != 0 }

// Run gives the CPU to tid.
func (p *Policy) Run(tid int) {
	p.Remove(tid)
	p.running = tid
	p.since = p.now()
}

// Ready queues tid, stopped at a boundary, for a turn.
func (p *Policy) Ready(tid int) {
	if tid == p.running {
		p.running = 0
	}
	for _, r := range p.ready {
		if r == tid {
			return
		}
	}
	p.ready = append(p.ready, tid)
}

// Waiting reports whether a thread waits for a turn.
func (p *Policy) Waiting() bool { return len(p.ready) > 0 }

// Yield takes the CPU from the running thread (it stays in the kernel, or
// is queued by Ready) without queueing it.
func (p *Policy) Yield() { p.running = 0 }

// Remove forgets a thread that exited.
func (p *Policy) Remove(tid int) {
	if p.running == tid {
		p.running = 0
	}
	for i, r := range p.ready {
		if r == tid {
			p.ready = append(p.ready[:i], p.ready[i+1:]...)
			return
		}
	}
}

// Next gives the CPU to the thread that has waited longest.
func (p *Policy) Next() (int, bool) {
	if len(p.ready) == 0 {
		return 0, false
	}
	tid := p.ready[0]
	p.Run(tid)
	return tid, true
}

// SliceOver reports whether the running thread has had its turn while
// another waits: at its next boundary it should make way.
func (p *Policy) SliceOver() bool {
	return p.running != 0 && len(p.ready) > 0 && p.now().Sub(p.since) >= p.slice
}

// SliceEnd returns when the running thread's slice ends.
func (p *Policy) SliceEnd() time.Time { return p.since.Add(p.slice) }
