// Command gen writes a pyframes layout table (layout_3XX.go) for the
// CPython that -python names, from that Python's own headers.
//
// The fields to fill are those of the Layout struct in ../layout.go; each
// field's `c` tag is a C expression (offsetof, sizeof, a macro), and a
// `c3XX` tag (c312, c313) replaces it from that minor version on, where a
// member was renamed or moved: the newest tag not newer than the Python
// wins. gen writes
// a C program that prints every expression, compiles it with gcc against the
// headers the Python reports through sysconfig (with Py_BUILD_CORE, for the
// internal ones), runs it and writes the Go table. Run it through go
// generate in the pyframes directory:
//
//	go run ./gen -python python3.11 -o layout_311.go
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
)

func main() {
	python := flag.String("python", "python3", "the Python executable whose headers give the layout")
	out := flag.String("o", "", "the Go file to write (default layout_3XX.go for the Python's version)")
	src := flag.String("layout", "layout.go", "the Go file declaring the Layout struct")
	cc := flag.String("cc", "gcc", "the C compiler")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	if err := run(*python, *src, *out, *cc); err != nil {
		log.Fatal(err)
	}
}

// field is one Layout field: its Go name and type, and the C expression
// for the version at hand.
type field struct {
	name, goType, expr string
	debug              string // its _Py_DebugOffsets entry (3.13+), "" for none
}

// debugOffsetsMinor is the first minor version with _Py_DebugOffsets.
const debugOffsetsMinor = 13

// versionedTag is a field's C expression for a minor version: its c3XX
// tag with the largest XX not above minor, else its c tag.
func versionedTag(tag reflect.StructTag, minor int) string {
	expr := tag.Get("c")
	for v := 12; v <= minor; v++ {
		if e, ok := tag.Lookup(fmt.Sprintf("c3%d", v)); ok {
			expr = e
		}
	}
	return expr
}

// pyInfo is what the Python reports about itself.
type pyInfo struct {
	version  string // "3.11.7"
	includes []string
}

func run(python, src, out, cc string) error {
	info, err := askPython(python)
	if err != nil {
		return err
	}
	parts := strings.Split(info.version, ".")
	if len(parts) < 2 || parts[0] != "3" {
		return fmt.Errorf("odd version %q from %s", info.version, python)
	}
	minorNumber, err := strconv.Atoi(parts[1])
	if err != nil {
		return fmt.Errorf("odd version %q from %s", info.version, python)
	}
	fields, err := layoutFields(src, minorNumber)
	if err != nil {
		return err
	}
	minor := parts[0] + parts[1]
	if out == "" {
		out = "layout_" + minor + ".go"
	}
	values, err := compileAndRun(cc, info.includes, fields)
	if err != nil {
		return err
	}
	code, err := render(python, info, "layout"+minor, fields, values)
	if err != nil {
		return err
	}
	return os.WriteFile(out, code, 0o644)
}

// layoutFields reads the Layout struct's fields and their C expressions
// for a minor version. Fields without a tag are left out: pyframes
// computes them in Go.
func layoutFields(src string, minor int) ([]field, error) {
	f, err := parser.ParseFile(token.NewFileSet(), src, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", src, err)
	}
	var st *ast.StructType
	ast.Inspect(f, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == "Layout" {
			st, _ = ts.Type.(*ast.StructType)
		}
		return st == nil
	})
	if st == nil {
		return nil, fmt.Errorf("no Layout struct in %s", src)
	}
	var fields []field
	for _, fl := range st.Fields.List {
		if fl.Tag == nil {
			continue
		}
		tag, err := strconv.Unquote(fl.Tag.Value)
		if err != nil {
			return nil, fmt.Errorf("tag %s: %w", fl.Tag.Value, err)
		}
		expr := versionedTag(reflect.StructTag(tag), minor)
		typ, ok := fl.Type.(*ast.Ident)
		if expr == "" || !ok {
			continue
		}
		debug := ""
		if minor >= debugOffsetsMinor {
			debug = reflect.StructTag(tag).Get("debug")
		}
		for _, n := range fl.Names {
			fields = append(fields, field{name: n.Name, goType: typ.Name, expr: expr, debug: debug})
		}
	}
	return fields, nil
}

// askScript prints the version and the include directories, public first.
const askScript = `import sys, sysconfig
print("%d.%d.%d" % sys.version_info[:3])
p = sysconfig.get_paths()
for d in dict.fromkeys([p["include"], p["platinclude"]]):
    print(d)
`

func askPython(python string) (pyInfo, error) {
	outb, err := exec.Command(python, "-c", askScript).Output()
	if err != nil {
		return pyInfo{}, fmt.Errorf("ask %s for its version and headers: %w", python, err)
	}
	lines := strings.Fields(string(outb))
	if len(lines) < 2 {
		return pyInfo{}, fmt.Errorf("%s answered %q", python, outb)
	}
	return pyInfo{version: lines[0], includes: lines[1:]}, nil
}

