package dap

import (
	"context"
	"fmt"
	"strings"

	godap "github.com/google/go-dap"

	"rrpy/engine"
)

// breakpoints are the editor's: by source file (the gutter), by function
// name, and on data (watches). The console's own join them.
type breakpoints struct {
	bySource map[string][]spec
	funcs    []spec
	data     []spec
	nextID   int
}

// spec is one breakpoint and what decides whether a hit stops: a
// condition (Python, in the frame hit) and a hit count.
type spec struct {
	bp   engine.Breakpoint
	rule engine.HitRule
}

// firstID numbers the editor's breakpoints apart from the console's (1,
// 2, ...).
const firstID = 10000

func newBreakpoints() *breakpoints {
	return &breakpoints{bySource: map[string][]spec{}, nextID: firstID}
}

// add numbers a breakpoint; a hit condition it cannot read makes its
// problem, for the client to show on an unverified breakpoint.
func (b *breakpoints) add(bp engine.Breakpoint, condition, hitCondition string) (s spec, problem string) {
	bp.ID = b.nextID
	b.nextID++
	hc, err := engine.ParseHitCount(hitCondition)
	if err != nil {
		problem = err.Error()
	}
	return spec{bp: bp, rule: engine.HitRule{Condition: condition, Count: hc}}, problem
}

// all lists them for the engine.
func (b *breakpoints) all() []engine.Breakpoint {
	var out []engine.Breakpoint
	for _, specs := range b.bySource {
		for _, s := range specs {
			out = append(out, s.bp)
		}
	}
	for _, s := range append(append([]spec(nil), b.funcs...), b.data...) {
		out = append(out, s.bp)
	}
	return out
}

// find returns the spec of a breakpoint number.
func (b *breakpoints) find(id int) *spec {
	for _, specs := range [][]spec{b.funcs, b.data} {
		for i := range specs {
			if specs[i].bp.ID == id {
				return &specs[i]
			}
		}
	}
	for _, specs := range b.bySource {
		for i := range specs {
			if specs[i].bp.ID == id {
				return &specs[i]
			}
		}
	}
	return nil
}

// takes tells whether a hit of breakpoint id stops, by its rule; the
// console's breakpoints by the console's. A condition that raises stops,
// and why is in note.
func (a *adapter) takes(ctx context.Context, id int) (stop bool, note string, err error) {
	s := a.bps.find(id)
	if s == nil {
		return a.console.Takes(ctx, id)
	}
	return s.rule.Takes(ctx, a.target)
}

// allBreakpoints are the editor's and the console's.
func (a *adapter) allBreakpoints() []engine.Breakpoint {
	return append(a.bps.all(), a.console.Breakpoints()...)
}

// setBreakpoints replaces the breakpoints of one source file. A line the
// recording never ran code at is not verified: pdb's rule, as the shell's.
func (a *adapter) setBreakpoints(msg godap.Message) error {
	req := msg.(*godap.SetBreakpointsRequest)
	path := a.sources.path(req.Arguments.Source)
	src, srcErr := a.target.Source(path)
	lines := strings.Split(string(src), "\n")
	var specs []spec
	var out []godap.Breakpoint
	for _, sb := range req.Arguments.Breakpoints {
		s, problem := a.bps.add(engine.Breakpoint{File: path, Line: sb.Line}, sb.Condition, sb.HitCondition)
		res := godap.Breakpoint{Id: s.bp.ID, Verified: true, Line: sb.Line, Source: &req.Arguments.Source}
		switch {
		case problem != "":
			res.Verified, res.Message = false, problem
		case srcErr != nil:
			res.Verified, res.Message = false, "the recording did not read this file"
		case sb.Line < 1 || sb.Line > len(lines) || codeless(lines[sb.Line-1]):
			res.Verified, res.Message = false, "no code at this line"
		default:
			specs = append(specs, s)
		}
		out = append(out, res)
	}
	a.bps.bySource[path] = specs
	a.send(&godap.SetBreakpointsResponse{Response: a.response(&req.Request), Body: godap.SetBreakpointsResponseBody{Breakpoints: out}})
	return nil
}

