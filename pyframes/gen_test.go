package pyframes

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rrpy/internal/pythons"
)

// TestLayoutIsGenerated regenerates each version's table from the
// headers of a CPython of that version on this machine and compares it
// with the committed one, so that a change to the Layout struct cannot go
// without `go generate`.
func TestLayoutIsGenerated(t *testing.T) {
	for _, tool := range []string{"gcc", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s to build the layout program", tool)
		}
	}
	for minor := oldestMinor; minor <= newestMinor; minor++ {
		t.Run(fmt.Sprintf("3.%d", minor), func(t *testing.T) {
			py := pythons.Minor(t, minor).Path
			out := filepath.Join(t.TempDir(), "layout.go")
			cmd := exec.Command("go", "run", "./gen", "-python", py, "-o", out)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("go run ./gen: %v\n%s", err, msg)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("layout_3%d.go", minor)
			committed, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			// The header names the Python the table came from; the table must match.
			table := func(b []byte) string { _, s, _ := strings.Cut(string(b), "package pyframes"); return s }
			if table(got) != table(committed) {
				t.Errorf("%s is stale: run go generate in pyframes. Generated from %s:\n%s", name, py, got)
			}
		})
	}
}
