package pyframes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLayoutIsGenerated regenerates the 3.11 table from the headers of a
// CPython 3.11 of this machine and compares it with the committed one, so
// that a change to the Layout struct cannot go without `go generate`.
func TestLayoutIsGenerated(t *testing.T) {
	py := python(t)
	for _, tool := range []string{"gcc", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s to build the layout program", tool)
		}
	}
	out := filepath.Join(t.TempDir(), "layout.go")
	cmd := exec.Command("go", "run", "./gen", "-python", py, "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("layout_311.go")
	if err != nil {
		t.Fatal(err)
	}
	// The header names the Python the table came from; the table must match.
	table := func(b []byte) string { _, s, _ := strings.Cut(string(b), "package pyframes"); return s }
	if table(got) != table(committed) {
		t.Errorf("layout_311.go is stale: run go generate in pyframes. Generated from %s:\n%s", py, got)
	}
}
