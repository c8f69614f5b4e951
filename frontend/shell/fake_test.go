package shell

import (
	"context"
	"fmt"
	"strings"

	"rrpy/engine"
)

// appPy is the fake recording's main script.
const appPy = `import os

def foo(n):
    # add one
    x = n + 1
    return x

def bad():
    raise ValueError("no")

y = foo(1)
try:
    bad()
except ValueError:
    """ignored"""
print(y)
`

const (
	app    = "/rec/app.py"
	frozen = "<frozen importlib._bootstrap>"
)

// step is one stop point of the fake recording.
type step struct {
	file  string
	line  int
	fn    string
	first int // FirstLine
	ev    engine.Event
	depth int  // frames below this one
	call  bool // the first stop point of a call
	vars  []engine.Var
}

// appScript is the fake recording: time t is script[t-1].
func appScript() []step {
	return []step{
		{file: app, line: 1, fn: "<module>", first: 1},                                                                                                        // 1
		{file: frozen, line: 1000, fn: "_find_and_load", first: 990, depth: 1, call: true},                                                                    // 2
		{file: app, line: 3, fn: "<module>", first: 1},                                                                                                        // 3
		{file: app, line: 8, fn: "<module>", first: 1},                                                                                                        // 4
		{file: app, line: 11, fn: "<module>", first: 1, vars: []engine.Var{{Name: "os", Repr: "<module 'os'>"}}},                                              // 5
		{file: app, line: 5, fn: "foo", first: 3, depth: 1, call: true, vars: []engine.Var{{Name: "n", Repr: "1", Arg: true}}},                                // 6
		{file: app, line: 6, fn: "foo", first: 3, depth: 1, vars: []engine.Var{{Name: "n", Repr: "1", Arg: true}, {Name: "x", Repr: "2"}}},                    // 7
		{file: app, line: 6, fn: "foo", first: 3, depth: 1, ev: engine.Return, vars: []engine.Var{{Name: "n", Repr: "1", Arg: true}, {Name: "x", Repr: "2"}}}, // 8
		{file: app, line: 12, fn: "<module>", first: 1},                                                                                                       // 9
		{file: app, line: 13, fn: "<module>", first: 1},                                                                                                       // 10
		{file: app, line: 9, fn: "bad", first: 8, depth: 1, call: true},                                                                                       // 11
		{file: app, line: 9, fn: "bad", first: 8, depth: 1, ev: engine.Unwind},                                                                                // 12
		{file: app, line: 14, fn: "<module>", first: 1},                                                                                                       // 13
		{file: app, line: 16, fn: "<module>", first: 1},                                                                                                       // 14
	}
}

// fakeTarget replays its script. Its moves follow the Target's contract
// closely enough for the shell's tests.
type fakeTarget struct {
	script      []step
	cur         int // index into script
	checkpoints []uint64
	err         error         // returned by every move when set
	started     chan struct{} // when set, Continue announces itself and waits for ctx
	cancelErr   bool          // an interrupted Continue also returns ctx.Err()
}

func newFake() *fakeTarget { return &fakeTarget{script: appScript()} }

func (f *fakeTarget) loc(i int) engine.Location {
	st := f.script[i]
	return engine.Location{Time: uint64(i + 1), Event: st.ev, File: st.file, Line: st.line,
		Func: st.fn, FirstLine: st.first, Thread: 1}
}

func (f *fakeTarget) stop(i int, edge bool, hit *engine.Breakpoint) (engine.Stop, error) {
	f.cur = i
	return engine.Stop{Location: f.loc(i), AtEdge: edge, Hit: hit}, nil
}

func (f *fakeTarget) Now() engine.Location { return f.loc(f.cur) }

func (f *fakeTarget) Go(_ context.Context, t uint64) (engine.Stop, error) {
	if f.err != nil {
		return engine.Stop{}, f.err
	}
	i := int(min(max(t, 1), uint64(len(f.script)))) - 1
	return f.stop(i, false, nil)
}

