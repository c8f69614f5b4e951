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
	"time"

	"github.com/urfave/cli/v2"

	"rrpy/trace"
)

// elsewhereName lists, one a line, the traces recorded outside the
// traces directory (record -o), so that gc knows the stored files they
// need.
const elsewhereName = "elsewhere"

// registerElsewhere notes a trace recorded outside the traces directory.
func registerElsewhere(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(trace.DefaultDir(), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(trace.DefaultDir(), elsewhereName), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, abs); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// knownTraces are the trace directories gc must keep the stored files
// of: those of the traces directory, and those noted elsewhere that are
// still traces (the others are forgotten).
func knownTraces() ([]string, error) {
	stored, err := storedTraces()
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, st := range stored {
		dirs = append(dirs, st.dir)
	}
	registry := filepath.Join(trace.DefaultDir(), elsewhereName)
	data, err := os.ReadFile(registry)
	if errors.Is(err, fs.ErrNotExist) {
		return dirs, nil
	}
	if err != nil {
		return nil, err
	}
	var elsewhere []string
	for _, dir := range strings.Split(string(data), "\n") {
		if dir != "" && isTrace(dir) && !slices.Contains(elsewhere, dir) {
			elsewhere = append(elsewhere, dir)
		}
	}
	text := strings.Join(elsewhere, "\n")
	if text != "" {
		text += "\n"
	}
	if err := os.WriteFile(registry, []byte(text), 0o600); err != nil {
		return nil, fmt.Errorf("forget the traces that are gone: %w", err)
	}
	return append(dirs, elsewhere...), nil
}

// gcCmd is rrpy gc: the stored files no known trace needs are removed,
// but for the newest (a recording under way may have just stored them).
// A trace whose needs cannot be read stops it: removing what it needs
// would lose it.
func gcCmd(c *cli.Context, stdout io.Writer) error {
	dirs, err := knownTraces()
	if err != nil {
		return err
	}
	needed := map[string]bool{}
	for _, dir := range dirs {
		r, err := trace.Open(dir)
		if err != nil {
			return fmt.Errorf("gc: the trace %s cannot be read (%v): which stored files it needs is unknown", dir, err)
		}
		meta := r.Meta()
		r.Close()
		if len(meta.Blobs) == 0 {
			return fmt.Errorf("gc: the trace %s lists no stored files (being recorded, or cut off before it could): rrpy rm it, or wait for it to end", dir)
		}
		for _, h := range neededBlobs(meta, true) {
			needed[h] = true
		}
	}
	store := trace.DefaultBlobsDir()
	youngest := time.Now().Add(-c.Duration("min-age"))
	removed, kept, size := 0, 0, int64(0)
	err = filepath.WalkDir(store, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		hash := filepath.Base(filepath.Dir(path)) + d.Name()
		info, err := d.Info()
		if err != nil {
			return err
		}
		if needed[hash] || info.ModTime().After(youngest) || len(hash) != 64 {
			kept++
			return nil
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		removed, size = removed+1, size+info.Size()
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("gc %s: %w", store, err)
	}
	fmt.Fprintf(stdout, "Removed %d stored files (%s) that none of the %d traces needs; kept %d.\n", removed, sizeText(size), len(dirs), kept)
	return nil
}
