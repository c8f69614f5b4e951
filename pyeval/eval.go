// Package pyeval evaluates Python source inside a throw-away copy of a
// program stopped at a stop point, by calling CPython's C API there: the
// real interpreter answers, with the program's own objects, reprs and
// exceptions.
package pyeval

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"rrpy/pyframes"
)

// Machine is a copy of the program in which C functions can be called.
type Machine interface {
	pyframes.Memory
	WriteMemory(addr uint64, data []byte) error
	Call(ctx context.Context, fn uint64, args ...uint64) (uint64, error)
	TakeOutput() []byte // what the code wrote to fds 1 and 2 itself
}

// Request is one evaluation.
type Request struct {
	Source string
	// InFrame runs the source in a frame of the thread that stopped,
	// with its globals and locals: the innermost, or Depth callers out.
	// Without it the source is a watch expression, which sees the
	// builtins and the anchors only and must be an expression.
	InFrame bool
	Depth   int
	Anchors map[int]uint64 // $N -> the object
}

// Result is what an evaluation gave.
type Result struct {
	Statement bool   // the source was a statement: no value
	Repr      string // the value's repr
	Object    uint64 // the value
	// Existed says the program had the value before the evaluation (it
	// was referenced from elsewhere): such an object gets a $N.
	Existed   bool
	Output    string // what the source printed
	Exception string // its exception, as a traceback's last line, when it raised
}

//go:embed driver.py
var driver string

//go:embed exception.py
var exceptionLine string

// exceptionProgram words the exception e as report.
func exceptionProgram() string { return exceptionLine + "report = __rrpy_exception_line(e)\n" }

// Python's start symbols (Include/compile.h).
const (
	fileInput = 257
	evalInput = 258
)

// API is the C API of one CPython, resolved once.
type API struct {
	malloc, dictNew, unicodeFromString, dictSetItemString, runString      uint64
	dictGetItemString, unicodeAsUTF8AndSize, decRef, localsToFast         uint64
	errPrint, compileString, evalCode, objectRepr, errFetch, errNormalize uint64
	getFrame, frameBack                                                   uint64
}

// NewAPI finds the functions an evaluation calls.
func NewAPI(py *pyframes.Python) (*API, error) {
	a := &API{}
	for _, s := range []struct {
		name string
		addr *uint64
	}{
		{"PyMem_RawMalloc", &a.malloc}, {"PyDict_New", &a.dictNew},
		{"PyUnicode_FromString", &a.unicodeFromString}, {"PyDict_SetItemString", &a.dictSetItemString},
		{"PyRun_StringFlags", &a.runString}, {"PyDict_GetItemString", &a.dictGetItemString},
		{"PyUnicode_AsUTF8AndSize", &a.unicodeAsUTF8AndSize}, {"Py_DecRef", &a.decRef},
		{"PyFrame_LocalsToFast", &a.localsToFast}, {"PyErr_Print", &a.errPrint},
		{"Py_CompileString", &a.compileString}, {"PyEval_EvalCode", &a.evalCode}, {"PyObject_Repr", &a.objectRepr},
		{"PyErr_Fetch", &a.errFetch}, {"PyErr_NormalizeException", &a.errNormalize},
		{"PyEval_GetFrame", &a.getFrame}, {"PyFrame_GetBack", &a.frameBack},
	} {
		v, err := py.Symbol(s.name)
		if err != nil {
			return nil, fmt.Errorf("evaluate Python: %w", err)
		}
		*s.addr = v
	}
	return a, nil
}

// evaluation is one Evaluate's state: the machine and its scratch memory.
type evaluation struct {
	ctx   context.Context
	m     Machine
	api   *API
	err   error
	names map[string]uint64 // C strings written into the copy
}

// Evaluate runs req in m. The error is for an evaluation that could not
// run (the copy crashed, did I/O, was interrupted); Python's exceptions
// are in Result.Exception.
func (a *API) Evaluate(ctx context.Context, m Machine, req Request) (Result, error) {
	if !req.InFrame {
		return a.evaluateWatch(ctx, m, req)
	}
	src, _ := Rewrite(req.Source)
	e := &evaluation{ctx: ctx, m: m, api: a}
	program := exceptionLine + driver
	e.writeStrings(append([]string{program, src, "src", "frame", "anchors", "report", "r"}, anchorNames(req.Anchors)...))
	d := e.call(a.dictNew)
	anchors := e.call(a.dictNew)
	s := e.call(a.unicodeFromString, e.names[src])
	e.setItem(d, "src", s)
	e.call(a.decRef, s)
	// The copy's thread is the one that stopped, in its probe's call:
	// the current frame is the program's (its object made if need be).
	frame := e.call(a.getFrame)
	for i := 0; i < req.Depth && frame != 0; i++ {
		frame = e.call(a.frameBack, frame) // a reference the copy keeps: it dies with it
	}
	if e.err == nil && frame == 0 {
		return Result{Exception: "rrpy cannot run Python here: no Python frame"}, nil
	}
	e.setItem(d, "frame", frame)
	e.setAnchors(anchors, req.Anchors)
	e.setItem(d, "anchors", anchors)
	if e.call(a.runString, e.names[program], fileInput, d, d, 0) == 0 && e.err == nil {
		return e.driverFailed(), e.err
	}
	res := e.report(d)
	if res.Statement {
		// p y = 5 in a function: later p y sees it (3.13's f_locals
		// writes through; there this does nothing).
		e.call(a.localsToFast, frame, 0)
	}
	e.call(a.decRef, anchors)
	e.call(a.decRef, d)
	res.Output = string(m.TakeOutput()) + res.Output
	return res, e.err
}

