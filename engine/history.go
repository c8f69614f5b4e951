package engine

import (
	"context"
	"fmt"
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
// the recording to its end, oldest first, and where each began. It runs
// forward from the start with a watch on expr (the watchpoints' memory
// path where the expression allows), which stops at the first stop point
// after each change: the line that made it is the one that started at
// the stop point before, whose location a second forward pass reads.
// Forward, a change costs a trap; a backward continue per change would
// replay a window before each (hundreds of times slower on a loop that
// changes the value at every turn). It leaves the present where it
// found it.
//
// reached is how far the search went: the end of the recording, or
// where a canceled ctx stopped it, with ctx's error: the changes up to
// there are returned. found, if not nil, is told each change as the
// first pass finds it, its Location's Time alone known: a frontend's
// progress.
func History(ctx context.Context, t Target, expr string, found func(Change)) (changes []Change, reached uint64, err error) {
	here := t.Now().Time
	if s, ok := t.(Searcher); ok {
		defer s.Searching(s.Searching(true))
	}
	changes, reached, err = changesForward(ctx, t, expr, found)
	if err == nil {
		changes, reached, err = locate(ctx, t, changes, reached)
	}
	// The present comes back even when the search was interrupted.
	if _, backErr := t.Go(context.WithoutCancel(ctx), here); backErr != nil && err == nil {
		err = fmt.Errorf("back to time %d after the history of %s: %w", here, expr, backErr)
	}
	return changes, reached, err
}

// changesForward collects the changes from the start of the recording to
// its end: the first with the start's location, the others with the
// time of the line that made them only.
func changesForward(ctx context.Context, t Target, expr string, found func(Change)) ([]Change, uint64, error) {
	st, err := t.Go(ctx, 0) // clamped to the start
	if err != nil {
		return nil, t.Now().Time, err
	}
	var changes []Change
	add := func(c Change) {
		changes = append(changes, c)
		if found != nil {
			found(c)
		}
	}
	value, err := rowValue(ctx, t, expr)
	if err != nil {
		return nil, st.Time, err
	}
	add(Change{Location: st.Location, Value: value})
	watch := []Breakpoint{{ID: historyID, Watch: expr}}
	for {
		from := t.Now().Time
		st, err := t.Continue(ctx, false, watch)
		if err != nil || ctx.Err() != nil {
			return changes, t.Now().Time, err
		}
		switch {
		case st.Hit != nil:
			value, err := rowValue(ctx, t, expr)
			if err != nil {
				return changes, st.Time, err
			}
			add(Change{Location: Location{Time: st.Time - 1}, Value: value})
		case st.AtEdge || st.Time <= from:
			return changes, st.Time, nil
		}
		// A stop without a hit short of the end (a note) goes on.
	}
}

// locate reads where each change's line is, going to their times in
// order: one forward pass. Interrupted, it returns the changes located,
// complete up to the time of the first that is not.
func locate(ctx context.Context, t Target, changes []Change, reached uint64) ([]Change, uint64, error) {
	for i := 1; i < len(changes); i++ {
		st, err := t.Go(ctx, changes[i].Time)
		if err != nil || ctx.Err() != nil {
			return changes[:i], changes[i].Time, err
		}
		changes[i].Location = st.Location
	}
	return changes, reached, nil
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
