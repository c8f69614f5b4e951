package snapshot

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"rrpy/engine"
	"rrpy/probe"
	"rrpy/session"
)

// anchor is a program object the user named $N: an address, and what is
// known of the stretch of time in which the object living there is this
// one.
type anchor struct {
	addr uint64
	seen uint64 // a time it was alive
	// static objects (small ints, None, builtin types) live in the
	// executable's data from start to end.
	static bool
	// bornKnown says born was found: the first time it was alive (0:
	// before the main script). Until then aliveFrom is how far back
	// from seen the search went without finding it: alive since.
	bornKnown bool
	born      uint64
	aliveFrom uint64
	// died is the first time it was dead after seen, noBoundary when
	// none was found up to checked (searched so far, from seen).
	died, checked uint64
}

func newAnchor(obj, now uint64, static bool) *anchor {
	return &anchor{addr: obj, seen: now, static: static, aliveFrom: now, died: noBoundary, checked: now}
}

// known tells whether the anchor's life is known at time t: once its
// death is found, it is known at every time after seen.
func (a *anchor) known(t uint64) bool {
	return a.static || t == a.seen || (t < a.seen && (a.bornKnown || t >= a.aliveFrom)) ||
		(t > a.seen && (t <= a.checked || a.died != noBoundary))
}

// alive tells whether the object is alive at t, which must be known.
func (a *anchor) alive(t uint64) bool {
	born := t >= a.aliveFrom || a.bornKnown && t >= a.born
	return a.static || born && (t <= a.seen || t < a.died)
}

// anchorFor returns the $N naming obj at the present, a new one if no
// anchor names that object now. A new one is numbered after the file's
// anchors, under its lock, and kept at once: another session on the
// trace does not take its number, and one killed later still leaves it.
func (tl *Timeline) anchorFor(obj uint64) (int, error) {
	now := tl.here.Time
	if n := naming(tl.anchors, obj, now); n >= 0 {
		return n, nil
	}
	static, err := tl.s.InFile(obj)
	if err != nil {
		return 0, err
	}
	n := -1
	_ = tl.keepSync(func(anchors []*anchor) []*anchor { // said once if it fails
		if n = naming(anchors, obj, now); n < 0 {
			anchors, n = append(anchors, newAnchor(obj, now, static)), len(anchors)
		}
		return anchors
	})
	return n, nil
}

// naming is the number of the anchor that names obj at time now, -1 for
// none.
func naming(anchors []*anchor, obj, now uint64) int {
	return slices.IndexFunc(anchors, func(a *anchor) bool { return a.addr == obj && a.known(now) && a.alive(now) })
}

// anchorObjects returns the objects of the anchors used at time t, or
// the value a user reads when one is unknown or not alive then (nil
// when all are), searching their lives as far as t first.
func (tl *Timeline) anchorObjects(ctx context.Context, used []int, t uint64) (map[int]uint64, *engine.Value, error) {
	if err := tl.searchLives(ctx, used, t, t); err != nil {
		return nil, nil, err
	}
	objs, missing := tl.knownAnchors(used, t)
	return objs, missing, nil
}

// searchLives makes the lives of the anchors used known from lo to hi.
func (tl *Timeline) searchLives(ctx context.Context, used []int, lo, hi uint64) error {
	for _, n := range used {
		if n < len(tl.anchors) {
			if err := tl.searchLife(ctx, tl.anchors[n], lo, hi); err != nil {
				return err
			}
		}
	}
	return nil
}

// knownAnchors is anchorObjects from what is known already: a search
// evaluating at every stop point cannot stop to look (it asked first).
func (tl *Timeline) knownAnchors(used []int, t uint64) (map[int]uint64, *engine.Value) {
	objs := map[int]uint64{}
	for _, n := range used {
		if n >= len(tl.anchors) {
			return nil, &engine.Value{Anchor: -1, Err: fmt.Sprintf("NameError: no constant object '$%d'", n)}
		}
		a := tl.anchors[n]
		if a.known(t) {
			if v := a.notAlive(n, t); v != nil {
				return nil, v
			}
		}
		objs[n] = a.addr
	}
	return objs, nil
}

// notAlive is the value of an expression using anchor n when its object
// does not exist, nil when it does. Its life must be known at t.
func (a *anchor) notAlive(n int, t uint64) *engine.Value {
	switch {
	case a.alive(t):
		return nil
	case t < a.seen:
		return &engine.Value{Anchor: -1, Absent: engine.NotBornYet,
			Err: fmt.Sprintf("RuntimeError: '$%d' refers to an object created later in time", n)}
	}
	return &engine.Value{Anchor: -1, Absent: engine.Freed,
		Err: fmt.Sprintf("RuntimeError: '$%d' refers to an object freed earlier in time (at %d)", n, a.died)}
}

