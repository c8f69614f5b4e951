// Package pyframes reads CPython's structures straight from the memory of a
// stopped process, without running any code in it: the thread states, the
// chain of interpreter frames, code objects and their line tables, local
// variables, and the repr of common objects.
//
// Offsets come from a Layout per CPython minor version. Layouts are
// generated from CPython's own headers (offsetof and sizeof compiled by
// gcc, see gen/) so that a new version is one more table, not new code.
// Find identifies the interpreter of a live process from the symbols of
// its mapped ELF files and picks the layout from the Py_Version constant;
// Inspect does the same from the files a program would map, before it
// runs, so that an interpreter rrpy cannot read is refused up front.
//
// The package reads memory through the one-method Memory interface and
// imports nothing of rrpy: it must not depend on the tracer, the session
// or the trace format, so that it can read a live tracee, a snapshot or a
// core file alike.
package pyframes
