// Package ptrace drives one traced process tree on linux/amd64: launching a
// program stopped at its exec, waiting for stops, reading and writing
// registers and memory, and injecting syscalls into the tracee.
//
// Every ptrace request for a tracee must come from the OS thread that
// attached it, so a Tracer owns one goroutine locked to its OS thread and
// runs every request there (as Delve's execPtraceFunc does). Memory is read
// with process_vm_readv and written through /proc/PID/mem, which need no
// particular thread.
//
// The package knows nothing of Python or of the trace format.
package ptrace

import "errors"

// ErrNotSupported is returned on platforms where tracing is not implemented.
var ErrNotSupported = errors.New("recording is only supported on linux/amd64 for now")
