package snapshot

import (
	"time"

	"rrpy/session"
)

// Options configure a timeline.
type Options struct {
	Replay      session.ReplayOptions // Stdout and Stderr get the program's output
	EvalTimeout time.Duration         // of one evaluation; 0 is DefaultEvalTimeout
	// CheckpointMemory bounds the memory checkpoints hold, as a multiple
	// of the program's resident set; 0 is DefaultCheckpointMemory.
	CheckpointMemory float64
	// NoLineIndex turns the index of lines run off: continue and
	// bcontinue replay every stretch (the slow path, which the tests
	// compare the fast one with).
	NoLineIndex bool
}

// DefaultEvalTimeout bounds one evaluation: an endless loop in p ends.
const DefaultEvalTimeout = 10 * time.Second

// DefaultCheckpointMemory bounds the memory checkpoints hold, as a
// multiple of the program's own resident set.
const DefaultCheckpointMemory = 2.0
