//go:build !(linux && amd64)

package check

import "rrpy/ptrace"

// Run reports that this platform cannot record: rrpy's tracer exists only
// for linux/amd64.
func Run() []Item {
	return []Item{{Name: "platform", Status: Fail, Detail: ptrace.ErrNotSupported.Error()}}
}