// scan returns the first index from cur in the direction that satisfies
// ok, or the edge and false.
func (f *fakeTarget) scan(backward bool, ok func(i int) bool) (int, bool) {
	d, end := 1, len(f.script)-1
	if backward {
		d, end = -1, 0
	}
	for i := f.cur + d; i >= 0 && i < len(f.script); i += d {
		if ok(i) {
			return i, true
		}
	}
	return end, false
}

func (f *fakeTarget) Next(_ context.Context, backward bool) (engine.Stop, error) {
	if f.err != nil {
		return engine.Stop{}, f.err
	}
	depth := f.script[f.cur].depth
	i, found := f.scan(backward, func(i int) bool { return f.script[i].depth <= depth })
	return f.stop(i, !found, nil)
}

func (f *fakeTarget) Finish(_ context.Context, backward bool) (engine.Stop, error) {
	if f.err != nil {
		return engine.Stop{}, f.err
	}
	depth := f.script[f.cur].depth
	i, found := f.scan(backward, func(i int) bool {
		s := f.script[i]
		return s.depth < depth || !backward && s.depth == depth && s.ev != engine.LineStart
	})
	if backward && !found {
		return f.stop(f.cur, true, nil) // no caller: do not move
	}
	return f.stop(i, !found, nil)
}

func (f *fakeTarget) Continue(ctx context.Context, backward bool, bps []engine.Breakpoint) (engine.Stop, error) {
	if f.started != nil {
		f.started <- struct{}{}
		<-ctx.Done()
		st, _ := f.stop(f.cur+2, false, nil)
		if f.cancelErr {
			return st, ctx.Err()
		}
		return st, nil
	}
	if f.err != nil {
		return engine.Stop{}, f.err
	}
	var hit *engine.Breakpoint
	i, found := f.scan(backward, func(i int) bool {
		hit = hits(f.script[i], bps)
		return hit != nil
	})
	return f.stop(i, !found, hit)
}

func hits(s step, bps []engine.Breakpoint) *engine.Breakpoint {
	for _, bp := range bps {
		if bp.Func != "" && s.call && s.fn == bp.Func ||
			bp.Func == "" && s.ev == engine.LineStart && s.line == bp.Line && strings.HasSuffix(s.file, bp.File) {
			return &bp
		}
	}
	return nil
}

func (f *fakeTarget) Stack() ([]engine.Frame, error) {
	var frames []engine.Frame
	for _, i := range f.frameSteps() {
		s := f.script[i]
		frames = append(frames, engine.Frame{File: s.file, Line: s.line, Func: s.fn, FirstLine: s.first})
	}
	return frames, nil
}

// frameSteps are the script's indexes where the frames of the stack
// last stood, innermost first.
func (f *fakeTarget) frameSteps() []int {
	var steps []int
	for i, depth := f.cur, f.script[f.cur].depth+1; i >= 0; i-- {
		if s := f.script[i]; s.depth < depth {
			steps = append(steps, i)
			depth = s.depth
		}
	}
	return steps
}

// frameVars are the variables of frame i of the stack, as they were when
// it last ran.
func (f *fakeTarget) frameVars(frame int) []engine.Var {
	steps := f.frameSteps()
	if frame < 0 || frame >= len(steps) {
		return nil
	}
	return f.script[steps[frame]].vars
}

func (f *fakeTarget) Threads() ([]engine.Thread, error) {
	frames, err := f.Stack()
	return []engine.Thread{{ID: 1, Current: true, Main: true, Frames: frames}}, err
}

// Locals knows the current thread's variables only.
func (f *fakeTarget) Locals(thread, frame int) ([]engine.Var, error) {
	if thread != 0 {
		return nil, nil
	}
	return f.frameVars(frame), nil
}

func (f *fakeTarget) Globals(int, int) ([]engine.Var, error) { return nil, nil }

func (f *fakeTarget) Children(context.Context, uint64) ([]engine.Var, error) { return nil, nil }

