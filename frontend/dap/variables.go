package dap

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	godap "github.com/google/go-dap"

	"rrpy/engine"
	"rrpy/frontend/shell"
)

// refs are the references of one stop, forgotten when the present moves:
// variables references (scopes of frames, objects to expand) and frame
// ids, each numbered from 1.
type refs struct {
	list   []ref
	frames []frameRef
}

// ref is a scope (a frame's locals or globals) or a program's object.
type ref struct {
	frame    frameRef
	globals  bool
	obj      uint64
	evalName string // how Python reaches the object, for its children's names
}

// frameRef is frame index of a thread's stack: thread 0 is the current
// one, where p runs; others are named by tid.
type frameRef struct {
	thread, index int
}

func (r *refs) reset() { r.list, r.frames = nil, nil }

func (r *refs) add(x ref) int {
	r.list = append(r.list, x)
	return len(r.list)
}

func (r *refs) get(id int) (ref, bool) {
	if id < 1 || id > len(r.list) {
		return ref{}, false
	}
	return r.list[id-1], true
}

func (r *refs) addFrame(f frameRef) int {
	r.frames = append(r.frames, f)
	return len(r.frames)
}

// frame returns the frame a DAP frame id names; 0, as a request without
// one sends, is the current thread's innermost.
func (r *refs) frame(id int) (frameRef, error) {
	if id == 0 {
		return frameRef{}, nil
	}
	if id < 1 || id > len(r.frames) {
		return frameRef{}, fmt.Errorf("no frame %d here: the present moved", id)
	}
	return r.frames[id-1], nil
}

func (a *adapter) stackTrace(msg godap.Message) error {
	req := msg.(*godap.StackTraceRequest)
	thread, frames, err := a.threadStack(req.Arguments.ThreadId)
	if err != nil {
		return err
	}
	start := min(max(req.Arguments.StartFrame, 0), len(frames))
	end := len(frames)
	if req.Arguments.Levels > 0 {
		end = min(start+req.Arguments.Levels, end)
	}
	out := make([]godap.StackFrame, 0, end-start)
	for i := start; i < end; i++ {
		f := frames[i]
		id := a.refs.addFrame(frameRef{thread: thread, index: i})
		out = append(out, godap.StackFrame{Id: id, Name: f.Func, Line: f.Line, Column: 1, Source: a.frameSource(f.File)})
	}
	a.send(&godap.StackTraceResponse{Response: a.response(&req.Request),
		Body: godap.StackTraceResponseBody{StackFrames: out, TotalFrames: len(frames)}})
	return nil
}

// threadStack returns a thread's stack: the current thread's (thread 0)
// or another's, as it waits.
func (a *adapter) threadStack(id int) (thread int, frames []engine.Frame, err error) {
	if id == threadID(a.target.Now()) {
		frames, err := a.target.Stack()
		return 0, frames, err
	}
	threads, err := a.target.Threads()
	if err != nil {
		return 0, nil, err
	}
	for _, th := range threads {
		if th.ID == id {
			return id, th.Frames, nil
		}
	}
	return 0, nil, fmt.Errorf("no Python thread %d at time %d", id, a.target.Now().Time)
}

// frameSource names a frame's file so the client shows it: by its path
// when the file is there to open; otherwise (a -c program's "<string>", a
// file gone since the recording) by a source reference, for which the
// client asks the recorded text with a source request; deemphasized when
// the recording kept no text either ("<frozen codecs>").
func (a *adapter) frameSource(file string) *godap.Source {
	src := &godap.Source{Name: file}
	if !strings.HasPrefix(file, "<") {
		src.Name, src.Path = filepath.Base(file), file
		if _, err := os.Stat(file); err == nil {
			return src
		}
	}
	if _, err := a.target.Source(file); err == nil {
		src.SourceReference = a.sources.ref(file)
	} else {
		src.PresentationHint = "deemphasize"
	}
	return src
}

// sourceRefs number the files frameSource gives a source reference, for
// the whole session, as DAP has them.
type sourceRefs struct {
	ids   map[string]int
	files []string // file i+1
}

func (s *sourceRefs) ref(file string) int {
	if id, ok := s.ids[file]; ok {
		return id
	}
	if s.ids == nil {
		s.ids = map[string]int{}
	}
	s.files = append(s.files, file)
	s.ids[file] = len(s.files)
	return len(s.files)
}

// path is the file a client's source names: the one its reference stands
// for, else its path. A breakpoint or a goto in a source shown by
// reference comes with the reference alone.
func (s *sourceRefs) path(src godap.Source) string {
	if src.SourceReference > 0 && src.SourceReference <= len(s.files) {
		return s.files[src.SourceReference-1]
	}
	return src.Path
}

