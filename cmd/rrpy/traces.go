package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"rrpy/trace"
)

// The trace library: rrpy ls, rm, gc and pack, and the names record -n
// gives and replay takes.

// findTrace resolves what a user named a trace: a directory holding one,
// or the name of one in the traces directory.
func findTrace(name string) (string, error) {
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return name, nil
	}
	if strings.ContainsRune(name, filepath.Separator) {
		return "", fmt.Errorf("no trace at %s", name)
	}
	dir := filepath.Join(trace.DefaultTracesDir(), name)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir, nil
	}
	return "", fmt.Errorf("no trace %s: rrpy ls lists them", name)
}

// validTraceName refuses a name that would not stay in the traces
// directory or would hide the latest link.
func validTraceName(name string) error {
	if name == "" || name == "." || name == ".." || name == trace.LatestName ||
		strings.ContainsRune(name, filepath.Separator) || strings.HasPrefix(name, ".") {
		return usageError{fmt.Sprintf("-n %q: a trace's name is a plain file name, not %q", name, trace.LatestName)}
	}
	return nil
}

func lsCmd(c *cli.Context, stdout io.Writer) error {
	if c.Args().Present() {
		return usageError{"usage: rrpy ls (it takes no argument)"}
	}
	traces, err := trace.List(trace.DefaultTracesDir())
	if err != nil {
		return err
	}
	if len(traces) == 0 {
		fmt.Fprintln(stdout, "no trace yet: record one with rrpy record -- PROGRAM [ARGS...]")
		return nil
	}
	latest, _ := latestTrace()
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROGRAM\tRECORDED\tDURATION\tENDED\tSIZE")
	for _, s := range traces {
		name := s.Name
		if latest != "" && sameDir(latest, s.Dir) {
			name += " (latest)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", name, programLine(s.Meta.Argv),
			s.Meta.Start.Local().Format("2006-01-02 15:04:05"), s.Duration().Round(10*time.Millisecond),
			ending(s), size(s))
	}
	return tw.Flush()
}

func sameDir(a, b string) bool {
	fa, erra := os.Stat(a)
	fb, errb := os.Stat(b)
	return erra == nil && errb == nil && os.SameFile(fa, fb)
}

// programLine is a command line shown in one cell: the program's base
// name and its arguments, at most 60 characters, cut in the middle so
// that the script's name, at the end, shows.
func programLine(argv []string) string {
	if len(argv) == 0 {
		return "?"
	}
	line := strings.Join(append([]string{filepath.Base(argv[0])}, argv[1:]...), " ")
	if len(line) > 60 {
		line = line[:20] + "..." + line[len(line)-37:]
	}
	return line
}

// ending says how the recorded run ended, as a shell would.
func ending(s trace.Summary) string {
	if !s.Meta.Complete {
		return "cut off"
	}
	ws := syscall.WaitStatus(s.Meta.ExitStatus)
	if ws.Signaled() {
		return "killed by " + ws.Signal().String()
	}
	return fmt.Sprintf("exit %d", ws.ExitStatus())
}

func size(s trace.Summary) string {
	out := humanBytes(s.Bytes)
	if s.Packed {
		out += " packed"
	}
	return out
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// rmCmd removes traces, then the blobs no trace needs any more. Every
// name is checked before anything is removed.
func rmCmd(c *cli.Context, stdout io.Writer) error {
	if !c.Args().Present() {
		return usageError{"usage: rrpy rm NAME... (rrpy ls lists them)"}
	}
	var dirs []string
	for _, name := range c.Args().Slice() {
		dir, err := findTrace(name)
		if err != nil {
			return err
		}
		if _, err := trace.Summarize(dir); errors.Is(err, trace.ErrNotTrace) {
			return fmt.Errorf("%s is not a trace: rrpy rm removes traces only", name)
		} else if err != nil {
			return err
		}
		dirs = append(dirs, dir)
	}
	latest, _ := latestTrace()
	for _, dir := range dirs {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove %s: %w", dir, err)
		}
		fmt.Fprintf(stdout, "removed %s\n", dir)
	}
	if _, err := os.Stat(latest); latest != "" && err != nil {
		relinkLatest()
	}
	return collect(stdout)
}

// relinkLatest points the latest link at the newest trace left, or
// removes it when none is.
func relinkLatest() {
	os.Remove(filepath.Join(trace.DefaultTracesDir(), trace.LatestName))
	if traces, err := trace.List(trace.DefaultTracesDir()); err == nil && len(traces) > 0 {
		linkLatest(traces[len(traces)-1].Dir)
	}
}

func gcCmd(c *cli.Context, stdout io.Writer) error {
	if c.Args().Present() {
		return usageError{"usage: rrpy gc (it takes no argument)"}
	}
	return collect(stdout)
}

// collect removes the blobs no trace needs, and says what it freed.
func collect(stdout io.Writer) error {
	got, err := trace.CollectBlobs(trace.DefaultDir())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed %d stored files no trace needs (%s)\n", got.Blobs, humanBytes(got.Bytes))
	return nil
}

// packCmd copies into a trace the stored files it needs, so that it can be
// copied to another machine (with the same dynamic loader) and replayed
// there.
func packCmd(c *cli.Context, stdout io.Writer) error {
	if c.Args().Len() > 1 {
		return usageError{"usage: rrpy pack [NAME|DIR] (the latest trace if none is given)"}
	}
	dir, err := traceArg(c)
	if err != nil {
		return err
	}
	if _, err := trace.Summarize(dir); err != nil {
		return err
	}
	store, err := trace.OpenBlobStore(trace.DefaultBlobsDir())
	if err != nil {
		return err
	}
	n, err := trace.Pack(dir, store)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("cannot write into %s: pack needs to add the stored files there (nothing was changed)", dir)
	}
	if err != nil {
		return err
	}
	s, err := trace.Summarize(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "packed %s: %d stored files copied in, %s on disk in all; it replays without the blob store\n",
		dir, n, humanBytes(s.Bytes))
	return nil
}