func (f *fakeTarget) Anchor(context.Context, uint64) (int, error) { return 0, nil }

func (f *fakeTarget) Source(file string) ([]byte, error) {
	if file == app {
		return []byte(appPy), nil
	}
	return nil, fmt.Errorf("no recorded source for %s", file)
}

func (f *fakeTarget) Checkpoints() []uint64 { return f.checkpoints }

// Print knows the frame's locals by name, as program objects; "$N" names
// the N-th local of the frame, and anything else is a syntax error, or a
// NameError for an identifier.
func (f *fakeTarget) Print(_ context.Context, src string, frame int) (engine.Value, error) {
	vars := f.frameVars(frame)
	if strings.HasPrefix(src, "print(*dir(os)") {
		return engine.Value{Repr: "None", Anchor: -1, Output: "path\npardir\nsep\n"}, nil
	}
	if cond, ok := strings.CutPrefix(src, "bool("); ok {
		return condition(strings.TrimSuffix(cond, ")"), vars), nil
	}
	for i, v := range vars {
		if v.Name == src || src == fmt.Sprintf("$%d", i) {
			return engine.Value{Repr: v.Repr, Anchor: i}, nil
		}
	}
	if src == "print('hi')" {
		return engine.Value{Repr: "None", Anchor: 0, Output: "hi\n"}, nil
	}
	if strings.HasSuffix(src, "+ 1000") {
		return engine.Value{Repr: "1001", Anchor: -1}, nil
	}
	if isIdentifier(src) {
		return engine.Value{Anchor: -1, Err: fmt.Sprintf("NameError: name '%s' is not defined", src)}, nil
	}
	if strings.HasPrefix(src, "$") {
		return engine.Value{Anchor: -1, Err: fmt.Sprintf("NameError: no constant object '%s'", src)}, nil
	}
	return engine.Value{Anchor: -1, Err: "SyntaxError: invalid syntax"}, nil
}

// WatchValue sees $N as Print does, and no names.
func (f *fakeTarget) WatchValue(ctx context.Context, expr string) (engine.Value, error) {
	if isIdentifier(expr) {
		return engine.Value{Anchor: -1, Err: fmt.Sprintf("NameError: name '%s' is not defined", expr)}, nil
	}
	return f.Print(ctx, expr, 0)
}

// SwitchThread finds no other thread: the fake recording has one.
func (f *fakeTarget) SwitchThread(_ context.Context, backward bool) (engine.Stop, error) {
	if backward {
		return f.stop(0, true, nil)
	}
	return f.stop(len(f.script)-1, true, nil)
}

// condition evaluates a breakpoint's condition as the shell asks for it:
// "NAME == REPR" compares a variable's repr, True and False are
// themselves, and a name the frame lacks raises.
func condition(cond string, vars []engine.Var) engine.Value {
	name, want, _ := strings.Cut(cond, " == ")
	if name == "True" || name == "False" {
		return engine.Value{Repr: name, Anchor: -1}
	}
	for _, v := range vars {
		if v.Name == name {
			return engine.Value{Repr: strings.ToUpper(fmt.Sprint(v.Repr == want)[:1]) + fmt.Sprint(v.Repr == want)[1:], Anchor: -1}
		}
	}
	return engine.Value{Anchor: -1, Err: fmt.Sprintf("NameError: name '%s' is not defined", name)}
}

// ReturnValue knows foo's return: x, its second local.
func (f *fakeTarget) ReturnValue(ctx context.Context) (engine.Value, error) {
	if f.script[f.cur].ev != engine.Return {
		return engine.Value{}, fmt.Errorf("time %d is not a return", f.cur+1)
	}
	return f.Print(ctx, "$1", 0)
}

// Evaluate is Print without $N names.
func (f *fakeTarget) Evaluate(ctx context.Context, src string, frame int) (engine.Value, error) {
	v, err := f.Print(ctx, src, frame)
	v.Anchor = -1
	return v, err
}
