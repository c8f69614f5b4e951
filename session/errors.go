package session

import "fmt"

// DivergenceError says where a replay stopped doing what was recorded.
type DivergenceError struct {
	Event  int // the trace event where it happened, counted from 0
	Detail string
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("replay diverged from the recording at event %d: %s", e.Event, e.Detail)
}

// EndedEarlyError says the trace was cut off (the recording was killed)
// and replay went as far as it holds.
type EndedEarlyError struct {
	Events int // events replayed
}

func (e *EndedEarlyError) Error() string {
	return fmt.Sprintf("the recording ended early: replayed all %d events it holds", e.Events)
}
