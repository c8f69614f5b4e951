package engine

import (
	"context"
	"fmt"
	"math"
)

// Change is one value a watch expression took over the recording.
type Change struct {
	// Location is the start of the line that changed the value; the
	// first Change's is the start of the recording, where the value was
	// already what it says.
	Location
	// Value is as a watch shows it (Value.Text), a repr or an exception,
	// but "not alive yet" or "freed" where a $N it uses names no object.
	Value string
}

// historyID numbers the watch History travels with, apart from the
// frontends' breakpoints.
const historyID = -2

// History returns every value a watch expression took from the start of
// the recording to its end, oldest first, and where each began: it runs
// back from the end with a watch on expr, which stops at the start of
// each line that changed the value (the watchpoints' memory path where
// the expression allows). It leaves the present where it found it. A
// canceled ctx ends the search early: the changes found are returned,
// the latest ones, with ctx's error. found, if not nil, is told each
// change as it is found, the latest first: a frontend's progress.
func History(ctx context.Context, t Target, expr string, found func(Change)) ([]Change, error) {
	here := t.Now().Time
	if s, ok := t.(Searcher); ok {
		defer s.Searching(s.Searching(true))
	}
	changes, err := changesBack(ctx, t, expr, found)
	// The present comes back even when the search was interrupted.
	if _, backErr := t.Go(context.WithoutCancel(ctx), here); backErr != nil && err == nil {
		err = fmt.Errorf("back to time %d after the history of %s: %w", here, expr, backErr)
	}
	return changes, err
}

// changesBack collects the changes from the end of the recording back to
// its start and returns them oldest first.
func changesBack(ctx context.Context, t Target, expr string, found func(Change)) ([]Change, error) {
	var newestFirst []Change
	add := func(c Change) {
		newestFirst = append(newestFirst, c)
		if found != nil {
			found(c)
		}
	}
	oldestFirst := func() []Change {
		out := make([]Change, len(newestFirst))
		for i, c := range newestFirst {
			out[len(out)-1-i] = c
		}
		return out
	}
	if _, err := t.Go(ctx, math.MaxUint64); err != nil {
		return nil, err
	}
	value, err := rowValue(ctx, t, expr)
	if err != nil {
		return nil, err
	}
	watch := []Breakpoint{{ID: historyID, Watch: expr}}
	for {
		from := t.Now().Time
		st, err := t.Continue(ctx, true, watch)
		if err != nil || ctx.Err() != nil {
			return oldestFirst(), err
		}
		before, err := rowValue(ctx, t, expr)
		if err != nil {
			return oldestFirst(), err
		}
		switch {
		case st.Hit != nil:
			add(Change{Location: st.Location, Value: value})
			value = before
		case st.AtEdge || st.Time >= from:
			// The start: what the value was there opens the history.
			add(Change{Location: st.Location, Value: value})
			return oldestFirst(), nil
		}
		// A stop without a hit short of the start (a note) goes on.
	}
}

// rowValue is a watch expression's value at the present, as a history
// row shows it.
func rowValue(ctx context.Context, t Target, expr string) (string, error) {
	v, err := t.WatchValue(ctx, expr)
	if err != nil {
		return "", fmt.Errorf("evaluate %s at time %d: %w", expr, t.Now().Time, err)
	}
	if v.Absent != Present {
		return v.Absent.String(), nil
	}
	return v.Text(), nil
}
