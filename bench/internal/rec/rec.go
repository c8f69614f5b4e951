//go:build linux && amd64

// Package rec records a workload for rrpy's benchmarks and opens its
// replay as the shell does.
package rec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"rrpy/session"
	"rrpy/snapshot"
	"rrpy/trace"
)

// Recording is a trace in a temporary directory.
type Recording struct {
	Dir  string
	work string
}

// Record builds rrpy and records python running argv (run from the
// repository's root).
func Record(python string, argv ...string) (*Recording, error) {
	work, err := os.MkdirTemp("", "rrpy-bench")
	if err != nil {
		return nil, err
	}
	r := &Recording{Dir: filepath.Join(work, "trace"), work: work}
	rrpy := filepath.Join(work, "rrpy")
	if out, err := exec.Command("go", "build", "-o", rrpy, "./cmd/rrpy").CombinedOutput(); err != nil {
		r.Remove()
		return nil, fmt.Errorf("build rrpy: %v: %s", err, out)
	}
	args := append([]string{"record", "-o", r.Dir, "--", python}, argv...)
	if out, err := exec.Command(rrpy, args...).CombinedOutput(); err != nil {
		if _, exited := err.(*exec.ExitError); !exited || len(out) == 0 {
			r.Remove()
			return nil, fmt.Errorf("record: %v: %s", err, out)
		}
	}
	return r, nil
}

// Open opens the recording's replay at its main script's first line.
func (r *Recording) Open() (*snapshot.Timeline, error) { return r.OpenWith(snapshot.Options{}) }

// OpenWith opens the replay with options; their Replay is the recording's.
func (r *Recording) OpenWith(opts snapshot.Options) (*snapshot.Timeline, error) {
	blobs, err := trace.OpenBlobStore(trace.DefaultBlobsDir())
	if err != nil {
		return nil, err
	}
	opts.Replay = session.ReplayOptions{TraceDir: r.Dir, Blobs: blobs}
	return snapshot.Open(opts)
}

// Remove deletes the recording.
func (r *Recording) Remove() { os.RemoveAll(r.work) }
