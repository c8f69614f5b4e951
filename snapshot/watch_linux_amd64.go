package snapshot

import (
	"context"
	"errors"

	"rrpy/engine"
	"rrpy/probe"
	"rrpy/pyeval"
	"rrpy/pyframes"
	"rrpy/session"
)

// watch is a watchpoint's expression, ready to be evaluated at each stop
// point of a search.
type watch struct {
	bp   *engine.Breakpoint
	used []int          // the anchors it names
	fast *pyframes.Expr // nil unless memory can answer it
}

// WatchValue evaluates a watch expression at the present.
func (tl *Timeline) WatchValue(ctx context.Context, expr string) (engine.Value, error) {
	if err := tl.alive(ctx); err != nil {
		return engine.Value{}, err
	}
	w := tl.compileWatch(&engine.Breakpoint{Watch: expr})
	if err := tl.prepareWatches(ctx, []watch{w}, tl.here.Time, tl.here.Time); err != nil {
		if ctx.Err() != nil {
			return engine.Value{Anchor: -1, Err: interruptedMsg}, nil
		}
		return engine.Value{}, err
	}
	v, _, err := tl.watchValue(ctx, w, tl.here.Time)
	return v, err
}

func (tl *Timeline) compileWatch(bp *engine.Breakpoint) watch {
	_, used := pyeval.Rewrite(bp.Watch)
	fast, _ := pyframes.ParseExpr(bp.Watch)
	return watch{bp: bp, used: used, fast: fast}
}

// prepareWatches makes the lives of the anchors the watches name known
// from lo to hi: a search evaluates them on its way and cannot stop to
// look.
func (tl *Timeline) prepareWatches(ctx context.Context, ws []watch, lo, hi uint64) error {
	for _, w := range ws {
		if err := tl.searchLives(ctx, w.used, lo, hi); err != nil {
			return err
		}
	}
	return nil
}

// watchValue evaluates w in the active replay, stopped at time t, with
// the builtins and the anchors only: by reading memory when that can
// tell, else by running Python in a scratch copy. It also returns the
// words the value was read from (none: it changes only when an anchor is
// born or dies), or nil when Python ran: then only evaluating at each
// stop point will do. The anchors' lives must be known at t
// (prepareWatches).
func (tl *Timeline) watchValue(ctx context.Context, w watch, t uint64) (engine.Value, *wordRecorder, error) {
	objs, missing := tl.knownAnchors(w.used, t)
	if missing != nil {
		return *missing, newWordRecorder(nil), nil
	}
	if w.fast != nil {
		rec := newWordRecorder(tl.s.Memory())
		repr, decided, err := pyframes.NewReader(rec, tl.py).Eval(w.fast, func(n int) uint64 { return objs[n] })
		if err != nil || decided {
			return engine.Value{Repr: repr, Anchor: -1}, rec, err
		}
	}
	sc, err := tl.s.Scratch()
	if err != nil {
		return engine.Value{}, nil, err
	}
	defer sc.Close()
	res, err := tl.evaluate(ctx, sc, pyeval.Request{Source: w.bp.Watch, Anchors: objs})
	if err != nil && ctx.Err() != nil {
		return engine.Value{}, nil, ctx.Err() // Ctrl-C: no value, not a changed one
	}
	if err != nil {
		msg, known := evalFailure(err)
		if !known {
			return engine.Value{}, nil, err
		}
		return engine.Value{Anchor: -1, Err: msg}, nil, nil
	}
	return engine.Value{Repr: res.Repr, Err: res.Exception, Anchor: -1}, nil, nil
}

// presentWatchState makes the lives of the anchors the watches use
// known from lo to hi, where a search will go, and evaluates the watches
// at the present, where it starts.
func (tl *Timeline) presentWatchState(ctx context.Context, ws []watch, lo, hi uint64) (watchState, error) {
	if err := tl.prepareWatches(ctx, ws, lo, hi); err != nil {
		return watchState{}, err
	}
	return tl.watchStateAt(ctx, ws, tl.here.Time)
}

// watchState is the watches' values at a stop point, and what the probe
// must watch to trap where they may change.
type watchState struct {
	vals  []string
	words []probe.Word
	every bool   // a value came from Python: look at every stop point
	next  uint64 // the next birth or death of an anchor they use, 0 for none
}