func (a *adapter) scopes(msg godap.Message) error {
	req := msg.(*godap.ScopesRequest)
	frame, err := a.refs.frame(req.Arguments.FrameId)
	if err != nil {
		return err
	}
	a.send(&godap.ScopesResponse{Response: a.response(&req.Request), Body: godap.ScopesResponseBody{Scopes: []godap.Scope{
		{Name: "Locals", PresentationHint: "locals", VariablesReference: a.refs.add(ref{frame: frame})},
		{Name: "Globals", VariablesReference: a.refs.add(ref{frame: frame, globals: true}), Expensive: true},
	}}})
	return nil
}

func (a *adapter) variables(msg godap.Message) error {
	req := msg.(*godap.VariablesRequest)
	r, ok := a.refs.get(req.Arguments.VariablesReference)
	if !ok {
		return fmt.Errorf("no variables reference %d here: the present moved", req.Arguments.VariablesReference)
	}
	var vars []engine.Var
	var err error
	switch {
	case r.obj != 0:
		vars, err = a.target.Children(context.Background(), r.obj)
	case r.globals:
		vars, err = a.target.Globals(r.frame.thread, r.frame.index)
	default:
		vars, err = a.target.Locals(r.frame.thread, r.frame.index)
	}
	if err != nil {
		return err
	}
	out := make([]godap.Variable, len(vars))
	for i, v := range vars {
		out[i] = a.variable(v, r)
	}
	a.send(&godap.VariablesResponse{Response: a.response(&req.Request), Body: godap.VariablesResponseBody{Variables: out}})
	return nil
}

// variable is an engine variable for the client: expandable objects get
// a reference, and each its Python name.
func (a *adapter) variable(v engine.Var, parent ref) godap.Variable {
	name := v.Name
	if parent.obj != 0 {
		name = ""
		if v.Path != "" && parent.evalName != "" {
			name = parent.evalName + v.Path
		}
	}
	dv := godap.Variable{Name: v.Name, Value: v.Repr, EvaluateName: name}
	if v.Expandable {
		dv.VariablesReference = a.refs.add(ref{obj: v.Object, evalName: name})
	}
	return dv
}

// evaluate runs Python as p does (the console, watch expressions,
// hovers), in the frame asked; a console line that names a shell command
// runs as the shell runs it.
func (a *adapter) evaluate(msg godap.Message) error {
	req := msg.(*godap.EvaluateRequest)
	expr := strings.TrimSpace(req.Arguments.Expression)
	if req.Arguments.Context == "repl" && shell.IsCommand(expr) {
		a.consoleCommand(req, expr)
		return nil
	}
	frame, err := a.refs.frame(req.Arguments.FrameId)
	if err != nil {
		return err
	}
	if frame.thread != 0 {
		return fmt.Errorf("p runs in the thread the present is in (%d), not thread %d: nthread in the console moves to the next stop of another", a.target.Now().Thread, frame.thread)
	}
	v, err := a.target.Print(context.Background(), expr, frame.index)
	if err != nil {
		return err
	}
	if v.Err != "" && req.Arguments.Context != "repl" {
		return fmt.Errorf("%s", v.Err)
	}
	body := godap.EvaluateResponseBody{Result: valueText(v, req.Arguments.Context == "repl")}
	if v.Object != 0 && v.Expandable {
		body.VariablesReference = a.refs.add(ref{obj: v.Object, evalName: fmt.Sprintf("$%d", v.Anchor)})
	}
	a.send(&godap.EvaluateResponse{Response: a.response(&req.Request), Body: body})
	return nil
}

// valueText is how p prints a value; in the console as the shell prints
// it, "$N = " first for the program's objects.
func valueText(v engine.Value, console bool) string {
	var b strings.Builder
	b.WriteString(v.Output)
	switch {
	case v.Err != "":
		b.WriteString(v.Err)
	case v.Statement:
	case console && v.Anchor >= 0:
		fmt.Fprintf(&b, "$%d = %s", v.Anchor, v.Repr)
	default:
		b.WriteString(v.Repr)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// consoleCommand runs a shell command from the Debug Console: it may move
// in time (go, continue, watch...), so it runs as a move, which pause can
// stop; what it prints goes to the console; if the present moved, the
// client hears where.
func (a *adapter) consoleCommand(req *godap.EvaluateRequest, line string) {
	a.runMove(func(ctx context.Context) func() {
		before := a.target.Now().Time
		a.console.Exec(line)
		return func() {
			a.send(&godap.EvaluateResponse{Response: a.response(&req.Request)})
			if now := a.target.Now(); now.Time != before {
				a.stopped(engine.Stop{Location: now}, "goto", "")
			}
		}
	})
}
