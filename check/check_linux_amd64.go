package check

import (
	"fmt"
	"time"
)

// probeTimeout bounds one probe. The probes that trace a child also kill
// it sooner (traceeTimeout); this is the last guard, so that `rrpy check`
// always answers.
const probeTimeout = 5 * time.Second

// probe is one item's check.
type probe struct {
	name string
	// required probes fail the report when they cannot answer (timeout,
	// panic); the others only warn, since recording works without them.
	required bool
	run      func() Item // all but the Name, which runProbe sets
}

// plain adapts a check that answers a status and a detail alone, as all
// but the python one do.
func plain(check func() (Status, string)) func() Item {
	return func() Item {
		st, detail := check()
		return Item{Status: st, Detail: detail}
	}
}

// probes lists the items in report order.
func probes() []probe {
	return []probe{
		{name: "kernel.randomize_va_space", run: plain(probeASLR)},
		{name: "ptrace", required: true, run: plain(probePtrace)},
		{name: "rdtsc trapping", required: true, run: plain(probeRdtscTrap)},
		{name: "debug registers", run: plain(probeDebugRegs)},
		{name: "performance counters", run: plain(probePerfCounters)},
		{name: "cpu", run: plain(probeCPU)},
		{name: "python3", run: probePython},
	}
}

// Run runs every probe, one after the other, and returns one item each.
// It never panics, and each probe gets at most probeTimeout.
func Run() []Item {
	ps := probes()
	items := make([]Item, 0, len(ps))
	for _, p := range ps {
		items = append(items, runProbe(p, probeTimeout))
	}
	return items
}

// runProbe runs p on its own goroutine so that a probe stuck in the
// kernel cannot hold up the report, and turns a panic into an item.
func runProbe(p probe, timeout time.Duration) Item {
	unanswered := Warn
	if p.required {
		unanswered = Fail
	}
	done := make(chan Item, 1) // buffered: a late probe must not block forever
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- Item{Name: p.name, Status: unanswered, Detail: fmt.Sprintf("probe failed: %v", r)}
			}
		}()
		it := p.run()
		it.Name = p.name
		done <- it
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case it := <-done:
		return it
	case <-timer.C:
		return Item{Name: p.name, Status: unanswered, Detail: fmt.Sprintf("no answer within %v", timeout)}
	}
}
