package session

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync/atomic"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/pyframes"
	"rrpy/trace"
)

// Trap is where a controlled replay stopped: a stop point that met the
// conditions it was given, or the end of the program.
type Trap struct {
	Time   uint64      // the probe's stop-point count
	Thread int32       // the thread, by its recorded tid
	Frame  uint64      // the thread's innermost _PyInterpreterFrame
	Line   int         // the line the probe was told (0: read it from Frame)
	Event  probe.Event // what the probe was called for
	Arg    uint64      // the event's arg: the value returned, NULL on a return by exception
	// ThreadPointer is the thread's glibc thread pointer, which the
	// probe's depth condition compares.
	ThreadPointer uint64
	Ended         bool  // the program ended; Time is its last stop point
	Status        int32 // its wait status, when Ended
	// CutOff says the recording was cut off (killed) before the program
	// ended: Ended is set, Time is the last stop point the trace holds.
	CutOff bool
}

// armProbe sets the probe's conditions before t runs on: the user's, with
// the target moved earlier when the trace says t was stopped at a tick.
// They are written only when they change (r.armed, nil when unknown).
func (r *replayer) armProbe(t *rtask, ev *trace.Event) error {
	if !r.probe.installed() {
		return nil
	}
	c := r.cond
	c.IndexLines = r.indexLines
	if ev.Kind == trace.KindTick && (c.Target == 0 || ev.Time < c.Target) {
		c.Target = ev.Time
	}
	if r.armed != nil && reflect.DeepEqual(*r.armed, c) {
		return nil
	}
	if err := probe.Set(t.proc, c); err != nil {
		return err
	}
	r.armed = &c
	return nil
}

// onTrap handles a SIGTRAP that rrpy caused: the probe installer's
// breakpoints, a recorded tick, or a stop the user's conditions asked for.
func (r *replayer) onTrap(t *rtask) (bool, error) {
	if handled, err := r.onWatchTrap(t); handled || err != nil {
		return handled, err
	}
	regs, err := t.proc.Regs()
	if err != nil {
		return false, err
	}
	if handled, err := r.probe.onBreakpoint(t.proc, regs); handled || err != nil {
		return handled, err
	}
	if !r.probe.installed() || !probe.IsTrap(regs.Rip) {
		return false, nil
	}
	now, err := probe.Time(t.proc)
	if err != nil {
		return true, err
	}
	ev, err := r.peek()
	if err == nil && ev.Kind == trace.KindTick && ev.Tid == t.recTid && ev.Time == now {
		r.consume()
		if err := r.raiseRecordedSignals(t); err != nil {
			return true, err
		}
	}
	if r.meets(now) {
		r.trap = trapAt(now, t.recTid, regs)
		return true, nil
	}
	if err == nil && ev.Kind == trace.KindTick && ev.Time < now {
		return true, r.diverge(fmt.Sprintf("thread %d reached stop point %d, the trace stops it at %d", t.recTid, now, ev.Time))
	}
	return true, nil
}

// trapAt reads a probe trap from the registers the probe leaves there
// (probe_amd64.S): the event in edx, its arg in rcx, the line in edi at
// line starts and returns, the frame in r8.
func trapAt(now uint64, tid int32, regs ptrace.Regs) *Trap {
	tr := &Trap{Time: now, Thread: tid, Frame: regs.R8, Event: probe.Event(int32(regs.Rdx)),
		Arg: regs.Rcx, ThreadPointer: regs.Fs_base}
	if tr.Event == probe.Line || tr.Event == probe.Return {
		tr.Line = int(int32(regs.Rdi))
	}
	return tr
}

// meets tells whether a probe trap is one the user asked for rather than
// a tick alone: any trap but one at a tick's time below the user's target.
func (r *replayer) meets(now uint64) bool {
	if r.interrupted != nil && r.interrupted.Swap(false) {
		r.armed = nil // the interrupter wrote the probe's target
		return true
	}
	c := r.cond
	if c.Target != 0 && now >= c.Target {
		return true
	}
	return c.TrapCalls || c.Depth != nil || len(c.Lines) > 0 || len(c.Calls) > 0 || len(c.Words) > 0 || c.Switch != nil ||
		c.ReturnOf != 0 || c.UnwindsIn != 0
}

// noteLastTime keeps the probe's time as the program ends.
func (r *replayer) noteLastTime(t *rtask) error {
	if !r.probe.installed() {
		return nil
	}
	now, err := probe.Time(t.proc)
	r.last = now
	return err
}

// Session is a replay under control: it runs forward to conditions, and
// forks copies of itself (checkpoints) to come back to.
type Session struct {
	r      *replayer
	tracer *ptrace.Tracer
	owner  bool // closes the tracer: the session that started the replay
	pid    int
	first  Trap // where StartSession stopped
}

// StartSession launches a recording's replay and runs it until the probe
// is installed in the program. The program must be CPython.
func StartSession(opts ReplayOptions) (*Session, error) {
	r, err := newReplayer(opts)
	if err != nil {
		return nil, err
	}
	s := &Session{r: r, tracer: ptrace.NewTracer(), owner: true}
	r.interrupted = new(atomic.Bool)
	r.indexLines = true
	if err := r.start(s.tracer); err != nil {
		s.Close()
		return nil, err
	}
	s.pid = r.main.proc.Pid
	r.cond = probe.Conditions{TrapCalls: true}
	if s.Forked() {
		r.cond = probe.Conditions{Target: 1} // the child's first stop point: its Python runs already
	}
	first, err := s.Resume(r.cond)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.first = first
	if !r.probe.installed() {
		s.Close()
		return nil, errors.New("the recorded program is not a CPython rrpy knows: no Python to travel in")
	}
	return s, nil
}

