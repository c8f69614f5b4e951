package trace

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// File names inside a trace directory.
const (
	metaFile   = "meta.json"
	eventsFile = "events"
)

// Meta describes a recording. It is stored as JSON in DIR/meta.json (0600).
type Meta struct {
	RrpyVersion   string
	FormatVersion int
	Argv, Env     []string
	Cwd           string
	Exe           string // resolved path of the executable
	ExeBlob       string // sha256 of it in the blob store
	Interp        string // PT_INTERP path, "" if static
	InterpBlob    string
	CPU           string // CPU model string
	StackRlimit   uint64
	Start         time.Time
	Complete      bool  // set by Writer.Close: false means the recording was cut off
	ExitStatus    int32 // wait status, valid when Complete
	Events        int64 // number of events, valid when Complete; lets a reader notice a file cut at a chunk boundary
	Warnings      []string
	// Clock is the stop-point clock the recording asked for: "" (the
	// cheaper for the interpreter), "settrace" or "monitoring".
	Clock string   `json:",omitempty"`
	Blobs []string // the blobs the events refer to (mapped files), written by Close and Abort
	// Sources maps each Python source file the program looked at (by its
	// absolute path when recorded) to its content's blob, so that the
	// shell lists the source as it was.
	Sources map[string]string `json:",omitempty"`

	// Pid and ParentPid are the process's when recorded. A recording of
	// a process tree has one trace per process image (images.go).
	Pid, ParentPid int `json:",omitempty"`
	// ForkedFrom is set on a forked child's image: it began as a copy of
	// its parent image, which replay runs up to the fork first.
	ForkedFrom *Origin `json:",omitempty"`
	// ExecedAs is the image an execve replaced this one with, 0 for none:
	// the image's events end at that execve.
	ExecedAs int `json:",omitempty"`
	// Outputs are, for an image an execve began, which of its fds wrote
	// to the recorded program's stdout (1) or stderr (2) as it began: it
	// inherited them from whatever ran before. Nil (null) means fds 1
	// and 2; empty, none.
	Outputs map[uint64]uint64
}

// writeMeta replaces DIR/meta.json atomically: readers see the old or the
// new metadata, never a half-written file, even if rrpy dies meanwhile.
func writeMeta(dir string, m *Meta) error {
	data, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return fmt.Errorf("encode meta: %w", err)
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(dir, metaFile+".tmp*") // created 0600
	if err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	// Remove the temp file on any failure; after a successful rename this
	// fails harmlessly because the name is gone.
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write meta %s: %w", tmp.Name(), err)
	}
	// Sync before rename so a crash cannot leave an empty meta.json behind.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync meta %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close meta %s: %w", tmp.Name(), err)
	}
	path := filepath.Join(dir, metaFile)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write meta: %w", err)
	}
	return nil
}

// readMeta reads DIR/meta.json.
func readMeta(dir string) (*Meta, error) {
	path := filepath.Join(dir, metaFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read meta: %w", err)
	}
	var m Meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("corrupt meta %s: %w", path, err)
	}
	return &m, nil
}
