package snapshot

import (
	"context"
	"errors"
	"fmt"

	"rrpy/engine"
	"rrpy/pyeval"
	"rrpy/pyframes"
)

// Stack returns the current call stack, innermost frame first.
func (tl *Timeline) Stack() ([]engine.Frame, error) {
	_, frames, err := tl.frames()
	if err != nil {
		return nil, err
	}
	return engineFrames(frames), nil
}

func engineFrames(frames []pyframes.Frame) []engine.Frame {
	out := make([]engine.Frame, len(frames))
	for i, f := range frames {
		out[i] = engine.Frame{File: f.Code.Filename, Line: f.Line, Func: f.Code.Name, FirstLine: f.Code.FirstLine}
	}
	return out
}

// Threads returns the program's Python threads at the present, the main
// thread first and then as they started, each with its stack as its
// thread state holds it.
func (tl *Timeline) Threads() ([]engine.Thread, error) {
	rd, current, err := tl.frames()
	if err != nil {
		return nil, err
	}
	states, err := rd.Threads()
	if err != nil {
		return nil, err
	}
	var out []engine.Thread
	for i := len(states) - 1; i >= 0; i-- { // the interpreter lists the newest first
		tid, frames, err := threadFrames(rd, states[i])
		if err != nil {
			return nil, err
		}
		th := engine.Thread{ID: tid, Main: i == len(states)-1}
		if tid == int(tl.here.Thread) {
			th.Current, frames = true, current
		}
		th.Frames = engineFrames(frames)
		out = append(out, th)
	}
	return out, nil
}

// threadFrames reads a thread state's tid and its stack.
func threadFrames(rd *pyframes.Reader, ts uint64) (tid int, frames []pyframes.Frame, err error) {
	if tid, err = rd.NativeThreadID(ts); err != nil {
		return 0, nil, err
	}
	top, err := rd.CurrentFrame(ts)
	if err != nil || top == 0 {
		return tid, nil, err
	}
	frames, err = rd.Stack(top)
	return tid, frames, err
}

// Locals returns the local variables of frame i of a thread's stack.
func (tl *Timeline) Locals(thread, frame int) ([]engine.Var, error) {
	rd, fr, current, err := tl.threadFrameAt(thread, frame)
	if err != nil {
		return nil, err
	}
	vars, err := rd.Locals(fr)
	if err != nil {
		return nil, err
	}
	if !current {
		return tl.engineVars(rd, vars), nil
	}
	out := make([]engine.Var, len(vars))
	for i, v := range vars {
		out[i] = tl.engineVar(rd, v, tl.localRepr(rd, v, frame))
	}
	return out, nil
}

// Globals returns the module globals frame i of a thread sees.
func (tl *Timeline) Globals(thread, frame int) ([]engine.Var, error) {
	rd, fr, _, err := tl.threadFrameAt(thread, frame)
	if err != nil {
		return nil, err
	}
	vars, err := rd.Globals(fr)
	if err != nil {
		return nil, err
	}
	return tl.engineVars(rd, vars), nil
}

// maxChildren bounds what Children lists of one object.
const maxChildren = 1000

// Children returns the parts of an object at the present, as p changed
// them.
func (tl *Timeline) Children(ctx context.Context, obj uint64) ([]engine.Var, error) {
	if err := tl.alive(ctx); err != nil {
		return nil, err
	}
	rd, _, err := tl.frames()
	if err != nil {
		return nil, err
	}
	vars, _, err := rd.Children(obj, maxChildren)
	if err != nil {
		return nil, err
	}
	return tl.engineVars(rd, vars), nil
}

// Anchor names a program's object $N; one p made is not the program's.
func (tl *Timeline) Anchor(ctx context.Context, obj uint64) (int, error) {
	if err := tl.alive(ctx); err != nil {
		return 0, err
	}
	if sc := tl.now.scratch; sc != nil && !tl.programHas(obj, sc) {
		return 0, fmt.Errorf("the object at %#x was made by p: it is not the program's", obj)
	}
	return tl.anchorFor(obj)
}

// engineVars turns the reader's variables into the engine's.
func (tl *Timeline) engineVars(rd *pyframes.Reader, vars []pyframes.Var) []engine.Var {
	out := make([]engine.Var, len(vars))
	for i, v := range vars {
		out[i] = tl.engineVar(rd, v, v.Repr)
	}
	return out
}

// engineVar is one, read by rd: the replay's memory, or the copy p
// changed the present in.
func (tl *Timeline) engineVar(rd *pyframes.Reader, v pyframes.Var, repr string) engine.Var {
	return engine.Var{Name: v.Name, Repr: repr, Path: v.Path, Arg: v.Arg, Object: v.Addr, Expandable: rd.HasChildren(v.Addr)}
}

// readerPrints tells the types whose reprs the reader prints as Python
// does though ExactRepr does not vouch for them (a class's type is
// `type` unless a metaclass, which may have a __repr__, made it).
func readerPrints(typeName string) bool {
	switch typeName {
	case "module", "type", "function", "builtin_function_or_method":
		return true
	}
	return false
}

