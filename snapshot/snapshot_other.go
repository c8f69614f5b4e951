//go:build !(linux && amd64)

package snapshot

import (
	"errors"

	"rrpy/engine"
)

// Timeline is not available on this platform.
type Timeline struct{ engine.Target }

// Open says that replay is not available here.
func Open(Options) (*Timeline, error) {
	return nil, errors.New("replay is only supported on linux/amd64 for now")
}

// Close does nothing.
func (*Timeline) Close() {}
