// Command rrpy records a run of a program (CPython above all) and replays
// it exactly, later, without asking the world again.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// version is rrpy's version, kept in every trace it writes.
const version = "0.1.0"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// exitError carries an exit status out of a command without printing.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run is main without the process exit, so tests can call it.
func run(args []string, stdout, stderr io.Writer) int {
	defer startProfile(stderr)()
	app := newApp(stdout, stderr)
	err := app.Run(args)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintf(stderr, "rrpy: %v\n", err)
	var usage usageError
	if errors.As(err, &usage) {
		return 2
	}
	return 1
}

// usageError is a mistake in how rrpy was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "rrpy",
		Usage:     "record a Python program's run, then replay it exactly",
		Version:   version,
		Writer:    stdout,
		ErrWriter: stderr,
		Commands:  commands(stdout, stderr),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err.Error()}
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usageError{fmt.Sprintf("no command '%s', try 'rrpy help'", c.Args().First())}
			}
			return cli.ShowAppHelp(c)
		},
		ExitErrHandler: func(*cli.Context, error) {}, // run() reports errors
	}
}
