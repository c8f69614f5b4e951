//go:build linux && amd64

// Command dap measures what an editor waits for in a debug session over
// rrpy's debug adapter: the latency of Step Back (bnext) to its stopped
// event, and of the round trip an editor makes at every stop (stackTrace,
// scopes, the locals), on the seed demo and on a recording of a million
// stop points. The adapter runs in this process over a pipe, as `rrpy
// dap` runs it over stdin and stdout, so the figures are the adapter's
// and the replay's, without an editor's own time. Last, the cost of a
// breakpoint's condition at each hit.
//
//	go run ./bench/dap [-python PATH] [-stops N] [-steps N]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"time"

	godap "github.com/google/go-dap"

	"rrpy/bench/internal/rec"
	"rrpy/engine"
	"rrpy/frontend/dap"
)

func main() {
	python := flag.String("python", "/usr/bin/python3.11", "the python to record")
	stops := flag.Int("stops", 1_000_000, "stop points of the long recording")
	steps := flag.Int("steps", 20, "Step Backs measured in each recording")
	flag.Parse()
	for _, w := range []struct {
		name string
		argv []string
		line int // a breakpoint to start at; 0: the end of the recording
	}{
		{"seed demo", []string{"testdata/py/seed_demo.py"}, 9},
		{fmt.Sprintf("%d stop points", *stops), []string{"bench/workloads.py", "stops", strconv.Itoa(*stops)}, 0},
	} {
		if err := measure(*python, w.name, w.argv, w.line, *steps); err != nil {
			fmt.Fprintln(os.Stderr, "dap:", err)
			os.Exit(1)
		}
	}
	if err := conditional(*python); err != nil {
		fmt.Fprintln(os.Stderr, "dap:", err)
		os.Exit(1)
	}
}

