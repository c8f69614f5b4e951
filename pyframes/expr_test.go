//go:build linux && amd64

package pyframes

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"rrpy/internal/pythons"
)

func TestParseExpr(t *testing.T) {
	for src, anchors := range map[string][]int{
		"$0.value": {0}, "len($0)": {0}, "$0[1]": {0}, "$0['k']": {0}, `$0["k"]`: {0}, "$0[-1]": {0},
		"$1 in $0": {0, 1}, "$0.value == 7": {0}, "$0.a.b": {0}, "$12 not in $3": {3, 12},
		"$0 is not None": {0}, "$0 is $0": {0}, "not $0.done": {0}, "not not $0": {0}, "(($2))": {2},
		"$3[$1.k] != $3[-2]": {1, 3}, "len($0.items) >= 10": {0}, "7": nil, "'café'": nil,
		"None": nil, "-5 < $0": {0}, "'a'in $0": {0}, "$0.value<=$0.limit": {0}, "len ( $0 )": {0},
		"$0.match": {0}, "$0._x1": {0}, "$0\t ": {0}, "$0 .value": {0}, "0": nil, `""`: nil,
	} {
		e, ok := ParseExpr(src)
		if !ok {
			t.Errorf("ParseExpr(%q) refused", src)
			continue
		}
		if got := e.Anchors(); !reflect.DeepEqual(got, anchors) {
			t.Errorf("ParseExpr(%q).Anchors() = %v, want %v", src, got, anchors)
		}
	}
	for _, src := range []string{
		"f($0)", "$0.value + 1", "[x for x in $0]", "$0.", "", "$", "$x", "$01", "garbage", "$0 $1",
		"1 < $0 < 3", "$0 == $1 == $2", "$0.if", "$0.None", "$0[1:2]", "$0[1, 2]", "len($0, )", "len($0, $1)",
		"len", "1.5", "1e3", "0x10", "1_0", "01", "1if $0", "$0in $1", "b'x'", "r'x'", "f'{x}'", "'''x'''",
		`'a\'b'`, "'unterminated", "'a' 'b'", "$0.naïve", "$0 is 1", "$0 is 'x'", "-1 is $0", "$0 is not 1",
		"-$0", "--1", "-1[0]", "-1 .real", "$0 = 1", "$0 <> 1", "$0 and $1", "$0 or $1", "not", "$0 not $1",
		"($0", "$0)", "$0[1", "$0 == not $1", "'tab\there'", "'nl\nx'", "$0.value\n", "$0;", " $0", "\t$0", "not$0", "$0 in$1", "$0.__class__()",
		strings.Repeat("(", 200) + "$0" + strings.Repeat(")", 200), "1" + strings.Repeat("0", 700),
	} {
		if _, ok := ParseExpr(src); ok {
			t.Errorf("ParseExpr(%q) accepted", src)
		}
	}
}

// evalCases are the expressions evaluated against testdata/expr.py's
// anchors (see the list there), and whether memory decides them.
// unicode15Cases hold a character new in Unicode 15.0: the reader
// decides them from 3.12 on, whose Unicode database is Go's (15.0); 3.11's
// is 14.0, where the character is not printable.
var unicode15Cases = map[string]bool{"$18": true, "'\U0001fae8'": true}

