package session

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/pyframes"
)

// pyProbe puts rrpy's stop-point probe into a CPython tracee at the same
// moment of its run when recording and when replaying: the first call of
// PyEval_EvalCode, when the interpreter is ready to run code and holds the
// GIL. That function is found from the binary's symbols once the loader
// has mapped every library, which a breakpoint at the executable's entry
// point marks. Both breakpoints are gone before the program runs on, so
// recording and replay execute the same instructions. How CPython is made
// to call the probe is the clock's business (clockFor).
type pyProbe struct {
	stage probeStage
	next  breakpoint // where the installer waits: the entry point, then PyEval_EvalCode
	// guard is an int3 where the program's own call would take the clock
	// away (the clock says where, if anywhere): rrpy must say so rather
	// than show Python times that stopped counting.
	guard    breakpoint
	replaced bool // the program replaced the probe, and was told
	warn     func(string)
	py       *pyframes.Python
	want     string // the clock asked for (RecordOptions.Clock)
	clock    clock
}

type probeStage int

const (
	probeUnarmed    probeStage = iota
	probeAtEntry               // waiting for the entry point
	probeAtEvalCode            // waiting for the first PyEval_EvalCode
	probeInstalled
	probeNoPython // the program is not CPython (or not one rrpy knows)
)

// clock makes CPython call the probe at every stop point. One is chosen
// per process, from the interpreter found (clockFor).
type clock interface {
	// config is what the probe's page holds for this clock.
	config() probe.Clock
	// install makes the probe the interpreter's clock. The page is in
	// place; proc stands at the first PyEval_EvalCode and holds the GIL.
	install(proc *ptrace.Proc) error
	// threadStarted gives the probe to the thread state CPython made for
	// a new thread; proc is the thread whose clone returned (and holds
	// the GIL).
	threadStarted(proc *ptrace.Proc) error
	// guardAt is where the program's own call takes the clock away, 0
	// for nowhere rrpy can plant a breakpoint; guarded tells, at that
	// breakpoint, in which thread state and by what ("" for a call that
	// does not).
	guardAt() uint64
	guarded(proc *ptrace.Proc, regs ptrace.Regs) (tstate uint64, what string, err error)
	// replaced tells, at a syscall, whether the program took the clock
	// away since, and in which thread state: where no guard fires (a
	// build without the symbols, an inlined call), rrpy learns it here,
	// a little after the fact.
	replaced(proc *ptrace.Proc) (tstate uint64, what string, err error)
}

// settraceIsCheaper lists the minor versions where the trace function
// costs less per stop point than sys.monitoring's callbacks, as
// bench/clock measured (bench/README.md): 3.13 calls it directly at line
// events, which 3.12's shim over sys.monitoring does not.
var settraceIsCheaper = map[int]bool{13: true}

// clockFor picks the clock of an interpreter: the one asked for, or the
// cheaper one for its version. The trace function needs
// _PyEval_SetTrace (to cover each thread), which a stripped build may not
// export; the callbacks need only the public API.
func clockFor(py *pyframes.Python, want string) (clock, error) {
	if err := ClockFits(py, want); err != nil {
		return nil, err
	}
	monitoring := hasMonitoring(py)
	switch want {
	case ClockMonitoring:
		return newMonitorClock(py)
	case ClockSettrace:
		return newTraceClock(py)
	case ClockAuto:
		if _, err := py.Symbol("_PyEval_SetTrace"); monitoring && (err != nil || !settraceIsCheaper[py.Version.Minor]) {
			return newMonitorClock(py)
		}
		return newTraceClock(py)
	}
	return nil, fmt.Errorf("no clock %q (settrace or monitoring)", want)
}

// framesClock is what both of the probe's doors follow: the frame chain
// (depth conditions) and a code object's first line (calls).
func framesClock(l *pyframes.Layout) probe.Clock {
	return probe.Clock{FramePrevious: l.InterpFramePrevious, FrameCode: l.InterpFrameCode, CodeFirstLineno: l.CodeFirstlineno}
}

// int3 is the x86 breakpoint instruction.
const int3 = 0xcc

// breakpoint is an int3 planted over a byte of code.
type breakpoint struct {
	addr  uint64 // 0 when none is planted
	saved [1]byte
}

func (b *breakpoint) plant(proc *ptrace.Proc, addr uint64) error {
	if err := proc.ReadMemory(addr, b.saved[:]); err != nil {
		return fmt.Errorf("plant breakpoint at %#x: %w", addr, err)
	}
	if err := proc.WriteMemory(addr, []byte{int3}); err != nil {
		return fmt.Errorf("plant breakpoint at %#x: %w", addr, err)
	}
	b.addr = addr
	return nil
}

// lift puts the code back and returns where the breakpoint was.
func (b *breakpoint) lift(proc *ptrace.Proc) (uint64, error) {
	addr := b.addr
	if addr == 0 {
		return 0, nil
	}
	b.addr = 0
	return addr, proc.WriteMemory(addr, b.saved[:])
}

