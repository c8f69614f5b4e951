package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/chzyer/readline"

	"rrpy/frontend/shell"
	"rrpy/snapshot"
)

// runShell opens the replay shell at the first line of the main script,
// runs the .rrpyrc files there, then the commands of script (-x; the
// first that fails ends the shell with an error), else of stdin: a
// terminal gets line editing, anything else is read line by line, for
// scripts and tests.
func runShell(script string, opts snapshot.Options, stdout io.Writer, warn func(string)) error {
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
	cfg := shell.Config{Target: tl, In: in, Out: stdout, Interrupts: interrupts,
		Startup: startupFiles(warn), StopOnFailure: script != ""}
	if script == "" && readline.IsTerminal(int(os.Stdin.Fd())) {
		// A person watches: a move over a second shows what it goes through.
		cfg.Interactive, cfg.ProgressAfter = true, time.Second
		// Colours, unless the user asked for none (no-color.org) or the
		// terminal takes none.
		cfg.Color = os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	}
	err = shell.Run(cfg)
	var failed *shell.CommandError
	if errors.As(err, &failed) {
		return fmt.Errorf("%s: %w", script, err)
	}
	return err
}

// startupFiles are the .rrpyrc files of the home and the current
// directories, in that order, as pdb reads .pdbrc: those that exist. One
// that cannot be read is warned about and left out.
func startupFiles(warn func(string)) []shell.Script {
	var paths []string
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths, filepath.Join(home, rcName))
	}
	if cwd, err := filepath.Abs(rcName); err == nil && (len(paths) == 0 || cwd != paths[0]) {
		paths = append(paths, cwd)
	}
	var scripts []shell.Script
	for _, p := range paths {
		text, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			warn(fmt.Sprintf("%s is not run: %v", p, err))
		default:
			scripts = append(scripts, shell.Script{Name: p, Text: string(text)})
		}
	}
	return scripts
}

// rcName is the shell's startup file, pdb's .pdbrc.
const rcName = ".rrpyrc"
