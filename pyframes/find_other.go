//go:build !linux

package pyframes

import "errors"

// Find needs /proc, so it only works on Linux.
func Find(pid int) (*Python, error) {
	return nil, errors.New("finding CPython in a process is only supported on Linux")
}
