package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"rrpy/trace"
)

// storedTrace is a trace of the traces directory, as rrpy ls shows it.
type storedTrace struct {
	name   string
	dir    string
	meta   *trace.Meta
	ended  time.Time // the events file's last write: when the recording ended
	size   int64     // of its directory's files (the blobs it shares are not counted)
	latest bool
}

// storedTraces reads the traces of the traces directory, oldest first; a
// directory that is not a trace is left out.
func storedTraces() ([]storedTrace, error) {
	base := trace.DefaultTracesDir()
	entries, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the traces: %w", err)
	}
	latest, _ := os.Readlink(filepath.Join(base, "latest"))
	var out []storedTrace
	for _, e := range entries {
		if !e.IsDir() {
			continue // latest, and whatever else is not a trace
		}
		st, err := readStoredTrace(filepath.Join(base, e.Name()))
		if err != nil {
			continue
		}
		st.latest = e.Name() == latest
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b storedTrace) int { return a.meta.Start.Compare(b.meta.Start) })
	return out, nil
}

// readStoredTrace reads what ls says of the trace in dir, or why dir is
// not one.
func readStoredTrace(dir string) (storedTrace, error) {
	r, err := trace.Open(dir)
	if err != nil {
		return storedTrace{}, err
	}
	meta := r.Meta()
	r.Close()
	st := storedTrace{name: filepath.Base(dir), dir: dir, meta: meta}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st.size += info.Size()
		if d.Name() == "events" {
			st.ended = info.ModTime()
		}
		return nil
	})
	return st, err
}

// lsCmd is rrpy ls: the traces, oldest first, the latest marked.
func lsCmd(stdout io.Writer) error {
	traces, err := storedTraces()
	if err != nil {
		return err
	}
	if len(traces) == 0 {
		fmt.Fprintf(stdout, "No traces in %s: rrpy record -- PROGRAM [ARGS...] makes one.\n", trace.DefaultTracesDir())
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "  NAME\tRECORDED\tDURATION\tEXIT\tSIZE\tPROGRAM\n")
	for _, st := range traces {
		mark := " "
		if st.latest {
			mark = "*"
		}
		fmt.Fprintf(w, "%s %s\t%s\t%s\t%s\t%s\t%s\n", mark, st.name, st.meta.Start.Format("2006-01-02 15:04:05"),
			duration(st), exitText(st.meta), sizeText(st.size), strings.Join(st.meta.Argv, " "))
	}
	return w.Flush()
}

// duration is how long the recording ran, as its events file says.
func duration(st storedTrace) string {
	if st.ended.Before(st.meta.Start) {
		return "?"
	}
	return st.ended.Sub(st.meta.Start).Round(10 * time.Millisecond).String()
}

// exitText is how the recorded program ended: its status, or that the
// recording was cut off.
func exitText(m *trace.Meta) string {
	if !m.Complete {
		return "cut off"
	}
	return fmt.Sprint(shellStatus(m.ExitStatus))
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1fG", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1fM", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1fK", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

// rmCmd is rrpy rm NAME...: each a trace of rrpy ls or a trace's
// directory. Only a directory that is a trace is removed; the first name
// that is not one stops it, the ones before removed. The latest link
// moves to the newest trace left.
func rmCmd(c *cli.Context, stdout io.Writer) error {
	if c.Args().Len() == 0 {
		return usageError{"usage: rrpy rm NAME... (rrpy ls lists the traces)"}
	}
	for _, name := range c.Args().Slice() {
		dir, err := namedTrace(name)
		if err != nil {
			return err
		}
		if !isTrace(dir) {
			return fmt.Errorf("%s is not a trace: rrpy rm removes traces only", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove %s: %w", dir, err)
		}
		fmt.Fprintf(stdout, "Removed %s\n", dir)
		if err := relinkLatest(dir); err != nil {
			return err
		}
	}
	return nil
}

// isTrace tells whether dir holds a trace, of this format or another.
func isTrace(dir string) bool {
	r, err := trace.Open(dir)
	if err == nil {
		r.Close()
	}
	var version *trace.VersionError
	return err == nil || errors.As(err, &version)
}

// namedTrace is the directory of a trace a command names: a path, or a
// name rrpy ls lists.
func namedTrace(name string) (string, error) {
	if strings.ContainsRune(name, filepath.Separator) || name == "." || name == ".." {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("no trace at %s", name)
		}
		return name, nil
	}
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return name, nil
	}
	dir := filepath.Join(trace.DefaultTracesDir(), name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("no trace %s: rrpy ls lists them", name)
	}
	return dir, nil
}

// relinkLatest points the latest link, if it named the removed dir, at
// the newest trace left, or removes it when none is.
func relinkLatest(removed string) error {
	latest := filepath.Join(trace.DefaultTracesDir(), "latest")
	if target, err := os.Readlink(latest); err != nil || target != filepath.Base(removed) {
		return nil
	}
	if err := os.Remove(latest); err != nil {
		return fmt.Errorf("unlink %s: %w", latest, err)
	}
	traces, err := storedTraces()
	if err != nil || len(traces) == 0 {
		return err
	}
	linkLatest(traces[len(traces)-1].dir)
	return nil
}
