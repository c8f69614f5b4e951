package snapshot

import "testing"

// What is known of an anchor's life, and what it says, as searches find
// its birth and its death.
func TestAnchorLife(t *testing.T) {
	a := newAnchor(0x1000, 100, false)
	for _, c := range []struct {
		t            uint64
		known, alive bool
	}{{100, true, true}, {99, false, false}, {101, false, true}} {
		if a.known(c.t) != c.known || (c.known && a.alive(c.t) != c.alive) {
			t.Errorf("seen only: at %d known %v alive %v", c.t, a.known(c.t), a.alive(c.t))
		}
	}
	a.born, a.bornKnown = 50, true
	a.checked = 120
	for _, c := range []struct {
		t            uint64
		known, alive bool
	}{{49, true, false}, {50, true, true}, {120, true, true}, {121, false, false}} {
		if a.known(c.t) != c.known || (c.known && a.alive(c.t) != c.alive) {
			t.Errorf("born 50, checked to 120: at %d known %v alive %v", c.t, a.known(c.t), a.alive(c.t))
		}
	}
	a.died = 150
	if !a.known(140) || !a.alive(140) || !a.known(150) || a.alive(150) {
		t.Errorf("died at 150: at 140 %v/%v, at 150 %v/%v", a.known(140), a.alive(140), a.known(150), a.alive(150))
	}
	if v := a.notAlive(0, 49); v == nil || v.Err != "RuntimeError: '$0' refers to an object created later in time" || v.Absent.String() != "not alive yet" {
		t.Errorf("before its birth: %+v", v)
	}
	if v := a.notAlive(0, 150); v == nil || v.Err != "RuntimeError: '$0' refers to an object freed earlier in time (at 150)" || v.Absent.String() != "freed" {
		t.Errorf("after its death: %+v", v)
	}
	if s := newAnchor(0x2000, 100, true); !s.known(1) || !s.alive(1) || !s.alive(1<<40) {
		t.Errorf("a static object is alive from start to end")
	}
}
