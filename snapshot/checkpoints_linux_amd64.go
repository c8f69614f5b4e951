package snapshot

import (
	"sort"

	"rrpy/session"
)

// minSpacing is the distance, in stop points, between checkpoints near
// the present: at the probe's replay speed (about twenty million stop
// points a second for pure Python) a step back from anywhere near a
// checkpoint replays a few milliseconds.
const minSpacing = 50_000

// maxCheckpoints bounds the processes kept: each is a forked copy of the
// program, sharing its memory until one of them writes. Far from the
// present, half of them cover the recording evenly: on a billion stop
// points, one every 4M, a fifth of a second of replay.
const maxCheckpoints = 512

// nearFactor shapes the checkpoints near the present: at distance d from
// it, they are d/nearFactor apart (never closer than minSpacing), until
// that reaches the even spacing of the rest.
const nearFactor = 4

// approachGap is how far before a destination a long go stops to take
// a checkpoint: the step back that follows replays that much at most.
const approachGap = minSpacing

// checkpoint is a frozen copy of the replay at one stop point.
type checkpoint struct {
	trap session.Trap
	s    *session.Session
}

// checkpoints are kept sorted by time, within a budget: a count
// (capacity, maxCheckpoints until the memory ran out) and the memory they
// hold (memFactor times the program's resident set).
type checkpoints struct {
	list      []checkpoint
	memFactor float64
	capacity  int
	// sinceMeasure counts the checkpoints added since their memory was
	// last read: reading every process's smaps_rollup walks its page
	// tables, so it is done once the list grew by a quarter.
	sinceMeasure int
	memory       checkpointMemory
	// peak is the largest resident set the program was seen with: the
	// bound follows it, not the moment's, which moves with the present.
	peak uint64
}

// checkpointMemory is what the checkpoints held when last measured.
type checkpointMemory struct {
	Held    uint64 // bytes: the processes' PSS summed, less the replay's own RSS
	Program uint64 // bytes: the replaying program's largest resident set so far
	Count   int
}

func newCheckpoints(memFactor float64) checkpoints {
	return checkpoints{memFactor: memFactor, capacity: maxCheckpoints}
}

// before returns the latest checkpoint at or before t.
func (c *checkpoints) before(t uint64) (checkpoint, bool) {
	i := sort.Search(len(c.list), func(i int) bool { return c.list[i].trap.Time > t })
	if i == 0 {
		return checkpoint{}, false
	}
	return c.list[i-1], true
}

// last returns the latest checkpoint.
func (c *checkpoints) last() checkpoint { return c.list[len(c.list)-1] }

// spacing is the distance between the checkpoints a forward replay takes
// past the last one: the even spacing the capacity allows over the span
// covered so far, so a long replay forks O(capacity · log length) times
// rather than once every minSpacing.
func (c *checkpoints) spacing() uint64 {
	return max(minSpacing, c.evenGap())
}

// evenGap is the spacing of the checkpoints far from the present: half
// the capacity spread over the span covered.
func (c *checkpoints) evenGap() uint64 {
	span := c.last().trap.Time - c.list[0].trap.Time
	return span / uint64(max(1, c.capacity/2))
}

// add keeps a new checkpoint and drops some if the budget is exceeded:
// the ones whose neighbours are closest for where they are, never the
// first (the start of the main script) nor the last. active is the
// replay at the present (nil after the program's end).
func (c *checkpoints) add(cp checkpoint, present uint64, active *session.Session) {
	i := sort.Search(len(c.list), func(i int) bool { return c.list[i].trap.Time >= cp.trap.Time })
	if i < len(c.list) && c.list[i].trap.Time == cp.trap.Time {
		cp.s.Close()
		return
	}
	c.list = append(c.list, checkpoint{})
	copy(c.list[i+1:], c.list[i:])
	c.list[i] = cp
	c.sinceMeasure++
	if c.sinceMeasure >= max(1, len(c.list)/4) {
		c.fitMemory(present, active)
	}
	for len(c.list) > c.capacity {
		c.dropOne(present)
	}
}

// fitMemory measures the memory the checkpoints hold and, over the
// budget, drops as many as should bring it under and lowers the capacity
// to what fits.
func (c *checkpoints) fitMemory(present uint64, active *session.Session) {
	c.sinceMeasure = 0
	for range 3 { // dropping frees about what was estimated: measured again
		m, err := c.measure(active)
		if err != nil {
			return // a process gone meanwhile: measured at the next add
		}
		c.memory = m
		budget := uint64(c.memFactor * float64(m.Program))
		if m.Held <= budget || len(c.list) <= 2 {
			// Room again (the program grew, or the checkpoints share
			// more): the capacity rises to what the budget would hold.
			if m.Held > 0 {
				c.capacity = min(maxCheckpoints, max(c.capacity, int(float64(len(c.list))*float64(budget)/float64(m.Held))))
			}
			return
		}
		c.capacity = max(2, int(float64(len(c.list))*float64(budget)/float64(m.Held)))
		for len(c.list) > c.capacity {
			c.dropOne(present)
		}
	}
}

// measure reads the memory the checkpoints hold: every replay process's
// proportional share summed (pages shared by several count once in
// all), less the resident set of the program at the present, which it
// would hold without checkpoints.
func (c *checkpoints) measure(active *session.Session) (checkpointMemory, error) {
	var m checkpointMemory
	var total uint64
	for _, cp := range c.list {
		use, err := cp.s.MemoryUse()
		if err != nil {
			return m, err
		}
		total += use.PSS
		m.Program = use.RSS // the last checkpoint's, if no replay runs
	}
	if active != nil {
		use, err := active.MemoryUse()
		if err != nil {
			return m, err
		}
		total += use.PSS
		m.Program = use.RSS
	}
	m.Held = total - min(total, m.Program)
	m.Count = len(c.list)
	c.peak = max(c.peak, m.Program)
	m.Program = c.peak
	return m, nil
}

// dropOne removes the checkpoint whose removal leaves the smallest gap
// for the spacing wanted where it stands: near the present, gaps
// proportional to the distance from it; beyond, even gaps.
func (c *checkpoints) dropOne(present uint64) {
	best, bestScore := -1, 0.0
	even := c.evenGap()
	for i := 1; i+1 < len(c.list); i++ {
		gap := float64(c.list[i+1].trap.Time - c.list[i-1].trap.Time)
		want := absDiff(present, c.list[i].trap.Time) / nearFactor
		want = max(minSpacing, min(want, even))
		score := gap / float64(want)
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
