package snapshot

import (
	"testing"

	"rrpy/trace"
)

// The main script is found in python3's argv as python3 reads it.
func TestMainScript(t *testing.T) {
	cases := []struct {
		argv     []string
		filename string
		isMain   bool
	}{
		{[]string{"python3", "app.py", "x"}, "/home/u/app.py", true},
		{[]string{"python3", "-u", "-X", "dev", "app.py"}, "/home/u/app.py", true},
		{[]string{"python3", "app.py"}, "/usr/lib/python3.11/site.py", false},
		{[]string{"python3", "-c", "print(1)"}, "<string>", true},
		{[]string{"python3", "-m", "pkg.tool"}, "/home/u/pkg/tool.py", true},
		{[]string{"python3", "-m", "pkg"}, "/home/u/pkg/__main__.py", true},
		{[]string{"python3", "-m", "pkg"}, "<frozen runpy>", false},
	}
	for _, c := range cases {
		mm := mainScript(&trace.Meta{Argv: c.argv, Cwd: "/home/u"})
		if got := mm.matches(c.filename); got != c.isMain {
			t.Errorf("%q: %s is main: %v, want %v", c.argv, c.filename, got, c.isMain)
		}
	}
}