// localRepr is a local variable's repr: the reader's when it is
// Python's, else Python's own (a user's __repr__, OrderedDict, deque...),
// run in the present's copy, in the variable's frame. If Python cannot
// say, the reader's.
func (tl *Timeline) localRepr(rd *pyframes.Reader, v pyframes.Var, frame int) string {
	if _, exact, err := rd.ExactRepr(v.Addr); err != nil || exact {
		return v.Repr
	}
	if name, err := rd.TypeName(v.Addr); err != nil || readerPrints(name) {
		return v.Repr
	}
	ctx := context.Background()
	sc, err := tl.presentScratch(ctx)
	if err != nil {
		return v.Repr
	}
	res, err := tl.evaluate(ctx, sc, pyeval.Request{Source: v.Name, InFrame: true, Depth: frame})
	if err != nil {
		tl.dropScratch() // unusable; p's history stays
		return v.Repr
	}
	if res.Exception != "" || res.Statement {
		return v.Repr
	}
	return cutMiddle(res.Repr, rd.MaxString)
}

// cutMiddle shortens s to about n characters, as the reader cuts its
// reprs: the start, "...", the end.
func cutMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 8 {
		return s
	}
	return string(r[:n/2]) + "..." + string(r[len(r)-(n-n/2-3):])
}

// frames reads the current call stack, innermost first, with what p
// changed there (`p n = 99`, then locals says 99, as in pdb).
func (tl *Timeline) frames() (*pyframes.Reader, []pyframes.Frame, error) {
	if tl.s == nil {
		return nil, nil, errNoReplay
	}
	rd := tl.reader()
	if tl.now.scratch != nil {
		rd = pyframes.NewReader(tl.now.scratch, tl.py)
	}
	cur, err := trapFrame(rd, tl.here)
	if err != nil {
		return nil, nil, err
	}
	frames, err := rd.Stack(cur.Addr)
	if err != nil {
		return nil, nil, err
	}
	if len(frames) > 0 && frames[0].Addr == cur.Addr {
		frames[0].Line = cur.Line // the probe's line, exact at a return too
	}
	return rd, frames, nil
}

// threadFrameAt returns frame i of a thread's stack (thread 0: the
// current one's), and whether that is the current thread, whose frames p
// can run in.
func (tl *Timeline) threadFrameAt(thread, i int) (*pyframes.Reader, pyframes.Frame, bool, error) {
	rd, frames, err := tl.frames()
	if err != nil {
		return nil, pyframes.Frame{}, false, err
	}
	current := thread == 0 || thread == int(tl.here.Thread)
	if !current {
		if frames, err = tl.otherThreadFrames(rd, thread); err != nil {
			return nil, pyframes.Frame{}, false, err
		}
	}
	if i < 0 || i >= len(frames) {
		return nil, pyframes.Frame{}, false, fmt.Errorf("no frame %d: the stack has %d", i, len(frames))
	}
	return rd, frames[i], current, nil
}

// otherThreadFrames reads the stack of the thread whose tid is tid.
func (tl *Timeline) otherThreadFrames(rd *pyframes.Reader, tid int) ([]pyframes.Frame, error) {
	states, err := rd.Threads()
	if err != nil {
		return nil, err
	}
	for _, ts := range states {
		id, err := rd.NativeThreadID(ts)
		if err != nil {
			return nil, err
		}
		if id == tid {
			_, frames, err := threadFrames(rd, ts)
			return frames, err
		}
	}
	return nil, fmt.Errorf("no Python thread %d at time %d", tid, tl.here.Time)
}

// Source returns a Python source file as it was when recorded.
func (tl *Timeline) Source(file string) ([]byte, error) { return tl.sources.get(file) }

// SourceFiles lists the recorded source files, for break FILE:LINE.
func (tl *Timeline) SourceFiles() []string { return tl.sources.files() }

// Functions lists the names of the functions the recorded sources
// define.
func (tl *Timeline) Functions() []string { return tl.sources.functions() }

// DefinesFunction tells whether a recorded source defines a function.
func (tl *Timeline) DefinesFunction(name string) bool { return len(tl.sources.defLines(name)) > 0 }

// Checkpoints returns the times of the checkpoints that exist.
func (tl *Timeline) Checkpoints() []uint64 { return tl.cps.times() }

// CheckpointMemory measures the memory the checkpoints hold now (their
// processes' PSS summed, less the program's own RSS), the program's
// largest resident set so far, and the bound on the first.
func (tl *Timeline) CheckpointMemory() (held, program, bound uint64, err error) {
	m, err := tl.cps.measure(tl.s)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("measure the checkpoints: %w", err)
	}
	return m.Held, m.Program, uint64(tl.cps.memFactor * float64(m.Program)), nil
}

// errNoReplay is returned when no replay stands at the present, which
// only a failed move leaves behind.
var errNoReplay = errors.New("the replay is not at a stop point: go somewhere first")