// watchStateAt evaluates every watch at the active replay's stop point.
func (tl *Timeline) watchStateAt(ctx context.Context, ws []watch, t uint64) (watchState, error) {
	st := watchState{vals: make([]string, len(ws))}
	seen := map[uint64]bool{}
	for i, w := range ws {
		v, rec, err := tl.watchValue(ctx, w, t)
		if err != nil {
			return st, err
		}
		st.vals[i] = v.Text()
		if rec == nil || rec.overflow {
			st.every = true
			continue
		}
		for _, word := range rec.words {
			if !seen[word.Addr] {
				seen[word.Addr] = true
				st.words = append(st.words, word)
			}
		}
	}
	if len(st.words) > probe.MaxWords {
		st.every = true
	}
	st.next = tl.nextLifeEvent(ws, t)
	return st, nil
}

// nextLifeEvent returns the first birth or death known after t of an
// anchor the watches use (0 for none).
func (tl *Timeline) nextLifeEvent(ws []watch, t uint64) uint64 {
	next := uint64(0)
	for _, w := range ws {
		for _, n := range w.used {
			if n >= len(tl.anchors) || tl.anchors[n].static {
				continue
			}
			a := tl.anchors[n]
			events := []uint64{a.died}
			if a.bornKnown {
				events = append(events, a.born)
			}
			for _, e := range events {
				if e > t && e != noBoundary && (next == 0 || e < next) {
					next = e
				}
			}
		}
	}
	return next
}

// conditions adds to c what the probe needs to trap, after time t, at
// the stop points where st's values may change: every one, or those
// where a watched word changed or an anchor is born or dies. until caps
// the target (0 for none).
func (st watchState) conditions(c probe.Conditions, t, until uint64) probe.Conditions {
	c.Target = st.next
	if st.every {
		c.Target = t + 1
	} else {
		c.Words = st.words
	}
	if until != 0 && (c.Target == 0 || c.Target > until) {
		c.Target = until
	}
	return c
}

// changed returns the first watch whose value differs, nil for none.
func changed(ws []watch, a, b []string) *engine.Breakpoint {
	for i := range ws {
		if a[i] != b[i] {
			return ws[i].bp
		}
	}
	return nil
}

