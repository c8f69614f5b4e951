package sched

import (
	"testing"
	"time"
)

func TestRoundRobin(t *testing.T) {
	clock := time.Unix(0, 0)
	p := New(10 * time.Millisecond)
	p.now = func() time.Time { return clock }
	p.Run(1)
	p.Ready(2)
	p.Ready(3)
	p.Ready(2) // queued once
	if p.SliceOver() {
		t.Fatal("slice over before any time passed")
	}
	clock = clock.Add(10 * time.Millisecond)
	if !p.SliceOver() {
		t.Fatal("slice not over after 10ms with others waiting")
	}
	p.Ready(1)
	for _, want := range []int{2, 3, 1} {
		got, ok := p.Next()
		if !ok || got != want {
			t.Fatalf("next = %d %v, want %d", got, ok, want)
		}
		p.Ready(got)
		p.Remove(got)
	}
	if _, ok := p.Next(); ok {
		t.Fatal("a removed thread was scheduled")
	}
}

func TestAloneNeverPreempted(t *testing.T) {
	clock := time.Unix(0, 0)
	p := New(time.Millisecond)
	p.now = func() time.Time { return clock }
	p.Run(7)
	clock = clock.Add(time.Second)
	if p.SliceOver() {
		t.Fatal("a thread alone was asked to make way")
	}
	if tid, ok := p.Running(); !ok || tid != 7 {
		t.Fatalf("running = %d %v", tid, ok)
	}
	p.Yield()
	if _, ok := p.Running(); ok {
		t.Fatal("still running after Yield")
	}
}
