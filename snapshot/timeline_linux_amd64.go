package snapshot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	"rrpy/engine"
	"rrpy/probe"
	"rrpy/pyeval"
	"rrpy/pyframes"
	"rrpy/session"
)

// Timeline is a recording the shell travels in: the active replay at the
// current stop point, and checkpoints to go back to.
type Timeline struct {
	s        *session.Session // the active replay, stopped at here
	here     session.Trap
	loc      engine.Location
	cps      checkpoints
	start    uint64 // the first stop point of the main script
	end      uint64 // the last stop point, once known
	endKnown bool
	cutOff   bool // the recording was cut off: end is the last stop point it holds
	// mainFrame and mainThread are the main script's module frame and
	// its thread (glibc thread pointer), whose return is its end.
	mainFrame, mainThread uint64
	ending                ending
	continuing            *fenceAhead // a continue is under way: it stops at the main script's end
	frontier              uint64      // the furthest time reached: output is shown beyond it
	// quiet is set while rrpy replays for itself (an anchor's lifetime):
	// the user has not been there, so neither output nor frontier.
	quiet   bool
	py      *pyframes.Python
	sources *sourceStore

	api         *pyeval.API
	evalTimeout time.Duration
	progress    progress
	now         present   // what p changed at the present
	anchors     []*anchor // $0, $1, ...
	marks       map[string]uint64
	keep        keeper     // where anchors and marks last between sessions
	lines       *lineIndex // which lines ran in which stretch
	writes      []session.WordWrite
}

// Open replays a recording up to the first line of its main script.
func Open(opts Options) (*Timeline, error) {
	s, err := session.StartSession(opts.Replay)
	if err != nil {
		return nil, err
	}
	api, err := apiFor(s)
	if err != nil {
		s.Close()
		return nil, err
	}
	main := mainScript(s.Meta())
	tl := &Timeline{s: s, py: s.Python(), sources: newSourceStore(s.Meta(), opts.Replay.Blobs, main.command),
		api: api, evalTimeout: cmp.Or(opts.EvalTimeout, DefaultEvalTimeout),
		keep: keeper{path: filepath.Join(opts.Replay.TraceDir, keptName), warn: opts.Replay.Warn}}
	tl.anchors, tl.marks = tl.keep.load()
	tl.lines = newLineIndex(opts.Replay.TraceDir, s.Meta(), opts.NoLineIndex, opts.Replay.Warn)
	if err := tl.findMain(main); err != nil {
		s.Close()
		return nil, err
	}
	tl.start, tl.frontier = tl.here.Time, tl.here.Time
	tl.mainFrame, tl.mainThread = tl.here.Frame, tl.here.ThreadPointer
	if s.Forked() {
		// A forked child's main script is the outermost frame it has:
		// its parent's, copied.
		if stack, err := tl.reader().Stack(tl.here.Frame); err == nil && len(stack) > 0 {
			tl.mainFrame = stack[len(stack)-1].Addr
		}
	}
	// The session that started the replay stays, untouched, as the first
	// checkpoint: it owns the tracer, so it is closed last.
	tl.cps = newCheckpoints(cmp.Or(opts.CheckpointMemory, DefaultCheckpointMemory))
	tl.cps.add(checkpoint{trap: tl.here, s: s}, tl.here.Time, nil)
	if tl.s, err = s.Fork(); err != nil {
		s.Close()
		return nil, err
	}
	return tl, nil
}

// Close ends the replay and every checkpoint, and keeps the anchors,
// with what was found of their lives, for the next session.
func (tl *Timeline) Close() {
	if len(tl.anchors) > 0 || len(tl.marks) > 0 { // a session that named nothing writes nothing
		_ = tl.keepSync(keepAll) // said once if it fails
	}
	tl.lines.save()
	tl.dropScratch()
	if tl.s != nil {
		tl.s.Close()
	}
	owner := tl.cps.list[0].s
	tl.cps.list = tl.cps.list[1:]
	tl.cps.closeAll()
	owner.Close()
}

