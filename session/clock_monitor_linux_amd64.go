package session

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/pyframes"
)

// monitorTool is the sys.monitoring tool id rrpy's clock takes: one that
// CPython names for no one (0 is the debugger's, 1 coverage's, 2 the
// profiler's, 5 the optimizer's). A program that asks for it gets
// "tool 4 is already in use"; one that takes it over is reported.
const monitorTool = 4

// monitorClock registers the probe's doors as sys.monitoring callbacks
// (3.12+): LINE, PY_START, PY_RETURN and PY_YIELD, PY_UNWIND, JUMP. The
// events are the interpreter's, so every thread, present or future, is
// covered by one registration. It goes through the public C API (the
// same calls as `sys.monitoring.register_callback` in Python), so a
// stripped distribution build will do.
type monitorClock struct {
	py        *pyframes.Python
	api       map[string]uint64 // C API functions, by name
	none      uint64            // Py_None, what a callback returns
	addr2Line uint64            // PyCode_Addr2Line
	disable   uint64            // sys.monitoring.DISABLE
	gilHolder uint64            // the GIL's last_holder word
	line      uint64            // the LINE callback, to see it replaced
}

// monitorCAPI are the functions the installation calls.
var monitorCAPI = []string{"PySys_GetObject", "PyObject_GetAttrString", "PyTuple_New", "PyTuple_SetItem",
	"PyLong_FromLong", "PyUnicode_FromString", "PyObject_CallObject", "PyCMethod_New", "Py_DecRef",
	"PyErr_Fetch", "PyObject_Str", "PyUnicode_AsUTF8AndSize"}

func newMonitorClock(py *pyframes.Python) (*monitorClock, error) {
	c := &monitorClock{py: py, api: map[string]uint64{}}
	for _, name := range monitorCAPI {
		addr, err := py.Symbol(name)
		if err != nil {
			return nil, err
		}
		c.api[name] = addr
	}
	var err error
	if c.none, err = py.Symbol("_Py_NoneStruct"); err != nil {
		return nil, err
	}
	if c.addr2Line, err = py.Symbol("PyCode_Addr2Line"); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *monitorClock) config() probe.Clock {
	l := c.py.Layout
	cfg := framesClock(l)
	cfg.ReturnValue, cfg.Disable, cfg.Addr2Line, cfg.GILHolder = c.none, c.disable, c.addr2Line, c.gilHolder
	cfg.ThreadStateCframe, cfg.CurrentFrame, cfg.LongDigit = l.ThreadStateCframe, l.CFrameCurrentFrame, l.LongDigit
	return cfg
}

// monitorCallback is one of the probe's doors and the events it answers.
type monitorCallback struct {
	name   string
	entry  uint64
	events []int64
}

func (c *monitorClock) callbacks() []monitorCallback {
	l := c.py.Layout
	return []monitorCallback{
		{"rrpy_line", probe.OnLine, []int64{l.EventLine}},
		{"rrpy_start", probe.OnStart, []int64{l.EventPyStart}},
		{"rrpy_return", probe.OnReturn, []int64{l.EventPyReturn, l.EventPyYield}},
		{"rrpy_unwind", probe.OnUnwind, []int64{l.EventPyUnwind}},
		{"rrpy_jump", probe.OnJump, []int64{l.EventJump}},
	}
}

