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
	out := make([]engine.Frame, len(frames))
	for i, f := range frames {
		out[i] = engine.Frame{File: f.Code.Filename, Line: f.Line, Func: f.Code.Name, FirstLine: f.Code.FirstLine}
	}
	return out, nil
}

// Locals returns the local variables of frame i of the stack.
func (tl *Timeline) Locals(frame int) ([]engine.Var, error) {
	rd, fr, err := tl.frameAt(frame)
	if err != nil {
		return nil, err
	}
	vars, err := rd.Locals(fr)
	if err != nil {
		return nil, err
	}
	out := make([]engine.Var, len(vars))
	for i, v := range vars {
		out[i] = tl.engineVar(rd, v, tl.localRepr(rd, v, frame))
	}
	return out, nil
}

// Globals returns the module globals frame i sees.
func (tl *Timeline) Globals(frame int) ([]engine.Var, error) {
	rd, fr, err := tl.frameAt(frame)
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
	return engine.Var{Name: v.Name, Repr: repr, Path: v.Path, Object: v.Addr, Expandable: rd.HasChildren(v.Addr)}
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

// frameAt returns frame i of the current stack.
func (tl *Timeline) frameAt(i int) (*pyframes.Reader, pyframes.Frame, error) {
	rd, frames, err := tl.frames()
	if err != nil {
		return nil, pyframes.Frame{}, err
	}
	if i < 0 || i >= len(frames) {
		return nil, pyframes.Frame{}, fmt.Errorf("no frame %d: the stack has %d", i, len(frames))
	}
	return rd, frames[i], nil
}

// Source returns a Python source file as it was when recorded.
func (tl *Timeline) Source(file string) ([]byte, error) { return tl.sources.get(file) }

// SourceFiles lists the recorded source files, for break FILE:LINE.
func (tl *Timeline) SourceFiles() []string { return tl.sources.files() }

// DefinesFunction tells whether a recorded source defines a function.
func (tl *Timeline) DefinesFunction(name string) bool { return len(tl.sources.defLines(name)) > 0 }

// Checkpoints returns the times of the checkpoints that exist.
func (tl *Timeline) Checkpoints() []uint64 { return tl.cps.times() }

// errNoReplay is returned when no replay stands at the present, which
// only a failed move leaves behind.
var errNoReplay = errors.New("the replay is not at a stop point: go somewhere first")
