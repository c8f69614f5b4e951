package snapshot

import (
	"context"
	"errors"

	"rrpy/engine"
	"rrpy/probe"
	"rrpy/session"
)

// Now returns the current stop point.
func (tl *Timeline) Now() engine.Location { return tl.loc }

// Go travels to time t, clamped to the recording.
func (tl *Timeline) Go(ctx context.Context, t uint64) (engine.Stop, error) {
	tl.leave()
	return tl.goTo(ctx, t)
}

func (tl *Timeline) goTo(ctx context.Context, t uint64) (engine.Stop, error) {
	t = max(t, tl.start)
	if tl.endKnown {
		t = min(t, tl.end)
	}
	if tl.s != nil && t == tl.here.Time {
		return tl.stop(), nil
	}
	if tl.s == nil || t < tl.here.Time || tl.checkpointAhead(t) {
		if err := tl.restore(t); err != nil {
			return engine.Stop{}, err
		}
		if tl.here.Time == t {
			return tl.stop(), nil // a checkpoint's own time
		}
	}
	if t > tl.here.Time+2*approachGap && ctx.Err() == nil {
		// A checkpoint shortly before t: the moves back from t that follow
		// (bstep, bnext) replay a short stretch.
		if trap, err := tl.runTo(ctx, t-approachGap); err != nil || trap.Ended {
			return tl.wentTo(ctx, trap, err)
		}
	}
	trap, err := tl.runTo(ctx, t)
	return tl.wentTo(ctx, trap, err)
}

// checkpointAhead tells whether a checkpoint lies between the present and
// t far enough ahead that starting from it beats running on: forking one
// (~0.7 ms) costs about what replaying 12,000 stop points does.
// Not beyond the frontier (a checkpoint rrpy took for itself, finding an
// anchor's life): the program's output before it is still to be shown.
func (tl *Timeline) checkpointAhead(t uint64) bool {
	cp, ok := tl.cps.before(t)
	return ok && cp.trap.Time > tl.here.Time+minSpacing/4 && cp.trap.Time <= tl.frontier
}

// runTo runs the active replay forward to time t.
func (tl *Timeline) runTo(ctx context.Context, t uint64) (session.Trap, error) {
	return tl.advance(ctx, &probe.Conditions{Target: t}, func(tr session.Trap) (bool, error) {
		return tr.Time >= t, nil
	})
}

// wentTo is where a go that ran to trap stops.
func (tl *Timeline) wentTo(ctx context.Context, trap session.Trap, err error) (engine.Stop, error) {
	if err != nil {
		return engine.Stop{}, err
	}
	if trap.Ended {
		return tl.toEnd(ctx)
	}
	return tl.stop(), nil
}

// toEnd goes to the last stop point, once the replay found the end.
func (tl *Timeline) toEnd(ctx context.Context) (engine.Stop, error) {
	st, err := tl.goTo(ctx, tl.end)
	st.AtEdge = true
	if tl.cutOff {
		st.Note = cutOffNote
	}
	return st, err
}

func (tl *Timeline) stop() engine.Stop { return engine.Stop{Location: tl.loc} }

// depthHere returns the current frame's depth: the probe's measure for
// next and finish.
func (tl *Timeline) depthHere(ctx context.Context) (uint64, error) {
	if err := tl.alive(ctx); err != nil {
		return 0, err
	}
	return tl.depthAt(tl.here)
}

func (tl *Timeline) depthAt(tr session.Trap) (uint64, error) {
	d, err := tl.reader().Depth(tr.Frame)
	return uint64(d), err
}

// Next runs to the next (previous) stop point of this frame or a caller.
func (tl *Timeline) Next(ctx context.Context, backward bool) (engine.Stop, error) {
	tl.leave()
	d, err := tl.depthHere(ctx)
	if err != nil {
		return engine.Stop{}, err
	}
	if backward {
		return tl.searchDepth(ctx, probe.Depth{Thread: tl.here.ThreadPointer, Limit: d, Events: []probe.Event{probe.Line}})
	}
	return tl.forwardDepth(ctx, probe.Depth{Thread: tl.here.ThreadPointer, Limit: d, Events: []probe.Event{probe.Line, probe.Return}})
}

// Finish runs to this frame's return; backward, to where it was called.
func (tl *Timeline) Finish(ctx context.Context, backward bool) (engine.Stop, error) {
	tl.leave()
	d, err := tl.depthHere(ctx)
	if err != nil {
		return engine.Stop{}, err
	}
	if backward {
		return tl.searchDepth(ctx, probe.Depth{Thread: tl.here.ThreadPointer, Limit: d})
	}
	events := []probe.Event{probe.Return}
	if tl.here.Event == probe.Return {
		events = nil // at this frame's return already: on to the caller
	}
	return tl.forwardDepth(ctx, probe.Depth{Thread: tl.here.ThreadPointer, Limit: d, Events: events})
}

// SwitchThread runs to the next (previous) stop point of a thread other
// than the current one's.
func (tl *Timeline) SwitchThread(ctx context.Context, backward bool) (engine.Stop, error) {
	tl.leave()
	if err := tl.alive(ctx); err != nil {
		return engine.Stop{}, err
	}
	me, from := tl.here.ThreadPointer, tl.here.Time
	if backward {
		found, err := tl.searchBack(ctx, probe.Conditions{Switch: &probe.Switch{From: me, RecordOnly: true}}, nil)
		if err != nil || found == 0 {
			st, gerr := tl.goTo(ctx, from)
			st.AtEdge = true
			return st, errors.Join(err, gerr)
		}
		return tl.goTo(ctx, found)
	}
	trap, err := tl.advance(ctx, &probe.Conditions{Switch: &probe.Switch{From: me}}, func(tr session.Trap) (bool, error) {
		return isStopPoint(tr) && tr.Time > from && tr.ThreadPointer != me, nil
	})
	if err == nil && trap.Ended {
		return tl.toEnd(ctx)
	}
	return tl.forwardEnded(ctx, trap, nil, err)
}

