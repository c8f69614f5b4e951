package dap

import (
	"context"
	"fmt"
	"strings"

	godap "github.com/google/go-dap"

	"rrpy/engine"
)

// moveRun is a move under way in its own goroutine.
type moveRun struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// startMove runs fn in its own goroutine, then says where it stopped. The
// request is answered when the move starts, as DAP has it.
func (a *adapter) startMove(ack godap.Message, reason string, fn func(ctx context.Context) (engine.Stop, error)) {
	a.send(ack)
	a.runMove(func(ctx context.Context) func() {
		before := a.target.Now()
		st, err := fn(ctx)
		switch {
		case err != nil:
			a.send(&godap.OutputEvent{Event: a.event("output"),
				Body: godap.OutputEventBody{Category: "stderr", Output: "rrpy: " + err.Error() + "\n"}})
			return func() { a.stopped(engine.Stop{Location: a.target.Now()}, "pause", "") }
		case ctx.Err() != nil:
			st.Hit = nil // where the pause found it, maybe a hit not yet taken
			return func() { a.stopped(st, "pause", "") }
		case st.AtEdge && st.Note == "" && st.Time == before.Time && st.Hit == nil && reason == "continue":
			// Continue at the end of the recording: the session is over.
			return func() { a.send(&godap.TerminatedEvent{Event: a.event("terminated")}) }
		default:
			return func() { a.stopped(st, reason, "") }
		}
	})
}

// runMove runs fn in a goroutine that pause can cancel. What fn returns
// runs once the move is over, under the adapter's lock: a request the
// client sends on the stopped event finds the move finished.
func (a *adapter) runMove(fn func(ctx context.Context) (finish func())) {
	ctx, cancel := context.WithCancel(context.Background())
	run := &moveRun{cancel: cancel, done: make(chan struct{})}
	a.move = run
	go func() {
		defer close(run.done)
		defer cancel()
		finish := fn(ctx)
		a.mu.Lock()
		defer a.mu.Unlock()
		a.move = nil
		finish()
	}()
}

// pause stops the move under way at a valid stop point.
func (a *adapter) pause(m *godap.PauseRequest) {
	a.mu.Lock()
	if a.move != nil {
		a.move.cancel()
		a.console.Interrupt()
	}
	a.mu.Unlock()
	a.send(&godap.PauseResponse{Response: a.response(&m.Request)})
}

// stopMove stops the move under way and waits for it.
func (a *adapter) stopMove() {
	a.mu.Lock()
	run := a.move
	if run != nil {
		run.cancel()
		a.console.Interrupt()
	}
	a.mu.Unlock()
	if run != nil {
		<-run.done
	}
}

// stopped tells the client where the present is now, and why: the time
// in the description, an uncaught exception as an exception.
func (a *adapter) stopped(st engine.Stop, reason, text string) {
	a.refs.reset()
	desc := fmt.Sprintf("time %d", st.Time)
	var hits []int
	switch {
	case strings.HasPrefix(st.Note, uncaughtPrefix):
		reason, text = "exception", strings.TrimPrefix(st.Note, uncaughtPrefix)
		desc = st.Note + " (" + desc + ")"
	case st.Note != "":
		desc = st.Note + " (" + desc + ")"
	case st.Hit != nil && st.Hit.Watch != "":
		reason = "data breakpoint"
		desc = fmt.Sprintf("%s changed (%s)", st.Hit.Watch, desc)
		hits = []int{st.Hit.ID}
	case st.Hit != nil:
		reason, hits = "breakpoint", []int{st.Hit.ID}
	case st.AtEdge:
		desc = "an end of the recording (" + desc + ")"
	}
	a.send(&godap.StoppedEvent{Event: a.event("stopped"), Body: godap.StoppedEventBody{
		Reason: reason, Description: desc, Text: text, ThreadId: threadID(st.Location),
		AllThreadsStopped: true, HitBreakpointIds: hits}})
}

// uncaughtPrefix opens the note of a stop where an uncaught exception was
// raised.
const uncaughtPrefix = "Uncaught exception: "

func (a *adapter) cont(msg godap.Message) error {
	req := msg.(*godap.ContinueRequest)
	a.startMove(&godap.ContinueResponse{Response: a.response(&req.Request),
		Body: godap.ContinueResponseBody{AllThreadsContinued: true}}, "continue",
		func(ctx context.Context) (engine.Stop, error) { return a.continueTo(ctx, false) })
	return nil
}

