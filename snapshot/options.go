package snapshot

import (
	"time"

	"rrpy/session"
)

// Options configure a timeline.
type Options struct {
	Replay      session.ReplayOptions // Stdout and Stderr get the program's output
	EvalTimeout time.Duration         // of one evaluation; 0 is DefaultEvalTimeout
}

// DefaultEvalTimeout bounds one evaluation: an endless loop in p ends.
const DefaultEvalTimeout = 10 * time.Second
