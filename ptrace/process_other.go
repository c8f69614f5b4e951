//go:build !(linux && amd64)

package ptrace

// Tracer is not available on this platform; every method says so.
type Tracer struct{}

// NewTracer returns a Tracer whose launches fail with ErrNotSupported.
func NewTracer() *Tracer { return &Tracer{} }

// Close does nothing here.
func (t *Tracer) Close() {}
