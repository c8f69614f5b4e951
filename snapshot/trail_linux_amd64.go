package snapshot

// trailEvery is how far apart an open-ended forward move (continue, next,
// finish: where it ends is not known when it starts) copies the replay on
// its way, keeping the latest copy: where the move ends, that copy becomes
// a checkpoint at most trailEvery before it, and the step back that
// follows replays that much at most. A go knows its destination and
// takes its checkpoint before it instead (approachGap).
const trailEvery = 2 * minSpacing

// trail is the latest copy an open-ended forward move took on its way.
type trail struct {
	on bool
	cp checkpoint // cp.s is nil when there is none
}

// due returns when the next copy is due: trailEvery past the latest
// checkpoint or copy before the present; noBoundary when off.
func (tr *trail) due(tl *Timeline) uint64 {
	if !tr.on {
		return noBoundary
	}
	base := uint64(0)
	if cp, ok := tl.cps.before(tl.here.Time); ok {
		base = cp.trap.Time
	}
	if tr.cp.s != nil {
		base = max(base, tr.cp.trap.Time)
	}
	return max(base+trailEvery, tl.here.Time+1)
}

// take copies the present, in place of the copy before.
func (tr *trail) take(tl *Timeline) error {
	if tl.s.Threads() != 1 {
		return nil // fork copies one thread
	}
	s, err := tl.s.Fork()
	if err != nil {
		return err
	}
	tr.drop()
	tr.cp = checkpoint{trap: tl.here, s: s}
	return nil
}

// keep makes the copy a checkpoint where the move ended at time end, if
// it is nearer end than the checkpoints are; otherwise it is dropped.
func (tr *trail) keep(tl *Timeline, end uint64) {
	if tr.cp.s == nil {
		return
	}
	if cp, ok := tl.cps.before(end - 1); tr.cp.trap.Time < end && (!ok || cp.trap.Time < tr.cp.trap.Time) {
		tl.cps.add(tr.cp, end, tl.s)
		tr.cp.s = nil
		return
	}
	tr.drop()
}

func (tr *trail) drop() {
	if tr.cp.s != nil {
		tr.cp.s.Close()
		tr.cp.s = nil
	}
}
