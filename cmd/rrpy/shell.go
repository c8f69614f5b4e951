package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/chzyer/readline"

	"rrpy/frontend/shell"
	"rrpy/snapshot"
)

// runShell opens the replay shell at the first line of the main script.
// Commands come from script (-x), else from stdin: a terminal gets line
// editing, anything else is read line by line, for scripts and tests.
func runShell(script string, opts snapshot.Options, stdout io.Writer) error {
	in := os.Stdin
	if script != "" {
		f, err := os.Open(script)
		if err != nil {
			return fmt.Errorf("read commands: %w", err)
		}
		defer f.Close()
		in = f
	}
	tl, err := snapshot.Open(opts)
	if err != nil {
		return err
	}
	defer tl.Close()
	interrupts := make(chan struct{}, 1)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	go func() {
		for range sigs {
			select {
			case interrupts <- struct{}{}:
			default:
			}
		}
	}()
	cfg := shell.Config{Target: tl, In: in, Out: stdout, Interrupts: interrupts}
	if script == "" && readline.IsTerminal(int(os.Stdin.Fd())) {
		// A person watches: a move over a second shows what it goes through.
		cfg.Interactive, cfg.ProgressAfter = true, time.Second
	}
	return shell.Run(cfg)
}
