package snapshot

import (
	"context"

	"rrpy/frontend"
	"rrpy/probe"
	"rrpy/pyeval"
	"rrpy/pyframes"
	"rrpy/session"
)

// watch is a watchpoint's expression, ready to be evaluated at each stop
// point of a search.
type watch struct {
	bp   *frontend.Breakpoint
	used []int          // the anchors it names
	fast *pyframes.Expr // nil unless memory can answer it
}

// WatchValue evaluates a watch expression at the present.
func (tl *Timeline) WatchValue(ctx context.Context, expr string) (frontend.Value, error) {
	if err := tl.alive(ctx); err != nil {
		return frontend.Value{}, err
	}
	w := tl.compileWatch(&frontend.Breakpoint{Watch: expr})
	if err := tl.prepareWatches(ctx, []watch{w}); err != nil {
		return frontend.Value{}, err
	}
	return tl.watchValue(ctx, w, tl.here.Time)
}

func (tl *Timeline) compileWatch(bp *frontend.Breakpoint) watch {
	_, used := pyeval.Rewrite(bp.Watch)
	fast, _ := pyframes.ParseExpr(bp.Watch)
	return watch{bp: bp, used: used, fast: fast}
}

// prepareWatches finds the lifetimes of the anchors the watches name:
// a search evaluates them at every stop point and cannot stop to look.
func (tl *Timeline) prepareWatches(ctx context.Context, ws []watch) error {
	for _, w := range ws {
		for _, n := range w.used {
			if n < len(tl.anchors) {
				if err := tl.searchLife(ctx, tl.anchors[n]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// watchValue evaluates w in the active replay, stopped at time t, with
// the builtins and the anchors only: by reading memory when that can
// tell, else by running Python in a scratch copy. Anchors' lifetimes
// must be known.
func (tl *Timeline) watchValue(ctx context.Context, w watch, t uint64) (frontend.Value, error) {
	objs := map[int]uint64{}
	for _, n := range w.used {
		if n >= len(tl.anchors) {
			_, msg, err := tl.anchorObjects(ctx, []int{n}, t)
			return frontend.Value{Anchor: -1, Err: msg}, err
		}
		a := tl.anchors[n]
		if a.life != nil {
			if msg := a.notAlive(n, t); msg != "" {
				return frontend.Value{Anchor: -1, Err: msg}, nil
			}
		}
		objs[n] = a.addr
	}
	if w.fast != nil {
		repr, decided, err := tl.reader().Eval(w.fast, func(n int) uint64 { return objs[n] })
		if err != nil || decided {
			return frontend.Value{Repr: repr, Anchor: -1}, err
		}
	}
	sc, err := tl.s.Scratch()
	if err != nil {
		return frontend.Value{}, err
	}
	defer sc.Close()
	res, err := tl.evaluate(ctx, sc, pyeval.Request{Source: w.bp.Watch, Anchors: objs})
	if err != nil {
		msg, known := evalFailure(err)
		if !known {
			return frontend.Value{}, err
		}
		return frontend.Value{Anchor: -1, Err: msg}, nil
	}
	return frontend.Value{Repr: res.Repr, Err: res.Exception, Anchor: -1}, nil
}

// watchValues evaluates every watch at the active replay's stop point.
func (tl *Timeline) watchValues(ctx context.Context, ws []watch, t uint64) ([]string, error) {
	vals := make([]string, len(ws))
	for i, w := range ws {
		v, err := tl.watchValue(ctx, w, t)
		if err != nil {
			return nil, err
		}
		vals[i] = v.Text()
	}
	return vals, nil
}

// changed returns the first watch whose value differs, nil for none.
func changed(ws []watch, a, b []string) *frontend.Breakpoint {
	for i := range ws {
		if a[i] != b[i] {
			return ws[i].bp
		}
	}
	return nil
}

// splitWatches separates watchpoints from breakpoints.
func (tl *Timeline) splitWatches(bps []frontend.Breakpoint) ([]frontend.Breakpoint, []watch) {
	var breaks []frontend.Breakpoint
	var ws []watch
	for i := range bps {
		if bps[i].Watch != "" {
			ws = append(ws, tl.compileWatch(&bps[i]))
		} else {
			breaks = append(breaks, bps[i])
		}
	}
	return breaks, ws
}

// isStopPoint tells a trap at a stop point (a line or a return) from one
// at a call.
func isStopPoint(tr session.Trap) bool { return tr.Event == probe.Line || tr.Event == probe.Return }

// continueWatching is continue with watchpoints: every stop point is
// looked at, and the move ends at the first whose values differ from
// the present's (the first stop point after the change), or at a
// breakpoint's hit.
func (tl *Timeline) continueWatching(ctx context.Context, bps []frontend.Breakpoint, ws []watch) (frontend.Stop, error) {
	if err := tl.prepareWatches(ctx, ws); err != nil {
		return frontend.Stop{}, err
	}
	from := tl.here.Time
	cur, err := tl.watchValues(ctx, ws, from)
	if err != nil {
		return frontend.Stop{}, err
	}
	cond := tl.breakConditions(bps)
	cond.Target = from + 1
	var hit *frontend.Breakpoint
	trap, err := tl.advance(ctx, cond, func(tr session.Trap) (bool, error) {
		bp, _, err := tl.matchBreakpoint(tr, bps)
		if bp != nil || err != nil {
			hit = bp
			return true, err
		}
		if !isStopPoint(tr) || tr.Time <= from {
			return false, nil
		}
		vals, err := tl.watchValues(ctx, ws, tr.Time)
		hit = changed(ws, cur, vals)
		return hit != nil, err
	})
	if err != nil {
		return frontend.Stop{}, err
	}
	if trap.Ended {
		return tl.toEnd(ctx)
	}
	st := tl.stop()
	st.Hit = hit
	return st, nil
}

// continueBackWatching is bcontinue with watchpoints: windows before the
// present replay, the nearest first, each stop point looked at; the move
// ends at the last stop point whose values differ from the next one's
// (the start of the line that made the change), or at the last
// breakpoint hit, whichever is later.
func (tl *Timeline) continueBackWatching(ctx context.Context, bps []frontend.Breakpoint, ws []watch) (frontend.Stop, error) {
	if err := tl.prepareWatches(ctx, ws); err != nil {
		return frontend.Stop{}, err
	}
	present := tl.here.Time
	next, err := tl.watchValues(ctx, ws, present) // the values after the window
	if err != nil {
		return frontend.Stop{}, err
	}
	hi := present
	cp, ok := tl.cps.before(present - 1)
	for ok && hi > tl.start && ctx.Err() == nil {
		sc, err := tl.scanWindow(ctx, cp.trap.Time, hi, next, bps, ws)
		if err != nil {
			return frontend.Stop{}, err
		}
		if sc.found != 0 {
			st, err := tl.goTo(ctx, sc.found)
			st.Hit = sc.hit
			return st, err
		}
		hi, next = cp.trap.Time, sc.first
		cp, ok = tl.cps.before(hi - 1)
	}
	if ctx.Err() != nil {
		return tl.goTo(ctx, present)
	}
	return tl.toEdge(ctx, true)
}

// windowScan is what one window of a backward search found.
type windowScan struct {
	found uint64               // the last hit in the window, 0 for none
	hit   *frontend.Breakpoint // what hit there
	first []string             // the values at the window's first stop point
}

// scanWindow replays [lo, hi) from the checkpoint at lo, evaluating the
// watches at each stop point; next holds their values at hi.
func (tl *Timeline) scanWindow(ctx context.Context, lo, hi uint64, next []string, bps []frontend.Breakpoint, ws []watch) (windowScan, error) {
	var sc windowScan
	if err := tl.restore(lo); err != nil {
		return sc, err
	}
	prev, err := tl.watchValues(ctx, ws, lo)
	if err != nil {
		return sc, err
	}
	sc.first = prev
	prevTime := lo
	cond := tl.breakConditions(bps)
	cond.Target = lo + 1
	_, err = tl.advance(ctx, cond, func(tr session.Trap) (bool, error) {
		if tr.Time >= hi {
			return true, nil
		}
		bp, at, err := tl.matchBreakpoint(tr, bps)
		if err != nil {
			return true, err
		}
		if bp != nil && at < hi && at >= sc.found {
			sc.found, sc.hit = at, bp
		}
		if !isStopPoint(tr) {
			return false, nil
		}
		vals, err := tl.watchValues(ctx, ws, tr.Time)
		if w := changed(ws, prev, vals); w != nil && prevTime >= sc.found {
			sc.found, sc.hit = prevTime, w
		}
		prev, prevTime = vals, tr.Time
		return err != nil, err
	})
	if err != nil || ctx.Err() != nil {
		return sc, err
	}
	if w := changed(ws, prev, next); w != nil && prevTime >= sc.found {
		sc.found, sc.hit = prevTime, w
	}
	return sc, nil
}
