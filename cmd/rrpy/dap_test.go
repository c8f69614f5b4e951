//go:build linux && amd64

package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	godap "github.com/google/go-dap"
)

// dapClient drives `rrpy dap` over its stdin and stdout, as an editor.
type dapClient struct {
	t   *testing.T
	in  io.WriteCloser
	out *bufio.Reader
	seq int
	// events keeps the events read while waiting for a response.
	events []godap.Message
	thread int    // the last stopped event's thread
	output string // what output events said
}

func startDAP(t *testing.T, env ...string) *dapClient {
	t.Helper()
	cmd := rrpyCommand(env, "dap")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			t.Errorf("rrpy dap did not end when its stdin closed")
		}
	})
	return &dapClient{t: t, in: in, out: bufio.NewReader(out)}
}

// request sends a request with its arguments.
func (c *dapClient) request(command string, args any) int {
	c.t.Helper()
	c.seq++
	raw, err := json.Marshal(args)
	if err != nil {
		c.t.Fatal(err)
	}
	msg := map[string]any{"seq": c.seq, "type": "request", "command": command}
	if args != nil {
		msg["arguments"] = json.RawMessage(raw)
	}
	data, err := json.Marshal(msg)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := godap.WriteBaseMessage(c.in, data); err != nil {
		c.t.Fatal(err)
	}
	return c.seq
}

// read reads the next message, with a deadline.
func (c *dapClient) read() godap.Message {
	c.t.Helper()
	type result struct {
		m   godap.Message
		err error
	}
	ch := make(chan result, 1)
	go func() {
		m, err := godap.ReadProtocolMessage(c.out)
		ch <- result{m, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatalf("read from rrpy dap: %v", r.err)
		}
		return r.m
	case <-time.After(60 * time.Second):
		c.t.Fatalf("rrpy dap said nothing for a minute")
	}
	return nil
}

// call sends a request and returns its response, keeping events.
func (c *dapClient) call(command string, args any) godap.ResponseMessage {
	c.t.Helper()
	seq := c.request(command, args)
	for {
		m := c.read()
		if r, ok := m.(godap.ResponseMessage); ok && r.GetResponse().RequestSeq == seq {
			return r
		}
		if o, ok := m.(*godap.OutputEvent); ok {
			c.output += o.Body.Output
		}
		c.events = append(c.events, m)
	}
}

// ok calls and fails the test on an error response.
func (c *dapClient) ok(command string, args any) godap.ResponseMessage {
	c.t.Helper()
	r := c.call(command, args)
	if !r.GetResponse().Success {
		c.t.Fatalf("%s: %s", command, r.GetResponse().Message)
	}
	return r
}

// stopped waits for the next stopped event (or terminated: nil).
func (c *dapClient) stopped() *godap.StoppedEvent {
	c.t.Helper()
	for {
		var m godap.Message
		if len(c.events) > 0 {
			m, c.events = c.events[0], c.events[1:]
		} else {
			m = c.read()
		}
		switch e := m.(type) {
		case *godap.StoppedEvent:
			c.thread = e.Body.ThreadId
			return e
		case *godap.OutputEvent:
			c.output += e.Body.Output
		case *godap.TerminatedEvent:
			return nil
		}
	}
}

// location is the innermost frame's function and line.
func (c *dapClient) location() (string, int) {
	c.t.Helper()
	r := c.ok("stackTrace", godap.StackTraceArguments{ThreadId: c.thread}).(*godap.StackTraceResponse)
	if len(r.Body.StackFrames) == 0 {
		c.t.Fatal("no stack frames")
	}
	f := r.Body.StackFrames[0]
	return f.Name, f.Line
}

