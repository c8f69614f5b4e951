package ptrace

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// describeExit says how a process ended, the way a shell user reads it.
func describeExit(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return fmt.Sprintf("killed by %v", unix.SignalName(ws.Signal()))
	}
	return fmt.Sprintf("exited with status %d", ws.ExitStatus())
}

// DescribeExit is describeExit for a raw wait status, as a trace keeps it.
func DescribeExit(status int32) string { return describeExit(unix.WaitStatus(status)) }
