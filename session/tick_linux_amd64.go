package session

import (
	"fmt"
	"os"
	"time"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/trace"
)

// Ticks: the probe is rrpy's clock. A thread that computes without
// syscalls can only be stopped at a point replay finds again by asking
// the probe to trap at its next stop point; the trap is recorded as a Tick
// with the probe's time, and replay traps at that same time.

// tickPoll is how often the ticker goroutine looks whether a tick is due.
const tickPoll = 2 * time.Millisecond

// onTrap handles a SIGTRAP stop that rrpy caused: one of the probe
// installer's breakpoints or a probe trap, which is a tick.
func (r *recorder) onTrap(t *task) (bool, error) {
	regs, err := t.proc.Regs()
	if err != nil {
		return false, err
	}
	img := t.img
	handled, err := img.probe.onBreakpoint(t.proc, regs)
	if handled || err != nil {
		if err == nil && img.probe.installed() && img.mem == nil {
			err = r.openProbeMem(img)
		}
		return handled, err
	}
	if !img.probe.installed() || !probe.IsTrap(regs.Rip) {
		return false, nil
	}
	return true, r.tick(t, regs)
}

// tick records a stop of t at the probe: the scheduler may switch threads
// here, and held signals are delivered here.
func (r *recorder) tick(t *task, regs ptrace.Regs) error {
	now, err := probe.Time(t.proc)
	if err != nil {
		return err
	}
	if err := probe.Set(t.proc, probe.Conditions{}); err != nil {
		return err
	}
	if err := t.img.w.Append(&trace.Event{Kind: trace.KindTick, Tid: int32(t.tid), Time: now}); err != nil {
		return err
	}
	if len(t.held) == 0 {
		return nil
	}
	// Raised now, each signal stops the thread as soon as it is resumed,
	// before it runs any code: a boundary, recorded as a Signal right
	// after this tick. It keeps the CPU so that nothing comes between.
	t.atBoundary, t.exitRegs = true, regs
	r.policy.Run(t.tid)
	return r.raiseHeld(t)
}

// nextTick says when the running thread should next be stopped at a stop
// point, as unix ns, 0 for never.
func (r *recorder) nextTick(cur *task) int64 {
	if cur == nil || cur.inKernel || cur.stopped || !cur.img.probe.installed() {
		return 0
	}
	if len(cur.held) > 0 {
		return time.Now().UnixNano()
	}
	if r.policy.Waiting() {
		return r.policy.SliceEnd().UnixNano()
	}
	return 0
}

// requestTicks asks the probe for a trap when one is due. It runs beside
// the tracer thread and only writes the probe's target: the trap itself
// is handled, and recorded, by the tracer thread.
func (r *recorder) requestTicks(done <-chan struct{}) {
	poll := time.NewTicker(tickPoll)
	defer poll.Stop()
	for {
		select {
		case <-done:
			return
		case <-poll.C:
			due := r.tickDue.Load()
			if due == 0 || time.Now().UnixNano() < due || !r.tickDue.CompareAndSwap(due, 0) {
				continue
			}
			if mem := r.tickMem.Load(); mem != nil {
				_ = probe.Set(fileMemory{mem}, probe.Conditions{Target: 1})
			}
		}
	}
}

// openProbeMem opens the memory file of an image whose probe is
// installed: the ticker goroutine writes its probe's target through it.
func (r *recorder) openProbeMem(img *recImage) error {
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/mem", img.pid), os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("open the memory of process %d for ticks: %w", img.pid, err)
	}
	img.mem = f
	return nil
}

// fileMemory is a process's memory through its /proc/PID/mem file.
type fileMemory struct{ f *os.File }

func (m fileMemory) ReadMemory(addr uint64, buf []byte) error {
	_, err := m.f.ReadAt(buf, int64(addr))
	return err
}

func (m fileMemory) WriteMemory(addr uint64, data []byte) error {
	_, err := m.f.WriteAt(data, int64(addr))
	return err
}
