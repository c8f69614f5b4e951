package ptrace

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Tracer runs every ptrace request on one goroutine locked to its OS
// thread: the kernel accepts requests for a tracee only from the thread
// that attached it.
type Tracer struct {
	work  chan func()
	done  chan struct{}
	close sync.Once
	tid   atomic.Int32 // the tracer thread's id, set once it is locked
	// free is the CPUs rrpy may use, which a task let go untraced gets
	// back; nil when the tracer thread is not bound to one (cpu_linux_amd64.go).
	free *unix.CPUSet
}

// errTracerClosed is returned by requests made after Close.
var errTracerClosed = errors.New("tracer closed")

// NewTracer starts the tracer thread, bound to one CPU with the tracees
// it launches. Close ends it; the thread then dies with it, which kills
// any tracee still attached (PTRACE_O_EXITKILL).
func NewTracer() *Tracer {
	t := &Tracer{work: make(chan func()), done: make(chan struct{})}
	ready := make(chan struct{})
	go t.serve(ready)
	<-ready
	return t
}

// serve runs requests on the tracer thread; ready is closed once the
// thread is set up.
func (t *Tracer) serve(ready chan<- struct{}) {
	// Never unlocked: when this goroutine returns, Go terminates the
	// thread instead of reusing it, so no other goroutine ever runs on a
	// thread that still owns tracees.
	runtime.LockOSThread()
	quietChildStops()
	t.free = bindToOneCPU()
	t.tid.Store(int32(unix.Gettid()))
	close(ready)
	for {
		select {
		case f := <-t.work:
			f()
		case <-t.done:
			return
		}
	}
}

// onThread tells whether the caller runs on the tracer thread (inside
// Run). The requests of every stop check it first and go straight to the
// kernel: a closure for do would cost them an allocation each.
func (t *Tracer) onThread() bool { return int32(unix.Gettid()) == t.tid.Load() }

// do runs f on the tracer thread and waits for it. Called on the tracer
// thread itself (inside Run), it calls f directly.
func (t *Tracer) do(f func() error) error {
	if t.onThread() {
		return f()
	}
	errc := make(chan error, 1)
	select {
	case t.work <- func() { errc <- f() }:
		return <-errc
	case <-t.done:
		return errTracerClosed
	}
}

// Run runs f on the tracer thread, where every request f makes goes
// straight to the kernel: a session's stop-to-stop loop runs here, so that
// a syscall of the tracee costs no hand-offs between OS threads.
func (t *Tracer) Run(f func() error) error { return t.do(f) }

// Close stops the tracer thread.
func (t *Tracer) Close() {
	t.close.Do(func() { close(t.done) })
}