// TestDAPSession debugs the seed demo from an editor's side: breakpoint
// with a condition, stack, variables expanded, evaluate, step back,
// reverse continue, a data breakpoint hit backward, a console command.
func TestDAPSession(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		rrpy(t, nil, "record", "-o", dir, "--", py, testdata(t, "py/seed_demo.py"))
		c := startDAP(t)
		init := c.ok("initialize", godap.InitializeRequestArguments{AdapterID: "rrpy"}).(*godap.InitializeResponse)
		if caps := init.Body; !caps.SupportsStepBack || !caps.SupportsDataBreakpoints || !caps.SupportsConditionalBreakpoints || !caps.SupportsGotoTargetsRequest {
			t.Fatalf("capabilities: %+v", caps)
		}
		c.ok("launch", map[string]any{"trace": dir})
		src := testdata(t, "py/seed_demo.py")
		bps := c.ok("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: src},
			Breakpoints: []godap.SourceBreakpoint{{Line: 9, Condition: "x.value == 6"}, {Line: 2}}}).(*godap.SetBreakpointsResponse)
		if len(bps.Body.Breakpoints) != 2 || !bps.Body.Breakpoints[0].Verified || bps.Body.Breakpoints[1].Verified {
			t.Errorf("setBreakpoints: %+v (line 2 is a comment: unverified)", bps.Body.Breakpoints)
		}
		c.ok("configurationDone", nil)
		if ev := c.stopped(); ev == nil || ev.Body.Reason != "entry" {
			t.Fatalf("first stop: %+v", ev)
		}
		c.ok("continue", godap.ContinueArguments{ThreadId: 1})
		ev := c.stopped()
		if ev == nil || ev.Body.Reason != "breakpoint" || !strings.HasPrefix(ev.Body.Description, "time ") {
			t.Fatalf("continue: %+v", ev)
		}
		if fn, line := c.location(); fn != "<module>" || line != 9 {
			t.Fatalf("stopped at %s:%d, want <module>:9", fn, line)
		}
		// The condition held: x.value is 6 before line 9 adds 1.
		ev6 := c.ok("evaluate", godap.EvaluateArguments{Expression: "x.value", FrameId: 1, Context: "watch"}).(*godap.EvaluateResponse)
		if ev6.Body.Result != "6" {
			t.Errorf("evaluate x.value = %q, want 6", ev6.Body.Result)
		}
		scopes := c.ok("scopes", godap.ScopesArguments{FrameId: 1}).(*godap.ScopesResponse)
		vars := c.ok("variables", godap.VariablesArguments{VariablesReference: scopes.Body.Scopes[0].VariablesReference}).(*godap.VariablesResponse)
		var x godap.Variable
		for _, v := range vars.Body.Variables {
			if v.Name == "x" {
				x = v
			}
		}
		if x.VariablesReference == 0 || !strings.Contains(x.Value, "Foo object") {
			t.Fatalf("locals: %+v", vars.Body.Variables)
		}
		kids := c.ok("variables", godap.VariablesArguments{VariablesReference: x.VariablesReference}).(*godap.VariablesResponse)
		if len(kids.Body.Variables) != 1 || kids.Body.Variables[0].Name != "value" || kids.Body.Variables[0].Value != "6" {
			t.Errorf("x's attributes: %+v", kids.Body.Variables)
		}
		// Break when x.value changes, backward.
		info := c.ok("dataBreakpointInfo", godap.DataBreakpointInfoArguments{VariablesReference: x.VariablesReference, Name: "value"}).(*godap.DataBreakpointInfoResponse)
		id, _ := info.Body.DataId.(string)
		if !strings.HasPrefix(id, "$") || !strings.HasSuffix(id, ".value") {
			t.Fatalf("dataBreakpointInfo: %+v", info.Body)
		}
		c.ok("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: src}})
		c.ok("setDataBreakpoints", godap.SetDataBreakpointsArguments{Breakpoints: []godap.DataBreakpoint{{DataId: id}}})
		c.ok("reverseContinue", godap.ReverseContinueArguments{ThreadId: 1})
		if ev := c.stopped(); ev == nil || ev.Body.Reason != "data breakpoint" {
			t.Fatalf("reverse continue with a data breakpoint: %+v", ev)
		}
		if _, line := c.location(); line != 7 {
			t.Errorf("the data breakpoint stopped at line %d, want 7 (lst1[50].value += 1)", line)
		}
		c.ok("stepBack", godap.StepBackArguments{ThreadId: 1})
		if ev := c.stopped(); ev == nil || ev.Body.Reason != "step" {
			t.Fatalf("stepBack: %+v", ev)
		}
		if _, line := c.location(); line != 6 {
			t.Errorf("stepBack went to line %d, want 6", line)
		}
		// The console runs the shell's commands.
		c.ok("setDataBreakpoints", godap.SetDataBreakpointsArguments{})
		c.ok("evaluate", godap.EvaluateArguments{Expression: "go 1", Context: "repl"})
		if ev := c.stopped(); ev == nil || ev.Body.Reason != "goto" {
			t.Fatalf("go in the console: %+v", ev)
		}
		if _, line := c.location(); line != 1 {
			t.Errorf("go 1 went to line %d", line)
		}
		// A hit count: the third run of line 12 is the third item's.
		hc := c.ok("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: src},
			Breakpoints: []godap.SourceBreakpoint{{Line: 12, HitCondition: "== 3"}, {Line: 13, HitCondition: "often"}}}).(*godap.SetBreakpointsResponse)
		if b := hc.Body.Breakpoints; len(b) != 2 || !b[0].Verified || b[1].Verified || !strings.Contains(b[1].Message, "write N, >= N") {
			t.Errorf("setBreakpoints with hit counts: %+v", b)
		}
		c.ok("continue", godap.ContinueArguments{ThreadId: c.thread})
		if ev := c.stopped(); ev == nil || ev.Body.Reason != "breakpoint" {
			t.Fatalf("continue to the third hit: %+v", ev)
		}
		third := c.ok("evaluate", godap.EvaluateArguments{Expression: "x is lst1[2]", Context: "hover"}).(*godap.EvaluateResponse)
		if third.Body.Result != "True" {
			t.Errorf("at the third hit of line 12, x is lst1[2]: %s", third.Body.Result)
		}
		c.ok("disconnect", godap.DisconnectArguments{})
	})
}