// searchLife makes an anchor's life known from lo to hi, searching only
// what is not known yet: its birth back to lo, its death up to hi. The processor reports every write to the
// object's reference count (a hardware watchpoint) while the recording
// replays: born where the count becomes 1 other than by a decrement from
// 2, dead where a decrement makes it 0. The type word would not do:
// objects CPython keeps on free lists (lists, dicts, tuples, floats...)
// come back without it written. The replay returns to the present after.
func (tl *Timeline) searchLife(ctx context.Context, a *anchor, lo, hi uint64) error {
	needBirth := lo < a.aliveFrom && !a.static && !a.bornKnown
	needDeath := hi > a.checked && a.died == noBoundary && !a.static
	if !needBirth && !needDeath {
		return nil
	}
	present := tl.here.Time
	tl.dropScratch()
	defer tl.Searching(tl.Searching(true)) // as it was: a history may be searching too
	if needBirth {
		if err := tl.searchBirth(ctx, a, lo); err != nil {
			return err
		}
	}
	if needDeath {
		if err := tl.searchDeath(ctx, a, hi); err != nil {
			return err
		}
	}
	// Back to the present even after Ctrl-C: the search's replays mean
	// nothing to the user.
	if _, err := tl.goTo(context.Background(), present); err != nil {
		return err
	}
	return ctx.Err()
}

// searchBirth looks for the last birth before a.aliveFrom, a window at
// a time back to lo: a backward search asks only as far as it goes.
func (tl *Timeline) searchBirth(ctx context.Context, a *anchor, lo uint64) error {
	for !a.bornKnown && a.aliveFrom > lo && ctx.Err() == nil {
		hi := a.aliveFrom
		cp, ok := tl.cps.before(hi - 1)
		if !ok || hi <= tl.start {
			a.born, a.bornKnown = 0, true // alive since before the main script
			return nil
		}
		prev, writes, err := tl.replayWatching(ctx, cp.trap.Time, hi, a.addr)
		if err != nil || ctx.Err() != nil {
			return err // a search cut short proves nothing
		}
		born := uint64(0)
		for _, w := range writes {
			if w.Time >= hi {
				break
			}
			switch {
			case w.Value == 1 && prev != 2:
				born = w.Time + 1
			case w.Value == 0 && prev == 1:
				born = 0 // that one died; a later birth is this object's
			}
			prev = w.Value
		}
		switch {
		case born != 0:
			a.born, a.bornKnown = born, true
		case cp.trap.Time <= tl.start:
			a.born, a.bornKnown = 0, true
		default:
			a.aliveFrom = cp.trap.Time // no birth in the window: alive all through it
		}
	}
	return nil
}

// searchDeath looks for the first death after what was searched, up to
// until.
func (tl *Timeline) searchDeath(ctx context.Context, a *anchor, until uint64) error {
	from := a.checked
	cp, ok := tl.cps.before(from)
	if !ok {
		return fmt.Errorf("no checkpoint before time %d", from)
	}
	prev, writes, err := tl.replayWatching(ctx, cp.trap.Time, until, a.addr)
	if err != nil || ctx.Err() != nil {
		return err
	}
	for _, w := range writes {
		if w.Time >= from && w.Value == 0 && prev == 1 {
			a.died = w.Time + 1
			return nil
		}
		prev = w.Value
	}
	a.checked = until
	return nil
}

// replayWatching replays from the checkpoint at lo to hi (or the end)
// with the word at addr watched: its value at lo, and the writes to it.
func (tl *Timeline) replayWatching(ctx context.Context, lo, hi, addr uint64) (uint64, []session.WordWrite, error) {
	if err := tl.restore(lo); err != nil {
		return 0, nil, err
	}
	var b [8]byte
	initial := uint64(0) // unmapped yet: no object
	if tl.s.Memory().ReadMemory(addr, b[:]) == nil {
		initial = binary.LittleEndian.Uint64(b[:])
	}
	if err := tl.s.WatchWords([]uint64{addr}); err != nil {
		return 0, nil, err
	}
	tl.writes = nil
	c := probe.Conditions{}
	if hi != noBoundary {
		c.Target = hi
	}
	_, err := tl.advance(ctx, &c, func(tr session.Trap) (bool, error) { return tr.Time >= hi, nil })
	writes := tl.writes
	tl.writes = nil
	if err == nil && tl.s != nil {
		err = tl.s.WatchWords(nil)
	}
	return initial, writes, err
}
