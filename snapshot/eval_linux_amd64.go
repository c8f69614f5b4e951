package snapshot

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"rrpy/engine"
	"rrpy/ptrace"
	"rrpy/pyeval"
	"rrpy/session"
)

// errEvalTimeout is the cause of an evaluation that ran out of time.
var errEvalTimeout = errors.New("timeout")

// interruptedMsg is what an evaluation stopped by Ctrl-C says.
const interruptedMsg = "KeyboardInterrupt: the evaluation was stopped by Ctrl-C"

// present is what p changed at the present: a scratch copy of the program
// where it ran, and the sources that ran there. A copy that died (an
// evaluation crashed, did I/O, was interrupted) is made again, and the
// sources that had succeeded run in it again, silently: the same code on
// the same memory gives the same state.
type present struct {
	scratch *session.Scratch
	history []ran
}

// ran is a source p ran, in a frame of the stack.
type ran struct {
	src   string
	frame int
}

// Print evaluates Python source in a frame of the stack and names the
// value $N when the program had it.
func (tl *Timeline) Print(ctx context.Context, src string, frame int) (engine.Value, error) {
	return tl.eval(ctx, src, frame, true)
}

// Evaluate is Print without naming the value.
func (tl *Timeline) Evaluate(ctx context.Context, src string, frame int) (engine.Value, error) {
	return tl.eval(ctx, src, frame, false)
}

// eval evaluates Python source in a frame of the stack; with name, the
// program's value gets a $N.
func (tl *Timeline) eval(ctx context.Context, src string, frame int, name bool) (engine.Value, error) {
	if err := tl.alive(ctx); err != nil {
		return engine.Value{}, err
	}
	_, used := pyeval.Rewrite(src)
	objs, missing, err := tl.anchorObjects(ctx, used, tl.here.Time)
	if err != nil && ctx.Err() != nil {
		return engine.Value{Anchor: -1, Err: interruptedMsg}, nil // Ctrl-C while $N's life was searched
	}
	if err != nil {
		return engine.Value{Anchor: -1}, err
	}
	if missing != nil {
		return *missing, nil
	}
	sc, err := tl.presentScratch(ctx)
	if err != nil {
		return engine.Value{}, err
	}
	res, err := tl.evaluate(ctx, sc, pyeval.Request{Source: src, InFrame: true, Depth: frame, Anchors: objs})
	if err != nil {
		tl.dropScratch()
		msg, known := evalFailure(err)
		if !known {
			return engine.Value{}, err
		}
		return engine.Value{Anchor: -1, Err: msg}, nil
	}
	tl.now.history = append(tl.now.history, ran{src, frame})
	v := engine.Value{Repr: res.Repr, Statement: res.Statement, Output: res.Output, Err: res.Exception, Anchor: -1}
	if name && res.Existed && tl.programHas(res.Object, sc) {
		v.Anchor, err = tl.anchorFor(res.Object)
		v.Object, v.Expandable = res.Object, tl.reader().HasChildren(res.Object)
	}
	return v, err
}

// ReturnValue evaluates the value the frame returns at a return stop
// point, the probe's argument there, as p evaluates its $N: the object
// is the program's, whether or not it keeps it.
func (tl *Timeline) ReturnValue(ctx context.Context) (engine.Value, error) {
	if err := tl.alive(ctx); err != nil {
		return engine.Value{}, err
	}
	if tl.loc.Event != engine.Return {
		return engine.Value{}, fmt.Errorf("time %d is not a return: no value is returned there", tl.here.Time)
	}
	n, err := tl.anchorFor(tl.here.Arg)
	if err != nil {
		return engine.Value{}, fmt.Errorf("name the value returned at time %d: %w", tl.here.Time, err)
	}
	return tl.Print(ctx, fmt.Sprintf("$%d", n), 0)
}

// programHas tells whether an object of the copy is one of the program's:
// an object an earlier p made and stored (`p lst.append([1])`, then
// `p lst[-1]`) is referenced from elsewhere too, but the replay has no
// such object there: the same type word and a live count say it does.
func (tl *Timeline) programHas(obj uint64, sc *session.Scratch) bool {
	var mine, theirs [16]byte
	if sc.ReadMemory(obj, mine[:]) != nil || tl.s.Memory().ReadMemory(obj, theirs[:]) != nil {
		return false
	}
	refcnt := binary.LittleEndian.Uint64(theirs[:8])
	return refcnt > 0 && refcnt < 1<<40 && bytes.Equal(mine[8:], theirs[8:])
}

// evaluate runs one request in sc, within the evaluation timeout.
func (tl *Timeline) evaluate(ctx context.Context, sc *session.Scratch, req pyeval.Request) (pyeval.Result, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, tl.evalTimeout, errEvalTimeout)
	defer cancel()
	return tl.api.Evaluate(ctx, sc, req)
}

// evalFailure says what the user reads when an evaluation could not
// finish; known is false for rrpy's own failures.
func evalFailure(err error) (msg string, known bool) {
	var io *session.IOError
	var crash *session.CrashError
	switch {
	case errors.As(err, &io), errors.As(err, &crash):
		return err.Error(), true
	case errors.Is(err, errEvalTimeout):
		return "Timeout: the evaluation ran too long and was stopped", true
	case errors.Is(err, context.Canceled):
		return interruptedMsg, true
	case errors.Is(err, ptrace.ErrExited):
		return "the evaluation ended the program's copy", true
	}
	return "", false
}

// presentScratch returns the copy p runs in at the present, making it
// (and running again what succeeded in the one before) if needed.
func (tl *Timeline) presentScratch(ctx context.Context) (*session.Scratch, error) {
	if tl.now.scratch != nil {
		return tl.now.scratch, nil
	}
	sc, err := tl.s.Scratch()
	if err != nil {
		return nil, err
	}
	for i, r := range tl.now.history {
		// Its anchors were found alive here when it first ran: no search
		// (which would move the replay this copy hangs from).
		_, used := pyeval.Rewrite(r.src)
		objs, _ := tl.knownAnchors(used, tl.here.Time)
		_, err := tl.evaluate(ctx, sc, pyeval.Request{Source: r.src, InFrame: true, Depth: r.frame, Anchors: objs})
		sc.TakeOutput()
		if err != nil {
			// What ran once runs again; if not, what followed is lost.
			tl.now.history = tl.now.history[:i]
			sc.Close()
			if sc, err = tl.s.Scratch(); err != nil {
				return nil, err
			}
			break
		}
	}
	tl.now.scratch = sc
	return sc, nil
}

// dropScratch kills the present's copy, keeping its history: the
// replay that forked it reaps it, so it goes before the replay moves.
func (tl *Timeline) dropScratch() {
	if tl.now.scratch != nil {
		tl.now.scratch.Close()
		tl.now.scratch = nil
	}
}

// leave forgets what p changed: the present is about to move.
func (tl *Timeline) leave() {
	tl.dropScratch()
	tl.now.history = nil
}

// apiFor resolves the C API evaluations call, once.
func apiFor(s *session.Session) (*pyeval.API, error) {
	api, err := pyeval.NewAPI(s.Python())
	if err != nil {
		return nil, fmt.Errorf("this CPython cannot evaluate expressions: %w", err)
	}
	return api, nil
}
