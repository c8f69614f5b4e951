// Package dap is rrpy's debug adapter: the Debug Adapter Protocol over a
// byte stream (stdin and stdout, or a TCP connection), for editors (VS
// Code, nvim-dap, Emacs dape, vimspector). It drives the same
// engine.Target as the shell, and hands the Debug Console's lines that
// name a shell command to a shell.Console: the editor can do all the
// shell does. Moves run in their own goroutine so that pause can stop
// them; other requests wait for none: one that comes while a move runs
// is answered with an error.
package dap

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	godap "github.com/google/go-dap"

	"rrpy/engine"
	"rrpy/frontend/shell"
)

// Launch is what a launch request asks for: a recording (Trace, or the
// latest when empty), or a program to record first; Process picks one of
// the recording's processes (rrpy ps) instead of the program's own.
type Launch struct {
	Trace   string   `json:"trace"`
	Process int      `json:"process"`
	Program string   `json:"program"`
	Args    []string `json:"args"`
	Python  string   `json:"python"`
	Cwd     string   `json:"cwd"`
}

// Opener opens what a launch asks for. The program's recorded output, as
// the replay shows it, goes to stdout and stderr; close ends the replay.
type Opener func(ctx context.Context, l Launch, stdout, stderr io.Writer) (t engine.Target, close func(), err error)

// Serve runs one debug session on conn, until the client disconnects or
// conn ends. Nothing of the session outlives it: the replay is closed.
func Serve(conn io.ReadWriter, open Opener) error {
	a := &adapter{r: bufio.NewReader(conn), w: conn, open: open, bps: newBreakpoints()}
	defer a.closeTarget()
	return a.loop()
}

// adapter is one session's state.
type adapter struct {
	r    *bufio.Reader
	wmu  sync.Mutex // the writer is shared with a move's goroutine and the program's output
	w    io.Writer
	seq  int
	open Opener

	target  engine.Target
	close   func()
	console *shell.Console
	bps     *breakpoints
	refs    refs
	sources sourceRefs

	// mu orders requests and the end of a move: a request's handler holds
	// it, and so does the move's goroutine while it says where it stopped.
	mu   sync.Mutex
	move *moveRun // the move under way, nil when none
}

// loop reads requests until disconnect or the end of the stream.
func (a *adapter) loop() error {
	for {
		data, err := godap.ReadBaseMessage(a.r)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read a DAP message: %w", err)
		}
		msg, err := godap.DecodeProtocolMessage(data)
		if err != nil {
			a.refuse(data, err)
			continue
		}
		req, ok := msg.(godap.RequestMessage)
		if !ok {
			continue // responses and events from the client: none expected
		}
		if done := a.dispatch(req); done {
			return nil
		}
	}
}

// refuse answers a request go-dap cannot decode: a command DAP does not
// have, or arguments of the wrong shape.
func (a *adapter) refuse(data []byte, err error) {
	var head struct {
		Seq     int    `json:"seq"`
		Command string `json:"command"`
	}
	if json.Unmarshal(data, &head) != nil || head.Command == "" {
		a.sendError(head.Seq, "", fmt.Sprintf("not a DAP request: %v", err))
		return
	}
	var unknown *godap.DecodeProtocolMessageFieldError
	if errors.As(err, &unknown) && unknown.FieldName == "command" {
		a.sendError(head.Seq, head.Command, fmt.Sprintf("rrpy does not handle %q requests", head.Command))
		return
	}
	a.sendError(head.Seq, head.Command, fmt.Sprintf("cannot read the %s request: %v", head.Command, err))
}