// arm plants the first breakpoint at the executable's entry point.
func (pp *pyProbe) arm(proc *ptrace.Proc, img *stackImage) error {
	entry, err := img.entryPoint()
	if err != nil {
		return err
	}
	pp.stage = probeAtEntry
	return pp.next.plant(proc, entry)
}

// Installed reports whether the probe counts stop points in the tracee.
func (pp *pyProbe) installed() bool { return pp.stage == probeInstalled }

// onBreakpoint handles a SIGTRAP stop of proc, whose registers are regs,
// if it is one of the probe's breakpoints, and reports whether it was. On
// return the thread stands where the breakpoint was, with the code as the
// program had it.
func (pp *pyProbe) onBreakpoint(proc *ptrace.Proc, regs ptrace.Regs) (bool, error) {
	if pp.next.addr == 0 && pp.guard.addr == 0 {
		return false, nil
	}
	if pp.guard.addr != 0 && regs.Rip-1 == pp.guard.addr {
		tstate, what, err := pp.clock.guarded(proc, regs)
		if err != nil {
			return true, err
		}
		if what != "" {
			pp.reportReplaced(proc, tstate, what)
		}
		return true, pp.stepOverGuard(proc, regs)
	}
	if regs.Rip-1 != pp.next.addr {
		return false, nil
	}
	if _, err := pp.next.lift(proc); err != nil {
		return true, err
	}
	regs.Rip--
	if err := proc.SetRegs(regs); err != nil {
		return true, err
	}
	switch pp.stage {
	case probeAtEntry:
		return true, pp.findPython(proc)
	case probeAtEvalCode:
		return true, pp.install(proc)
	}
	return true, fmt.Errorf("probe breakpoint hit in stage %d", pp.stage)
}

// findPython looks for CPython's symbols in what the loader mapped, picks
// its clock and plants the breakpoint at PyEval_EvalCode.
func (pp *pyProbe) findPython(proc *ptrace.Proc) error {
	py, err := pyframes.Find(proc.Pid)
	if errors.Is(err, pyframes.ErrNoPython) {
		pp.stage = probeNoPython
		return nil
	}
	if err != nil {
		return err
	}
	evalCode, err := py.Symbol("PyEval_EvalCode")
	if err != nil {
		return fmt.Errorf("CPython %v in %s: %w", py.Version, py.File, err)
	}
	if pp.clock, err = clockFor(py, pp.want); err != nil {
		return fmt.Errorf("CPython %v in %s: %w", py.Version, py.File, err)
	}
	pp.py = py
	pp.stage = probeAtEvalCode
	return pp.next.plant(proc, evalCode)
}

// install maps the probe's page, writes the probe there and has the
// clock make it CPython's.
func (pp *pyProbe) install(proc *ptrace.Proc) error {
	regs, err := proc.Regs()
	if err != nil {
		return err
	}
	const prot = unix.PROT_READ | unix.PROT_WRITE | unix.PROT_EXEC
	const flags = unix.MAP_PRIVATE | unix.MAP_ANONYMOUS | unix.MAP_FIXED_NOREPLACE
	out, err := proc.InjectPlanted(ptrace.Injection{At: regs.Rip, Nr: unix.SYS_MMAP,
		Args: [6]uint64{probe.Addr, probe.PageSize, prot, flags, ^uint64(0), 0}})
	if err != nil {
		return fmt.Errorf("map the probe: %w", err)
	}
	if out.Result != int64(probe.Addr) {
		return fmt.Errorf("map the probe at %#x: %s", probe.Addr, describeResult(out.Result))
	}
	if err := proc.WriteMemory(probe.Addr, probe.Image(pp.clock.config())); err != nil {
		return fmt.Errorf("write the probe: %w", err)
	}
	if err := withoutAuditHooks(proc, pp.py, func() error { return pp.clock.install(proc) }); err != nil {
		return fmt.Errorf("install rrpy's clock in CPython %v: %w", pp.py.Version, err)
	}
	pp.stage = probeInstalled
	if at := pp.clock.guardAt(); at != 0 {
		return pp.guard.plant(proc, at)
	}
	return nil
}

// checkReplaced looks, at a syscall, whether the program took the clock
// away.
func (pp *pyProbe) checkReplaced(proc *ptrace.Proc) error {
	if pp.stage != probeInstalled || pp.replaced {
		return nil
	}
	tstate, what, err := pp.clock.replaced(proc)
	if err != nil || what == "" {
		return err
	}
	pp.reportReplaced(proc, tstate, what)
	return nil
}