// findMain runs through the interpreter's startup to the first stop point
// of the main script's module code.
func (tl *Timeline) findMain(main mainMatcher) error {
	if tl.s.Forked() {
		if first := tl.s.First(); !first.Ended {
			return tl.settle(first)
		}
		return errors.New("the process ended before it ran Python code: nothing to travel in")
	}
	for {
		trap, err := tl.s.Resume(probe.Conditions{TrapCalls: true})
		if err != nil {
			return err
		}
		if trap.Ended {
			return notRan(trap)
		}
		code, err := tl.reader().Frame(trap.Frame)
		if err != nil {
			return err
		}
		if code.Code.Name != "<module>" || !main.matches(code.Code.Filename) {
			continue
		}
		if top, err := tl.topLevel(trap.Frame); err != nil || main.command != "" && !top {
			if err != nil {
				return err
			}
			continue // a .pth line site.py runs
		}
		trap, err = tl.s.Resume(probe.Conditions{Target: trap.Time + 1})
		if err != nil {
			return err
		}
		if trap.Ended {
			return notRan(trap)
		}
		return tl.settle(trap)
	}
}

// topLevel tells whether a frame runs with no Python code below it: a
// script's or a -c command's module, run by the interpreter itself.
func (tl *Timeline) topLevel(frame uint64) (bool, error) {
	stack, err := tl.reader().Stack(frame)
	if err != nil {
		return false, err
	}
	return len(stack) == 0 || len(stack) == 1 && stack[0].Addr == frame, nil
}

// notRan says why a recording has nothing to travel in.
func notRan(trap session.Trap) error {
	if trap.CutOff {
		return errors.New("the recording was cut off before the main script ran: nothing to travel in")
	}
	return errors.New("the program ended before its main script ran: nothing to travel in")
}

// trapFrame reads the frame of a trap, at the line the probe was told
// where it was (exact at a return too).
func trapFrame(rd *pyframes.Reader, tr session.Trap) (pyframes.Frame, error) {
	fr, err := rd.Frame(tr.Frame)
	if err == nil && tr.Line > 0 {
		fr.Line = tr.Line
	}
	return fr, err
}

func (tl *Timeline) reader() *pyframes.Reader {
	return pyframes.NewReader(tl.s.Memory(), tl.py)
}

// settle makes a stop point the current one and reads its location.
func (tl *Timeline) settle(trap session.Trap) error {
	tl.here = trap
	fr, err := trapFrame(tl.reader(), trap)
	if err != nil {
		return fmt.Errorf("read the frame at time %d: %w", trap.Time, err)
	}
	ev := engine.LineStart
	switch {
	case trap.Event == probe.Return && trap.Arg == 0:
		ev = engine.Unwind
	case trap.Event == probe.Return:
		ev = engine.Return
	}
	tl.loc = engine.Location{Time: trap.Time, Event: ev, File: fr.Code.Filename, Line: fr.Line,
		Func: fr.Code.Name, FirstLine: fr.Code.FirstLine, Thread: int(trap.Thread), Threads: tl.s.Threads(),
		ShuttingDown: tl.ending.known && trap.Time > tl.ending.last}
	if trap.Time > tl.frontier && !tl.quiet {
		tl.frontier = trap.Time
	}
	return nil
}

// checkpoint keeps a copy of the present, if the program can be copied.
func (tl *Timeline) checkpoint() error {
	if tl.s.Threads() != 1 {
		return nil // fork copies one thread: multi-threaded stretches replay from an earlier checkpoint
	}
	cp, err := tl.s.Fork()
	if err != nil {
		return err
	}
	tl.cps.add(checkpoint{trap: tl.here, s: cp}, tl.here.Time, tl.s)
	return nil
}

// restore makes the active replay a copy of the latest checkpoint at or
// before t.
func (tl *Timeline) restore(t uint64) error {
	cp, ok := tl.cps.before(t)
	if !ok {
		return fmt.Errorf("no checkpoint before time %d", t)
	}
	s, err := cp.s.Fork()
	if err != nil {
		return err
	}
	if tl.s != nil {
		tl.s.Close()
	}
	tl.s = s
	tl.lines.restarted()
	return tl.settle(cp.trap)
}

// accept looks at a trap on the way and says whether the move ends there.
type accept func(session.Trap) (bool, error)

