package shell

import (
	"fmt"
	"path"
	"sync/atomic"

	"rrpy/engine"
)

// history is history EXPR: every value EXPR took over the recording,
// with the line that changed it, one row each.
func (s *shell) history(arg string) error {
	if arg == "" {
		return userError("History of what? (history EXPR, EXPR as for watch)")
	}
	if _, err := s.watchable(arg, "history"); err != nil {
		return err
	}
	ctx, stop := s.moveContext()
	var found atomic.Int64
	var latest atomic.Uint64 // the time of the latest change found
	quiet := s.showProgressAs(func(from, now uint64) string {
		return historyProgress(found.Load(), latest.Load(), from, now)
	})
	changes, reached, err := engine.History(ctx, s.t, arg, func(c engine.Change) {
		latest.Store(c.Time)
		found.Add(1)
	})
	quiet()
	interrupted := ctx.Err() != nil
	stop()
	if err != nil && !interrupted {
		return fmt.Errorf("history of %s: %w", arg, err)
	}
	if interrupted && s.interactive {
		s.out.printf("\n") // past the terminal's ^C
	}
	s.printChanges(arg, changes)
	if interrupted {
		s.out.printf("Interrupted: the recording after time %d was not searched.\n", reached)
	}
	return nil
}

// historyProgress is the line a long history shows: how many values
// it has found, up to when, and what it replays now.
func historyProgress(found int64, latest, from, now uint64) string {
	if found == 0 {
		return fmt.Sprintf("[history: no value found yet; replaying %d..%d]", from, now)
	}
	return fmt.Sprintf("[history: %s found up to time %d; replaying %d..%d]", plural(int(found), "value"), latest, from, now)
}

// printChanges prints a history's rows aligned: the time, where the line
// that changed the value is (the first row: the start, and the value
// there), the value.
func (s *shell) printChanges(expr string, changes []engine.Change) {
	wheres := make([]string, len(changes))
	timeWidth, whereWidth := 0, 0
	for i, c := range changes {
		wheres[i] = fmt.Sprintf("%s:%d in %s", path.Base(c.File), c.Line, c.Func)
		timeWidth = max(timeWidth, len(fmt.Sprint(c.Time)))
		whereWidth = max(whereWidth, len(wheres[i]))
	}
	s.out.printf("%s took %s:\n", expr, plural(len(changes), "value"))
	for i, c := range changes {
		s.out.printf("  %*d  %-*s  %s\n", timeWidth, c.Time, whereWidth, wheres[i], c.Value)
	}
}
