package session

import (
	"encoding/binary"
	"fmt"
	"strings"

	"rrpy/probe"
)

// WordWrite is a write to a watched word: its new value, and the time of
// the stop point before it (the write happened while that line ran).
type WordWrite struct {
	Time  uint64
	Addr  uint64
	Value uint64
}

// maxWatchedWords is what x86's debug registers DR0..DR3 can watch.
const maxWatchedWords = 4

// dr7Write8 enables DRi, locally, for 8-byte writes: L bit 2i, R/W = 01
// and LEN = 10 in the nibble at 16+4i.
func dr7Write8(i int) uint64 { return 1<<(2*i) | 0x9<<(16+4*i) }

// WatchWords has the processor report writes to up to four aligned
// 8-byte words, in every thread: each is logged (TakeWrites) and the
// replay goes on. No addresses stop watching.
func (s *Session) WatchWords(addrs []uint64) error {
	if len(addrs) > maxWatchedWords {
		return fmt.Errorf("watch %d words: the processor watches %d", len(addrs), maxWatchedWords)
	}
	for _, a := range addrs {
		if a%8 != 0 {
			return fmt.Errorf("watch the word at %#x: not 8-byte aligned", a)
		}
	}
	s.r.watched = append([]uint64(nil), addrs...)
	for _, t := range s.r.tasks {
		if err := s.r.armWatch(t); err != nil {
			return err
		}
	}
	return nil
}

// TakeWrites returns the writes logged since the last call.
func (s *Session) TakeWrites() []WordWrite {
	w := s.r.writes
	s.r.writes = nil
	return w
}

// armWatch writes the watched words into t's debug registers: a thread
// or a fork starts with none.
func (r *replayer) armWatch(t *rtask) error {
	if err := t.proc.SetDebugReg(7, 0); err != nil {
		return err
	}
	dr7 := uint64(0)
	for i, a := range r.watched {
		if err := t.proc.SetDebugReg(i, a); err != nil {
			return err
		}
		dr7 |= dr7Write8(i)
	}
	if dr7 == 0 {
		return nil
	}
	return t.proc.SetDebugReg(7, dr7)
}

// onWatchTrap logs the writes a debug trap reports (DR6's B0..B3).
func (r *replayer) onWatchTrap(t *rtask) (bool, error) {
	if len(r.watched) == 0 {
		return false, nil
	}
	dr6, err := t.proc.DebugReg(6)
	if err != nil || dr6&0xf == 0 {
		return false, err
	}
	now, err := probe.Time(t.proc)
	if err != nil {
		return true, err
	}
	for i, a := range r.watched {
		if dr6&(1<<i) == 0 {
			continue
		}
		var b [8]byte
		if err := t.proc.ReadMemory(a, b[:]); err != nil {
			return true, err
		}
		r.writes = append(r.writes, WordWrite{Time: now, Addr: a, Value: binary.LittleEndian.Uint64(b[:])})
	}
	// The processor never clears DR6 itself.
	return true, t.proc.SetDebugReg(6, 0)
}

// probeFault handles the probe faulting on a watched word whose page was
// unmapped (rrpy lists words so that the first that changed traps before
// a stale address is followed; this is the net under that): the probe
// resumes at its fault trap, which reports the stop point as one where a
// word changed, and the program never sees the fault.
func (r *replayer) probeFault(t *rtask) (bool, error) {
	regs, err := t.proc.Regs()
	if err != nil || !probe.InCode(regs.Rip) || len(r.cond.Words) == 0 {
		return false, err
	}
	regs.Rip = probe.FaultTrap
	return true, t.proc.SetRegs(regs)
}

// InFile tells whether addr lies in a mapping of a file (the executable
// or a library): CPython's static objects (small ints, None, the builtin
// types) live there for the whole run.
func (s *Session) InFile(addr uint64) (bool, error) {
	_, _, path, err := mappingAround(s.pid, addr)
	return strings.HasPrefix(path, "/"), err
}
