package session

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"rrpy/pyframes"
	"rrpy/trace"
)

// RecordOptions configure one recording.
type RecordOptions struct {
	Path     string   // the executable, resolved
	Argv     []string // argv[0] included
	Env      []string
	TraceDir string // created; must not exist or be empty
	Blobs    *trace.BlobStore
	Stdio    []*os.File // the program's stdin, stdout, stderr
	Version  string     // rrpy's version, kept in the trace
	// Stop, when closed, kills the program and leaves the trace as it
	// is: a trace cut off there, which replays up to its last chunk.
	Stop <-chan struct{}
	// Warn receives one line per thing the user should know.
	Warn func(string)
	// Clock is how the probe counts stop points in CPython: ClockAuto
	// (the cheaper one for the version), ClockSettrace or
	// ClockMonitoring. The trace keeps it; replay does the same.
	Clock string
	// StallLimit is how long threads may wait for their turn while the
	// running one goes on without a syscall or a Python stop point, the
	// only places rrpy can switch threads, before the recording stops
	// with ErrStalled, its trace kept; 0 for never.
	StallLimit time.Duration
}

// DefaultStallLimit is the stall limit of rrpy record: long past the
// warning, which comes after spinWarnAfter.
const DefaultStallLimit = time.Minute

// The clocks a recording can ask for.
const (
	ClockAuto       = ""
	ClockSettrace   = "settrace"
	ClockMonitoring = "monitoring"
)

// ClockFits tells whether an interpreter can count stop points with the
// clock asked for (RecordOptions.Clock).
func ClockFits(py *pyframes.Python, want string) error {
	if want == ClockMonitoring && !hasMonitoring(py) {
		return fmt.Errorf("CPython %d.%d has no sys.monitoring (new in 3.12): record with --clock settrace", py.Version.Major, py.Version.Minor)
	}
	return nil
}

func hasMonitoring(py *pyframes.Python) bool { return py.Layout.InterpStateMonitoringCallables >= 0 }

// ErrInterrupted is returned when Stop ended a recording.
var ErrInterrupted = errors.New("recording interrupted: the trace is incomplete")

// ErrStalled is returned when a recording stopped at its StallLimit.
var ErrStalled = errors.New("recording stopped: a thread ran without a syscall or a Python stop point " +
	"while others waited for their turn, which rrpy could not give them; the trace holds the run up to here")

// ReplayOptions configure one replay.
type ReplayOptions struct {
	TraceDir string
	Blobs    *trace.BlobStore
	// Stdout and Stderr receive what the program wrote to its fds 1 and 2.
	Stdout, Stderr io.Writer
	// Echo, when set, receives each write instead of Stdout and Stderr,
	// with its stream (1 or 2) and the index of its event.
	Echo func(stream, event int, data []byte)
	Warn func(string)
}

// isError tells a failed syscall result (-4095..-1) from a value.
func isError(result int64) bool { return result < 0 && result > -4096 }