// What the adapter cannot do it answers with an error, and goes on.
func TestDAPErrors(t *testing.T) {
	c := startDAP(t)
	for _, tc := range []struct {
		command string
		args    any
		want    string
	}{
		{"stackTrace", godap.StackTraceArguments{ThreadId: 1}, "no recording is open: launch one first"},
		{"launch", map[string]any{"trace": "/nonexistent/trace"}, "no trace at /nonexistent/trace"},
		{"launch", map[string]any{"trace": 7}, "launch arguments:"},
		{"frobnicate", nil, `rrpy does not handle "frobnicate" requests`},
		{"launch", map[string]any{"program": "app.py", "trace": "/tmp"}, "launch names a trace and a program: one or the other"},
	} {
		r := c.call(tc.command, tc.args)
		if r.GetResponse().Success || !strings.Contains(r.GetResponse().Message, tc.want) {
			t.Errorf("%s: %+v, want an error saying %q", tc.command, r.GetResponse(), tc.want)
		}
	}
	// Not DAP at all: the adapter says so and stays.
	if err := godap.WriteBaseMessage(c.in, []byte(`{"seq": 9, "type": "request", "command": "next", "arguments": "bad"}`)); err != nil {
		t.Fatal(err)
	}
	if r, ok := c.read().(godap.ResponseMessage); !ok || r.GetResponse().Success {
		t.Errorf("a malformed request: %+v", r)
	}
	c.ok("initialize", godap.InitializeRequestArguments{AdapterID: "rrpy"})
}

// A launch without a trace opens the latest; with none, it says how to
// make one.
func TestDAPNoLatestTrace(t *testing.T) {
	c := startDAP(t, "XDG_DATA_HOME="+t.TempDir())
	r := c.call("launch", map[string]any{})
	if r.GetResponse().Success || !strings.Contains(r.GetResponse().Message, "no trace yet: record one with rrpy record") {
		t.Errorf("launch with no trace recorded: %+v", r.GetResponse())
	}
}

