package pyframes

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	"rrpy/internal/pythons"
)

func TestLayoutForUnsupported(t *testing.T) {
	for _, v := range []Version{{3, 11, 2}, {3, 12, 0}, {3, 13, 9}} {
		if l, err := LayoutFor(v); err != nil || l.FrameObjectFrame == 0 || l.dialect == nil {
			t.Fatalf("LayoutFor(%v) = %+v, %v", v, l, err)
		}
	}
	for v, want := range map[Version]string{
		{3, 14, 0}: "CPython 3.14 is not supported yet (rrpy supports 3.11, 3.12, 3.13)",
		{3, 10, 4}: "CPython 3.10 is not supported (rrpy supports 3.11, 3.12, 3.13)",
		{2, 7, 18}: "CPython 2.7 is not supported (rrpy supports 3.11, 3.12, 3.13)",
	} {
		_, err := LayoutFor(v)
		if err == nil || err.Error() != want || !errors.Is(err, ErrUnsupportedVersion) {
			t.Errorf("LayoutFor(%v) = %v, want %q", v, err, want)
		}
	}
	if s := (Version{3, 11, 7}).String(); s != "3.11.7" {
		t.Errorf("Version.String() = %q", s)
	}
	if v := versionFromHex(0x030b07f0); v != (Version{3, 11, 7}) {
		t.Errorf("versionFromHex(0x030b07f0) = %v", v)
	}
}

// TestAddr2Line decodes the location table CPython 3.11 built for
//
//	def f(x):
//	    a = 1
//
//	    for i in range(x):
//	        a += i
//	    try:
//	        b = 1 / a
//	    except ZeroDivisionError:
//	        b = None
//	    return (a,
//	            b)
//
// and checks every instruction against what co_lines() said of it.
func TestAddr2Line(t *testing.T) {
	table := []byte{128, 0, 216, 8, 9, 128, 65, 229, 13, 18, 144, 49, 137, 88, 140, 88, 240, 0, 1, 5, 15, 240, 0, 1, 5, 15, 136, 1, 216, 8, 9, 136, 81, 137, 6, 136, 1, 136, 1, 240, 2, 3, 5, 17, 216, 12, 13, 144, 1, 137, 69, 136, 1, 136, 1, 248, 221, 11, 28, 240, 0, 1, 5, 17, 240, 0, 1, 5, 17, 240, 0, 1, 5, 17, 216, 12, 16, 136, 1, 136, 1, 136, 1, 240, 3, 1, 5, 17, 248, 248, 248, 224, 12, 13, 216, 12, 13, 240, 3, 1, 12, 15, 240, 0, 1, 5, 15}
	// (start, end, line) in bytes, from co_lines(); -1 for None.
	ranges := [][3]int{{0, 2, 1}, {2, 4, 2}, {4, 6, 2}, {6, 18, 4}, {18, 20, 4}, {20, 24, 4}, {24, 34, 4}, {34, 36, 4}, {36, 38, 4}, {38, 40, 4}, {40, 42, 5}, {42, 44, 5}, {44, 48, 5}, {48, 50, 5}, {50, 52, 5}, {52, 54, 6}, {54, 56, 7}, {56, 58, 7}, {58, 62, 7}, {62, 64, 7}, {64, 66, 7}, {66, 68, -1}, {68, 80, 8}, {80, 82, 8}, {82, 84, 8}, {84, 86, 8}, {86, 88, 9}, {88, 90, 9}, {90, 92, 9}, {92, 94, 9}, {94, 96, 8}, {96, 98, -1}, {98, 100, -1}, {100, 102, -1}, {102, 104, 10}, {104, 106, 11}, {106, 108, 10}, {108, 110, 10}}
	for _, r := range ranges {
		for b := r[0]; b < r[1]; b += 2 {
			if got := addr2line(table, 1, b/2); got != r[2] {
				t.Errorf("instruction %d: line %d, want %d", b/2, got, r[2])
			}
		}
	}
	if got := addr2line(table, 1, -1); got != 1 {
		t.Errorf("before the first instruction: line %d, want the first line 1", got)
	}
	if got := addr2line(table, 1, 55); got != -1 {
		t.Errorf("past the end: line %d, want -1", got)
	}
	// Truncated and garbage tables end without a panic.
	for i := range table {
		addr2line(table[:i], 1, 50)
	}
	addr2line([]byte{0x7f, 0xff, 0x70, 0x7f}, 1, 3)
}

func TestFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{
		2.5: "2.5", 1e16: "1e+16", 1e15: "1000000000000000.0", 0.1: "0.1", 1e-5: "1e-05",
		1e-4: "0.0001", 0: "0.0", math.Copysign(0, -1): "-0.0", -1.5: "-1.5", 123456789.125: "123456789.125",
		math.Inf(1): "inf", math.Inf(-1): "-inf", math.NaN(): "nan", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
	} {
		if got := floatRepr(f); got != want {
			t.Errorf("floatRepr(%v) = %q, want %q", f, got, want)
		}
	}
}

// python returns a CPython to compare with, or skips: the formatting
// rules checked against it are the same in every version rrpy supports.
func python(t *testing.T) string {
	return pythons.Minor(t, 11).Path
}

// askPython runs a script that reads JSON on stdin and writes JSON.
func askPython(t *testing.T, script string, in, out any) {
	t.Helper()
	askPythonWith(t, python(t), script, in, out)
}

// askPythonWith is askPython under a given interpreter.
func askPythonWith(t *testing.T, py, script string, in, out any) {
	t.Helper()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = strings.NewReader(string(data))
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", py, err)
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatal(err)
	}
}

func TestFloatReprMatchesPython(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var bits []uint64
	for range 3000 {
		bits = append(bits, rng.Uint64())
	}
	for e := -30; e <= 30; e++ { // around the switch to exponents
		bits = append(bits, math.Float64bits(math.Pow(10, float64(e))), math.Float64bits(1.25*math.Pow(10, float64(e))))
	}
	var want []string
	askPython(t, `import json, struct, sys
print(json.dumps([repr(struct.unpack('<d', b.to_bytes(8, 'little'))[0]) for b in json.load(sys.stdin)]))`, bits, &want)
	for i, b := range bits {
		if got := floatRepr(math.Float64frombits(b)); got != want[i] {
			t.Errorf("floatRepr(%#x) = %q, Python says %q", b, got, want[i])
		}
	}
}

// TestStrReprMatchesPython compares the repr of single characters across
// Unicode, leaving out those Python's Unicode database does not assign:
// Go's may be newer.
func TestStrReprMatchesPython(t *testing.T) {
	var cps []int
	for c := 0; c < 0x110000; c += 7 {
		cps = append(cps, c)
		if c < 0x400 {
			cps = append(cps, c+1, c+2, c+3, c+4, c+5, c+6)
		}
	}
	var want []*string
	askPython(t, `import json, sys, unicodedata
print(json.dumps([None if unicodedata.category(chr(c)) == 'Cn' else repr(chr(c)) for c in json.load(sys.stdin)]))`, cps, &want)
	bad := 0
	for i, c := range cps {
		if want[i] == nil {
			continue
		}
		if got := strRepr([]rune{rune(c)}); got != *want[i] && bad < 20 {
			bad++
			t.Errorf("strRepr(U+%04X) = %q, Python says %q", c, got, *want[i])
		}
	}
	for s, want := range map[string]string{
		"it's": `"it's"`, `say "hi"`: `'say "hi"'`, `'"`: `'\'"'`, "a\\b": `'a\\b'`, "café": "'café'",
	} {
		if got := strRepr([]rune(s)); got != want {
			t.Errorf("strRepr(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestBytesRepr(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	inputs := [][]byte{all, []byte("it's"), []byte(`"x"`), []byte(`'"`), {}}
	var hexes []string
	for _, in := range inputs {
		hexes = append(hexes, fmt.Sprintf("%x", in))
	}
	var want []string
	askPython(t, `import json, sys
print(json.dumps([repr(bytes.fromhex(h)) for h in json.load(sys.stdin)]))`, hexes, &want)
	for i, in := range inputs {
		if got := bytesRepr(in); got != want[i] {
			t.Errorf("bytesRepr(%q) = %s, Python says %s", in, got, want[i])
		}
	}
}
