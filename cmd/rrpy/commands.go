package main

import (
	"fmt"
	"io"
	"math"

	"github.com/urfave/cli/v2"

	"rrpy/session"
	"rrpy/snapshot"
)

// commands is rrpy's command table: name, usage, flags and handler, in
// one place.
func commands(stdout, stderr io.Writer) []*cli.Command {
	onUsage := func(_ *cli.Context, err error, _ bool) error { return usageError{err.Error()} }
	return []*cli.Command{
		{
			Name:      "record",
			Usage:     "run a program and record it into a trace",
			ArgsUsage: "-- PROGRAM [ARGS...]",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the trace into `DIR` (must not exist, or be empty)"},
				&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "name the trace `NAME` in rrpy's traces directory (rrpy ls, rrpy replay NAME)"},
				&cli.StringFlag{Name: "clock", Usage: "count Python's stop points with `CLOCK`: settrace or monitoring (3.12+) instead of the cheaper for the version"},
				&cli.DurationFlag{Name: "stall-limit", Value: session.DefaultStallLimit,
					Usage: "stop the recording, keeping its trace, when threads have waited `DURATION` for a thread that runs without a syscall or a Python stop point (0: never)"},
			},
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return recordCmd(c, stderr) },
		},
		{
			Name:      "replay",
			Usage:     "replay a trace (the latest if none is named)",
			ArgsUsage: "[NAME|DIR]",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "autopilot", Usage: "run the recording to its end with no shell, showing its output"},
				&cli.IntFlag{Name: "p", Usage: "replay process `PID` of the recording (rrpy ps lists them) instead of the program rrpy started"},
				&cli.StringFlag{Name: "x", Usage: "read the shell's commands from `FILE` instead of the terminal; the first that fails ends rrpy with status 1"},
				&cli.DurationFlag{Name: "eval-timeout", Value: snapshot.DefaultEvalTimeout,
					Usage: "stop an evaluation (p, watch) that runs longer than `DURATION`"},
				checkpointMemoryFlag,
				&cli.BoolFlag{Name: "no-line-index", Hidden: true,
					Usage: "replay every stretch a continue passes, without the index of lines run (for checking it)"},
			},
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return replayCmd(c, stdout, stderr) },
		},
		{
			Name:      "dap",
			Usage:     "debug a recording from an editor: the Debug Adapter Protocol on stdin and stdout",
			ArgsUsage: " ",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "listen", Usage: "serve the first client that connects at `HOST:PORT` instead"},
				&cli.DurationFlag{Name: "eval-timeout", Value: snapshot.DefaultEvalTimeout,
					Usage: "stop an evaluation that runs longer than `DURATION`"},
				checkpointMemoryFlag,
			},
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return dapCmd(c, stderr) },
		},
		{
			Name:         "check",
			Usage:        "tell whether this machine can record",
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return checkCmd(c, stdout) },
		},
		{
			Name:         "ls",
			Usage:        "list the traces in rrpy's traces directory: program, date, duration, how the run ended, size",
			ArgsUsage:    " ",
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return lsCmd(c, stdout) },
		},
		{
			Name:         "rm",
			Usage:        "remove traces, then the stored files no trace needs any more",
			ArgsUsage:    "NAME|DIR...",
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return rmCmd(c, stdout) },
		},
		{
			Name:         "gc",
			Usage:        "remove the stored files (interpreters, libraries, sources) no trace needs any more",
			ArgsUsage:    " ",
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return gcCmd(c, stdout) },
		},
		{
			Name:         "pack",
			Usage:        "copy into a trace the stored files it needs, so that it replays on another machine",
			ArgsUsage:    "[NAME|DIR]",
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return packCmd(c, stdout) },
		},
		{
			Name:         "ps",
			Usage:        "list a trace's processes: pid, parent, start and end, how each ended, whether it runs Python, command line",
			ArgsUsage:    "[NAME|DIR]",
			OnUsageError: onUsage,
			Action:       func(c *cli.Context) error { return psCmd(c, stdout) },
		},
		{
			Name:         "dump",
			Usage:        "print a trace's events, one per line (for debugging rrpy)",
			ArgsUsage:    "[NAME|DIR]",
			OnUsageError: onUsage,
			Flags: []cli.Flag{
				&cli.IntFlag{Name: "p", Usage: "the events of process `PID` (rrpy ps lists them)"},
			},
			Action: func(c *cli.Context) error { return dumpCmd(c, stdout) },
		},
	}
}

// checkpointMemoryFlag bounds the memory of the replay's checkpoints.
var checkpointMemoryFlag = &cli.Float64Flag{Name: "checkpoint-memory", Value: snapshot.DefaultCheckpointMemory,
	Usage: "let the checkpoints hold at most `FACTOR` times the program's own resident memory (more: faster moves in long recordings)"}

// checkpointMemory reads --checkpoint-memory, refusing what bounds nothing.
func checkpointMemory(c *cli.Context) (float64, error) {
	f := c.Float64("checkpoint-memory")
	if !(f > 0) || math.IsInf(f, 0) {
		return 0, usageError{fmt.Sprintf("--checkpoint-memory must be a number above 0, got %v", f)}
	}
	return f, nil
}