// A launch with a program records it first; each Python thread is listed,
// the main thread first, and its stack and locals read where it waits;
// p runs only in the present's thread.
func TestDAPThreads(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		c := startDAP(t)
		c.ok("initialize", godap.InitializeRequestArguments{AdapterID: "rrpy"})
		src := testdata(t, "py/threads_queue.py")
		c.ok("launch", map[string]any{"program": src, "python": py})
		c.ok("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: src},
			Breakpoints: []godap.SourceBreakpoint{{Line: 13}}})
		c.ok("configurationDone", nil)
		c.stopped()
		c.ok("continue", godap.ContinueArguments{ThreadId: 1})
		ev := c.stopped()
		if ev == nil || ev.Body.Reason != "breakpoint" {
			t.Fatalf("continue: %+v", ev)
		}
		worker := ev.Body.ThreadId
		threads := c.ok("threads", nil).(*godap.ThreadsResponse).Body.Threads
		if len(threads) < 2 || !strings.HasPrefix(threads[0].Name, "main thread ") || threads[0].Id == worker {
			t.Fatalf("threads at the worker's breakpoint (thread %d): %+v", worker, threads)
		}
		st := c.ok("stackTrace", godap.StackTraceArguments{ThreadId: worker}).(*godap.StackTraceResponse)
		if f := st.Body.StackFrames; len(f) == 0 || f[0].Name != "worker" || f[0].Line != 13 {
			t.Fatalf("the worker's stack: %+v", f)
		}
		main := c.ok("stackTrace", godap.StackTraceArguments{ThreadId: threads[0].Id}).(*godap.StackTraceResponse).Body.StackFrames
		if len(main) < 2 || main[len(main)-1].Name != "<module>" {
			t.Fatalf("the main thread's stack: %+v", main)
		}
		scopes := c.ok("scopes", godap.ScopesArguments{FrameId: main[len(main)-1].Id}).(*godap.ScopesResponse)
		vars := c.ok("variables", godap.VariablesArguments{VariablesReference: scopes.Body.Scopes[0].VariablesReference}).(*godap.VariablesResponse)
		found := false
		for _, v := range vars.Body.Variables {
			found = found || (v.Name == "ts" && strings.HasPrefix(v.Value, "[<threading.Thread object at "))
		}
		if !found {
			t.Errorf("the main thread's module locals have no ts: %+v", vars.Body.Variables)
		}
		r := c.call("evaluate", godap.EvaluateArguments{Expression: "1", FrameId: main[0].Id, Context: "watch"})
		if r.GetResponse().Success || !strings.Contains(r.GetResponse().Message, "p runs in the thread the present is in") {
			t.Errorf("evaluate in another thread's frame: %+v", r.GetResponse())
		}
		c.ok("disconnect", godap.DisconnectArguments{})
	})
}

// Pause stops a long search at a stop point; a request while it runs is
// refused, and the adapter goes on.
func TestDAPPause(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	src := testdata(t, "py/long_loop.py")
	rrpy(t, nil, "record", "-o", dir, "--", "/usr/bin/python3.11", src, "200000")
	c := startDAP(t)
	c.ok("initialize", godap.InitializeRequestArguments{AdapterID: "rrpy"})
	c.ok("launch", map[string]any{"trace": dir})
	// The condition never holds: continue would look at every run of
	// line 6.
	c.ok("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: src},
		Breakpoints: []godap.SourceBreakpoint{{Line: 6, Condition: "i < 0"}}})
	c.ok("configurationDone", nil)
	c.stopped()
	c.ok("continue", godap.ContinueArguments{ThreadId: 1})
	r := c.call("stackTrace", godap.StackTraceArguments{ThreadId: 1})
	if r.GetResponse().Success || !strings.Contains(r.GetResponse().Message, "rrpy is searching the recording: pause it first") {
		t.Errorf("stackTrace during a search: %+v", r.GetResponse())
	}
	time.Sleep(200 * time.Millisecond)
	c.ok("pause", godap.PauseArguments{ThreadId: 1})
	ev := c.stopped()
	if ev == nil || ev.Body.Reason != "pause" {
		t.Fatalf("pause: %+v; output: %s", ev, c.output)
	}
	if fn, line := c.location(); fn != "<module>" || line < 5 || line > 6 {
		t.Errorf("paused at %s:%d, want the loop", fn, line)
	}
	c.ok("disconnect", godap.DisconnectArguments{})
}

