package trace

import (
	"errors"
	"fmt"
)

// ErrNotTrace is returned (wrapped, naming the directory) by Open for a
// directory that lacks meta.json or events, or whose events file does not
// start with the magic.
var ErrNotTrace = errors.New("not an rrpy trace")

// ErrIncomplete is returned (wrapped, saying how many events were read) by
// Reader.Next when the recording was cut off: the events file ends inside a
// chunk, or it ends cleanly but Writer.Close never marked the trace complete.
// Every event before the cut has been returned by then.
var ErrIncomplete = errors.New("trace is incomplete")

// VersionError reports a trace written in a format version this rrpy does
// not read.
type VersionError struct {
	Got  int // version found in the trace
	Want int // FormatVersion
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("trace format version %d, this rrpy reads version %d", e.Got, e.Want)
}

// CorruptError reports a chunk of the events file whose bytes are damaged:
// a checksum mismatch, an impossible header, or events that do not decode.
type CorruptError struct {
	Path   string // the events file
	Chunk  int    // index of the chunk, from 0
	Offset int64  // file offset of the chunk header
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt trace %s: chunk %d at offset %d: %s", e.Path, e.Chunk, e.Offset, e.Reason)
}
