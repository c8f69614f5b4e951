package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"rrpy/engine"
	"rrpy/frontend/dap"
	"rrpy/session"
	"rrpy/snapshot"
	"rrpy/trace"
)

// dapCmd serves the Debug Adapter Protocol to an editor: on stdin and
// stdout, or to the first client that connects at --listen ADDR.
func dapCmd(c *cli.Context, stderr io.Writer) error {
	if c.Args().Len() > 0 {
		return usageError{"usage: rrpy dap [--listen HOST:PORT]: the trace or program comes with the launch request"}
	}
	if err := session.Supported(); err != nil {
		return err
	}
	memFactor, err := checkpointMemory(c)
	if err != nil {
		return err
	}
	o := dapOpener{stderr: stderr, evalTimeout: c.Duration("eval-timeout"), memFactor: memFactor}
	addr := c.String("listen")
	if addr == "" {
		return dap.Serve(stdio{os.Stdin, os.Stdout}, o.open)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen at %s: %w", addr, err)
	}
	defer ln.Close()
	fmt.Fprintf(stderr, "rrpy: debug adapter listening at %s\n", ln.Addr())
	conn, err := ln.Accept()
	if err != nil {
		return fmt.Errorf("accept a client at %s: %w", addr, err)
	}
	defer conn.Close()
	return dap.Serve(conn, o.open)
}

// stdio is the adapter's connection when a client starts it.
type stdio struct {
	io.Reader
	io.Writer
}

// dapOpener opens what a launch request asks for.
type dapOpener struct {
	stderr      io.Writer // rrpy's own messages: never the protocol's stdout
	evalTimeout time.Duration
	memFactor   float64 // --checkpoint-memory
}

func (o dapOpener) open(_ context.Context, l dap.Launch, stdout, stderr io.Writer) (engine.Target, func(), error) {
	dir := l.Trace
	if l.Program != "" {
		if dir != "" {
			return nil, nil, errors.New("launch names a trace and a program: one or the other")
		}
		var err error
		if dir, err = o.record(l, stderr); err != nil {
			return nil, nil, err
		}
	}
	if dir == "" {
		var err error
		if dir, err = latestTrace(); err != nil {
			return nil, nil, err
		}
	}
	dir, err := findTrace(dir)
	if err != nil {
		return nil, nil, err
	}
	blobs, err := trace.BlobsFor(dir, trace.DefaultBlobsDir())
	if err != nil {
		return nil, nil, err
	}
	img, err := pickImage(dir, l.Process)
	if err != nil {
		return nil, nil, err
	}
	dir = img.Dir
	warn := func(msg string) { fmt.Fprintf(stderr, "rrpy: warning: %s\n", msg) }
	tl, err := snapshot.Open(snapshot.Options{
		Replay:           session.ReplayOptions{TraceDir: dir, Blobs: blobs, Stdout: stdout, Stderr: stderr, Warn: warn},
		EvalTimeout:      o.evalTimeout,
		CheckpointMemory: o.memFactor,
	})
	if err != nil {
		return nil, nil, err
	}
	return tl, tl.Close, nil
}

// record records the launch's program first. Its output is not shown
// then: the replay shows it as the user goes through the run, as the
// shell does. messages gets rrpy's own.
func (o dapOpener) record(l dap.Launch, messages io.Writer) (string, error) {
	if l.Cwd != "" {
		if err := os.Chdir(l.Cwd); err != nil {
			return "", fmt.Errorf("launch cwd: %w", err)
		}
	}
	python := l.Python
	if python == "" {
		python = "python3"
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer devnull.Close()
	fmt.Fprintf(messages, "rrpy: recording %s %s\n", python, l.Program)
	dir, status, err := recordProgram(recording{
		argv: append([]string{python, l.Program}, l.Args...), stop: nil, stallLimit: session.DefaultStallLimit,
		stdio: []*os.File{devnull, devnull, devnull}, stderr: messages,
	})
	if dir == "" {
		return "", err
	}
	fmt.Fprintf(messages, "rrpy: recorded into %s (the program's exit status: %d)\n", dir, shellStatus(status))
	return dir, nil
}