// driverFailed says why rrpy's own Python raised: the interpreter prints
// it on stderr (captured), which also clears the error.
func (e *evaluation) driverFailed() Result {
	e.call(e.api.errPrint)
	out := strings.TrimSpace(string(e.m.TakeOutput()))
	return Result{Exception: "rrpy cannot run Python here: " + lastLine(out)}
}

// evaluateWatch evaluates a watch expression with the C API alone, the
// source compiled and run in a dict of the anchors (the interpreter
// adds the builtins): no driver to compile, half the calls. Python runs
// only to word an exception.
func (a *API) evaluateWatch(ctx context.Context, m Machine, req Request) (Result, error) {
	src, _ := Rewrite(req.Source)
	e := &evaluation{ctx: ctx, m: m, api: a}
	e.writeStrings(append([]string{src, "<rrpy>", exceptionProgram(), "e", "report"}, anchorNames(req.Anchors)...))
	g := e.call(a.dictNew)
	e.setAnchors(g, req.Anchors)
	code := e.call(a.compileString, e.names[src], e.names["<rrpy>"], evalInput)
	var r, repr uint64
	if code != 0 {
		r = e.call(a.evalCode, code, g, g)
	}
	if r != 0 {
		repr = e.call(a.objectRepr, r)
	}
	if e.err != nil {
		return Result{}, e.err
	}
	if repr == 0 {
		return e.exception(), e.err
	}
	return Result{Repr: e.utf8(repr), Object: r}, e.err
}

// exception words the exception being raised as a traceback's last line.
func (e *evaluation) exception() Result {
	a, cells := e.api, e.names[""]
	t, v, tb := cells+8, cells+16, cells+24
	e.call(a.errFetch, t, v, tb)
	e.call(a.errNormalize, t, v, tb)
	d := e.call(a.dictNew)
	e.setItem(d, "e", e.word(v))
	if e.call(a.runString, e.names[exceptionProgram()], fileInput, d, d, 0) == 0 && e.err == nil {
		return e.driverFailed()
	}
	return Result{Exception: e.utf8(e.call(a.dictGetItemString, d, e.names["report"]))}
}

// utf8 reads a str object's text.
func (e *evaluation) utf8(str uint64) string {
	size := e.names[""]
	text := e.call(e.api.unicodeAsUTF8AndSize, str, size)
	n := e.word(size)
	if e.err != nil || text == 0 || n > 1<<24 {
		return ""
	}
	buf := make([]byte, n)
	e.read(text, buf)
	return string(buf)
}

// report reads what the driver left in d.
func (e *evaluation) report(d uint64) Result {
	a := e.api
	text := e.utf8(e.call(a.dictGetItemString, d, e.names["report"]))
	if e.err != nil {
		return Result{}
	}
	parts := strings.SplitN(text, "\x00", 4)
	if len(parts) != 4 {
		e.fail(fmt.Errorf("evaluator's report %q", text))
		return Result{}
	}
	res := Result{Statement: parts[0] == "1", Repr: parts[1], Output: parts[2], Exception: parts[3]}
	if res.Exception == "" && !res.Statement {
		res.Object = e.call(a.dictGetItemString, d, e.names["r"])
		// d holds one reference; another means the program holds it.
		res.Existed = res.Object != 0 && e.word(res.Object) > 1
	}
	return res
}

// writeStrings puts NUL-terminated strings, and four 8-byte cells from
// the address named "", in memory the copy allocates.
func (e *evaluation) writeStrings(strs []string) {
	var buf bytes.Buffer
	offsets := map[string]int{}
	for _, s := range strs {
		offsets[s] = buf.Len()
		buf.WriteString(s)
		buf.WriteByte(0)
	}
	for buf.Len()%8 != 0 {
		buf.WriteByte(0)
	}
	offsets[""] = buf.Len()
	buf.Write(make([]byte, 32))
	base := e.call(e.api.malloc, uint64(buf.Len()))
	if e.err == nil && base == 0 {
		e.fail(fmt.Errorf("allocate %d bytes in the copy", buf.Len()))
	}
	if e.err != nil {
		return
	}
	e.fail(e.m.WriteMemory(base, buf.Bytes()))
	e.names = map[string]uint64{}
	for s, off := range offsets {
		e.names[s] = base + uint64(off)
	}
}

// anchorNames lists the Python names the anchors go by.
func anchorNames(anchors map[int]uint64) []string {
	var names []string
	for n := range anchors {
		names = append(names, AnchorName(n))
	}
	return names
}

// setAnchors puts the anchors into dict under their Python names.
func (e *evaluation) setAnchors(dict uint64, anchors map[int]uint64) {
	for n, obj := range anchors {
		e.setItem(dict, AnchorName(n), obj)
	}
}

func (e *evaluation) setItem(dict uint64, key string, obj uint64) {
	if e.call(e.api.dictSetItemString, dict, e.names[key], obj) != 0 && e.err == nil {
		e.fail(fmt.Errorf("set %s in the evaluator's dict", key))
	}
}

// call calls fn unless an earlier step failed: the steps read as a
// sequence, and the first error is the one reported.
func (e *evaluation) call(fn uint64, args ...uint64) uint64 {
	if e.err != nil {
		return 0
	}
	v, err := e.m.Call(e.ctx, fn, args...)
	e.fail(err)
	return v
}

func (e *evaluation) read(addr uint64, buf []byte) {
	if e.err == nil {
		e.fail(e.m.ReadMemory(addr, buf))
	}
}

func (e *evaluation) word(addr uint64) uint64 {
	var b [8]byte
	e.read(addr, b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (e *evaluation) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// AnchorName is the Python name $N becomes.
func AnchorName(n int) string { return "__rrpy_" + strconv.Itoa(n) }

// lastLine is the last line of a traceback: the exception.
func lastLine(text string) string {
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		return text[i+1:]
	}
	return text
}
