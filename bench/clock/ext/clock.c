/* _clock: the two ways a stop-point clock can hear CPython, for
 * bench/clock. Built against each interpreter's headers, linked against
 * nothing: the symbols resolve from the interpreter that loads it.
 *
 * Both ways do what rrpy's probe does: count stop points (line starts,
 * returns, returns by exception) and compare the count with a target
 * that is never reached, and read the first line of each code object
 * that starts (the probe's breakpoints on function entry need it).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

/* The clock. target is set from Python so that the compiler cannot fold
 * the comparison away; hits is what reaching it would do. */
static unsigned long long count;
static unsigned long long target = ~0ULL;
static unsigned long long hits;

/* Values read and thrown away, volatile so that the reads happen. */
static volatile int first_line;
static volatile long line;

/* sys.monitoring.DISABLE, handed in by the harness (3.12+). */
static PyObject *disable;

static inline void
stop_point(void)
{
    if (++count == target) {
        hits++;
    }
}

/* The settrace clock: a C trace function, as rrpy's probe is one. */
static int
trace(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    (void)obj;
    (void)arg;
    switch (what) {
    case PyTrace_LINE:
    case PyTrace_RETURN:
        stop_point();
        break;
    case PyTrace_CALL: {
        PyCodeObject *code = PyFrame_GetCode(frame);
        first_line = code->co_firstlineno;
        Py_DECREF(code);
        break;
    }
    }
    return 0;
}

/* The monitoring clock: one METH_FASTCALL function per event. */

static PyObject *
on_line(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    (void)nargs;
    line = PyLong_AsLong(args[1]);
    stop_point();
    Py_RETURN_NONE;
}

static PyObject *
on_start(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    (void)nargs;
    first_line = ((PyCodeObject *)args[0])->co_firstlineno;
    Py_RETURN_NONE;
}

/* PY_RETURN and PY_YIELD: the frame is left by a return or a yield. */
static PyObject *
on_return(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    (void)args;
    (void)nargs;
    stop_point();
    Py_RETURN_NONE;
}

/* PY_UNWIND: the frame is left by an exception. */
static PyObject *
on_unwind(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    (void)args;
    (void)nargs;
    stop_point();
    Py_RETURN_NONE;
}

/* Which backward jumps stay on their line, cached: such a jump is a stop
 * point (3.11's tracing reports a line on every backward jump; LINE does
 * not fire when the line does not change), and it keeps firing at every
 * turn of its loop, so PyCode_Addr2Line (a walk of the line table) would
 * run at every turn. Direct-mapped; the code pointer is borrowed, so a
 * new code object at a freed one's address could meet a stale entry with
 * the same offsets, which a benchmark can afford. */
#define JUMP_CACHE 256

static struct jump {
    PyObject *code;
    long from, to;
    int same_line;
} jumps[JUMP_CACHE];

static int
same_line(PyObject *code, long from, long to)
{
    size_t h = ((uintptr_t)code >> 4) ^ (size_t)from * 31 ^ (size_t)to * 17;
    struct jump *j = &jumps[h % JUMP_CACHE];
    if (j->code != code || j->from != from || j->to != to) {
        PyCodeObject *co = (PyCodeObject *)code;
        j->code = code;
        j->from = from;
        j->to = to;
        j->same_line = PyCode_Addr2Line(co, (int)from) == PyCode_Addr2Line(co, (int)to);
    }
    return j->same_line;
}

/* JUMP (code, from, to), offsets in bytes. Forward jumps and backward
 * jumps to another line are never stop points here (LINE at the target
 * counts the latter), so their location is switched off for good. */
static PyObject *
on_jump(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    (void)nargs;
    long from = PyLong_AsLong(args[1]);
    long to = PyLong_AsLong(args[2]);
    if (to > from || !same_line(args[0], from, to)) {
        return Py_NewRef(disable);
    }
    stop_point();
    Py_RETURN_NONE;
}

/* Module functions the harness calls. */

static PyObject *
init(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "init(target, disable)");
        return NULL;
    }
    target = PyLong_AsUnsignedLongLong(args[0]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_XSETREF(disable, Py_NewRef(args[1]));
    count = 0;
    Py_RETURN_NONE;
}

static PyObject *
settrace(PyObject *self, PyObject *on)
{
    (void)self;
    PyEval_SetTrace(PyObject_IsTrue(on) ? trace : NULL, NULL);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
get_count(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromUnsignedLongLong(count);
}

static PyMethodDef methods[] = {
    {"init", (PyCFunction)(void (*)(void))init, METH_FASTCALL, "init(target, disable): reset the clock"},
    {"settrace", settrace, METH_O, "settrace(on): set or clear the C trace function"},
    {"count", get_count, METH_NOARGS, "count() -> stop points counted"},
    {"line", (PyCFunction)(void (*)(void))on_line, METH_FASTCALL, "LINE callback"},
    {"start", (PyCFunction)(void (*)(void))on_start, METH_FASTCALL, "PY_START callback"},
    {"ret", (PyCFunction)(void (*)(void))on_return, METH_FASTCALL, "PY_RETURN and PY_YIELD callback"},
    {"unwind", (PyCFunction)(void (*)(void))on_unwind, METH_FASTCALL, "PY_UNWIND callback"},
    {"jump", (PyCFunction)(void (*)(void))on_jump, METH_FASTCALL, "JUMP callback"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_clock", "bench/clock's two clocks", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__clock(void)
{
    return PyModule_Create(&module);
}