// splitWatches separates watchpoints from breakpoints.
func (tl *Timeline) splitWatches(bps []engine.Breakpoint) ([]engine.Breakpoint, []watch) {
	var breaks []engine.Breakpoint
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

// continueWatching is continue with watchpoints: the move ends at the
// first stop point whose values differ from the present's (the first
// stop point after the change), or at a breakpoint's hit. It goes a
// stretch at a time, learning the anchors' lives in each first, the
// stretches growing: a change found soon does not pay for the rest of
// the run.
func (tl *Timeline) continueWatching(ctx context.Context, bps []engine.Breakpoint, ws []watch) (engine.Stop, error) {
	from := tl.here.Time
	start, err := tl.presentWatchState(ctx, ws, from, from)
	if err != nil {
		return engine.Stop{}, err
	}
	st := start // the values where the stretch begins
	base := tl.breakConditions(bps)
	for stretch := uint64(1024); ; stretch = min(2*stretch, minSpacing) {
		until := tl.here.Time + stretch
		if err := tl.prepareWatches(ctx, ws, tl.here.Time, until); err != nil {
			if ctx.Err() != nil {
				return tl.stop(), nil
			}
			return engine.Stop{}, err
		}
		st.next = tl.nextLifeEvent(ws, tl.here.Time) // what prepareWatches just learnt
		cond := st.conditions(base, tl.here.Time, until)
		var hit *engine.Breakpoint
		trap, err := tl.advance(ctx, &cond, func(tr session.Trap) (bool, error) {
			bp, _, err := tl.matchBreakpoint(tr, bps)
			if bp != nil || err != nil {
				hit = bp
				return true, err
			}
			if !isStopPoint(tr) || tr.Time <= from {
				return false, nil
			}
			now, err := tl.watchStateAt(ctx, ws, tr.Time)
			if err != nil {
				return stopOnCancel(err)
			}
			hit = changed(ws, start.vals, now.vals)
			st, cond = now, now.conditions(base, tr.Time, until)
			return hit != nil || tr.Time >= until, nil
		})
		if err != nil || trap.Ended || hit != nil || ctx.Err() != nil {
			return tl.forwardEnded(ctx, trap, hit, err)
		}
	}
}

// continueBackWatching is bcontinue with watchpoints: windows before the
// present replay, the nearest first; the move ends at the last stop
// point whose values differ from the next one's (the start of the line
// that made the change), or at the last breakpoint hit, whichever is
// later.
func (tl *Timeline) continueBackWatching(ctx context.Context, bps []engine.Breakpoint, ws []watch) (engine.Stop, error) {
	present := tl.here.Time
	st, err := tl.presentWatchState(ctx, ws, present, present)
	if err != nil {
		return engine.Stop{}, err
	}
	next := st.vals // the values after the window
	hi := present
	cp, ok := tl.cps.before(present - 1)
	for ok && hi > tl.start && ctx.Err() == nil {
		// What the anchors' lives are in the window, found only now: a
		// search that stops near the present does not pay for the past.
		if err := tl.prepareWatches(ctx, ws, cp.trap.Time, present); err != nil {
			if ctx.Err() != nil {
				break
			}
			return engine.Stop{}, err
		}
		sc, err := tl.scanWindow(ctx, cp.trap.Time, hi, next, bps, ws)
		if err != nil {
			return engine.Stop{}, err
		}
		if sc.found != 0 {
			stop, err := tl.goTo(ctx, sc.found)
			stop.Hit = sc.hit
			return stop, err
		}
		hi, next = cp.trap.Time, sc.first
		cp, ok = tl.cps.before(hi - 1)
	}
	if ctx.Err() != nil {
		// Ctrl-C: the search's windows mean nothing to the user, who
		// stays where the search began.
		return tl.goTo(context.Background(), present)
	}
	return tl.toEdge(ctx, true)
}

// stopOnCancel ends a move at the trap it is at when Ctrl-C stopped an
// evaluation there; other errors end it with the error.
func stopOnCancel(err error) (bool, error) {
	if errors.Is(err, context.Canceled) {
		return true, nil
	}
	return true, err
}

// windowScan is what one window of a backward search found.
type windowScan struct {
	found uint64             // the last hit in the window, 0 for none
	hit   *engine.Breakpoint // what hit there
	first []string           // the values at the window's first stop point
}

// note keeps a hit at time at if it is the latest yet.
func (sc *windowScan) note(at uint64, bp *engine.Breakpoint) {
	if at >= sc.found {
		sc.found, sc.hit = at, bp
	}
}

// scanWindow replays [lo, hi) from the checkpoint at lo, the probe
// trapping where the watches' values may change; next holds their
// values at hi. Between two traps no watched word changed, so a value
// that differs at a trap changed on the line just before it.
func (tl *Timeline) scanWindow(ctx context.Context, lo, hi uint64, next []string, bps []engine.Breakpoint, ws []watch) (windowScan, error) {
	var sc windowScan
	if err := tl.restore(lo); err != nil {
		return sc, err
	}
	st, err := tl.watchStateAt(ctx, ws, lo)
	if err != nil {
		return sc, err
	}
	sc.first = st.vals
	prev := st.vals
	base := tl.breakConditions(bps)
	cond := st.conditions(base, lo, hi)
	_, err = tl.advance(ctx, &cond, func(tr session.Trap) (bool, error) {
		if tr.Time >= hi {
			return true, nil
		}
		bp, at, err := tl.matchBreakpoint(tr, bps)
		if err != nil {
			return true, err
		}
		if bp != nil && at < hi {
			sc.note(at, bp)
		}
		if !isStopPoint(tr) {
			return false, nil
		}
		now, err := tl.watchStateAt(ctx, ws, tr.Time)
		if err != nil {
			return stopOnCancel(err)
		}
		if w := changed(ws, prev, now.vals); w != nil {
			sc.note(tr.Time-1, w)
		}
		prev = now.vals
		cond = now.conditions(base, tr.Time, hi)
		return false, nil
	})
	if err != nil || ctx.Err() != nil {
		return sc, err
	}
	if w := changed(ws, prev, next); w != nil {
		sc.note(hi-1, w)
	}
	return sc, nil
}