var evalCases = []struct {
	src     string
	decided bool
}{
	// Attributes.
	{"$0.value", true}, {"$0.name", true}, {"$0.kind", true}, {"$0.count", true}, {"$0.ratio", true},
	{"$0.method", true}, {"$0.other", false}, {"$0.missing", false}, {"$0.__class__", false},
	{"$0.items", true}, {"$0.items[-1]", true}, {"$0.items[2]", false}, {"$12.inner.value", true},
	{"$12.inner.kind", true}, {"$12.big", true}, {"$12.none", true}, {"$12.__dict__", false},
	{"$7.value", false}, {"$8.value", false}, {"$8.anything", false}, {"$13.x", false}, {"$15.x", false},
	{"$19.x", false}, {"$9.__name__", true}, {"$9.__version__", true}, {"$9.dumps", false},
	{"$9.__doc__", false}, {"$9.missing", false}, {"$0.marker", false}, {"$1.x", false}, {"$0.value.real", false},
	// len().
	{"len($1)", true}, {"len($2)", true}, {"len($3)", true}, {"len($4)", true}, {"len($5)", true},
	{"len($10)", true}, {"len($11)", true}, {"len($20)", true}, {"len($27)", true}, {"len('abc')", true},
	{"len($0)", false}, {"len($19)", false}, {"len($6)", false}, {"len($0.items) == 2", true},
	// Subscripts.
	{"$1[0]", true}, {"$1[-1]", true}, {"$1[True]", true}, {"$1[6]", false}, {"$1[-7]", false},
	{"$1['a']", false}, {"$3[1]", true}, {"$3[-3]", true}, {"$2['a']", true}, {"$2['b']", true},
	{"$2['b'][1]", true}, {"$2[7]", true}, {"$2[1]", true}, {"$2[None]", true}, {"$2['zz']", false},
	{"$2[$3[0]]", true}, {"$17['k']", false}, {"$19[0]", false}, {"$5[0]", false},
	{"$1[" + strings.Repeat("9", 30) + "]", false},
	// in.
	{"1 in $1", true}, {"'x' in $1", true}, {"None in $1", true}, {"3 in $1", true}, {"3 not in $1", true},
	{"$0 in $1", false}, {"$1[2] in $1", true}, {"2 in $4", true}, {"5 in $4", true}, {"'a' in $10", true},
	{"'a' in $2", true}, {"1 in $2", true}, {"'zz' in $2", true}, {"1 in $17", false}, {"$16 in $25", true},
	{"1 in $14", true}, {"2 in $14", false}, {"$0 in $4", false}, {"1 in $0", false}, {"'a' in $5", false},
	{"1 in $29", true}, {"True in $29", true}, {"'one' in $29", true}, {"$29[1]", true}, {"$29[True]", true},
	// Comparisons.
	{"$0.value == 7", true}, {"$0.value != 7", true}, {"$0.value < 10", true}, {"$0.value >= 8", true},
	{"$6 > 1000", true}, {"$6 == $6", true}, {"$24 < -1", true}, {"$0.name == 'café'", true},
	{"$0.name < 'd'", true}, {"$0.name > 'cafe'", true}, {"$0.value == 'x'", true}, {"$0.value < 'x'", false},
	{"None == None", true}, {"None != $0.value", true}, {"None < None", false}, {"$16 == $16", true},
	{"$16 != $16", true}, {"$16 < 1", true}, {"$3[2] == 3", true}, {"$25[1] == 0", true},
	{"$25[3] > " + strings.Repeat("9", 400), true}, {"$1[4] == 1", true}, {"True > False", true},
	{"$0 == $0", false}, {"$11 == 'x'", false}, {"$2 == $2", false}, {"$1 == $1", false}, {"$0.value == $0", false},
	// Identity and truth.
	{"$0 is $0", true}, {"$0 is $1", true}, {"$0 is not $1", true}, {"$1[3] is None", true},
	{"$1[4] is True", true}, {"$1[4] is False", true}, {"$0.value is not None", true},
	{"($0.value == 7) is True", true}, {"$0.missing is None", false}, {"len($1) is $0", false},
	{"not $1", true}, {"not $0.value", true}, {"not $1[3]", true}, {"not $27", true}, {"not $5", true},
	{"not $16", true}, {"not $25[1]", true}, {"not $0", false}, {"not $19", false},
	// Reprs.
	{"$1", true}, {"$2", true}, {"$3", true}, {"$4", true}, {"$5", true}, {"$6", true}, {"$10", true},
	{"$11", true}, {"$0", true}, {"$12.inner", true}, {"$16", true}, {"$20", true}, {"$22", true},
	{"$23", true}, {"$24", true}, {"$25", true}, {"$27", true}, {"$28", true},
	{"$7", true}, {"$8", true}, {"$9", false}, {"$13", false}, {"$14", false}, {"$15", true},
	{"$17", true}, {"$18", false}, {"$19", false}, {"$21", false}, {"$26", false},
	{"7", true}, {"-7", true}, {`"it's"`, true}, {"'☃'", true}, {"None", true},
	{"(True)", true}, {"'\U0001fae8'", false},
}

// exprProcess runs testdata/expr.py with srcs until it stops, and returns
// the anchors and Python's results.
type pyResult struct{ Repr, Error *string }

func exprProcess(t testing.TB, python string, srcs []string) (*stopped, []uint64, []pyResult) {
	st, line := runScriptToStop(t, python, "testdata/expr.py", srcs...)
	var report struct {
		Anchors []uint64
		Results []pyResult
	}
	if err := json.Unmarshal([]byte(line), &report); err != nil {
		t.Fatalf("decode the report %q: %v", line, err)
	}
	return st, report.Anchors, report.Results
}

