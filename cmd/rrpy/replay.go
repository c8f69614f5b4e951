package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"rrpy/check"
	"rrpy/session"
	"rrpy/snapshot"
	"rrpy/trace"
)

func replayCmd(c *cli.Context, stdout, stderr io.Writer) error {
	dir, err := traceArg(c)
	if err != nil {
		return err
	}
	memFactor, err := checkpointMemory(c)
	if err != nil {
		return err
	}
	if err := session.Supported(); err != nil {
		return err
	}
	blobs, err := trace.BlobsFor(dir, trace.DefaultBlobsDir())
	if err != nil {
		return err
	}
	root := dir
	dir, meta, err := imageArg(c, dir)
	if err != nil {
		return err
	}
	warn := func(msg string) { fmt.Fprintf(stderr, "rrpy: warning: %s\n", msg) }
	if !c.Bool("autopilot") {
		if c.IsSet("p") && !runsPython(meta) {
			return fmt.Errorf("process %d runs %s, not a Python rrpy knows: replay it with --autopilot", meta.Pid, meta.Exe)
		}
		opts := snapshot.Options{
			Replay:           session.ReplayOptions{TraceDir: dir, Blobs: blobs, Stdout: stdout, Stderr: stderr, Warn: warn},
			EvalTimeout:      c.Duration("eval-timeout"),
			CheckpointMemory: memFactor,
			NoLineIndex:      c.Bool("no-line-index"),
		}
		return runShell(c.String("x"), opts, stdout, warn)
	}
	replay := session.Replay
	if !c.IsSet("p") {
		// The whole tree, its outputs in the recorded order.
		replay, dir = session.ReplayTree, root
	}
	status, err := replay(session.ReplayOptions{
		TraceDir: dir, Blobs: blobs, Stdout: stdout, Stderr: stderr, Warn: warn,
	})
	if err != nil {
		return err
	}
	return exitError{shellStatus(status)}
}

// traceArg returns the trace named on the command line (a directory, or
// a name rrpy ls shows), or the latest recorded one.
func traceArg(c *cli.Context) (string, error) {
	if c.Args().Len() > 1 {
		return "", usageError{fmt.Sprintf("one trace at a time, got %d arguments", c.Args().Len())}
	}
	if name := c.Args().First(); name != "" {
		return findTrace(name)
	}
	return latestTrace()
}

// latestTrace returns the trace recorded last.
func latestTrace() (string, error) {
	latest := filepath.Join(trace.DefaultTracesDir(), trace.LatestName)
	dir, err := filepath.EvalSymlinks(latest)
	if errors.Is(err, os.ErrNotExist) {
		return "", errors.New("no trace yet: record one with rrpy record -- PROGRAM [ARGS...]")
	}
	return dir, err
}

func dumpCmd(c *cli.Context, stdout io.Writer) error {
	dir, err := traceArg(c)
	if err != nil {
		return err
	}
	if dir, _, err = imageArg(c, dir); err != nil {
		return err
	}
	r, err := trace.Open(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	m := r.Meta()
	fmt.Fprintf(stdout, "trace %s: rrpy %s, format %d, %q, recorded %s, complete %v\n",
		dir, m.RrpyVersion, m.FormatVersion, m.Argv, m.Start.Format("2006-01-02 15:04:05"), m.Complete)
	for _, w := range m.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	for i := 0; ; i++ {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("after %d events: %w", i, err)
		}
		fmt.Fprintf(stdout, "%6d %6d %s\n", i, ev.Tid, session.DescribeEvent(ev))
	}
}

func checkCmd(_ *cli.Context, stdout io.Writer) error {
	items := check.Run()
	fmt.Fprint(stdout, check.Format(items))
	if check.Failed(items) {
		return exitError{1}
	}
	return nil
}