// install does, through the C API, what this Python would:
//
//	m = sys.monitoring
//	m.use_tool_id(4, "rrpy")
//	m.register_callback(4, EVENT, door) for each door
//	m.set_events(4, every door's events)
//
// then gives the probe what its doors need: sys.monitoring.DISABLE and
// where the GIL's holder is.
func (c *monitorClock) install(proc *ptrace.Proc) error {
	rd := pyframes.NewReader(proc, c.py)
	gil, err := rd.GIL()
	if err != nil || gil == 0 {
		return fmt.Errorf("find the GIL: %v", orNoGIL(err))
	}
	c.gilHolder = gil + c.py.Layout.GilLastHolder
	api := &capi{proc: proc, fns: c.api}
	callbacks := c.callbacks()
	api.writeScratch(c.py.Layout, callbacks)
	mon := api.call("PySys_GetObject", api.str("monitoring"))
	if api.err == nil && mon == 0 {
		return errors.New("this CPython has no sys.monitoring")
	}
	c.disable = api.call("PyObject_GetAttrString", mon, api.str("DISABLE"))
	api.callMethod(mon, "use_tool_id", api.long(monitorTool), api.call("PyUnicode_FromString", api.str("rrpy")))
	var mask uint64
	for i, cb := range callbacks {
		for _, ev := range cb.events {
			fn := api.call("PyCMethod_New", api.methodDef(i), 0, 0, 0)
			if ev == c.py.Layout.EventLine {
				c.line = fn
			}
			api.callMethod(mon, "register_callback", api.long(monitorTool), api.long(1<<ev), fn)
			mask |= 1 << ev
		}
	}
	api.callMethod(mon, "set_events", api.long(monitorTool), api.long(mask))
	if api.err != nil {
		return api.err
	}
	return probe.SetClock(proc, c.config())
}

func orNoGIL(err error) error {
	if err == nil {
		return errors.New("none yet")
	}
	return err
}

// threadStarted: the callbacks are the interpreter's; a new thread runs
// them as it is.
func (c *monitorClock) threadStarted(*ptrace.Proc) error { return nil }

// guardAt: sys.monitoring.register_callback is
// monitoring_register_callback(module, args, nargs), a static function a
// build with its symbol table has (pyenv's); where it is missing,
// replaced finds the takeover at the next syscall.
func (c *monitorClock) guardAt() uint64 {
	at, err := c.py.Symbol("monitoring_register_callback")
	if err != nil {
		return 0
	}
	return at
}

// guarded: a callback registered for rrpy's tool, args[0] (other tools',
// such as coverage's, share nothing with the clock).
func (c *monitorClock) guarded(proc *ptrace.Proc, regs ptrace.Regs) (uint64, string, error) {
	if regs.Rdx < 1 {
		return 0, "", nil // a wrong call: Python will raise
	}
	tool, err := readWord(proc, regs.Rsi)
	if err != nil {
		return 0, "", err
	}
	if id, err := pyframes.NewReader(proc, c.py).SmallInt(tool); err != nil || id != monitorTool {
		return 0, "", nil // not an int, or another tool
	}
	holder, err := pyframes.NewReader(proc, c.py).GILHolder()
	return holder, fmt.Sprintf("registers a callback for sys.monitoring's tool %d, rrpy's clock", monitorTool), err
}

// replaced: the program registered another LINE callback for rrpy's tool,
// or turned its events off (set_events, free_tool_id).
func (c *monitorClock) replaced(proc *ptrace.Proc) (uint64, string, error) {
	l := c.py.Layout
	rd := pyframes.NewReader(proc, c.py)
	if finalizing, err := rd.Finalizing(); err != nil || finalizing {
		return 0, "", err // shutting down clears every tool
	}
	interp, err := rd.MainInterpreter()
	if err != nil || interp == 0 {
		return 0, "", err
	}
	slot := uint64(l.InterpStateMonitoringCallables) + 8*(monitorTool*l.MonitoringEvents+uint64(l.EventLine))
	fn, err := readWord(proc, interp+slot)
	if err != nil {
		return 0, "", err
	}
	var tools [1]byte
	if err := proc.ReadMemory(interp+uint64(l.InterpStateMonitors)+uint64(l.EventLine), tools[:]); err != nil {
		return 0, "", err
	}
	if fn == c.line && tools[0]&(1<<monitorTool) != 0 {
		return 0, "", nil
	}
	holder, err := rd.GILHolder()
	return holder, fmt.Sprintf("took over sys.monitoring's tool %d, rrpy's clock, before this point", monitorTool), err
}

// capi calls the interpreter's C API during the clock's installation,
// step after step, the first error sticking: the steps read as the
// Python they stand for.
type capi struct {
	proc  *ptrace.Proc
	fns   map[string]uint64
	err   error
	names map[string]uint64 // C strings in the probe's scratch space
	defs  uint64            // the method definitions there
	size  uint64            // sizeof(PyMethodDef)
	cells uint64            // three words for PyErr_Fetch
}

