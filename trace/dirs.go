package trace

import (
	"fmt"
	"os"
	"path/filepath"
)

// DefaultDir returns rrpy's per-user data directory: $XDG_DATA_HOME/rrpy,
// or ~/.local/share/rrpy when XDG_DATA_HOME is unset or relative (as the XDG
// spec requires). Traces live in DefaultDir()/traces, blobs in
// DefaultDir()/blobs.
func DefaultDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "rrpy")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		// No home: fall back to a per-user directory that still works.
		return filepath.Join(os.TempDir(), fmt.Sprintf("rrpy-%d", os.Getuid()))
	}
	return filepath.Join(home, ".local", "share", "rrpy")
}

// DefaultTracesDir returns DefaultDir()/traces.
func DefaultTracesDir() string { return filepath.Join(DefaultDir(), "traces") }

// DefaultBlobsDir returns DefaultDir()/blobs.
func DefaultBlobsDir() string { return filepath.Join(DefaultDir(), "blobs") }