// dispatch answers one request and reports whether the session ended.
func (a *adapter) dispatch(msg godap.RequestMessage) (done bool) {
	req := msg.GetRequest()
	switch m := msg.(type) {
	case *godap.PauseRequest:
		a.pause(m)
		return false
	case *godap.DisconnectRequest:
		a.stopMove()
		a.closeTarget()
		a.send(&godap.DisconnectResponse{Response: a.response(req)})
		return true
	case *godap.TerminateRequest:
		a.stopMove()
		a.send(&godap.TerminateResponse{Response: a.response(req)})
		a.send(&godap.TerminatedEvent{Event: a.event("terminated")})
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.move != nil {
		a.sendError(req.Seq, req.Command, "rrpy is searching the recording: pause it first")
		return false
	}
	h, ok := handlers[req.Command]
	if !ok {
		a.sendError(req.Seq, req.Command, fmt.Sprintf("rrpy does not handle %q requests", req.Command))
		return false
	}
	if a.target == nil && req.Command != "initialize" && req.Command != "launch" {
		a.sendError(req.Seq, req.Command, "no recording is open: launch one first")
		return false
	}
	if err := h(a, msg); err != nil {
		a.sendError(req.Seq, req.Command, err.Error())
	}
	return false
}

// handler answers one kind of request; an error becomes the error
// response.
type handler func(a *adapter, msg godap.Message) error

// handlers are the requests rrpy answers, by command.
var handlers = map[string]handler{
	"initialize":             (*adapter).initialize,
	"launch":                 (*adapter).launch,
	"configurationDone":      (*adapter).configurationDone,
	"threads":                (*adapter).threads,
	"stackTrace":             (*adapter).stackTrace,
	"scopes":                 (*adapter).scopes,
	"variables":              (*adapter).variables,
	"evaluate":               (*adapter).evaluate,
	"setBreakpoints":         (*adapter).setBreakpoints,
	"setFunctionBreakpoints": (*adapter).setFunctionBreakpoints,
	"setExceptionBreakpoints": func(a *adapter, msg godap.Message) error {
		req := msg.(*godap.SetExceptionBreakpointsRequest)
		a.send(&godap.SetExceptionBreakpointsResponse{Response: a.response(&req.Request)})
		return nil
	},
	"dataBreakpointInfo": (*adapter).dataBreakpointInfo,
	"setDataBreakpoints": (*adapter).setDataBreakpoints,
	"continue":           (*adapter).cont,
	"reverseContinue":    (*adapter).reverseContinue,
	"next":               (*adapter).next,
	"stepBack":           (*adapter).stepBack,
	"stepIn":             (*adapter).stepIn,
	"stepOut":            (*adapter).stepOut,
	"gotoTargets":        (*adapter).gotoTargets,
	"goto":               (*adapter).gotoTime,
	"source":             (*adapter).source,
}

// send writes a message, numbering it.
func (a *adapter) send(m godap.Message) {
	a.wmu.Lock()
	defer a.wmu.Unlock()
	a.seq++
	switch x := m.(type) {
	case godap.ResponseMessage:
		x.GetResponse().Seq = a.seq
	case godap.EventMessage:
		x.GetEvent().Seq = a.seq
	}
	// A write error means the client is gone: the read loop sees it end.
	_ = godap.WriteProtocolMessage(a.w, m)
}

func (a *adapter) response(req *godap.Request) godap.Response {
	return godap.Response{ProtocolMessage: godap.ProtocolMessage{Type: "response"},
		Command: req.Command, RequestSeq: req.Seq, Success: true}
}

func (a *adapter) event(name string) godap.Event {
	return godap.Event{ProtocolMessage: godap.ProtocolMessage{Type: "event"}, Event: name}
}

// sendError answers a request with an error the client shows.
func (a *adapter) sendError(seq int, command, msg string) {
	a.send(&godap.ErrorResponse{
		Response: godap.Response{ProtocolMessage: godap.ProtocolMessage{Type: "response"},
			Command: command, RequestSeq: seq, Success: false, Message: msg},
		Body: godap.ErrorResponseBody{Error: &godap.ErrorMessage{Format: msg, ShowUser: true}},
	})
}

// output sends what the program wrote, as the replay shows it, as
// output events of one category.
type output struct {
	a        *adapter
	category string
}

func (o output) Write(p []byte) (int, error) {
	o.a.send(&godap.OutputEvent{Event: o.a.event("output"),
		Body: godap.OutputEventBody{Category: o.category, Output: string(p)}})
	return len(p), nil
}

// console is the Debug Console's text for the shell's output.
type consoleOutput struct{ a *adapter }

func (c consoleOutput) Write(p []byte) (int, error) {
	return output{c.a, "console"}.Write(p)
}

func (a *adapter) closeTarget() {
	if a.close != nil {
		a.close()
		a.close, a.target = nil, nil
	}
}

func (a *adapter) initialize(msg godap.Message) error {
	req := msg.(*godap.InitializeRequest)
	a.send(&godap.InitializeResponse{Response: a.response(&req.Request), Body: godap.Capabilities{
		SupportsConfigurationDoneRequest:  true,
		SupportsFunctionBreakpoints:       true,
		SupportsConditionalBreakpoints:    true,
		SupportsHitConditionalBreakpoints: true,
		SupportsEvaluateForHovers:         true,
		SupportsStepBack:                  true,
		SupportsGotoTargetsRequest:        true,
		SupportsDataBreakpoints:           true,
		SupportsTerminateRequest:          true,
	}})
	return nil
}

// launch opens the recording; the client then sets its breakpoints
// (initialized) and says configurationDone, where the session stops at
// its first stop point.
func (a *adapter) launch(msg godap.Message) error {
	req := msg.(*godap.LaunchRequest)
	if a.target != nil {
		return errors.New("a recording is open already")
	}
	var l Launch
	if len(req.Arguments) > 0 {
		if err := json.Unmarshal(req.Arguments, &l); err != nil {
			return fmt.Errorf("launch arguments: %w", err)
		}
	}
	t, closeFn, err := a.open(context.Background(), l, output{a, "stdout"}, output{a, "stderr"})
	if err != nil {
		return err
	}
	a.target, a.close = t, closeFn
	a.console = shell.NewConsole(t, consoleOutput{a})
	a.send(&godap.LaunchResponse{Response: a.response(&req.Request)})
	a.send(&godap.InitializedEvent{Event: a.event("initialized")})
	return nil
}

func (a *adapter) configurationDone(msg godap.Message) error {
	req := msg.(*godap.ConfigurationDoneRequest)
	a.send(&godap.ConfigurationDoneResponse{Response: a.response(&req.Request)})
	a.stopped(engine.Stop{Location: a.target.Now()}, "entry", "")
	return nil
}

// threads lists the program's Python threads at the present; the one
// the present is in is the stopped event's. Before the interpreter has
// its threads (or after), the present's alone.
func (a *adapter) threads(msg godap.Message) error {
	req := msg.(*godap.ThreadsRequest)
	loc := a.target.Now()
	list := []godap.Thread{{Id: threadID(loc), Name: fmt.Sprintf("thread %d", loc.Thread)}}
	if threads, err := a.target.Threads(); err == nil && len(threads) > 0 {
		list = list[:0]
		for _, th := range threads {
			list = append(list, godap.Thread{Id: max(th.ID, 1), Name: threadName(th)})
		}
	}
	a.send(&godap.ThreadsResponse{Response: a.response(&req.Request), Body: godap.ThreadsResponseBody{Threads: list}})
	return nil
}

// threadID is the DAP id of the present's thread: its tid.
func threadID(loc engine.Location) int { return max(loc.Thread, 1) }

func threadName(th engine.Thread) string {
	name := fmt.Sprintf("thread %d", th.ID)
	if th.Main {
		name = fmt.Sprintf("main thread %d", th.ID)
	}
	if len(th.Frames) > 0 && !th.Current {
		f := th.Frames[0]
		name += fmt.Sprintf(" (waits in %s, line %d)", f.Func, f.Line)
	}
	return name
}

// source: the recorded source of a frame the client cannot open itself.
func (a *adapter) source(msg godap.Message) error {
	req := msg.(*godap.SourceRequest)
	var src godap.Source
	if req.Arguments.Source != nil {
		src = *req.Arguments.Source
	}
	if src.SourceReference == 0 {
		src.SourceReference = req.Arguments.SourceReference // before DAP had Source here
	}
	data, err := a.target.Source(a.sources.path(src))
	if err != nil {
		return err
	}
	a.send(&godap.SourceResponse{Response: a.response(&req.Request), Body: godap.SourceResponseBody{Content: string(data)}})
	return nil
}