// measure records argv, opens it over the adapter, goes to the starting
// point and steps back from there.
func measure(python, name string, argv []string, line, steps int) error {
	var bps []godap.SourceBreakpoint
	if line > 0 {
		bps = []godap.SourceBreakpoint{{Line: line}}
	}
	return debug(python, argv, bps, func(c *client, went time.Duration) {
		fmt.Printf("%s (%s): continue to the start of the measures: %v\n", name, python, went.Round(time.Millisecond))
		c.call("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: argv[0]}})
		var back, look []time.Duration
		for range steps {
			t0 := time.Now()
			c.call("stepBack", godap.StepBackArguments{ThreadId: c.thread})
			c.stopped()
			back = append(back, time.Since(t0))
			t0 = time.Now()
			c.lookAround()
			look = append(look, time.Since(t0))
		}
		if c.err == nil {
			fmt.Printf("  stepBack to stopped: %s\n", spread(back))
			fmt.Printf("  stackTrace+scopes+variables: %s\n", spread(look))
		}
	})
}

// conditional measures a breakpoint condition's cost per hit: the seed
// demo's line 12 runs 100 times, and x.value != 6 first holds at the
// 51st.
func conditional(python string) error {
	const hits = 51
	bps := []godap.SourceBreakpoint{{Line: 12, Condition: "x.value != 6"}}
	return debug(python, []string{"testdata/py/seed_demo.py"}, bps, func(c *client, went time.Duration) {
		fmt.Printf("seed demo: continue to a condition that first holds at hit %d: %v, %v per hit\n",
			hits, went.Round(time.Millisecond), (went / hits).Round(10*time.Microsecond))
	})
}

// debug records argv, opens the recording over the adapter with
// breakpoints in argv[0], continues from the first stop and hands the
// client and the continue's time to then.
func debug(python string, argv []string, bps []godap.SourceBreakpoint, then func(c *client, went time.Duration)) error {
	r, err := rec.Record(python, argv...)
	if err != nil {
		return err
	}
	defer r.Remove()
	c, done, err := serve(r)
	if err != nil {
		return err
	}
	defer done()
	c.call("initialize", godap.InitializeRequestArguments{AdapterID: "rrpy"})
	c.call("launch", map[string]any{"trace": r.Dir})
	if len(bps) > 0 {
		c.call("setBreakpoints", godap.SetBreakpointsArguments{Source: godap.Source{Path: argv[0]}, Breakpoints: bps})
	}
	c.call("configurationDone", nil)
	c.stopped()
	t0 := time.Now()
	c.call("continue", godap.ContinueArguments{ThreadId: c.thread})
	c.stopped()
	went := time.Since(t0)
	if c.err == nil {
		then(c, went)
	}
	return c.err
}

// spread says the best, the median and the worst of some durations.
func spread(d []time.Duration) string {
	slices.Sort(d)
	r := func(x time.Duration) time.Duration { return x.Round(10 * time.Microsecond) }
	return fmt.Sprintf("best %v, median %v, worst %v (%d)", r(d[0]), r(d[len(d)/2]), r(d[len(d)-1]), len(d))
}

// serve runs the adapter over a loopback TCP connection, as `rrpy dap
// --listen` does, and returns its client. (Not net.Pipe: its writes
// wait for the reader, where a socket's go to a buffer, and an editor
// writes its next request while the adapter writes its events.)
func serve(r *rec.Recording) (*client, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	open := func(context.Context, dap.Launch, io.Writer, io.Writer) (engine.Target, func(), error) {
		tl, err := r.Open()
		if err != nil {
			return nil, nil, err
		}
		return tl, tl.Close, nil
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		server, err := ln.Accept()
		if err != nil {
			return
		}
		defer server.Close()
		_ = dap.Serve(server, open)
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	c := &client{conn: conn, r: bufio.NewReader(conn)}
	return c, func() {
		c.call("disconnect", godap.DisconnectArguments{})
		conn.Close()
		<-ended
	}, nil
}

// client is the editor's side, as little of it as the measures need. The
// first error sticks, and later calls do nothing.
type client struct {
	conn   net.Conn
	r      *bufio.Reader
	seq    int
	thread int
	events []godap.Message
	err    error
}

func (c *client) call(command string, args any) godap.ResponseMessage {
	if c.err != nil {
		return nil
	}
	c.seq++
	msg := map[string]any{"seq": c.seq, "type": "request", "command": command}
	if args != nil {
		msg["arguments"] = args
	}
	data, err := json.Marshal(msg)
	if err == nil {
		err = godap.WriteBaseMessage(c.conn, data)
	}
	for err == nil {
		var m godap.Message
		if m, err = godap.ReadProtocolMessage(c.r); err != nil {
			break
		}
		r, ok := m.(godap.ResponseMessage)
		if !ok || r.GetResponse().RequestSeq != c.seq {
			c.events = append(c.events, m)
			continue
		}
		if !r.GetResponse().Success {
			err = fmt.Errorf("%s: %s", command, r.GetResponse().Message)
			break
		}
		return r
	}
	c.err = err
	return nil
}

// stopped waits for the next stopped event.
func (c *client) stopped() {
	for c.err == nil {
		var m godap.Message
		if len(c.events) > 0 {
			m, c.events = c.events[0], c.events[1:]
		} else if m, c.err = godap.ReadProtocolMessage(c.r); c.err != nil {
			return
		}
		switch e := m.(type) {
		case *godap.StoppedEvent:
			c.thread = e.Body.ThreadId
			return
		case *godap.TerminatedEvent:
			c.err = errors.New("the session ended")
		}
	}
}

// lookAround is what an editor asks at a stop: the stack, the innermost
// frame's scopes and its locals.
func (c *client) lookAround() {
	st, _ := c.call("stackTrace", godap.StackTraceArguments{ThreadId: c.thread, Levels: 20}).(*godap.StackTraceResponse)
	if st == nil || len(st.Body.StackFrames) == 0 {
		return
	}
	sc, _ := c.call("scopes", godap.ScopesArguments{FrameId: st.Body.StackFrames[0].Id}).(*godap.ScopesResponse)
	if sc == nil {
		return
	}
	c.call("variables", godap.VariablesArguments{VariablesReference: sc.Body.Scopes[0].VariablesReference})
}
