package snapshot

import (
	"context"
	"encoding/binary"
	"fmt"

	"rrpy/probe"
	"rrpy/session"
)

// anchor is a program object the user named $N: an address, and the
// stretch of time in which the object living there is this one.
type anchor struct {
	addr uint64
	seen uint64 // a time it was alive
	// static objects (small ints, None, builtin types) live in the
	// executable's data from start to end.
	static bool
	life   *lifetime // nil until searched
}

// lifetime is when an object lived: from born (0: before the main
// script) to died (noBoundary: never), died excluded.
type lifetime struct{ born, died uint64 }

// anchorFor returns the $N naming obj at the present, a new one if no
// anchor names that object now.
func (tl *Timeline) anchorFor(obj uint64) (int, error) {
	now := tl.here.Time
	for i, a := range tl.anchors {
		if a.addr == obj && (a.static || a.seen == now || a.life != nil && a.life.holds(now)) {
			return i, nil
		}
	}
	static, err := tl.s.InFile(obj)
	if err != nil {
		return 0, err
	}
	tl.anchors = append(tl.anchors, &anchor{addr: obj, seen: now, static: static})
	return len(tl.anchors) - 1, nil
}

func (l *lifetime) holds(t uint64) bool { return t >= l.born && t < l.died }

// anchorObjects returns the objects of the anchors used at time t, or
// the message a user reads when one is unknown or not alive then.
func (tl *Timeline) anchorObjects(ctx context.Context, used []int, t uint64) (map[int]uint64, string, error) {
	objs := map[int]uint64{}
	for _, n := range used {
		if n >= len(tl.anchors) {
			return nil, fmt.Sprintf("NameError: no constant object '$%d'", n), nil
		}
		a := tl.anchors[n]
		if !a.static && t != a.seen {
			if err := tl.searchLife(ctx, a); err != nil {
				return nil, "", err
			}
			if msg := a.notAlive(n, t); msg != "" {
				return nil, msg, nil
			}
		}
		objs[n] = a.addr
	}
	return objs, "", nil
}

// notAlive is the message for an anchor used when its object does not
// exist, "" when it does. The lifetime must be known.
func (a *anchor) notAlive(n int, t uint64) string {
	switch {
	case a.static || a.life.holds(t):
		return ""
	case t < a.life.born:
		return fmt.Sprintf("RuntimeError: '$%d' refers to an object created later in time", n)
	}
	return fmt.Sprintf("RuntimeError: '$%d' refers to an object freed earlier in time (at %d)", n, a.life.died)
}

// searchLife finds when an anchor's object was made and freed, once, by
// having the processor report every write to its reference count (a
// hardware watchpoint) while the recording replays: made where the count
// becomes 1 other than by a decrement from 2, freed where a decrement
// makes it 0. The type word would not do: objects CPython keeps on free
// lists (lists, dicts, tuples, floats...) come back without it written.
// The replay returns to the present after.
func (tl *Timeline) searchLife(ctx context.Context, a *anchor) error {
	if a.static || a.life != nil {
		return nil
	}
	present := tl.here.Time
	tl.dropScratch()
	tl.quiet = true
	defer func() { tl.quiet = false }()
	born, err := tl.searchBirth(ctx, a)
	if err != nil {
		return err
	}
	died, err := tl.searchDeath(ctx, a)
	if err != nil {
		return err
	}
	if _, err := tl.goTo(ctx, present); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err() // a search cut short proves nothing
	}
	a.life = &lifetime{born: born, died: died}
	return nil
}

// searchBirth looks for the last birth before a.seen, the nearest
// window first.
func (tl *Timeline) searchBirth(ctx context.Context, a *anchor) (uint64, error) {
	hi := a.seen
	cp, ok := tl.cps.before(hi - 1)
	for ok && ctx.Err() == nil {
		prev, writes, err := tl.replayWatching(ctx, cp.trap.Time, hi, a.addr)
		if err != nil {
			return 0, err
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
		if born != 0 || cp.trap.Time <= tl.start {
			return born, nil
		}
		hi = cp.trap.Time
		cp, ok = tl.cps.before(hi - 1)
	}
	return 0, nil
}

// searchDeath looks for the first death after a.seen, to the end.
func (tl *Timeline) searchDeath(ctx context.Context, a *anchor) (uint64, error) {
	cp, ok := tl.cps.before(a.seen)
	if !ok {
		return 0, fmt.Errorf("no checkpoint before time %d", a.seen)
	}
	prev, writes, err := tl.replayWatching(ctx, cp.trap.Time, noBoundary, a.addr)
	if err != nil {
		return 0, err
	}
	for _, w := range writes {
		if w.Time >= a.seen && w.Value == 0 && prev == 1 {
			return w.Time + 1, nil
		}
		prev = w.Value
	}
	return noBoundary, nil
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
