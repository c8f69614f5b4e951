package session

import (
	"reflect"
	"testing"

	"rrpy/trace"
)

// What another process changed is recorded as the runs of bytes that
// differ, runs a few bytes apart merged into one write.
func TestAppendDiffs(t *testing.T) {
	was := make([]byte, 200)
	now := make([]byte, 200)
	now[3], now[5] = 1, 2 // one run: 3..5
	now[150] = 9          // another, far away
	got := appendDiffs(nil, 0x1000, was, now)
	want := []trace.MemWrite{{Addr: 0x1003, Data: []byte{1, 0, 2}}, {Addr: 0x1000 + 150, Data: []byte{9}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("appendDiffs = %v, want %v", got, want)
	}
	if got := appendDiffs(nil, 0, was, was); len(got) != 0 {
		t.Errorf("no change: %v", got)
	}
}

// Only readable shared mappings are compared.
func TestSharedMapping(t *testing.T) {
	for line, want := range map[string]bool{
		"7ffff7fb9000-7ffff7fba000 rw-s 00000000 00:1a 12 /dev/shm/sem.abc": true,
		"7ffff7fb9000-7ffff7fba000 r--s 00000000 00:1a 12 /dev/shm/x":       true,
		"7ffff7fb9000-7ffff7fba000 rw-p 00000000 00:00 0":                   false,
		"7ffff7fb9000-7ffff7fba000 ---s 00000000 00:00 0":                   false,
	} {
		start, end, ok := sharedMapping(line)
		if ok != want || ok && (start != 0x7ffff7fb9000 || end != 0x7ffff7fba000) {
			t.Errorf("sharedMapping(%q) = %#x, %#x, %v", line, start, end, ok)
		}
	}
}
