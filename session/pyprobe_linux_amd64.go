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
// recording and replay execute the same instructions.
type pyProbe struct {
	stage probeStage
	next  breakpoint // where the installer waits: the entry point, then PyEval_EvalCode
	// guard is an int3 on _PyEval_SetTrace once the probe is installed:
	// a program that calls sys.settrace replaces the probe, which rrpy
	// must say rather than show Python times that stopped counting.
	guard    breakpoint
	replaced bool // the program replaced the probe, and was told
	warn     func(string)
	py       *pyframes.Python
	setTrace uint64 // _PyEval_SetTrace(tstate, func, arg)
}

type probeStage int

const (
	probeUnarmed    probeStage = iota
	probeAtEntry               // waiting for the entry point
	probeAtEvalCode            // waiting for the first PyEval_EvalCode
	probeInstalled
	probeNoPython // the program is not CPython (or not one rrpy knows)
)

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

// onBreakpoint handles a SIGTRAP stop of proc if it is one of the probe's
// breakpoints, and reports whether it was. On return the thread stands
// where the breakpoint was, with the code as the program had it.
func (pp *pyProbe) onBreakpoint(proc *ptrace.Proc) (bool, error) {
	if pp.next.addr == 0 && pp.guard.addr == 0 {
		return false, nil
	}
	regs, err := proc.Regs()
	if err != nil {
		return false, err
	}
	if pp.guard.addr != 0 && regs.Rip-1 == pp.guard.addr {
		return true, pp.onSettrace(proc, regs)
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

// findPython looks for CPython's symbols in what the loader mapped and
// plants the breakpoint at PyEval_EvalCode.
func (pp *pyProbe) findPython(proc *ptrace.Proc) error {
	py, err := pyframes.Find(proc.Pid)
	if errors.Is(err, pyframes.ErrNoPython) {
		pp.stage = probeNoPython
		return nil
	}
	if err != nil {
		return err
	}
	syms := map[string]*uint64{"_PyEval_SetTrace": &pp.setTrace}
	var evalCode uint64
	syms["PyEval_EvalCode"] = &evalCode
	for name, dst := range syms {
		if *dst, err = py.Symbol(name); err != nil {
			return fmt.Errorf("CPython %v in %s: %w", py.Version, py.File, err)
		}
	}
	pp.py = py
	pp.stage = probeAtEvalCode
	return pp.next.plant(proc, evalCode)
}

// install maps the probe's page, writes the probe there and makes it the
// trace function of the thread that holds the GIL.
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
	if err := proc.WriteMemory(probe.Addr, probe.Image(probeOffsets(pp.py.Layout))); err != nil {
		return fmt.Errorf("write the probe: %w", err)
	}
	pp.stage = probeInstalled
	if err := pp.coverThreads(proc); err != nil {
		return err
	}
	return pp.guard.plant(proc, pp.setTrace)
}

// onSettrace reports the program's own call of _PyEval_SetTrace (from
// sys.settrace or threading.settrace), then lets the call run on.
func (pp *pyProbe) onSettrace(proc *ptrace.Proc, regs ptrace.Regs) error {
	pp.reportReplaced(proc, regs.Rdi, "calls sys.settrace")
	return pp.stepOverGuard(proc, regs)
}

// checkReplaced looks, at a syscall, whether the thread holding the GIL
// still has the probe as its trace function. Where a build inlines
// _PyEval_SetTrace into sys.settrace the guard never fires, and this is
// how rrpy learns it, a little after the fact.
func (pp *pyProbe) checkReplaced(proc *ptrace.Proc) error {
	if pp.stage != probeInstalled || pp.replaced {
		return nil
	}
	ts, err := pyframes.NewReader(proc, pp.py).GILHolder()
	if err != nil || ts == 0 {
		return err
	}
	fn, err := readWord(proc, ts+pp.py.Layout.ThreadStateCTracefunc)
	if err != nil || fn == 0 || fn == probe.TraceFunc {
		return err // 0: a thread state made in C, which rrpy does not cover
	}
	pp.reportReplaced(proc, ts, "called sys.settrace before this point")
	return nil
}

// reportReplaced warns, once, that the program replaced the probe.
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
	pp.warn(fmt.Sprintf("%s %s, which replaces rrpy's probe in that thread: "+
		"Python times stop counting there and the replay shell cannot travel past it", where, what))
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

// coverThreads makes the probe the trace function of every thread state
// that has none: the one running at install, and each thread state
// CPython creates for a new thread, before the thread starts (rrpy calls
// this when the creating thread's clone returns). proc must hold the GIL.
func (pp *pyProbe) coverThreads(proc *ptrace.Proc) (err error) {
	if pp.stage != probeInstalled {
		return nil
	}
	rd := pyframes.NewReader(proc, pp.py)
	states, err := rd.Threads()
	if err != nil {
		return fmt.Errorf("list Python threads: %w", err)
	}
	// rrpy's own calls must not trip the guard.
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
	for _, ts := range states {
		fn, err := readWord(proc, ts+pp.py.Layout.ThreadStateCTracefunc)
		if err != nil {
			return err
		}
		if fn != 0 {
			continue // ours, or the program's own (sys.settrace)
		}
		if _, err := proc.Call(pp.setTrace, probe.CallReturn, ts, probe.TraceFunc, 0); err != nil {
			return fmt.Errorf("install the probe in thread state %#x: %w", ts, err)
		}
	}
	return nil
}

func probeOffsets(l *pyframes.Layout) probe.Offsets {
	return probe.Offsets{
		FrameObjectFrame:  l.FrameObjectFrame,
		FrameObjectLineno: l.FrameObjectLineno,
		FramePrevious:     l.InterpFramePrevious,
		FrameCode:         l.InterpFrameCode,
		CodeFirstLineno:   l.CodeFirstlineno,
	}
}

func readWord(mem interface{ ReadMemory(uint64, []byte) error }, addr uint64) (uint64, error) {
	var b [8]byte
	if err := mem.ReadMemory(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}