// codeless is a blank line, a comment or a docstring's first line.
func codeless(line string) bool {
	line = strings.TrimSpace(line)
	return line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, `"""`) || strings.HasPrefix(line, "'''")
}

func (a *adapter) setFunctionBreakpoints(msg godap.Message) error {
	req := msg.(*godap.SetFunctionBreakpointsRequest)
	a.bps.funcs = nil
	var out []godap.Breakpoint
	lister, _ := a.target.(engine.SourceLister)
	for _, fb := range req.Arguments.Breakpoints {
		s, problem := a.bps.add(engine.Breakpoint{Func: fb.Name}, fb.Condition, fb.HitCondition)
		res := godap.Breakpoint{Id: s.bp.ID, Verified: true}
		switch {
		case problem != "":
			res.Verified, res.Message = false, problem
		case lister != nil && !lister.DefinesFunction(fb.Name):
			res.Verified, res.Message = false, fmt.Sprintf("no function %s in the sources the recording read", fb.Name)
		default:
			a.bps.funcs = append(a.bps.funcs, s)
		}
		out = append(out, res)
	}
	a.send(&godap.SetFunctionBreakpointsResponse{Response: a.response(&req.Request),
		Body: godap.SetFunctionBreakpointsResponseBody{Breakpoints: out}})
	return nil
}

// dataBreakpointInfo offers a watch on a part of an object (an attribute,
// an item): $N, the object named at the present, and the part's path.
// A variable of a frame is no part of an object: a watch would not see it.
func (a *adapter) dataBreakpointInfo(msg godap.Message) error {
	req := msg.(*godap.DataBreakpointInfoRequest)
	body := godap.DataBreakpointInfoResponseBody{
		Description: "rrpy watches the parts of objects: expand the variable and break on one of its attributes or items",
	}
	if r, ok := a.refs.get(req.Arguments.VariablesReference); ok && r.obj != 0 {
		ctx := context.Background()
		children, err := a.target.Children(ctx, r.obj)
		if err != nil {
			return err
		}
		for _, c := range children {
			if c.Name != req.Arguments.Name || c.Path == "" {
				continue
			}
			n, err := a.target.Anchor(ctx, r.obj)
			if err != nil {
				return err
			}
			expr := fmt.Sprintf("$%d%s", n, c.Path)
			body.DataId, body.Description = expr, "when "+expr+" changes"
			body.AccessTypes = []godap.DataBreakpointAccessType{"write"}
			body.CanPersist = false
		}
	}
	a.send(&godap.DataBreakpointInfoResponse{Response: a.response(&req.Request), Body: body})
	return nil
}

// setDataBreakpoints replaces the watches; each one's data id is its
// expression ($N.attr, $N[k]).
func (a *adapter) setDataBreakpoints(msg godap.Message) error {
	req := msg.(*godap.SetDataBreakpointsRequest)
	a.bps.data = nil
	var out []godap.Breakpoint
	for _, db := range req.Arguments.Breakpoints {
		s, problem := a.bps.add(engine.Breakpoint{Watch: db.DataId}, db.Condition, db.HitCondition)
		res := godap.Breakpoint{Id: s.bp.ID, Verified: true}
		v, err := a.target.WatchValue(context.Background(), db.DataId)
		switch {
		case err != nil:
			return err
		case problem != "":
			res.Verified, res.Message = false, problem
		case strings.HasPrefix(v.Err, "SyntaxError"):
			res.Verified, res.Message = false, v.Err
		default:
			a.bps.data = append(a.bps.data, s)
		}
		out = append(out, res)
	}
	a.send(&godap.SetDataBreakpointsResponse{Response: a.response(&req.Request),
		Body: godap.SetDataBreakpointsResponseBody{Breakpoints: out}})
	return nil
}
