package shell

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"rrpy/engine"
)

// What a move prints when it runs into an edge of the recording.
const (
	endMsg = "End of the recording."
	// shutdownMsg is said when a move goes past the main script's end.
	shutdownMsg = "The program is shutting down."
	startMsg    = "Start of the recording."
	topMsg      = "No caller."
)

func edgeMsg(backward bool) string {
	if backward {
		return startMsg
	}
	return endMsg
}

// moveFunc is one move of the Target, under a context that Ctrl-C cancels.
type moveFunc func(ctx context.Context) (engine.Stop, error)

// move runs m and prints where it ended: the breakpoint hit, the edge it
// ran into (edge), and the location. A move that ran into an edge without
// moving prints only the edge message: the location is already on screen.
func (s *shell) move(m moveFunc, backward bool, edge string) error {
	s.frame = 0    // pdb selects the innermost frame after a move
	s.queued = nil // a breakpoint's commands end where one moves
	was := s.t.Now()
	ctx, stop := s.moveContext()
	quiet := s.showProgress()
	st, err := m(ctx)
	quiet()
	interrupted := ctx.Err() != nil && (err == nil || errors.Is(err, context.Canceled))
	stop()
	if err != nil && !interrupted {
		return err
	}
	if interrupted && s.interactive {
		s.out.printf("\n") // past the terminal's ^C
	}
	if err := s.updateWatches(); err != nil {
		return err
	}
	if interrupted {
		now := s.t.Now()
		s.printLocation(now) // stopped early, at a valid time
		return s.updateDisplays(now)
	}
	hit := s.printHit(st, backward)
	switch {
	case st.Note != "":
		s.out.printf("%s\n", st.Note)
	case st.ShuttingDown && !was.ShuttingDown:
		s.out.printf("%s\n", shutdownMsg)
	}
	if st.AtEdge {
		if st.Note == "" {
			s.out.printf("%s\n", edge)
		}
		if st.Time == was.Time {
			return nil
		}
	}
	if hit == nil || !hit.silent() {
		s.printLocation(st.Location)
	}
	if hit != nil {
		s.queued = hit.commandsToRun()
	}
	return s.updateDisplays(st.Location)
}

// step is step N and bstep N: go NOW±N, clamped.
func (s *shell) step(arg string, backward bool) error {
	n := uint64(1)
	if arg != "" {
		var err error
		if n, err = strconv.ParseUint(arg, 10, 64); err != nil {
			return userError(fmt.Sprintf("step needs a count (a number), got '%s'", arg))
		}
	}
	target := addClamped(s.t.Now().Time, n, backward)
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		st, err := s.t.Go(ctx, target)
		// Go clamps silently; landing elsewhere than asked is the edge.
		st.AtEdge = st.AtEdge || st.Time != target
		return st, err
	}, backward, edgeMsg(backward))
}

// addClamped is now+n (backward: now-n) without wrapping around.
func addClamped(now, n uint64, backward bool) uint64 {
	switch {
	case backward && n > now:
		return 0
	case backward:
		return now - n
	case n > math.MaxUint64-now:
		return math.MaxUint64
	}
	return now + n
}

func (s *shell) next(arg string, backward bool) error {
	if err := noArg(arg); err != nil {
		return err
	}
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		return s.t.Next(ctx, backward)
	}, backward, edgeMsg(backward))
}

func (s *shell) finish(arg string, backward bool) error {
	if err := noArg(arg); err != nil {
		return err
	}
	edge := endMsg
	if backward {
		edge = topMsg
	}
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		return s.t.Finish(ctx, backward)
	}, backward, edge)
}

