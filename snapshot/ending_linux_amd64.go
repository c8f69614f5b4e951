package snapshot

import (
	"context"
	"errors"
	"fmt"

	"rrpy/engine"
	"rrpy/probe"
	"rrpy/session"
)

// Where the main script ends. A user debugs the program they wrote: a
// forward continue stops where the main script ends — where the
// exception it died of was raised, pdb's post-mortem place, or its last
// stop point — before the interpreter prints the traceback and shuts
// down. Both stay reachable: the next continue goes on.

// What a stop at the main script's end says.
const (
	mainEndedNote = "End of the main script."
	unwoundNote   = "The main script ended by SystemExit (sys.exit), or by an exception Python did not keep."
	uncaughtNote  = "Uncaught exception: "
	cutOffNote    = "The recording was cut off here."
)

// ending is how the main script ended, learned the first time a replay
// runs through its module frame's return: until then every forward move
// has the probe trap there.
type ending struct {
	known   bool
	last    uint64 // the main script's last stop point: its module's return or unwind
	unwound bool   // the main script died of an exception
	// looked says the exception's raise point was looked for; failure
	// is it (0: not found, as for SystemExit, which is not kept), text
	// the last line of its traceback.
	looked  bool
	failure uint64
	text    string
}

// noteEnding learns the main script's end from a trap at its module
// frame's return.
func (tl *Timeline) noteEnding(tr session.Trap) {
	if tl.ending.known || tr.Event != probe.Return || tr.Frame != tl.mainFrame || tr.ThreadPointer != tl.mainThread {
		return
	}
	tl.ending = ending{known: true, last: tr.Time, unwound: tr.Arg == 0}
}

// fence is where a forward continue from the present stops on its way
// to the end: the failure, or the main script's last stop point (where
// the failure is looked for); 0 for nowhere ahead, or not known yet.
func (tl *Timeline) fence() uint64 {
	e := tl.ending
	switch {
	case !e.known:
		return 0
	case e.failure != 0 && e.failure > tl.here.Time:
		return e.failure
	case e.failure == 0 && e.last > tl.here.Time:
		return e.last
	}
	return 0
}

// endingConditions has the probe trap where the main script ends, while
// that is not known, and where a continue must stop.
func (tl *Timeline) endingConditions(c probe.Conditions) probe.Conditions {
	if !tl.ending.known {
		c.ReturnOf = tl.mainFrame
	}
	if f := tl.fencing(); f != nil && f.at > tl.here.Time && (c.Target == 0 || f.at < c.Target) {
		c.Target = f.at
	}
	return c
}

// fenceAhead is what a continue watches for on its way: the fence ahead
// of where it began, and whether the main script's end was known then.
type fenceAhead struct {
	at    uint64
	known bool
}

// fencing returns the fence of the user's continue under way, nil for
// none; rrpy's own replays under it (quiet: an anchor's life, the
// failure's search) run through.
func (tl *Timeline) fencing() *fenceAhead {
	if tl.quiet {
		return nil
	}
	return tl.continuing
}

// reached tells whether a continue ends at a trap: the fence, or the main
// script's end, learned there.
func (tl *Timeline) reached(tr session.Trap) bool {
	f := tl.fencing()
	if f == nil || !isStopPoint(tr) {
		return false
	}
	if f.at != 0 {
		return tr.Time == f.at
	}
	return !f.known && tl.ending.known && tr.Time == tl.ending.last
}

// continueForward runs a forward continue: move, with the main script's
// end as a stop on the way, then says why it stopped there.
func (tl *Timeline) continueForward(ctx context.Context, move func() (engine.Stop, error)) (engine.Stop, error) {
	f := fenceAhead{tl.fence(), tl.ending.known}
	tl.continuing = &f
	st, err := move()
	tl.continuing = nil
	if err != nil || ctx.Err() != nil || st.Hit != nil || !tl.ending.known {
		return st, err
	}
	if f.at != 0 && st.Time == f.at || !f.known && st.Time == tl.ending.last {
		return tl.stopAtEnding(ctx)
	}
	return st, nil
}

// stopAtEnding says where the main script ended, the replay standing at
// its last stop point or at the failure: the failure, looked for the
// first time here, is where the stop belongs.
func (tl *Timeline) stopAtEnding(ctx context.Context) (engine.Stop, error) {
	e := &tl.ending
	if e.unwound && !e.looked {
		if err := tl.lookForFailure(ctx); err != nil {
			return engine.Stop{}, err
		}
	}
	if e.failure == 0 {
		st, err := tl.goTo(ctx, e.last)
		st.Note = mainEndedNote
		if e.unwound {
			st.Note = unwoundNote
		}
		return st, err
	}
	st, err := tl.goTo(ctx, e.failure)
	st.Note = uncaughtNote + e.text
	return st, err
}

// lookForFailure finds where the exception the main script died of was
// raised. The interpreter keeps that exception (sys.last_exc, to print
// it) right after the main script's end: Python, in a copy there, reads
// its traceback's last frame, whose code and level say which return by
// exception of the main thread before was the raise.
func (tl *Timeline) lookForFailure(ctx context.Context) error {
	e := &tl.ending
	e.looked = true
	after := e.last + 1
	if tl.endKnown && after > tl.end {
		return nil // the recording ends there: nothing kept the exception
	}
	defer tl.Searching(tl.Searching(true)) // as it was: a history may be searching too
	if _, err := tl.goTo(ctx, after); err != nil || tl.here.Time != after {
		return err
	}
	sc, err := tl.presentScratch(ctx)
	if err != nil {
		return err
	}
	exc, found, err := tl.api.Uncaught(ctx, sc)
	tl.dropScratch()
	if err != nil || !found {
		return err
	}
	raised, err := tl.searchBack(ctx, probe.Conditions{UnwindsIn: tl.mainThread}, func(tr session.Trap) (uint64, error) {
		if tr.Event != probe.Return || tr.Arg != 0 || tr.ThreadPointer != tl.mainThread || tr.Time > e.last {
			return 0, nil
		}
		fr, err := tl.reader().Frame(tr.Frame)
		if err != nil || fr.Code.Addr != exc.Code {
			return 0, err
		}
		return tr.Time, nil
	})
	if errors.Is(err, context.Canceled) {
		e.looked = false // looked for again next time
		return nil
	}
	if err != nil {
		return fmt.Errorf("find where %s was raised: %w", exc.Text, err)
	}
	e.failure, e.text = raised, exc.Text
	return nil
}