// alive makes sure a replay stands at the current stop point (after the
// program's end, the active replay is gone).
func (tl *Timeline) alive(ctx context.Context) error {
	if tl.s != nil {
		return nil
	}
	if err := tl.restore(tl.here.Time); err != nil {
		return err
	}
	_, err := tl.goTo(ctx, tl.loc.Time)
	return err
}

// forwardDepth runs to the first later stop point that meets d.
func (tl *Timeline) forwardDepth(ctx context.Context, d probe.Depth) (engine.Stop, error) {
	from := tl.here.Time
	trap, err := tl.advance(ctx, &probe.Conditions{Depth: &d}, func(tr session.Trap) (bool, error) {
		return tl.meetsDepth(tr, d, from)
	})
	if err != nil {
		return engine.Stop{}, err
	}
	if trap.Ended {
		return tl.toEnd(ctx)
	}
	return tl.stop(), nil
}

// meetsDepth checks in Go what the probe checked in machine code: a trap
// on the way can also be a checkpoint's or a tick's.
func (tl *Timeline) meetsDepth(tr session.Trap, d probe.Depth, after uint64) (bool, error) {
	if tr.Time <= after || tr.ThreadPointer != d.Thread || (tr.Event != probe.Line && tr.Event != probe.Return) {
		return false, nil
	}
	depth, err := tl.depthAt(tr)
	if err != nil || depth > d.Limit {
		return false, err
	}
	if depth < d.Limit {
		return true, nil
	}
	for _, e := range d.Events {
		if e == tr.Event {
			return true, nil
		}
	}
	return false, nil
}

// searchDepth goes to the last earlier stop point that meets d: the probe
// notes matches without trapping while windows before the present replay,
// the nearest window first.
func (tl *Timeline) searchDepth(ctx context.Context, d probe.Depth) (engine.Stop, error) {
	d.RecordOnly = true
	found, err := tl.searchBack(ctx, probe.Conditions{Depth: &d}, nil)
	if err != nil {
		return engine.Stop{}, err
	}
	if found == 0 {
		st, err := tl.goTo(ctx, tl.here.Time)
		st.AtEdge = true
		return st, err
	}
	return tl.goTo(ctx, found)
}

// searchBack finds the last time before the present that matches: the
// probe's last match for RecordOnly conditions, or the last trap hit
// accepts. It returns 0 when nothing before the present matches.
func (tl *Timeline) searchBack(ctx context.Context, c probe.Conditions, hit func(session.Trap) (uint64, error)) (uint64, error) {
	return tl.searchBackSkipping(ctx, c, hit, nil)
}

// searchBackSkipping is searchBack passing the windows clean says have
// no match (nil: none).
func (tl *Timeline) searchBackSkipping(ctx context.Context, c probe.Conditions, hit func(session.Trap) (uint64, error),
	clean func(lo, hi uint64) bool) (uint64, error) {
	present := tl.here.Time
	hi := present
	cp, ok := tl.cps.before(present - 1)
	for ok && present > tl.start {
		if clean != nil && clean(cp.trap.Time, hi) {
			if ctx.Err() != nil {
				break
			}
		} else if found, err := tl.searchWindow(ctx, cp.trap.Time, hi, c, hit); err != nil || found != 0 || ctx.Err() != nil {
			return found, errors.Join(err, tl.restoreAfterSearch(ctx, present, found))
		}
		if cp.trap.Time <= tl.start {
			break
		}
		// The checkpoint's own stop point was not looked at: the next
		// window ends right after it.
		hi = cp.trap.Time + 1
		cp, ok = tl.cps.before(cp.trap.Time - 1)
	}
	return 0, tl.restoreAfterSearch(ctx, present, 0)
}

// restoreAfterSearch goes back to the present when a search found nothing.
func (tl *Timeline) restoreAfterSearch(ctx context.Context, present, found uint64) error {
	if found != 0 {
		return nil
	}
	// Even after Ctrl-C: the search's windows mean nothing to the user.
	_, err := tl.goTo(context.Background(), present)
	return err
}

// searchWindow replays (lo, hi) from the checkpoint at lo and returns the
// last match in it, 0 for none.
func (tl *Timeline) searchWindow(ctx context.Context, lo, hi uint64, c probe.Conditions, hit func(session.Trap) (uint64, error)) (uint64, error) {
	if err := tl.restore(lo); err != nil {
		return 0, err
	}
	if err := tl.s.ClearLastMatch(); err != nil {
		return 0, err
	}
	c.Target = hi
	last := uint64(0)
	trap, err := tl.advance(ctx, &c, func(tr session.Trap) (bool, error) {
		if hit != nil && tr.Time < hi {
			t, err := hit(tr)
			if t != 0 && t < hi {
				last = t
			}
			if err != nil {
				return true, err
			}
		}
		return tr.Time >= hi, nil
	})
	if err != nil || trap.Ended {
		return last, err
	}
	if hit == nil {
		return tl.s.LastMatch()
	}
	return last, nil
}
