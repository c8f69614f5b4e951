package check

import (
	"strings"
	"testing"
)

func TestStatusString(t *testing.T) {
	for s, want := range map[Status]string{OK: "OK", Warn: "WARN", Fail: "FAIL", Status(9): "Status(9)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}

func TestFailed(t *testing.T) {
	if Failed([]Item{{Status: OK}, {Status: Warn}}) {
		t.Error("Failed with no FAIL item")
	}
	if !Failed([]Item{{Status: OK}, {Status: Fail}}) {
		t.Error("not Failed with a FAIL item")
	}
	if Failed(nil) {
		t.Error("Failed(nil)")
	}
}

func TestFormatAlignsOneLinePerItem(t *testing.T) {
	items := []Item{
		{Name: "ptrace", Status: OK, Detail: "permitted"},
		{Name: "debug registers", Status: Warn, Detail: "first\nsecond\n"},
		{Name: "platform", Status: Fail},
	}
	want := "OK    ptrace: permitted\n" +
		"WARN  debug registers: first; second\n" +
		"FAIL  platform\n"
	if got := Format(items); got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}
	if got := strings.Count(Format(items), "\n"); got != len(items) {
		t.Errorf("%d lines for %d items", got, len(items))
	}
}

// What an item lists follows it, one line each, under its name.
func TestFormatListsUnderTheItem(t *testing.T) {
	items := []Item{
		{Name: "python3", Status: OK, Detail: "found", Lines: []string{"/a: OK", "/b: not\nCPython"}},
		{Name: "cpu", Status: OK, Detail: "x86"},
	}
	want := "OK    python3: found\n" +
		"      - /a: OK\n" +
		"      - /b: not; CPython\n" +
		"OK    cpu: x86\n"
	if got := Format(items); got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}
}