// Resume runs forward until the probe traps for c or the program ends.
func (s *Session) Resume(c probe.Conditions) (Trap, error) {
	r := s.r
	if r.exited != nil {
		return Trap{Ended: true, Time: r.last, Status: int32(r.exited.Status)}, nil
	}
	r.cond = c
	err := s.tracer.Run(r.run)
	var ended *EndedEarlyError
	switch {
	case errors.As(err, &ended):
		return r.cutOff(err)
	case err != nil:
		return Trap{}, err
	case r.exited != nil:
		if _, err := r.onExited(r.main, r.exited.Status); err != nil {
			return Trap{}, err
		}
		return Trap{Ended: true, Time: r.last, Status: int32(r.exited.Status)}, nil
	}
	return *r.trap, nil
}

// cutOff is where a replay ran out of a trace that was cut off: the last
// stop point it reached, which a replay can stop at again.
func (r *replayer) cutOff(ended error) (Trap, error) {
	if !r.probe.installed() {
		return Trap{}, fmt.Errorf("the recording was cut off before Python ran: %w", ended)
	}
	now, err := probe.Time(r.main.proc)
	if err != nil {
		return Trap{}, fmt.Errorf("%w (and the time it got to: %w)", ended, err)
	}
	return Trap{Ended: true, CutOff: true, Time: now}, nil
}

// Fork makes a frozen copy of the session at its current trap: a
// checkpoint. Only a single-threaded program can be copied (fork copies
// the calling thread alone).
func (s *Session) Fork() (*Session, error) {
	r := s.r
	if r.exited != nil || r.trap == nil || len(r.tasks) != 1 {
		return nil, errors.New("checkpoints need a single-threaded program stopped at a stop point")
	}
	var child *Session
	err := s.tracer.Run(func() (err error) { child, err = s.fork(); return err })
	return child, err
}

func (s *Session) fork() (*Session, error) {
	r, t := s.r, s.r.main
	proc, err := s.forkTask(t)
	if err != nil {
		return nil, fmt.Errorf("fork a checkpoint: %w", err)
	}
	c := *r
	c.tasks = map[int32]*rtask{}
	c.outputs = r.outputs.clone()
	c.main = c.addTask(proc, t.recTid)
	c.main.atEntry, c.main.deliver, c.main.restart = t.atEntry, t.deliver, t.restart
	for sig, n := range t.expect {
		c.main.expect[sig] = n
	}
	c.armed = nil
	c.watched, c.writes = nil, nil // a fork has no debug registers set
	c.scratch = nil                // the session that started the replay removes it
	c.interrupted = new(atomic.Bool)
	return &Session{r: &c, tracer: s.tracer, pid: proc.Pid}, nil
}

// Close kills the session's process; the first session also ends the
// tracer and so every checkpoint.
func (s *Session) Close() {
	if s.r.exited == nil {
		s.r.kill()
	}
	if s.owner {
		s.r.scratch.remove()
		s.tracer.Close()
	}
}

// Interrupt makes a Resume running in another goroutine stop at the next
// stop point (Ctrl-C during a long continue).
func (s *Session) Interrupt() {
	s.r.interrupted.Store(true)
	f, err := os.OpenFile(fmt.Sprintf("/proc/%d/mem", s.pid), os.O_RDWR, 0)
	if err != nil {
		return // it ended meanwhile
	}
	defer f.Close()
	_ = probe.Set(fileMemory{f}, probe.Conditions{Target: 1, IndexLines: s.r.indexLines})
}

// Progress reads the probe's time while a Resume runs in another
// goroutine: how far a long move got.
func (s *Session) Progress() (uint64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/mem", s.pid))
	if err != nil {
		return 0, err // it ended meanwhile
	}
	defer f.Close()
	return probe.Time(fileMemory{f})
}

// TakeLineIndex reads the probe's index of the lines run since it was
// last taken (probe.LineIndexBits bits) and clears it.
func (s *Session) TakeLineIndex() ([]byte, error) { return probe.TakeLineIndex(s.r.main.proc) }

// ClearLastMatch forgets the probe's last match, before a search.
func (s *Session) ClearLastMatch() error { return probe.ClearLastMatch(s.r.main.proc) }

// LastMatch returns the time of the last stop point that met a
// RecordOnly depth condition since ClearLastMatch, 0 for none.
func (s *Session) LastMatch() (uint64, error) { return probe.LastMatch(s.r.main.proc) }

// SetEcho says whether the program's writes to fds 1 and 2 are shown.
func (s *Session) SetEcho(on bool) { s.r.showOutput = on }

// Memory is the memory of the program at the session's trap.
func (s *Session) Memory() pyframes.Memory { return s.r.main.proc }

// Forked tells whether the session replays a forked child, whose Python
// was running when its process began: it starts at the child's first stop
// point, not at a main script.
func (s *Session) Forked() bool { return s.r.meta.ForkedFrom != nil }

// First is where StartSession stopped: a forked child's first stop
// point, or its end (perhaps cut off) if it ran no Python code.
func (s *Session) First() Trap { return s.first }

// Python is the CPython the program runs.
func (s *Session) Python() *pyframes.Python { return s.r.probe.py }

// Meta describes the recording.
func (s *Session) Meta() *trace.Meta { return s.r.meta }

// Threads counts the program's threads.
func (s *Session) Threads() int { return len(s.r.tasks) }

// Now returns the probe's time, or the last one once the program ended.
func (s *Session) Now() (uint64, error) {
	if s.r.exited != nil {
		return s.r.last, nil
	}
	return probe.Time(s.r.main.proc)
}