// cPrelude includes everything the c tags name. probe_object and
// state_mask serve the expressions that offsetof cannot state.
const cPrelude = `#define Py_BUILD_CORE 1
#define NDEBUG 1
#include <Python.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "internal/pycore_code.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_runtime.h"
#include "internal/pycore_pystate.h"
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"
#include "internal/pycore_moduleobject.h"

/* An address to do pointer arithmetic on; never dereferenced. */
static char probe_storage[256];
static char *const probe_object __attribute__((unused)) = probe_storage + 128;

enum state_member { STATE_KIND, STATE_COMPACT, STATE_ASCII, STATE_READY };

/* state_mask returns the bits that one member of PyASCIIObject.state
   occupies in the word at offsetof(PyASCIIObject, state). */
static unsigned long long state_mask(enum state_member m) {
	PyASCIIObject o;
	unsigned long long mask = 0;
	memset(&o, 0, sizeof o);
	switch (m) {
	case STATE_KIND: o.state.kind = 7; break;
	case STATE_COMPACT: o.state.compact = 1; break;
	case STATE_ASCII: o.state.ascii = 1; break;
	case STATE_READY:
#if PY_VERSION_HEX < 0x030C0000
		o.state.ready = 1; /* 3.12 dropped it: every str is ready */
#endif
		break;
	}
	memcpy(&mask, &o.state, sizeof o.state < sizeof mask ? sizeof o.state : sizeof mask);
	return mask;
}

int main(void) {
`

func cProgram(fields []field) string {
	var b strings.Builder
	b.WriteString(cPrelude)
	for _, f := range fields {
		fmt.Fprintf(&b, "\tprintf(\"%s %%lld\\n\", (long long)(%s));\n", f.name, f.expr)
		if f.debug != "" {
			fmt.Fprintf(&b, "\tprintf(\"debug.%s %%lld\\n\", (long long)offsetof(_Py_DebugOffsets, %s));\n", f.name, f.debug)
		}
	}
	b.WriteString("\treturn 0;\n}\n")
	return b.String()
}

func compileAndRun(cc string, includes []string, fields []field) (map[string]string, error) {
	dir, err := os.MkdirTemp("", "pyframes-gen")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	csrc, bin := filepath.Join(dir, "layout.c"), filepath.Join(dir, "layout")
	if err := os.WriteFile(csrc, []byte(cProgram(fields)), 0o644); err != nil {
		return nil, err
	}
	args := []string{"-Wall", "-o", bin, csrc}
	for _, inc := range includes {
		args = append(args, "-I", inc)
	}
	cmd := exec.Command(cc, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("compile the layout program (%s %s): %w", cc, strings.Join(args, " "), err)
	}
	outb, err := exec.Command(bin).Output()
	if err != nil {
		return nil, fmt.Errorf("run the layout program: %w", err)
	}
	values := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(outb)), "\n") {
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("odd line %q from the layout program", line)
		}
		values[name] = val
	}
	return values, nil
}

func render(python string, info pyInfo, varName string, fields []field, values map[string]string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./gen -python %s; DO NOT EDIT.\n", filepath.Base(python))
	fmt.Fprintf(&b, "// From the headers of CPython %s (%s).\n\n", info.version, strings.Join(info.includes, ", "))
	fmt.Fprintf(&b, "package pyframes\n\nvar %s = Layout{\n", varName)
	for _, f := range fields {
		v, ok := values[f.name]
		if !ok {
			return nil, fmt.Errorf("the layout program printed no %s", f.name)
		}
		if strings.HasPrefix(v, "-") && !strings.HasPrefix(f.goType, "int") {
			return nil, fmt.Errorf("%s = %s does not fit its type %s", f.name, v, f.goType)
		}
		fmt.Fprintf(&b, "\t%s: %s, // %s\n", f.name, v, f.expr)
	}
	b.WriteString("}\n")
	renderDebugOffsets(&b, varName, fields, values)
	return format.Source(b.Bytes())
}

// renderDebugOffsets writes where _Py_DebugOffsets publishes each field
// that has a debug tag (nil before 3.13).
func renderDebugOffsets(b *bytes.Buffer, varName string, fields []field, values map[string]string) {
	fmt.Fprintf(b, "\n// %s are the entries of _Py_DebugOffsets that state a field of %s.\n", debugVarName(varName), varName)
	fmt.Fprintf(b, "var %s = []debugOffset{", debugVarName(varName))
	n := 0
	for _, f := range fields {
		if f.debug == "" {
			continue
		}
		if n == 0 {
			b.WriteString("\n")
		}
		n++
		fmt.Fprintf(b, "\t{%q, %s}, // %s\n", f.name, values["debug."+f.name], f.debug)
	}
	b.WriteString("}\n")
}

// debugVarName is layout313's table of debug offsets: debugOffsets313.
func debugVarName(layoutVar string) string {
	return "debugOffsets" + strings.TrimPrefix(layoutVar, "layout")
}
