//go:build linux && amd64

package pyframes

import (
	"strconv"
	"strings"
	"testing"

	"rrpy/internal/pythons"
)

// childCases ask Python for what Children must list of an object: its
// items or attributes, named as a variables view names them, with reprs.
var childCases = map[string]string{
	"$1":  "[(str(i), repr(v)) for i, v in enumerate($1)]",                            // a list
	"$2":  "[(repr(k), repr(v)) for k, v in $2.items()]",                              // a dict
	"$3":  "[(str(i), repr(v)) for i, v in enumerate($3)]",                            // a tuple
	"$4":  "[(str(i), repr(v)) for i, v in enumerate($4)]",                            // a set, in its order
	"$0":  "[(k, repr(v)) for k, v in vars($0).items()]",                              // an instance
	"$12": "[(k, repr(v)) for k, v in vars($12).items()]",                             // one with a real dict
	"$7":  "[(k, repr(v)) for k, v in vars($7).items()]",                              // a dict beside a property
	"$19": "[(str(i), repr(v)) for i, v in enumerate($19)] + list(vars($19).items())", // a list subclass
	"$6":  "[]",                                                                       // an int: nothing to expand
}

func TestChildrenMatchPython(t *testing.T) {
	var srcs, anchorsSeen []string
	for a, src := range childCases {
		anchorsSeen = append(anchorsSeen, a)
		srcs = append(srcs, src)
	}
	pythons.ForEach(t, func(t *testing.T, in pythons.Interpreter) {
		st, anchors, results := exprProcess(t, in.Path, srcs)
		for i, a := range anchorsSeen {
			want := results[i]
			if want.Repr == nil {
				t.Fatalf("Python: %s raises %s", srcs[i], *want.Error)
			}
			n, _ := strconv.Atoi(a[1:])
			obj := anchorsOf(anchors)(n)
			vars, more, err := st.r.Children(obj, 1000)
			if err != nil || more {
				t.Errorf("Children(%s) = %v, more %v, %v", a, vars, more, err)
				continue
			}
			var parts []string
			for _, v := range vars {
				parts = append(parts, "("+strRepr([]rune(v.Name))+", "+strRepr([]rune(v.Repr))+")")
			}
			if got := "[" + strings.Join(parts, ", ") + "]"; got != *want.Repr {
				t.Errorf("Children(%s):\n got %s\nwant %s", a, got, *want.Repr)
			}
			if has := st.r.HasChildren(obj); has != (len(vars) > 0) {
				t.Errorf("HasChildren(%s) = %v with %d children", a, has, len(vars))
			}
		}
	})
}
