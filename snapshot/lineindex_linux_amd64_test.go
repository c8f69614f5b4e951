package snapshot

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rrpy/probe"
	"rrpy/trace"
)

// The index kept with a trace reads back as it was written, and a file
// of another recording, or cut short, is not read.
func TestLineIndexKept(t *testing.T) {
	dir := t.TempDir()
	meta := &trace.Meta{Start: time.Unix(1700000000, 5), Events: 42, Argv: []string{"python3", "app.py"}}
	x := newLineIndex(dir, meta, false, nil)
	for k, lines := range map[uint64][]int{0: {1, 2, 3}, 2: {7, probe.LineIndexBits - 1}, 5: {}} {
		b := make([]byte, probe.LineIndexBits/8)
		for _, l := range lines {
			b[l/8] |= 1 << (l % 8)
		}
		x.known[k], x.added = b, true
	}
	x.save()
	y := newLineIndex(dir, meta, false, func(msg string) { t.Errorf("warned: %s", msg) })
	if len(y.known) != len(x.known) {
		t.Fatalf("read %d stretches, wrote %d", len(y.known), len(x.known))
	}
	for k, b := range x.known {
		if !bytes.Equal(y.known[k], b) {
			t.Errorf("stretch %d read back otherwise", k)
		}
	}
	// Stretch 1 is unknown, 2 runs line 7: only 0 and 5 are clean of 7.
	if !y.clean(10, indexStretch, []int{7}) || y.clean(10, indexStretch+2, []int{7}) || !y.cleanStretch(5, []int{7}) {
		t.Errorf("clean() reads the stretches wrong")
	}
	if got := y.cleanAfter(10, []int{7}); got != indexStretch {
		t.Errorf("clean of line 7 after 10 up to %d, want %d", got, indexStretch)
	}
	if got := y.dirtyAfter(indexStretch, []int{7}); got != 5*indexStretch {
		t.Errorf("not clean of line 7 from %d up to %d, want %d", indexStretch, got, 5*indexStretch)
	}
	other := *meta
	other.Events++
	warned := 0
	if z := newLineIndex(dir, &other, false, func(string) { warned++ }); len(z.known) != 0 || warned != 1 {
		t.Errorf("another recording's index: %d stretches read, %d warnings", len(z.known), warned)
	}
	data, _ := os.ReadFile(filepath.Join(dir, lineIndexName))
	if err := os.WriteFile(filepath.Join(dir, lineIndexName), data[:len(data)-3], 0o600); err != nil {
		t.Fatal(err)
	}
	if z := newLineIndex(dir, meta, false, func(string) { warned++ }); len(z.known) != 0 || warned != 2 {
		t.Errorf("an index cut short: %d stretches read, %d warnings", len(z.known), warned)
	}
}