// A source the editor cannot open, a -c program's or a file gone since
// the recording, comes with a source reference: the editor shows the
// recorded text (a source request), and breakpoints and goto work there.
func TestDAPSourceReference(t *testing.T) {
	py := anyPython(t)
	tmp := t.TempDir()
	command := "x = 1\ny = x + 1\nprint(y)\n"
	cTrace := filepath.Join(tmp, "c")
	rrpy(t, nil, "record", "-o", cTrace, "--", py, "-c", command)
	script := filepath.Join(tmp, "gone.py")
	demo, err := os.ReadFile(testdata(t, "py/seed_demo.py"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, demo, 0o644); err != nil {
		t.Fatal(err)
	}
	goneTrace := filepath.Join(tmp, "gone")
	rrpy(t, nil, "record", "-o", goneTrace, "--", py, script)

	// frameSource is the innermost frame's source at the entry.
	open := func(trace string) (*dapClient, godap.Source) {
		c := startDAP(t)
		c.ok("initialize", godap.InitializeRequestArguments{AdapterID: "rrpy"})
		c.ok("launch", map[string]any{"trace": trace})
		c.ok("configurationDone", nil)
		if ev := c.stopped(); ev == nil || ev.Body.Reason != "entry" {
			t.Fatalf("first stop: %+v", ev)
		}
		return c, c.frameSource()
	}
	text := func(c *dapClient, src godap.Source) string {
		return c.ok("source", godap.SourceArguments{Source: &src, SourceReference: src.SourceReference}).(*godap.SourceResponse).Body.Content
	}

	c, src := open(cTrace)
	if src.Name != "<string>" || src.Path != "" || src.SourceReference <= 0 || src.PresentationHint != "" {
		t.Errorf("the -c program's source: %+v", src)
	}
	if got := text(c, src); got != command {
		t.Errorf("the -c program's text: %q, want %q", got, command)
	}
	// As VS Code sends them from the editor showing it: the reference alone.
	byRef := godap.Source{Name: src.Name, SourceReference: src.SourceReference}
	bps := c.ok("setBreakpoints", godap.SetBreakpointsArguments{Source: byRef,
		Breakpoints: []godap.SourceBreakpoint{{Line: 3}}}).(*godap.SetBreakpointsResponse)
	if len(bps.Body.Breakpoints) != 1 || !bps.Body.Breakpoints[0].Verified {
		t.Fatalf("a breakpoint in the -c program: %+v", bps.Body.Breakpoints)
	}
	c.ok("continue", godap.ContinueArguments{ThreadId: c.thread})
	if ev := c.stopped(); ev == nil || ev.Body.Reason != "breakpoint" {
		t.Fatalf("continue to line 3 of the -c program: %+v", ev)
	}
	if _, line := c.location(); line != 3 {
		t.Errorf("stopped at line %d of the -c program, want 3", line)
	}
	targets := c.ok("gotoTargets", godap.GotoTargetsArguments{Source: byRef, Line: 2}).(*godap.GotoTargetsResponse)
	if len(targets.Body.Targets) != 1 || targets.Body.Targets[0].Line != 2 || !strings.HasSuffix(targets.Body.Targets[0].Label, "(earlier)") {
		t.Errorf("goto targets at line 2 of the -c program: %+v", targets.Body.Targets)
	}

	// A file that is there opens by its path; once gone, by reference.
	c, src = open(goneTrace)
	if src.Path != script || src.SourceReference != 0 {
		t.Errorf("a file that is there: %+v", src)
	}
	if err := os.Remove(script); err != nil {
		t.Fatal(err)
	}
	src = c.frameSource()
	if src.Name != "gone.py" || src.Path != script || src.SourceReference <= 0 || src.PresentationHint != "" {
		t.Errorf("a file gone since the recording: %+v", src)
	}
	if got := text(c, src); got != string(demo) {
		t.Errorf("the recorded text of a file gone since: %q", got)
	}
}

// frameSource is the innermost frame's source.
func (c *dapClient) frameSource() godap.Source {
	c.t.Helper()
	r := c.ok("stackTrace", godap.StackTraceArguments{ThreadId: c.thread}).(*godap.StackTraceResponse)
	if len(r.Body.StackFrames) == 0 || r.Body.StackFrames[0].Source == nil {
		c.t.Fatalf("no source for the innermost frame: %+v", r.Body.StackFrames)
	}
	return *r.Body.StackFrames[0].Source
}
