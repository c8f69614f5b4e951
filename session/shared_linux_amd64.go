package session

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"rrpy/ptrace"
	"rrpy/trace"
)

// Memory shared between recorded processes (MAP_SHARED mappings inherited
// across fork: multiprocessing's semaphores in /dev/shm, shared arrays)
// changes without a syscall in the process that reads it. The recorder
// runs one process's user code at a time, so what one process finds
// changed there when it runs again was changed by the others while it did
// not run: that difference is recorded, before it runs on, as a Shared
// event its replay writes back.

// sharedLimit bounds the shared memory compared at each switch between
// processes; beyond it rrpy says so and the rest is not recorded.
const sharedLimit = 64 << 20

// sharedView is what one process last saw of its shared mappings.
type sharedView struct {
	stale   bool // its mappings changed since they were listed
	regions []sharedRegion
}

type sharedRegion struct {
	addr uint64
	seen []byte // its content when the process last ran
}

// mappingsChanged marks the list of mappings out of date: a mapping call
// ran in the process.
func (v *sharedView) mappingsChanged() { v.stale = true }

// start makes the view of a process that begins (a forked child): its
// content is what the process sees now.
func (v *sharedView) start(child *ptrace.Proc) error {
	v.stale = true
	return v.look(child)
}

// look lists the process's shared mappings again if they changed and
// reads their content as what the process has seen.
func (v *sharedView) look(proc *ptrace.Proc) error {
	if v.stale {
		if err := v.list(proc.Pid); err != nil {
			return err
		}
	}
	for i := range v.regions {
		if err := proc.ReadMemory(v.regions[i].addr, v.regions[i].seen); err != nil {
			return fmt.Errorf("read shared memory of process %d: %w", proc.Pid, err)
		}
	}
	return nil
}

// changes returns what differs in the shared mappings from what the
// process last saw, as writes, and takes the new content as seen.
func (v *sharedView) changes(proc *ptrace.Proc) ([]trace.MemWrite, error) {
	if v.stale {
		old := v.regions
		if err := v.list(proc.Pid); err != nil {
			return nil, err
		}
		v.keepSeen(old)
	}
	var writes []trace.MemWrite
	for _, reg := range v.regions {
		now := make([]byte, len(reg.seen))
		if err := proc.ReadMemory(reg.addr, now); err != nil {
			return nil, fmt.Errorf("read shared memory of process %d: %w", proc.Pid, err)
		}
		writes = appendDiffs(writes, reg.addr, reg.seen, now)
		copy(reg.seen, now)
	}
	return writes, nil
}

// keepSeen carries what was seen of the regions still mapped into a new
// list; new regions start as seen empty (all zero), which a fresh
// shared mapping is.
func (v *sharedView) keepSeen(old []sharedRegion) {
	for i := range v.regions {
		for _, o := range old {
			if o.addr == v.regions[i].addr && len(o.seen) == len(v.regions[i].seen) {
				v.regions[i].seen = o.seen
			}
		}
	}
}

// appendDiffs appends the runs of bytes that differ between was and now,
// merging runs closer than a few words apart.
func appendDiffs(writes []trace.MemWrite, addr uint64, was, now []byte) []trace.MemWrite {
	const gap = 32
	for i := 0; i < len(now); {
		if was[i] == now[i] {
			i++
			continue
		}
		end := i + 1
		for j := end; j < len(now) && j < end+gap; j++ {
			if was[j] != now[j] {
				end = j + 1
			}
		}
		writes = append(writes, trace.MemWrite{Addr: addr + uint64(i), Data: append([]byte(nil), now[i:end]...)})
		i = end
	}
	return writes
}

// list reads the process's shared mappings from /proc/PID/maps.
func (v *sharedView) list(pid int) error {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return fmt.Errorf("list shared mappings: %w", err)
	}
	defer f.Close()
	v.regions, v.stale = nil, false
	total := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		start, end, ok := sharedMapping(sc.Text())
		if !ok {
			continue
		}
		size := int(end - start)
		if total+size > sharedLimit {
			return fmt.Errorf("process %d shares more than %d MiB of memory with other processes, which rrpy cannot record yet", pid, sharedLimit>>20)
		}
		total += size
		v.regions = append(v.regions, sharedRegion{addr: start, seen: make([]byte, size)})
	}
	return sc.Err()
}

// sharedMapping parses a line of /proc/PID/maps and tells whether it is a
// readable shared mapping.
func sharedMapping(line string) (start, end uint64, ok bool) {
	fields := strings.Fields(line)
	if len(fields) < 2 || len(fields[1]) != 4 || fields[1][0] != 'r' || fields[1][3] != 's' {
		return 0, 0, false
	}
	lo, hi, found := strings.Cut(fields[0], "-")
	if !found {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(lo, 16, 64)
	e, err2 := strconv.ParseUint(hi, 16, 64)
	return s, e, err1 == nil && err2 == nil && e > s
}
