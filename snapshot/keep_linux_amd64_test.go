package snapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Two sessions saving at once, each under its own keeper (its own open
// file, as two processes have): every anchor either named is in the
// file, numbered in the order they were named, and each mark is the one
// its session set; no temporary file is left.
func TestKeepersMergeUnderLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, keptName)
	const each = 50
	var wg sync.WaitGroup
	for s := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := &keeper{path: path, marked: map[string]bool{}}
			var anchors []*anchor
			marks := map[string]uint64{}
			for i := range each {
				addr := uint64(s)<<32 | uint64(i)
				var err error
				anchors, marks, err = k.sync(anchors, marks, func(as []*anchor) []*anchor {
					return append(as, newAnchor(addr, 100, false))
				})
				if err != nil {
					t.Error(err)
					return
				}
				name := fmt.Sprintf("s%d", s)
				marks[name], k.marked[name] = uint64(i), true
			}
			if _, _, err := k.sync(anchors, marks, keepAll); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	anchors, marks, err := (&keeper{path: path}).read()
	if err != nil {
		t.Fatal(err)
	}
	if len(anchors) != 2*each {
		t.Fatalf("%d anchors kept, want %d", len(anchors), 2*each)
	}
	next := [2]uint64{}
	for n, a := range anchors {
		s, i := a.addr>>32, a.addr&0xffffffff
		if i != next[s] {
			t.Fatalf("$%d is session %d's anchor %d, want its %d", n, s, i, next[s])
		}
		next[s]++
	}
	if marks["s0"] != each-1 || marks["s1"] != each-1 {
		t.Errorf("marks: %v", marks)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the trace directory holds %d files, want session.json alone", len(entries))
	}
}

// Merging learns what the other session found of an anchor's life, and
// keeps the marks this session set over the file's.
func TestMergeAnchorsAndMarks(t *testing.T) {
	mine := newAnchor(0x10, 100, false)
	mine.checked = 150
	theirs := newAnchor(0x10, 100, false)
	theirs.born, theirs.bornKnown, theirs.died, theirs.checked = 40, true, 120, 130
	other := newAnchor(0x20, 90, false)
	got := mergeAnchors([]*anchor{mine}, []*anchor{theirs, other})
	if len(got) != 2 || got[1] != other {
		t.Fatalf("merged: %v", got)
	}
	if !got[0].bornKnown || got[0].born != 40 || got[0].died != 120 || got[0].checked != 150 {
		t.Errorf("the anchor did not learn: %+v", *got[0])
	}
	k := &keeper{marked: map[string]bool{"a": true}}
	m := k.mergeMarks(map[string]uint64{"a": 1, "b": 2, "c": 3}, map[string]uint64{"a": 9, "b": 8})
	if m["a"] != 1 || m["b"] != 8 || m["c"] != 3 || len(m) != 3 {
		t.Errorf("marks merged: %v", m)
	}
}