func anchorsOf(addrs []uint64) func(int) uint64 {
	return func(n int) uint64 {
		if n < len(addrs) {
			return addrs[n]
		}
		return 0
	}
}

func TestEvalMatchesPython(t *testing.T) {
	var srcs []string
	for _, c := range evalCases {
		srcs = append(srcs, c.src)
	}
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		st, anchors, results := exprProcess(t, in.Path, srcs)
		for i, c := range evalCases {
			e, ok := ParseExpr(c.src)
			if !ok {
				t.Errorf("ParseExpr(%q) refused", c.src)
				continue
			}
			got, decided, err := st.r.Eval(e, anchorsOf(anchors))
			want := results[i]
			switch {
			case err != nil:
				t.Errorf("Eval(%s): %v", c.src, err)
			case decided && (want.Repr == nil || got != *want.Repr):
				t.Errorf("Eval(%s) = %.200s, Python says %s", c.src, got, describe(want))
			case decided != (c.decided || in.Minor >= 12 && unicode15Cases[c.src]):
				t.Errorf("Eval(%s): decided %v (Python says %.200s)", c.src, decided, describe(want))
			}
		}
	})
}

func describe(r pyResult) string {
	if r.Repr != nil {
		return *r.Repr
	}
	return "raises " + *r.Error
}

// TestEvalGarbageDoesNotPanic takes the words around real objects, and
// their values, for anchors.
func TestEvalGarbageDoesNotPanic(t *testing.T) {
	st, anchors, _ := exprProcess(t, pythons.Minor(t, 11).Path, nil)
	var addrs []uint64
	for _, a := range anchors[:4] {
		for off := uint64(0); off < 256; off += 8 {
			addrs = append(addrs, a-64+off)
			if v, err := st.r.u64(a - 64 + off); err == nil {
				addrs = append(addrs, v)
			}
		}
	}
	var exprs []*Expr
	for _, src := range []string{"$0", "$0.value", "len($0)", "$0[0]", "$0['k']", "1 in $0", "$0 == 1", "not $0", "$0 is None"} {
		e, _ := ParseExpr(src)
		exprs = append(exprs, e)
	}
	for _, a := range addrs {
		for _, e := range exprs {
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("Eval(%s) with $0 = %#x panicked: %v", e, a, p)
					}
				}()
				_, _, _ = st.r.Eval(e, func(int) uint64 { return a })
			}()
		}
	}
}

// TestReprAgreesWithPython checks reprAgrees over all of Unicode, under
// each version: where it lets strRepr print a character as is, that
// Python must too.
func TestReprAgreesWithPython(t *testing.T) {
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		var ranges [][2]int
		askPythonWith(t, in.Path, `import json, sys
out, start = [], None
for c in range(0x80, 0x110001):
    p = c < 0x110000 and chr(c).isprintable()
    if p and start is None:
        start = c
    elif not p and start is not None:
        out.append((start, c - 1))
        start = None
print(json.dumps(out))`, nil, &ranges)
		printable := map[rune]bool{}
		for _, r := range ranges {
			for c := r[0]; c <= r[1]; c++ {
				printable[rune(c)] = true
			}
		}
		l, err := LayoutFor(Version{3, in.Minor, 0})
		if err != nil {
			t.Fatal(err)
		}
		r := &Reader{l: l}
		bad := 0
		for c := rune(0x80); c <= unicode.MaxRune && bad < 20; c++ {
			if !isSurrogate(c) && r.reprAgrees([]rune{c}) && unicode.IsPrint(c) != printable[c] {
				bad++
				t.Errorf("U+%04X: Go printable %v, Python %v", c, unicode.IsPrint(c), printable[c])
			}
		}
	})
}

func benchmarkEval(b *testing.B, src string) {
	st, anchors, _ := exprProcess(b, pythons.Minor(b, 11).Path, nil)
	e, ok := ParseExpr(src)
	if !ok {
		b.Fatalf("ParseExpr(%q) refused", src)
	}
	for b.Loop() {
		if _, decided, err := st.r.Eval(e, anchorsOf(anchors)); err != nil || !decided {
			b.Fatal(fmt.Sprint("Eval: ", decided, err))
		}
	}
}

func BenchmarkEvalAttr(b *testing.B) { benchmarkEval(b, "$0.value") }
func BenchmarkEvalLen(b *testing.B)  { benchmarkEval(b, "len($1)") }