// until is pdb's until [LINE]: forward over calls to the first line of
// this frame past the current one (at or past LINE), or to where the
// frame returns. A loop's last line runs on to the line after the loop.
func (s *shell) until(arg string) error {
	now := s.t.Now()
	target := now.Line + 1
	if arg != "" {
		line, err := strconv.Atoi(arg)
		if err != nil {
			return userError(fmt.Sprintf("until needs a line number, got '%s'", arg))
		}
		if line <= now.Line {
			return refusal(fmt.Sprintf("\"until\" line number %d is not past the current line, %d", line, now.Line))
		}
		target = line
	}
	frames, err := s.t.Stack()
	if err != nil {
		return err
	}
	depth := len(frames)
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		for {
			st, err := s.t.Next(ctx, false)
			if err != nil || st.AtEdge || st.Note != "" || ctx.Err() != nil {
				return st, err
			}
			if st.Event != engine.LineStart || st.Line >= target {
				return st, nil
			}
			if frames, err = s.t.Stack(); err != nil || len(frames) < depth {
				return st, err // in the caller: the frame returned
			}
		}
	}, false, endMsg)
}

func (s *shell) switchThread(arg string, backward bool) error {
	if err := noArg(arg); err != nil {
		return err
	}
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		return s.t.SwitchThread(ctx, backward)
	}, backward, edgeMsg(backward))
}

func (s *shell) cont(arg string, backward bool) error {
	if err := noArg(arg); err != nil {
		return err
	}
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		return s.continueTo(ctx, backward)
	}, backward, edgeMsg(backward))
}

// goTo is go TIME | MARK. Times past either end are clamped by the
// Target: the edge is said, and the location printed says where it went.
func (s *shell) goTo(arg string) error {
	t, err := strconv.ParseUint(arg, 10, 64)
	if err != nil {
		var marked bool
		if t, marked = s.markTime(arg); !marked {
			return userError(fmt.Sprintf("go needs a time (a number) or a mark's name, got '%s'", arg))
		}
	}
	backward := t < s.t.Now().Time
	return s.move(func(ctx context.Context) (engine.Stop, error) {
		st, err := s.t.Go(ctx, t)
		// Clamped to the recording: a time past its end or before its
		// start is said to be so.
		st.AtEdge = st.Time != t
		return st, err
	}, backward, edgeMsg(backward))
}

// printHit says which breakpoint stopped a move, if one did, and returns
// it (nil for none, or another frontend's). A temporary one goes then,
// unless its condition raised (bdb keeps it, a hint). A breakpoint whose
// commands start with silent is not said.
func (s *shell) printHit(st engine.Stop, backward bool) *breakpoint {
	if st.Hit == nil {
		return nil
	}
	verb := "Hit"
	if backward {
		verb = "Reverse-hit"
	}
	b := s.find(st.Hit.ID)
	if b == nil { // another frontend's: name it as the Target kept it
		s.out.printf("%s %s %d: %s\n", verb, kind(*st.Hit), st.Hit.ID, describe(*st.Hit))
		return nil
	}
	if !b.silent() {
		s.out.printf("%s %s %d: %s\n", verb, kind(b.Breakpoint), b.ID, describe(b.Breakpoint))
	}
	if b.temporary && st.Note == "" {
		s.clearOne(b)
	}
	return b
}

// showProgress prints, while a move runs longer than s.progress, the
// stretch of time the Target goes through, on one line it rewrites; the
// returned function stops it and clears the line. The move's goroutine
// prints nothing meanwhile: the shell waits for it.
func (s *shell) showProgress() func() {
	return s.showProgressAs(func(from, now uint64) string { return fmt.Sprintf("[searching %d..%d]", from, now) })
}

// showProgressAs is showProgress with its own line, made from the span
// the target replays.
func (s *shell) showProgressAs(line func(from, now uint64) string) func() {
	r, ok := s.t.(engine.ProgressReporter)
	if s.progress == 0 || !ok {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	shown := false
	go func() {
		defer close(finished)
		tick := time.NewTimer(s.progress)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if from, now, ok := r.Progress(); ok {
				s.out.printf("\r%s\033[K", line(from, now))
				shown = true
			}
			tick.Reset(s.progress)
		}
	}()
	return func() {
		close(done)
		<-finished
		if shown {
			s.out.printf("\r\033[K")
		}
	}
}
