package snapshot

import (
	"context"
	"strings"

	"rrpy/engine"
	"rrpy/probe"
	"rrpy/session"
)

// Continue runs to the next (previous) breakpoint hit, or to the end
// (start) of the recording.
func (tl *Timeline) Continue(ctx context.Context, backward bool, bps []engine.Breakpoint) (engine.Stop, error) {
	tl.leave()
	if err := tl.alive(ctx); err != nil {
		return engine.Stop{}, err
	}
	breaks, ws := tl.splitWatches(bps)
	switch {
	case backward && len(bps) == 0:
		return tl.toEdge(ctx, true)
	case backward && len(ws) > 0:
		return tl.continueBackWatching(ctx, breaks, ws)
	case backward:
		return tl.continueBack(ctx, tl.breakConditions(bps), bps)
	}
	return tl.continueForward(ctx, func() (engine.Stop, error) {
		if len(ws) > 0 {
			return tl.continueWatching(ctx, breaks, ws)
		}
		if lines := lineBreakpoints(bps); lines != nil && tl.ending.known {
			return tl.continueLines(ctx, bps, lines)
		}
		cond := tl.breakConditions(bps)
		var hit *engine.Breakpoint
		trap, err := tl.advance(ctx, &cond, func(tr session.Trap) (bool, error) {
			bp, _, err := tl.matchBreakpoint(tr, bps)
			hit = bp
			return bp != nil, err
		})
		return tl.forwardEnded(ctx, trap, hit, err)
	})
}

// lineBreakpoints returns the lines of breakpoints that are all line
// breakpoints, which the index of lines run knows; nil otherwise.
func lineBreakpoints(bps []engine.Breakpoint) []int {
	var lines []int
	for _, bp := range bps {
		if bp.Func != "" || bp.Watch != "" {
			return nil
		}
		lines = append(lines, bp.Line)
	}
	return lines
}

// continueLines is continue to line breakpoints over the index of lines
// run: a run of stretches known to run none of the lines is gone over by
// a go (from the checkpoint nearest its end), the others replayed with
// the probe trapping at the lines. It stops where continue stops: the
// main script's end is known, and no go passes it.
func (tl *Timeline) continueLines(ctx context.Context, bps []engine.Breakpoint, lines []int) (engine.Stop, error) {
	cond := tl.breakConditions(bps)
	for {
		to := tl.lines.cleanAfter(tl.here.Time, lines)
		if f := tl.fencing(); f != nil && f.at != 0 && to >= f.at {
			to = f.at - 1 // the next stop point is the fence's
		}
		if to > tl.here.Time {
			if _, err := tl.goTo(ctx, to); err != nil || ctx.Err() != nil {
				return tl.stop(), err
			}
		}
		until := tl.lines.dirtyAfter(tl.here.Time, lines)
		c := cond
		c.Target = until
		var hit *engine.Breakpoint
		trap, err := tl.advance(ctx, &c, func(tr session.Trap) (bool, error) {
			bp, _, err := tl.matchBreakpoint(tr, bps)
			hit = bp
			return bp != nil || until != 0 && tr.Time >= until, err
		})
		if err != nil || trap.Ended || hit != nil || until == 0 || trap.Time < until || tl.reached(trap) || ctx.Err() != nil {
			return tl.forwardEnded(ctx, trap, hit, err)
		}
	}
}

// forwardEnded is where a forward move that ended at trap stops: there,
// hit by hit, or at the last stop point if the program ended.
func (tl *Timeline) forwardEnded(ctx context.Context, trap session.Trap, hit *engine.Breakpoint, err error) (engine.Stop, error) {
	if err != nil {
		return engine.Stop{}, err
	}
	if trap.Ended {
		return tl.toEnd(ctx)
	}
	st := tl.stop()
	st.Hit = hit
	return st, nil
}

func (tl *Timeline) toEdge(ctx context.Context, backward bool) (engine.Stop, error) {
	t := ^uint64(0)
	if backward {
		t = tl.start
	}
	st, err := tl.goTo(ctx, t)
	st.AtEdge = true
	return st, err
}

func (tl *Timeline) continueBack(ctx context.Context, cond probe.Conditions, bps []engine.Breakpoint) (engine.Stop, error) {
	hits := map[uint64]*engine.Breakpoint{}
	var clean func(lo, hi uint64) bool
	if lines := lineBreakpoints(bps); lines != nil {
		clean = func(lo, hi uint64) bool { return tl.lines.clean(lo, hi, lines) }
	}
	found, err := tl.searchBackSkipping(ctx, cond, func(tr session.Trap) (uint64, error) {
		bp, at, err := tl.matchBreakpoint(tr, bps)
		if bp != nil {
			hits[at] = bp
		}
		return at, err
	}, clean)
	if err != nil {
		return engine.Stop{}, err
	}
	if found == 0 {
		return tl.toEdge(ctx, true)
	}
	st, err := tl.goTo(ctx, found)
	st.Hit = hits[found]
	return st, err
}

// breakConditions turns breakpoints into what the probe can check: line
// numbers, and the first lines of the functions named (from the recorded
// sources; calling every call when a name is found in none).
func (tl *Timeline) breakConditions(bps []engine.Breakpoint) probe.Conditions {
	var c probe.Conditions
	lines := map[int]bool{}
	calls := map[int]bool{}
	for _, bp := range bps {
		if bp.Func == "" {
			lines[bp.Line] = true
			continue
		}
		defs := tl.sources.defLines(bp.Func)
		if len(defs) == 0 {
			c.TrapCalls = true
		}
		for _, l := range defs {
			calls[l] = true
		}
	}
	for l := range lines {
		c.Lines = append(c.Lines, l)
	}
	for l := range calls {
		c.Calls = append(c.Calls, l)
	}
	if len(c.Calls) > probe.MaxBreakLines {
		c.Calls, c.TrapCalls = nil, true
	}
	return c // more than MaxBreakLines lines: the probe says so when set
}

// matchBreakpoint tells whether a trap is a breakpoint's hit and at which
// stop point: a line's own, or for a function the first line of the call.
func (tl *Timeline) matchBreakpoint(tr session.Trap, bps []engine.Breakpoint) (*engine.Breakpoint, uint64, error) {
	if len(bps) == 0 || tr.Event != probe.Line && tr.Event != probe.Call {
		return nil, 0, nil
	}
	fr, err := trapFrame(tl.reader(), tr)
	if err != nil {
		return nil, 0, err
	}
	for i := range bps {
		bp := &bps[i]
		switch {
		case bp.Func != "" && tr.Event == probe.Call && fr.Code.Name == bp.Func:
			return bp, tr.Time + 1, nil
		case bp.Func == "" && tr.Event == probe.Line && fr.Line == bp.Line && fileMatches(fr.Code.Filename, bp.File):
			return bp, tr.Time, nil
		}
	}
	return nil, 0, nil
}

// fileMatches compares a code object's file with a breakpoint's: the same
// path, or one ending with the other as path components.
func fileMatches(codeFile, bpFile string) bool {
	if codeFile == bpFile {
		return true
	}
	return strings.HasSuffix(codeFile, "/"+strings.TrimPrefix(bpFile, "./")) || strings.HasSuffix(bpFile, "/"+codeFile)
}
