package session

import (
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
	stage    probeStage
	bp       uint64 // where an int3 is planted
	saved    [1]byte
	py       *pyframes.Python
	setTrace uint64 // _PyEval_SetTrace(tstate, func, arg)
	runtime  uint64 // _PyRuntime
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

// arm plants the first breakpoint at the executable's entry point.
func (pp *pyProbe) arm(proc *ptrace.Proc, img *stackImage) error {
	entry, err := img.entryPoint()
	if err != nil {
		return err
	}
	pp.stage = probeAtEntry
	return pp.plant(proc, entry)
}

// Installed reports whether the probe counts stop points in the tracee.
func (pp *pyProbe) installed() bool { return pp.stage == probeInstalled }

func (pp *pyProbe) plant(proc *ptrace.Proc, addr uint64) error {
	if err := proc.ReadMemory(addr, pp.saved[:]); err != nil {
		return fmt.Errorf("plant breakpoint at %#x: %w", addr, err)
	}
	if err := proc.WriteMemory(addr, []byte{int3}); err != nil {
		return fmt.Errorf("plant breakpoint at %#x: %w", addr, err)
	}
	pp.bp = addr
	return nil
}

// onBreakpoint handles a SIGTRAP stop of proc if it is one of the probe's
// breakpoints, and reports whether it was. On return the thread stands
// where the breakpoint was, with the code as the program had it.
func (pp *pyProbe) onBreakpoint(proc *ptrace.Proc) (bool, error) {
	if pp.bp == 0 {
		return false, nil
	}
	regs, err := proc.Regs()
	if err != nil || regs.Rip-1 != pp.bp {
		return false, err
	}
	if err := proc.WriteMemory(pp.bp, pp.saved[:]); err != nil {
		return true, err
	}
	pp.bp = 0
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
	syms := map[string]*uint64{"_PyEval_SetTrace": &pp.setTrace, "_PyRuntime": &pp.runtime}
	var evalCode uint64
	syms["PyEval_EvalCode"] = &evalCode
	for name, dst := range syms {
		if *dst, err = py.Symbol(name); err != nil {
			return fmt.Errorf("CPython %v in %s: %w", py.Version, py.File, err)
		}
	}
	pp.py = py
	pp.stage = probeAtEvalCode
	return pp.plant(proc, evalCode)
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
	return pp.coverThreads(proc)
}

// coverThreads makes the probe the trace function of every thread state
// that has none: the one running at install, and each thread state
// CPython creates for a new thread, before the thread starts (rrpy calls
// this when the creating thread's clone returns). proc must hold the GIL.
func (pp *pyProbe) coverThreads(proc *ptrace.Proc) error {
	if pp.stage != probeInstalled {
		return nil
	}
	rd := pyframes.NewReader(proc, pp.py.Layout)
	states, err := rd.Threads(pp.runtime)
	if err != nil {
		return fmt.Errorf("list Python threads: %w", err)
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
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56, nil
}
