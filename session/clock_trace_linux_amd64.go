package session

import (
	"fmt"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/pyframes"
)

// traceClock makes the probe a C trace function (PyEval_SetTrace), which
// CPython calls at every line, call and return of a thread whose thread
// state names it (3.12 and 3.13 through sys.monitoring's tool for
// sys.settrace). Each thread state gets it: the one running at install,
// and every one CPython makes for a new thread.
type traceClock struct {
	py       *pyframes.Python
	setTrace uint64 // _PyEval_SetTrace(tstate, func, arg)
}

func newTraceClock(py *pyframes.Python) (*traceClock, error) {
	setTrace, err := py.Symbol("_PyEval_SetTrace")
	if err != nil {
		return nil, err
	}
	return &traceClock{py: py, setTrace: setTrace}, nil
}

func (c *traceClock) config() probe.Clock {
	l := c.py.Layout
	cfg := framesClock(l)
	cfg.FrameObjectFrame, cfg.FrameObjectLineno = l.FrameObjectFrame, l.FrameObjectLineno
	return cfg
}

func (c *traceClock) install(proc *ptrace.Proc) error { return c.threadStarted(proc) }

// threadStarted makes the probe the trace function of every thread state
// that has none (the program's own sys.settrace is left alone).
func (c *traceClock) threadStarted(proc *ptrace.Proc) error {
	states, err := pyframes.NewReader(proc, c.py).Threads()
	if err != nil {
		return fmt.Errorf("list Python threads: %w", err)
	}
	for _, ts := range states {
		fn, err := readWord(proc, ts+c.py.Layout.ThreadStateCTracefunc)
		if err != nil {
			return err
		}
		if fn != 0 {
			continue // ours, or the program's own (sys.settrace)
		}
		if _, err := installCall(proc, c.setTrace, ts, probe.TraceFunc, 0); err != nil {
			return fmt.Errorf("install the probe in thread state %#x: %w", ts, err)
		}
	}
	return nil
}

// guardAt: the program's sys.settrace (or threading.settrace) calls
// _PyEval_SetTrace, which replaces the probe in that thread.
func (c *traceClock) guardAt() uint64 { return c.setTrace }

func (c *traceClock) guarded(_ *ptrace.Proc, regs ptrace.Regs) (uint64, string, error) {
	return regs.Rdi, "calls sys.settrace, which replaces rrpy's probe in that thread", nil
}

// replaced: where a build inlines _PyEval_SetTrace into sys.settrace the
// guard never fires; the thread holding the GIL then has another trace
// function.
func (c *traceClock) replaced(proc *ptrace.Proc) (uint64, string, error) {
	ts, err := pyframes.NewReader(proc, c.py).GILHolder()
	if err != nil || ts == 0 {
		return 0, "", err
	}
	fn, err := readWord(proc, ts+c.py.Layout.ThreadStateCTracefunc)
	if err != nil || fn == 0 || fn == probe.TraceFunc {
		return 0, "", err // 0: a thread state made in C, which rrpy does not cover
	}
	return ts, "called sys.settrace before this point, which replaces rrpy's probe in that thread", nil
}
