// Package syscalls is the single declarative x86-64 Linux system call table
// that both the recorder and the replayer read (the counterpart of rr's
// syscalls.py).
//
// Each entry says how replay treats the call (its Policy) and which tracee
// memory the kernel writes during it (its Outputs). At the syscall-exit stop
// the recorder calls Writes to learn which regions to save; replay skips the
// call with PTRACE_SYSEMU and writes those bytes and the result back.
//
// A syscall number that is not in the table (Lookup returns false) must be
// refused: the recorder fails it with ENOSYS without running it.
//
// Outputs are exact for the common cases and otherwise err on the side of
// recording too much: saving bytes the kernel did not write is harmless
// (replay writes back what was already there), missing bytes it did write
// is a divergence. The known gap is ioctl: only the requests listed in the
// table (TCGETS, TIOCGWINSZ, FIONREAD, TIOCGPGRP...) declare outputs; any
// other request is assumed to write nothing, and KnownIoctl lets the
// recorder warn about those.
package syscalls

import (
	"fmt"
	"sort"
)

// Policy says what replay does with a syscall.
type Policy uint8

const (
	// Emulate: replay skips the call and writes back the recorded result
	// and output bytes.
	Emulate Policy = iota + 1
	// Execute: replay runs the call again for real (memory layout, signal
	// dispositions and masks, robust list...), then the program sees the
	// recorded result.
	Execute
	// Refuse: unsupported. The recorder fails it with ENOSYS (never runs
	// it) and replay returns ENOSYS too.
	Refuse
	// Special: the session code handles the call by name (mmap, execve,
	// fork/vfork/clone, exit, exit_group, rt_sigreturn, kill/tgkill...).
	Special
)

// String returns the policy's name, e.g. "emulate".
func (p Policy) String() string {
	switch p {
	case Emulate:
		return "emulate"
	case Execute:
		return "execute"
	case Refuse:
		return "refuse"
	case Special:
		return "special"
	}
	return fmt.Sprintf("Policy(%d)", uint8(p))
}

// Syscall is one entry of the table. Entries are shared and must not be
// modified.
type Syscall struct {
	Nr   int
	Name string
	// Args names the arguments, e.g. {"fd", "buf", "count"}; len(Args) is
	// the number of arguments the call takes.
	Args   []string
	Policy Policy
	// Outputs lists the tracee memory the kernel writes.
	Outputs []Output
	// ResultMustMatch is for Execute: replay's real result must equal the
	// recorded one (brk, mprotect, munmap...) or replay has diverged.
	ResultMustMatch bool
	// Visible says the world outside sees the order of these calls (two
	// threads writing to one terminal): recording must not let one finish
	// in the background while another thread runs.
	Visible bool
	// Private says the call acts only on the calling process itself (its
	// memory, its signal mask, its ids, the clock): a throw-away copy of
	// the program, where rrpy evaluates Python, may run it for real.
	// mmap is private only without a file.
	Private bool
}

// String returns the call's name and number, e.g. "read(0)".
func (s *Syscall) String() string { return fmt.Sprintf("%s(%d)", s.Name, s.Nr) }

// index is the immutable lookup structure built once from the table.
type index struct {
	sorted []*Syscall
	byNr   map[int]*Syscall
	byName map[string]*Syscall
}

var idx = buildIndex(table)

// buildIndex checks the table and indexes it. A malformed table is a
// programming error, so it panics at init rather than misrecording later.
func buildIndex(entries []Syscall) index {
	ix := index{
		byNr:   make(map[int]*Syscall, len(entries)),
		byName: make(map[string]*Syscall, len(entries)),
	}
	for i := range entries {
		s := &entries[i]
		if err := s.validate(); err != nil {
			panic(err)
		}
		if old, dup := ix.byNr[s.Nr]; dup {
			panic(fmt.Sprintf("syscalls: %s and %s share number %d", old.Name, s.Name, s.Nr))
		}
		if _, dup := ix.byName[s.Name]; dup {
			panic(fmt.Sprintf("syscalls: duplicate name %q", s.Name))
		}
		ix.byNr[s.Nr] = s
		ix.byName[s.Name] = s
		ix.sorted = append(ix.sorted, s)
	}
	sort.Slice(ix.sorted, func(i, j int) bool { return ix.sorted[i].Nr < ix.sorted[j].Nr })
	return ix
}

// validate checks that the entry is internally consistent: a known policy,
// and outputs that only refer to arguments the call has.
func (s *Syscall) validate() error {
	if s.Name == "" || s.Nr < 0 {
		return fmt.Errorf("syscalls: bad entry %+v", *s)
	}
	if s.Policy < Emulate || s.Policy > Special {
		return fmt.Errorf("syscalls: %s: bad policy %d", s.Name, s.Policy)
	}
	if len(s.Args) > 6 {
		return fmt.Errorf("syscalls: %s: %d args, at most 6", s.Name, len(s.Args))
	}
	if s.ResultMustMatch && s.Policy != Execute {
		return fmt.Errorf("syscalls: %s: ResultMustMatch needs policy execute", s.Name)
	}
	for _, o := range s.Outputs {
		if err := o.validate(len(s.Args)); err != nil {
			return fmt.Errorf("syscalls: %s: %w", s.Name, err)
		}
	}
	return nil
}

// Lookup returns the entry for an x86-64 syscall number. A number that is
// not found must be refused.
func Lookup(nr int) (*Syscall, bool) {
	s, ok := idx.byNr[nr]
	return s, ok
}

// ByName returns the entry with this name, e.g. "newfstatat".
func ByName(name string) (*Syscall, bool) {
	s, ok := idx.byName[name]
	return s, ok
}

// All returns every entry sorted by number. The slice is a fresh copy; the
// entries themselves are shared and must not be modified.
func All() []*Syscall {
	return append([]*Syscall(nil), idx.sorted...)
}