// advance runs the active replay forward under c until ok accepts a trap
// or the program ends, taking checkpoints on the way. ok may change c
// for the rest of the way. It ends at a stop
// point (or the end): a call trap that ends the move is followed to the
// next stop point. A canceled ctx ends it at the next stop point.
func (tl *Timeline) advance(ctx context.Context, c *probe.Conditions, ok accept) (session.Trap, error) {
	tr := trail{on: c.Target == 0} // where the move ends is not known
	defer tr.drop()
	for {
		if ctx.Err() != nil {
			tr.keep(tl, tl.here.Time)
			return tl.here, nil
		}
		cond, boundary := tl.withBoundary(*c)
		due := tr.due(tl)
		cond.Target = min(cond.Target, due)
		trap, err := tl.resume(ctx, cond)
		if err == nil && trap.Ended {
			tr.keep(tl, trap.Time)
		}
		if err != nil || trap.Ended {
			return trap, err
		}
		tl.noteEnding(trap)
		done, err := ok(trap)
		if err != nil {
			return trap, err
		}
		done = done || tl.reached(trap)
		if trap.Event == probe.Call || trap.Event == probe.Exception {
			if !done && ctx.Err() == nil {
				continue
			}
			// Rest at the next stop point, the first line of the call.
			if trap, err = tl.resume(context.Background(), probe.Conditions{Target: trap.Time + 1}); err != nil || trap.Ended {
				return trap, err
			}
		}
		if err := tl.settle(trap); err != nil {
			return trap, err
		}
		if err := tl.lines.at(tl.s, trap.Time); err != nil {
			return trap, err
		}
		if trap.Time == due && !done {
			if err := tr.take(tl); err != nil {
				return trap, err
			}
		}
		if trap.Time == boundary || ((done || ctx.Err() != nil) && tl.farFromCheckpoint()) {
			if err := tl.checkpoint(); err != nil {
				return trap, err
			}
		}
		if done || ctx.Err() != nil {
			tr.keep(tl, trap.Time)
			return trap, nil
		}
	}
}

// farFromCheckpoint tells whether the present is far from the checkpoint
// before it: a move ends here, and the moves that follow (bstep, bnext)
// should replay a short stretch.
func (tl *Timeline) farFromCheckpoint() bool {
	cp, ok := tl.cps.before(tl.here.Time)
	return !ok || tl.here.Time-cp.trap.Time > minSpacing
}

// withBoundary adds to c a trap where the next checkpoint is due, where
// the replay reaches the frontier (output before it was shown already),
// and at the next edge of the index's stretches.
// Checkpoints are taken on the way only past the last one: inside the
// range already covered, they would be dropped again at once by the
// thinning, and each dropped fork stays a zombie of the tracee that made
// it until that one ends.
func (tl *Timeline) withBoundary(c probe.Conditions) (probe.Conditions, uint64) {
	next := uint64(noBoundary)
	if last := tl.cps.last().trap.Time; last <= tl.here.Time {
		next = max(last+tl.cps.spacing(), tl.here.Time+1)
	}
	stop := min(next, nextBoundary(tl.here.Time))
	if tl.here.Time < tl.frontier && tl.frontier < stop {
		stop = tl.frontier
	}
	if c.Target == 0 || stop < c.Target {
		c.Target = stop
	}
	return tl.endingConditions(c), next
}

// noBoundary is no time at all.
const noBoundary = ^uint64(0)

// resume runs the active replay once; ctx's cancellation interrupts it.
func (tl *Timeline) resume(ctx context.Context, c probe.Conditions) (session.Trap, error) {
	tl.s.SetEcho(tl.here.Time >= tl.frontier && !tl.quiet)
	stop := context.AfterFunc(ctx, tl.s.Interrupt)
	defer stop()
	tl.progress.start(tl.s, tl.here.Time)
	trap, err := tl.s.Resume(c)
	tl.progress.stop()
	tl.writes = append(tl.writes, tl.s.TakeWrites()...)
	if err == nil && trap.Ended {
		// All the program wrote was shown on the way: replays up to the
		// end show nothing again.
		tl.end, tl.endKnown, tl.cutOff = trap.Time, true, trap.CutOff
		if !tl.quiet {
			tl.frontier = max(tl.frontier, trap.Time)
		}
		tl.s.Close()
		tl.s = nil
	}
	return trap, err
}

var _ engine.Target = (*Timeline)(nil)

// progress is what a move goes through, readable from another goroutine
// while it runs: the replay that runs and the time it started from.
type progress struct {
	s    atomic.Pointer[session.Session]
	from atomic.Uint64
}

func (p *progress) start(s *session.Session, from uint64) {
	p.from.Store(from)
	p.s.Store(s)
}

func (p *progress) stop() { p.s.Store(nil) }

// Progress says, while a move runs, the stretch it replays now: from
// where this replay started to the probe's time.
func (tl *Timeline) Progress() (from, now uint64, ok bool) {
	s := tl.progress.s.Load()
	if s == nil {
		return 0, 0, false
	}
	now, err := s.Progress()
	return tl.progress.from.Load(), now, err == nil
}