// reportReplaced warns, once, that the program took the clock away.
func (pp *pyProbe) reportReplaced(proc *ptrace.Proc, tstate uint64, what string) {
	if pp.replaced || pp.warn == nil {
		return
	}
	pp.replaced = true
	where := "the program"
	rd := pyframes.NewReader(proc, pp.py)
	if cur, err := rd.CurrentFrame(tstate); err == nil && cur != 0 {
		if stack, err := rd.Stack(cur); err == nil && len(stack) > 0 {
			where = fmt.Sprintf("%s line %d", stack[0].Code.Filename, stack[0].Line)
		}
	}
	pp.warn(fmt.Sprintf("%s %s: Python times stop counting there and the replay shell cannot travel past it", where, what))
}

// stepOverGuard runs the guarded instruction with the code put back, and
// plants the guard again.
func (pp *pyProbe) stepOverGuard(proc *ptrace.Proc, regs ptrace.Regs) error {
	addr, err := pp.guard.lift(proc)
	if err != nil {
		return err
	}
	regs.Rip = addr
	if err := proc.SetRegs(regs); err != nil {
		return err
	}
	if err := proc.SingleStep(); err != nil {
		return err
	}
	return pp.guard.plant(proc, addr)
}

// coverThreads gives the probe to the thread state CPython made for a new
// thread, before the thread starts (rrpy calls this when the creating
// thread's clone returns). rrpy's own calls must not trip the guard.
func (pp *pyProbe) coverThreads(proc *ptrace.Proc) (err error) {
	if pp.stage != probeInstalled {
		return nil
	}
	guarded, err := pp.guard.lift(proc)
	if err != nil {
		return err
	}
	if guarded != 0 {
		defer func() {
			if perr := pp.guard.plant(proc, guarded); err == nil {
				err = perr
			}
		}()
	}
	return withoutAuditHooks(proc, pp.py, func() error { return pp.clock.threadStarted(proc) })
}

// withoutAuditHooks runs the clock's installation with the program's
// audit hooks set aside, and puts them back: CPython audits
// sys.settrace and sys.monitoring's calls, and a hook in Python
// (sys.addaudithook, as CPython's test runner installs) would run the
// program's code inside rrpy's call, where it may wait for the GIL. The
// same is done in recording and replay.
func withoutAuditHooks(proc *ptrace.Proc, py *pyframes.Python, install func() error) (err error) {
	hooks := []uint64{py.Runtime + py.Layout.RuntimeAuditHooks}
	interp, err := pyframes.NewReader(proc, py).MainInterpreter()
	if err != nil {
		return err
	}
	if interp != 0 {
		hooks = append(hooks, interp+py.Layout.InterpStateAuditHooks)
	}
	saved := make([]uint64, len(hooks))
	for i, at := range hooks {
		if saved[i], err = readWord(proc, at); err != nil {
			return fmt.Errorf("read the audit hooks: %w", err)
		}
		if err := writeWord(proc, at, 0); err != nil {
			return fmt.Errorf("set the audit hooks aside: %w", err)
		}
	}
	defer func() {
		for i, at := range hooks {
			if werr := writeWord(proc, at, saved[i]); werr != nil && err == nil {
				err = fmt.Errorf("put the audit hooks back: %w", werr)
			}
		}
	}()
	return install()
}

// installCall calls a C function of the interpreter while the clock is
// installed, in recording and replay alike. Its syscalls that manage
// memory (an allocator growing its heap) run, and a clock read gets a
// constant (CPython times a lock it takes, uncontended): both give the
// same results in recording and replay. Any other is an error: the
// installation must not touch the world.
func installCall(proc *ptrace.Proc, fn uint64, args ...uint64) (uint64, error) {
	hooks := ptrace.CallHooks{Syscall: func(p *ptrace.Proc, r *ptrace.Regs) (bool, int64, error) {
		nr, a := int(r.Orig_rax), r.Args()
		switch {
		case memoryManagement(nr, a):
			return false, 0, nil
		case nr == unix.SYS_CLOCK_GETTIME:
			return true, 0, p.WriteMemory(a[1], make([]byte, 16))
		}
		return false, 0, fmt.Errorf("the call at %#x made %s", fn, describeCall(nr, a))
	}}
	return proc.CallHooked(hooks, fn, probe.CallReturn, args...)
}

// memoryManagement tells a syscall that changes the process's own memory
// and nothing else: an anonymous mmap, munmap, mremap, mprotect, madvise,
// brk. Run alike in recording and replay, it gives alike results.
func memoryManagement(nr int, a [6]uint64) bool {
	switch nr {
	case unix.SYS_MMAP:
		return a[3]&unix.MAP_ANONYMOUS != 0
	case unix.SYS_MUNMAP, unix.SYS_MREMAP, unix.SYS_MPROTECT, unix.SYS_MADVISE, unix.SYS_BRK:
		return true
	}
	return false
}

func writeWord(proc *ptrace.Proc, addr, v uint64) error {
	return proc.WriteMemory(addr, binary.LittleEndian.AppendUint64(nil, v))
}

func readWord(mem interface{ ReadMemory(uint64, []byte) error }, addr uint64) (uint64, error) {
	var b [8]byte
	if err := mem.ReadMemory(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}
