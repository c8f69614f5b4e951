package snapshot

import (
	"context"
	"errors"

	"rrpy/engine"
	"rrpy/pyeval"
	"rrpy/pyframes"
)

// Stack returns the current call stack, outermost frame first.
func (tl *Timeline) Stack() ([]engine.Frame, error) {
	rd, cur, err := tl.currentFrame()
	if err != nil {
		return nil, err
	}
	frames, err := rd.Stack(cur.Addr)
	if err != nil {
		return nil, err
	}
	out := make([]engine.Frame, len(frames))
	for i, f := range frames {
		line := f.Line
		if i == 0 {
			line = tl.loc.Line // the probe's f_lineno, exact at a return too
		}
		out[len(frames)-1-i] = engine.Frame{File: f.Code.Filename, Line: line, Func: f.Code.Name}
	}
	return out, nil
}

// Locals returns the current frame's local variables.
func (tl *Timeline) Locals() ([]engine.Var, error) {
	rd, cur, err := tl.currentFrame()
	if err != nil {
		return nil, err
	}
	vars, err := rd.Locals(cur)
	if err != nil {
		return nil, err
	}
	out := make([]engine.Var, len(vars))
	for i, v := range vars {
		out[i] = engine.Var{Name: v.Name, Repr: tl.localRepr(rd, v)}
	}
	return out, nil
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
// run in the present's copy. If Python cannot say, the reader's.
func (tl *Timeline) localRepr(rd *pyframes.Reader, v pyframes.Var) string {
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
	res, err := tl.evaluate(ctx, sc, pyeval.Request{Source: v.Name, InFrame: true})
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

// currentFrame reads the frame of the current stop point, with what p
// changed there (`p n = 99`, then locals says 99, as in pdb).
func (tl *Timeline) currentFrame() (*pyframes.Reader, pyframes.Frame, error) {
	if tl.s == nil {
		return nil, pyframes.Frame{}, errNoReplay
	}
	rd := tl.reader()
	if tl.now.scratch != nil {
		rd = pyframes.NewReader(tl.now.scratch, tl.py)
	}
	cur, err := trapFrame(rd, tl.here)
	return rd, cur, err
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
