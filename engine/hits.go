package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// HitRule decides whether a hit of a breakpoint stops a move, beyond
// being hit: pdb's condition and ignore count, an editor's hit count.
// Target.Continue stops at every hit; the frontends keep a rule per
// breakpoint and go on where it says so (ContinueTaking).
type HitRule struct {
	// Condition is Python, evaluated as p in the frame hit (without a
	// $N); "" holds always.
	Condition string
	// Ignore is how many more hits whose condition holds go by
	// before one stops (pdb's ignore).
	Ignore int
	// Count is an editor's hit condition, on Hits.
	Count HitCount
	// Hits counts the hits whose condition held, as the user met them
	// in either direction of time.
	Hits int
}

// Takes tells whether a hit stops, the present being the hit. A
// condition that raises stops, as in pdb, and problem says what it
// raised.
func (r *HitRule) Takes(ctx context.Context, t Target) (stop bool, problem string, err error) {
	if r.Condition != "" {
		v, err := t.Evaluate(ctx, "bool("+r.Condition+")", 0)
		if err != nil {
			return true, "", fmt.Errorf("evaluate the condition %s: %w", r.Condition, err)
		}
		switch {
		case v.Err != "":
			return true, fmt.Sprintf("the condition %s raised %s", r.Condition, strings.TrimSpace(v.Err)), nil
		case v.Repr == "False":
			return false, "", nil
		}
	}
	r.Hits++
	if r.Ignore > 0 {
		r.Ignore--
		return false, "", nil
	}
	return r.Count.Reached(r.Hits), "", nil
}

// ContinueTaking runs Continue to the next (previous) hit that take says
// stops, or to an end of the recording. A pause (ctx canceled) ends it
// where it is, maybe at a hit take did not decide: that is no answer.
func ContinueTaking(ctx context.Context, t Target, backward bool, bps []Breakpoint,
	take func(ctx context.Context, hit Stop) (bool, error)) (Stop, error) {
	for {
		st, err := t.Continue(ctx, backward, bps)
		if err != nil || st.Hit == nil || ctx.Err() != nil {
			return st, err
		}
		stop, err := take(ctx, st)
		if ctx.Err() != nil {
			return st, nil
		}
		if err != nil || stop {
			return st, err
		}
	}
}

// HitCount is a hit condition as VS Code's users write it: "5" or ">= 5"
// (from the 5th hit on), "== 5", "> 5", "% 5" (every 5th); the zero
// value stops at every hit.
type HitCount struct {
	op string
	n  int
}

// ParseHitCount reads a hit condition; "" is the zero HitCount.
func ParseHitCount(cond string) (HitCount, error) {
	cond = strings.TrimSpace(cond)
	if cond == "" {
		return HitCount{}, nil
	}
	op := ">="
	for _, o := range []string{">=", "==", ">", "%"} {
		if strings.HasPrefix(cond, o) {
			op, cond = o, strings.TrimSpace(cond[len(o):])
			break
		}
	}
	n, err := strconv.Atoi(cond)
	if err != nil || n <= 0 {
		return HitCount{}, fmt.Errorf("hit count %q: write N, >= N, == N, > N or %% N, N a positive number", cond)
	}
	return HitCount{op: op, n: n}, nil
}

// Reached tells whether the hits-th hit stops.
func (h HitCount) Reached(hits int) bool {
	switch h.op {
	case "":
		return true
	case "==":
		return hits == h.n
	case ">":
		return hits > h.n
	case "%":
		return hits%h.n == 0
	}
	return hits >= h.n
}