// writeScratch puts the doors' method definitions, the strings the
// installation names and three cells into the probe's scratch space.
func (a *capi) writeScratch(l *pyframes.Layout, callbacks []monitorCallback) {
	a.defs, a.size = probe.Scratch, l.MethodDefSize
	strs := []string{"monitoring", "DISABLE", "rrpy", "use_tool_id", "register_callback", "set_events"}
	for _, cb := range callbacks {
		strs = append(strs, cb.name)
	}
	at := uint64(len(callbacks)) * a.size
	var text bytes.Buffer
	a.names = map[string]uint64{}
	for _, s := range strs {
		a.names[s] = probe.Scratch + at + uint64(text.Len())
		text.WriteString(s)
		text.WriteByte(0)
	}
	for text.Len()%8 != 0 {
		text.WriteByte(0)
	}
	a.cells = probe.Scratch + at + uint64(text.Len())
	page := make([]byte, at, at+uint64(text.Len())+24)
	for i, cb := range callbacks {
		def := page[uint64(i)*a.size:]
		binary.LittleEndian.PutUint64(def[l.MethodDefName:], a.names[cb.name])
		binary.LittleEndian.PutUint64(def[l.MethodDefMeth:], cb.entry)
		binary.LittleEndian.PutUint32(def[l.MethodDefFlags:], uint32(l.MethFastcall))
	}
	page = append(page, text.Bytes()...)
	page = append(page, make([]byte, 24)...)
	if uint64(len(page)) > probe.ScratchSize {
		a.fail(fmt.Errorf("the installation needs %d bytes of scratch space, the probe has %d", len(page), probe.ScratchSize))
		return
	}
	a.fail(a.proc.WriteMemory(probe.Scratch, page))
}

func (a *capi) str(s string) uint64    { return a.names[s] }
func (a *capi) methodDef(i int) uint64 { return a.defs + uint64(i)*a.size }
func (a *capi) long(v uint64) uint64   { return a.call("PyLong_FromLong", v) }
func (a *capi) fail(err error)         { a.err = errors.Join(a.err, err) }

// check fails the installation when a call that returns an object
// returned NULL: Python raised, and says why.
func (a *capi) check(result uint64, what string) {
	if a.err == nil && result == 0 {
		a.fail(fmt.Errorf("%s: %s", what, a.pythonError()))
	}
}

// call calls a C API function unless an earlier step failed.
func (a *capi) call(name string, args ...uint64) uint64 {
	if a.err != nil {
		return 0
	}
	v, err := installCall(a.proc, a.fns[name], args...)
	if err != nil {
		a.fail(fmt.Errorf("%s: %w", name, err))
	}
	return v
}

// callMethod calls obj.name(*args); the tuple takes the arguments' references.
func (a *capi) callMethod(obj uint64, name string, args ...uint64) {
	fn := a.call("PyObject_GetAttrString", obj, a.str(name))
	a.check(fn, "sys.monitoring."+name)
	t := a.call("PyTuple_New", uint64(len(args)))
	for i, arg := range args {
		a.call("PyTuple_SetItem", t, uint64(i), arg)
	}
	r := a.call("PyObject_CallObject", fn, t)
	a.check(r, "sys.monitoring."+name)
	for _, o := range []uint64{r, t, fn} {
		a.call("Py_DecRef", o)
	}
}

// pythonError words the exception being raised, and clears it.
func (a *capi) pythonError() string {
	a.call("PyErr_Fetch", a.cells, a.cells+8, a.cells+16)
	value, err := readWord(a.proc, a.cells+8)
	if err != nil || value == 0 {
		return "failed without an exception"
	}
	s := a.call("PyObject_Str", value)
	text := a.call("PyUnicode_AsUTF8AndSize", s, a.cells)
	n, err := readWord(a.proc, a.cells)
	if err != nil || text == 0 || n > 1024 {
		return "failed"
	}
	buf := make([]byte, n)
	if err := a.proc.ReadMemory(text, buf); err != nil {
		return "failed"
	}
	return string(buf)
}