func (a *adapter) reverseContinue(msg godap.Message) error {
	req := msg.(*godap.ReverseContinueRequest)
	a.startMove(&godap.ReverseContinueResponse{Response: a.response(&req.Request)}, "reverse continue",
		func(ctx context.Context) (engine.Stop, error) { return a.continueTo(ctx, true) })
	return nil
}

// continueTo runs to the next (previous) hit whose condition and hit
// count hold, or to an end of the recording.
func (a *adapter) continueTo(ctx context.Context, backward bool) (engine.Stop, error) {
	return engine.ContinueTaking(ctx, a.target, backward, a.allBreakpoints(), func(ctx context.Context, st engine.Stop) (bool, error) {
		stop, note, err := a.takes(ctx, st.Hit.ID)
		if note != "" && ctx.Err() == nil {
			a.send(&godap.OutputEvent{Event: a.event("output"),
				Body: godap.OutputEventBody{Category: "console", Output: fmt.Sprintf("rrpy: at time %d, %s\n", st.Time, note)}})
		}
		return stop, err
	})
}

func (a *adapter) next(msg godap.Message) error {
	req := msg.(*godap.NextRequest)
	a.startMove(&godap.NextResponse{Response: a.response(&req.Request)}, "step",
		func(ctx context.Context) (engine.Stop, error) { return a.target.Next(ctx, false) })
	return nil
}

// stepBack is bnext: back over calls, as Step Over is next.
func (a *adapter) stepBack(msg godap.Message) error {
	req := msg.(*godap.StepBackRequest)
	a.startMove(&godap.StepBackResponse{Response: a.response(&req.Request)}, "step",
		func(ctx context.Context) (engine.Stop, error) { return a.target.Next(ctx, true) })
	return nil
}

// stepIn is step: the next stop point, into calls.
func (a *adapter) stepIn(msg godap.Message) error {
	req := msg.(*godap.StepInRequest)
	a.startMove(&godap.StepInResponse{Response: a.response(&req.Request)}, "step",
		func(ctx context.Context) (engine.Stop, error) { return a.target.Go(ctx, a.target.Now().Time+1) })
	return nil
}

func (a *adapter) stepOut(msg godap.Message) error {
	req := msg.(*godap.StepOutRequest)
	a.startMove(&godap.StepOutResponse{Response: a.response(&req.Request)}, "step",
		func(ctx context.Context) (engine.Stop, error) { return a.target.Finish(ctx, false) })
	return nil
}

// gotoTargets offers, for a line, the times it last ran before the
// present and first runs after it: a goto there travels in time.
func (a *adapter) gotoTargets(msg godap.Message) error {
	req := msg.(*godap.GotoTargetsRequest)
	file := a.sources.path(req.Arguments.Source)
	if file == "" {
		return fmt.Errorf("goto needs a source file")
	}
	ctx := context.Background()
	here := a.target.Now().Time
	bp := []engine.Breakpoint{{ID: gotoID, File: file, Line: req.Arguments.Line}}
	var targets []godap.GotoTarget
	for _, backward := range []bool{true, false} {
		st, err := a.target.Continue(ctx, backward, bp)
		if err != nil {
			return err
		}
		if st.Hit != nil {
			when := "later"
			if backward {
				when = "earlier"
			}
			targets = append(targets, godap.GotoTarget{Id: int(st.Time), Line: st.Line,
				Label: fmt.Sprintf("line %d at time %d (%s)", st.Line, st.Time, when)})
		}
		if _, err := a.target.Go(ctx, here); err != nil {
			return err
		}
	}
	a.send(&godap.GotoTargetsResponse{Response: a.response(&req.Request), Body: godap.GotoTargetsResponseBody{Targets: targets}})
	return nil
}

// gotoID numbers the breakpoint gotoTargets looks with.
const gotoID = -1

// gotoTime goes to a time: a goto target's id.
func (a *adapter) gotoTime(msg godap.Message) error {
	req := msg.(*godap.GotoRequest)
	t := uint64(max(req.Arguments.TargetId, 0))
	a.startMove(&godap.GotoResponse{Response: a.response(&req.Request)}, "goto",
		func(ctx context.Context) (engine.Stop, error) { return a.target.Go(ctx, t) })
	return nil
}
