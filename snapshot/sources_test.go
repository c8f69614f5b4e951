package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rrpy/trace"
)

// The functions break can name (and Tab completes) are those the
// recorded sources define, methods and async ones too, each once.
func TestRecordedFunctions(t *testing.T) {
	dir := t.TempDir()
	blobs, err := trace.OpenBlobStore(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{
		"/rec/app.py": "def main():\n    pass\n\nclass Shop:\n    @property\n    def stock(self): ...\n    async def refill (self):\n        x = 'def not_one():'\n",
		"/rec/lib.py": "def main[T](x: T) -> T:\n    return x\ndef_ = 3\ndef été(): pass\n",
	}
	m := &trace.Meta{Cwd: "/rec", Sources: map[string]string{}}
	for path, src := range sources {
		file := filepath.Join(dir, filepath.Base(path))
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if m.Sources[path], err = blobs.Put(file); err != nil {
			t.Fatal(err)
		}
	}
	s := newSourceStore(m, blobs, "")
	if got := strings.Join(s.functions(), " "); got != "main refill stock été" {
		t.Errorf("functions: %s", got)
	}
}
