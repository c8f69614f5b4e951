package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"rrpy/ptrace"
	"rrpy/pyframes"
	"rrpy/trace"
)

// A recording holds one trace per process image (trace.Images): rrpy ps
// lists them, replay -p PID picks one.

func psCmd(c *cli.Context, stdout io.Writer) error {
	dir, err := traceArg(c)
	if err != nil {
		return err
	}
	images, err := trace.Images(dir)
	if err != nil {
		return err
	}
	start := images[0].Meta.Start
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PID\tPARENT\tSTART\tEND\tENDED\tPYTHON\tCOMMAND")
	for _, img := range images {
		m := img.Meta
		parent := "-"
		if img.ID != 0 || m.ParentPid != 0 {
			parent = fmt.Sprint(m.ParentPid)
		}
		end := "-"
		if s, err := trace.Summarize(img.Dir); err == nil {
			end = offset(s.End.Sub(start))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Pid, parent, offset(m.Start.Sub(start)), end,
			howImageEnded(m), yesNo(runsPython(m)), commandOf(m))
	}
	return tw.Flush()
}

// offset shows a time from the recording's start.
func offset(d time.Duration) string { return fmt.Sprintf("+%.2fs", max(d, 0).Seconds()) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// howImageEnded says how a process image ended.
func howImageEnded(m *trace.Meta) string {
	switch {
	case m.ExecedAs != 0:
		return "exec'd"
	case !m.Complete:
		return "cut off"
	}
	return ptrace.DescribeExit(m.ExitStatus)
}

// commandOf is an image's command line, marked when it is a fork's copy
// of its parent's.
func commandOf(m *trace.Meta) string {
	cmd := strings.Join(m.Argv, " ")
	if m.ForkedFrom != nil {
		return cmd + " (forked)"
	}
	return cmd
}

// runsPython tells whether an image's program is a CPython rrpy knows.
func runsPython(m *trace.Meta) bool {
	_, err := pyframes.Inspect(m.Exe)
	return err == nil
}

// imageArg picks the process image of the recording in dir that replay
// opens: the program rrpy started, or process -p PID, each as its last
// image (after any execve it made).
func imageArg(c *cli.Context, dir string) (string, *trace.Meta, error) {
	img, err := pickImage(dir, c.Int("p"))
	return img.Dir, img.Meta, err
}

// pickImage returns process pid's last image in the recording in dir, the
// program rrpy started's for 0.
func pickImage(dir string, pid int) (trace.Image, error) {
	images, err := trace.Images(dir)
	if err != nil {
		return trace.Image{}, err
	}
	if pid == 0 {
		pid = images[0].Meta.Pid
	}
	found, ok := trace.LastImageOf(images, pid)
	if !ok {
		return trace.Image{}, fmt.Errorf("no process %d in %s: rrpy ps lists its processes", pid, dir)
	}
	return found, nil
}
