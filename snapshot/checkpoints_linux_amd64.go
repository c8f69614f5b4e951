package snapshot

import (
	"sort"

	"rrpy/session"
)

// checkpointEvery is the distance, in stop points, between the
// checkpoints taken while running forward: at the probe's replay speed
// (about ten million stop points a second for pure Python) any stop point
// is then a few milliseconds of replay away from one.
const checkpointEvery = 50_000

// maxCheckpoints bounds the processes kept: each is a forked copy of the
// program, sharing its memory until one of them writes.
const maxCheckpoints = 40

// checkpoint is a frozen copy of the replay at one stop point.
type checkpoint struct {
	trap session.Trap
	s    *session.Session
}

// checkpoints are kept sorted by time.
type checkpoints struct{ list []checkpoint }

// before returns the latest checkpoint at or before t.
func (c *checkpoints) before(t uint64) (checkpoint, bool) {
	i := sort.Search(len(c.list), func(i int) bool { return c.list[i].trap.Time > t })
	if i == 0 {
		return checkpoint{}, false
	}
	return c.list[i-1], true
}

// add keeps a new checkpoint and drops one if there are too many: the one
// whose neighbours are closest, never the first (the start of the main
// script) nor the one nearest the present.
func (c *checkpoints) add(cp checkpoint, present uint64) {
	i := sort.Search(len(c.list), func(i int) bool { return c.list[i].trap.Time >= cp.trap.Time })
	if i < len(c.list) && c.list[i].trap.Time == cp.trap.Time {
		cp.s.Close()
		return
	}
	c.list = append(c.list, checkpoint{})
	copy(c.list[i+1:], c.list[i:])
	c.list[i] = cp
	for len(c.list) > maxCheckpoints {
		c.dropOne(present)
	}
}

// dropOne removes the checkpoint whose removal leaves the smallest gap,
// gaps far from the present counting as smaller: checkpoints stay denser
// near where the user is.
func (c *checkpoints) dropOne(present uint64) {
	best, bestScore := -1, 0.0
	for i := 1; i+1 < len(c.list); i++ {
		gap := float64(c.list[i+1].trap.Time - c.list[i-1].trap.Time)
		dist := float64(absDiff(present, c.list[i].trap.Time)) + 1
		score := gap / (1 + dist/float64(checkpointEvery*64))
		if best < 0 || score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return
	}
	c.list[best].s.Close()
	c.list = append(c.list[:best], c.list[best+1:]...)
}

// times lists the checkpoints' times.
func (c *checkpoints) times() []uint64 {
	out := make([]uint64, len(c.list))
	for i, cp := range c.list {
		out[i] = cp.trap.Time
	}
	return out
}

func (c *checkpoints) closeAll() {
	for _, cp := range c.list {
		cp.s.Close()
	}
	c.list = nil
}

func absDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}
