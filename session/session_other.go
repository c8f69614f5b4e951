//go:build !(linux && amd64)

package session

import "rrpy/ptrace"

// Record is not available on this platform.
func Record(RecordOptions) (int32, error) { return 0, ptrace.ErrNotSupported }

// Replay is not available on this platform.
func Replay(ReplayOptions) (int32, error) { return 0, ptrace.ErrNotSupported }

// ReplayTree needs Linux on x86-64.
func ReplayTree(ReplayOptions) (int32, error) { return 0, ptrace.ErrNotSupported }

// Supported says why this platform cannot record or replay.
func Supported() error { return ptrace.ErrNotSupported }
