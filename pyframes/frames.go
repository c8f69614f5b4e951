package pyframes

import (
	"fmt"
)

// Code is what rrpy shows of a code object.
type Code struct {
	Addr                     uint64
	Filename, Name, QualName string
	FirstLine                int
}

// Frame is one _PyInterpreterFrame.
type Frame struct {
	Addr uint64 // the _PyInterpreterFrame
	Code Code
	Line int // the current line, from prev_instr and the location table; -1 if none
}

// codeHeader is a code object's fixed part, read in one piece.
type codeHeader []byte

func (r *Reader) codeHeader(addr uint64) (codeHeader, error) {
	if err := r.checkType(addr, "code"); err != nil {
		return nil, err
	}
	buf := make([]byte, r.l.CodeCodeAdaptive)
	if err := r.read(addr, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// checkType verifies that the object at addr is of the builtin type
// named name: the cheapest guard against following a wrong pointer.
func (r *Reader) checkType(addr uint64, name string) error {
	t, err := r.typeOf(addr)
	if err != nil {
		return err
	}
	got, err := r.tpName(t)
	if err != nil {
		return err
	}
	if got != name {
		return fmt.Errorf("the object at %#x is a %q, not a %s object", addr, got, name)
	}
	return nil
}

// Code reads a code object.
func (r *Reader) Code(addr uint64) (Code, error) {
	h, err := r.codeHeader(addr)
	if err != nil {
		return Code{}, fmt.Errorf("read code object at %#x: %w", addr, err)
	}
	return r.codeFrom(addr, h)
}

func (r *Reader) codeFrom(addr uint64, h codeHeader) (Code, error) {
	l := r.l
	c := Code{Addr: addr, FirstLine: int(int32(le32(h, l.CodeFirstlineno)))}
	var err error
	for _, s := range []struct {
		dst  *string
		off  uint64
		what string
	}{{&c.Filename, l.CodeFilename, "co_filename"}, {&c.Name, l.CodeName, "co_name"}, {&c.QualName, l.CodeQualname, "co_qualname"}} {
		if *s.dst, err = r.str(le64(h, s.off)); err != nil {
			return Code{}, fmt.Errorf("read %s of code object at %#x: %w", s.what, addr, err)
		}
	}
	return c, nil
}

// interpFrame is an _PyInterpreterFrame's fixed part, read in one piece.
type interpFrame []byte

func (r *Reader) interpFrame(addr uint64) (interpFrame, error) {
	buf := make([]byte, r.l.InterpFrameLocalsplus)
	if err := r.read(addr, buf); err != nil {
		return nil, fmt.Errorf("read interpreter frame at %#x: %w", addr, err)
	}
	return buf, nil
}

func (f interpFrame) ptr(off uint64) uint64 { return le64(f, off) }

// frame decodes the interpreter frame at addr. It also reports whether the
// frame is incomplete, by _PyFrame_IsIncomplete's rule: a shim frame of
// the C stack (3.12+), or not owned by a generator and not yet past its
// code's first traceable instruction (it is still copying free variables
// or building cells). A shim's code is not read: it has none of the
// program's.
func (r *Reader) frame(addr uint64) (fr Frame, previous uint64, incomplete bool, err error) {
	l := r.l
	f, err := r.interpFrame(addr)
	if err != nil {
		return Frame{}, 0, false, err
	}
	owner := int64(f[l.InterpFrameOwner])
	if owner == l.FrameOwnedByCstack {
		return Frame{Addr: addr}, f.ptr(l.InterpFramePrevious), true, nil
	}
	codeAddr := f.ptr(l.InterpFrameCode)
	h, err := r.codeHeader(codeAddr)
	if err != nil {
		return Frame{}, 0, false, fmt.Errorf("read code object at %#x of frame %#x: %w", codeAddr, addr, err)
	}
	code, err := r.codeFrom(codeAddr, h)
	if err != nil {
		return Frame{}, 0, false, fmt.Errorf("frame %#x: %w", addr, err)
	}
	// The instruction pointer - _PyCode_CODE(code), in code units
	// (_PyInterpreterFrame_LASTI).
	lasti := int64(f.ptr(l.InterpFrameInstr)-(codeAddr+l.CodeCodeAdaptive)) / int64(l.CodeUnitSize)
	firstTraceable := int64(int32(le32(h, l.CodeFirsttraceable)))
	incomplete = owner != int64(l.FrameOwnedByGenerator) && lasti < firstTraceable
	fr = Frame{Addr: addr, Code: code}
	if fr.Line, err = r.line(codeAddr, h, lasti); err != nil {
		return Frame{}, 0, false, fmt.Errorf("frame %#x: %w", addr, err)
	}
	return fr, f.ptr(l.InterpFramePrevious), incomplete, nil
}

// line maps an instruction index to its line with the code's location table.
func (r *Reader) line(codeAddr uint64, h codeHeader, lasti int64) (int, error) {
	firstLine := int(int32(le32(h, r.l.CodeFirstlineno)))
	if lasti < 0 {
		return firstLine, nil // skips reading the table, as CPython does
	}
	if lasti > maxStringBytes {
		return 0, fmt.Errorf("instruction index %d out of range in code object %#x", lasti, codeAddr)
	}
	table, err := r.bytesData(le64(h, r.l.CodeLinetable))
	if err != nil {
		return 0, fmt.Errorf("read co_linetable of code object at %#x: %w", codeAddr, err)
	}
	return addr2line(table, firstLine, int(lasti)), nil
}

// Frame reads the interpreter frame at addr, with its current line.
func (r *Reader) Frame(addr uint64) (Frame, error) {
	fr, _, _, err := r.frame(addr)
	return fr, err
}

// Stack returns the frames from interpFrame outwards, innermost first,
// following previous and skipping incomplete frames as CPython's own
// tracebacks do. It does not stop at entry frames (where a C function
// called back into Python): every Python frame of the thread is listed.
func (r *Reader) Stack(interpFrame uint64) ([]Frame, error) {
	var frames []Frame
	seen := map[uint64]bool{}
	for addr := interpFrame; addr != 0; {
		if seen[addr] || len(seen) >= maxFrames {
			return nil, fmt.Errorf("the frame chain from %#x loops or is too long (at %#x)", interpFrame, addr)
		}
		seen[addr] = true
		fr, previous, incomplete, err := r.frame(addr)
		if err != nil {
			return nil, err
		}
		if !incomplete {
			frames = append(frames, fr)
		}
		addr = previous
	}
	return frames, nil
}

// Depth counts interpreter frames from interpFrame outwards by previous
// until NULL: every frame, incomplete or not, the way rrpy's probe counts
// them in machine code.
func (r *Reader) Depth(interpFrame uint64) (int, error) {
	n := 0
	// Brent's cycle detection: garbage may link frames in a loop, and
	// walking it up to maxFrames would take a million reads.
	saved, power := uint64(0), 1
	for addr := interpFrame; addr != 0; n++ {
		if n >= maxFrames {
			return 0, fmt.Errorf("the frame chain from %#x is longer than %d frames", interpFrame, maxFrames)
		}
		if addr == saved {
			return 0, fmt.Errorf("the frame chain from %#x loops at %#x", interpFrame, addr)
		}
		if n == power {
			saved, power = addr, 2*power
		}
		prev, err := r.u64(addr + r.l.InterpFramePrevious)
		if err != nil {
			return 0, fmt.Errorf("read previous of frame %#x: %w", addr, err)
		}
		addr = prev
	}
	return n, nil
}

// Threads returns the thread states of the main interpreter, newest
// first.
func (r *Reader) Threads() ([]uint64, error) {
	l := r.l
	interp, err := r.MainInterpreter()
	if err != nil {
		return nil, err
	}
	if interp == 0 {
		return nil, nil // not initialized yet, or finalized
	}
	var threads []uint64
	seen := map[uint64]bool{}
	ts, err := r.u64(interp + l.InterpStateThreadsHead)
	for ; err == nil && ts != 0; ts, err = r.u64(ts + l.ThreadStateNext) {
		if seen[ts] || len(threads) >= maxCount {
			return nil, fmt.Errorf("the thread list of interpreter %#x loops or is too long", interp)
		}
		seen[ts] = true
		threads = append(threads, ts)
	}
	if err != nil {
		return nil, fmt.Errorf("read the thread list of interpreter %#x: %w", interp, err)
	}
	return threads, nil
}

// NativeThreadID returns the tid of a thread state's OS thread.
func (r *Reader) NativeThreadID(tstate uint64) (int, error) {
	id, err := r.u64(tstate + r.l.ThreadStateNativeThreadID)
	if err != nil {
		return 0, fmt.Errorf("read native_thread_id of thread state %#x: %w", tstate, err)
	}
	return int(int32(id)), nil // an unsigned long holding a pid_t
}

// CurrentFrame returns the innermost _PyInterpreterFrame of a thread, or
// 0 when it runs no Python code: tstate->cframe->current_frame, or 3.13's
// tstate->current_frame (Layout.ThreadStateCframe is -1 there).
func (r *Reader) CurrentFrame(tstate uint64) (uint64, error) {
	l := r.l
	holder := tstate
	if l.ThreadStateCframe >= 0 {
		cframe, err := r.u64(tstate + uint64(l.ThreadStateCframe))
		if err != nil {
			return 0, fmt.Errorf("read cframe of thread state %#x: %w", tstate, err)
		}
		if cframe == 0 {
			return 0, nil
		}
		holder = cframe
	}
	f, err := r.u64(holder + l.CFrameCurrentFrame)
	if err != nil {
		return 0, fmt.Errorf("read current_frame of thread state %#x: %w", tstate, err)
	}
	return f, nil
}

// MainInterpreter returns the main PyInterpreterState: interpreters.main,
// or interpreters.head (the newest one, the same while there are no
// subinterpreters) when main is unset; 0 before initialization and after
// finalization.
func (r *Reader) MainInterpreter() (uint64, error) {
	l := r.l
	runtime := r.py.Runtime
	interp, err := r.u64(runtime + l.RuntimeInterpretersMain)
	if err == nil && interp == 0 {
		interp, err = r.u64(runtime + l.RuntimeInterpretersHead)
	}
	if err != nil {
		return 0, fmt.Errorf("read the interpreters of _PyRuntime at %#x: %w", runtime, err)
	}
	return interp, nil
}

// GIL returns the address of the main interpreter's GIL (struct
// _gil_runtime_state), 0 before it exists. 3.11 has one, in the runtime;
// from 3.12 each interpreter points to its own.
func (r *Reader) GIL() (uint64, error) {
	l := r.l
	if l.RuntimeGil >= 0 {
		return r.py.Runtime + uint64(l.RuntimeGil), nil
	}
	interp, err := r.MainInterpreter()
	if err != nil || interp == 0 {
		return 0, err
	}
	gil, err := r.u64(interp + uint64(l.InterpStateGil))
	if err != nil {
		return 0, fmt.Errorf("read the GIL of interpreter %#x: %w", interp, err)
	}
	return gil, nil
}

// GILHolder returns the thread state that holds the GIL, or held it
// last: the thread that runs Python code, or ran it just before it
// released the GIL around a blocking call (a syscall).
func (r *Reader) GILHolder() (uint64, error) {
	gil, err := r.GIL()
	if err != nil || gil == 0 {
		return 0, err
	}
	holder, err := r.u64(gil + r.l.GilLastHolder)
	if err != nil {
		return 0, fmt.Errorf("read the GIL at %#x: %w", gil, err)
	}
	return holder, nil
}

// GILOwner returns the kernel thread id of the thread that holds the GIL
// at gil (as GIL returns it) now, 0 when none does: a thread that
// released it around a blocking call no longer holds it.
func (r *Reader) GILOwner(gil uint64) (int, error) {
	locked, err := r.u32(gil + r.l.GilLocked)
	if err != nil {
		return 0, fmt.Errorf("read the GIL at %#x: %w", gil, err)
	}
	if locked == 0 {
		return 0, nil
	}
	holder, err := r.u64(gil + r.l.GilLastHolder)
	if err != nil || holder == 0 {
		return 0, err
	}
	tid, err := r.u64(holder + r.l.ThreadStateNativeThreadID)
	if err != nil {
		return 0, fmt.Errorf("read the GIL holder's thread id: %w", err)
	}
	return int(tid), nil
}

// Finalizing tells whether the interpreter is shutting down
// (Py_FinalizeEx has begun): from then on its state is torn down.
func (r *Reader) Finalizing() (bool, error) {
	tstate, err := r.u64(r.py.Runtime + r.l.RuntimeFinalizing)
	if err != nil {
		return false, fmt.Errorf("read _PyRuntime._finalizing: %w", err)
	}
	return tstate != 0, nil
}
