// Package probe is rrpy's stop-point probe: the machine code that counts
// stop points (line starts and returns) in a data block and traps only
// when a condition rrpy wrote there holds. It has two front doors, one per
// clock: a CPython trace function (3.11) and sys.monitoring callbacks
// (3.12+). It knows the page's layout and how to read and set it through a
// tracee's memory; installing it (mapping the page, making CPython call
// it) is the session's job.
package probe

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

//go:generate go run gen.go

//go:embed probe_amd64.bin
var code []byte

// Addr is where the probe's page is mapped, the same in every recording
// and replay: far above the heap of an executable, PIE (at 0x5555_5555_4000
// without randomization) or not, far below where the kernel places
// mappings, and outside the hint range of mimalloc's arenas (2 to 30 TiB).
// Above the executable, the page is not the first line of /proc/PID/maps,
// which programs take for the executable's: CPython's
// _testexternalinspection read a path left over from an earlier call for
// that line, a pathless one, and failed with EFAULT (test_external_inspection).
const Addr uint64 = 0x6000_0000_0000

// PageSize is the size of the probe's mapping: a page of code and data,
// the table of watched words (an attribute lookup reads some 300), and
// the cache of same-line backward jumps.
const PageSize = 0x6000

// Entry points in the page (fixed by .org in probe_amd64.S).
const (
	TraceFunc  = Addr         // int probe(obj, frame, what, arg): the trace function
	FaultTrap  = Addr + 0x7e8 // an int3, then the probe's return: where a fault in the probe resumes
	CallReturn = Addr + 0x7f0 // an int3 that injected function calls return to
	Syscall    = Addr + 0x7f8 // a syscall instruction followed by int3
)

// The sys.monitoring callbacks, METH_FASTCALL functions, by the event
// each is registered for (PY_RETURN and PY_YIELD share one).
const (
	OnLine   = Addr + 0x08 // LINE (code, line)
	OnStart  = Addr + 0x10 // PY_START (code, offset)
	OnReturn = Addr + 0x18 // PY_RETURN, PY_YIELD (code, offset, value)
	OnUnwind = Addr + 0x20 // PY_UNWIND (code, offset, exception)
	OnJump   = Addr + 0x28 // JUMP (code, from, to)
)

// Scratch is memory of the page the installer may use (method
// definitions, strings), ScratchSize bytes.
const (
	Scratch     = Addr + offScratch
	ScratchSize = offWords - offScratch
)

// The data block's fields.
const (
	offTime       = 0x800
	offTarget     = 0x808
	offFlags      = 0x810
	offThread     = 0x818
	offDepthLimit = 0x820
	offDepthMask  = 0x828
	offLastMatch  = 0x830
	offNLines     = 0x838
	offLines      = 0x840
	offNCalls     = 0x8c0
	offCalls      = 0x8c8
	offNWords     = 0x948
	offOtherThan  = 0x950
	offReturnOf   = 0x958
	offUnwindsIn  = 0x960
	offClock      = 0x980
	offScratch    = 0xa00
	offWords      = 0x1000
	offLineIndex  = 0x3800
	offJumps      = 0x4000
)

const (
	flagTrapCalls  = 1
	flagDepth      = 2
	flagRecordOnly = 4
	flagLineIndex  = 8
)

// LineIndexBits is the size of the probe's index of lines run: a line
// start sets the bit of its number modulo LineIndexBits.
const LineIndexBits = 16384

// MaxWords is how many words the probe can watch at once.
const MaxWords = (offLineIndex - offWords) / 16

// MaxBreakLines is how many line numbers (and, separately, function first
// lines) the probe can watch at once.
const MaxBreakLines = 16

// Event is the kind of a stop, as CPython's PyTrace_* numbers it (the
// monitoring callbacks use the same numbers).
type Event int

const (
	Call      Event = 0
	Exception Event = 1
	Line      Event = 2
	Return    Event = 3
)

// Clock is what the probe needs of the interpreter: the offsets it
// follows and, for the monitoring callbacks, what they call and return.
type Clock struct {
	// The trace function's frame object: PyFrameObject.f_frame and
	// f_lineno.
	FrameObjectFrame, FrameObjectLineno uint64
	FramePrevious                       uint64 // _PyInterpreterFrame.previous
	FrameCode                           uint64 // _PyInterpreterFrame.f_code (3.13: f_executable)
	CodeFirstLineno                     uint64 // PyCodeObject.co_firstlineno

	// The callbacks (0 for the trace function).
	ReturnValue uint64 // what a callback returns: Py_None
	Disable     uint64 // sys.monitoring.DISABLE
	Addr2Line   uint64 // PyCode_Addr2Line
	// GILHolder is the address of the GIL's last holder: the thread state
	// of the thread whose callback runs.
	GILHolder uint64
	// The innermost frame of a thread state: tstate->cframe (skipped when
	// negative), then ->current_frame.
	ThreadStateCframe int64
	CurrentFrame      uint64
	LongDigit         uint64 // PyLongObject's first digit: a line or an offset
}

// words lays out the clock as the machine code reads it.
func (c Clock) words() []uint64 {
	return []uint64{c.FrameObjectFrame, c.FrameObjectLineno, c.FramePrevious, c.FrameCode, c.CodeFirstLineno,
		c.ReturnValue, c.Disable, c.Addr2Line, c.GILHolder, uint64(c.ThreadStateCframe), c.CurrentFrame, c.LongDigit}
}

// Image returns the page's initial content: the code, time 0, no
// condition, the clock.
func Image(c Clock) []byte {
	page := make([]byte, PageSize)
	copy(page, code)
	binary.LittleEndian.PutUint64(page[offTarget:], math.MaxUint64)
	for i, v := range c.words() {
		binary.LittleEndian.PutUint64(page[offClock+8*i:], v)
	}
	return page
}

// SetClock writes the clock into a tracee's probe: the installer learns
// some of it (sys.monitoring.DISABLE) only once the page is in place.
func SetClock(mem Memory, c Clock) error {
	var buf []byte
	for _, v := range c.words() {
		buf = binary.LittleEndian.AppendUint64(buf, v)
	}
	if err := mem.WriteMemory(Addr+offClock, buf); err != nil {
		return fmt.Errorf("write the probe's clock: %w", err)
	}
	return nil
}

// Depth is the condition of next and finish: a stop point of one thread
// whose frame chain is shorter than Limit, or as long with an event in
// Events.
type Depth struct {
	Thread uint64 // the thread's glibc thread pointer (fs:0x10), 0 for any
	Limit  uint64
	Events []Event
	// RecordOnly makes the probe note the time of the last match instead
	// of trapping: backward searches read it with LastMatch.
	RecordOnly bool
}

// Conditions say when the probe traps.
type Conditions struct {
	Target    uint64 // trap once time reaches it; 0 means never
	TrapCalls bool   // trap at every call
	Depth     *Depth
	Lines     []int // trap at line starts with these numbers
	Calls     []int // trap at calls of code whose first line is one of these
	// Words traps at a stop point where a word differs from its Value.
	// Each address must stay mapped as long as the words before it hold
	// their values (the probe compares them in order).
	Words []Word
	// Switch matches a stop point of another thread than one.
	Switch *Switch
	// ReturnOf traps at the return, or return by exception, of the frame
	// (an _PyInterpreterFrame) at this address; 0 for none.
	ReturnOf uint64
	// UnwindsIn matches the returns by exception of one thread (its glibc
	// thread pointer); 0 for none.
	UnwindsIn uint64
	// IndexLines has the probe set, at each line start, the bit of its
	// line number in the index of lines run (ReadLineIndex).
	IndexLines bool
}

// Switch is the condition of nthread and bthread: a stop point run by a
// thread other than From (a glibc thread pointer, fs:0x10).
type Switch struct {
	From uint64
	// RecordOnly makes the probe note the time of the last match instead
	// of trapping, as Depth's does.
	RecordOnly bool
}

// Word is a watched 8-byte word of the program's memory.
type Word struct{ Addr, Value uint64 }

// ErrTooMany is returned when more lines are watched than the probe holds.
var ErrTooMany = errors.New("the probe watches at most 16 lines and 16 functions at once")

// ErrTooManyWords is returned when more words are watched than the probe holds.
var ErrTooManyWords = fmt.Errorf("the probe watches at most %d words at once", MaxWords)

// encode lays out c as the data block's bytes from offTarget to
// offNWords; the last match's word is left for the caller to skip.
func (c Conditions) encode() ([]byte, error) {
	if len(c.Lines) > MaxBreakLines || len(c.Calls) > MaxBreakLines {
		return nil, ErrTooMany
	}
	buf := make([]byte, offNWords-offTarget)
	put := func(at int, v uint64) { binary.LittleEndian.PutUint64(buf[at-offTarget:], v) }
	target := uint64(math.MaxUint64)
	if c.Target != 0 {
		target = c.Target
	}
	put(offTarget, target)
	var flags uint64
	if c.TrapCalls {
		flags |= flagTrapCalls
	}
	if c.Switch != nil && c.Switch.RecordOnly {
		flags |= flagRecordOnly
	}
	if c.IndexLines {
		flags |= flagLineIndex
	}
	if d := c.Depth; d != nil {
		flags |= flagDepth
		if d.RecordOnly {
			flags |= flagRecordOnly
		}
		put(offThread, d.Thread)
		put(offDepthLimit, d.Limit)
		var mask uint64
		for _, e := range d.Events {
			mask |= 1 << uint(e)
		}
		put(offDepthMask, mask)
	}
	put(offFlags, flags)
	put(offNLines, uint64(len(c.Lines)))
	for i, l := range c.Lines {
		put(offLines+8*i, uint64(l))
	}
	put(offNCalls, uint64(len(c.Calls)))
	for i, l := range c.Calls {
		put(offCalls+8*i, uint64(l))
	}
	return buf, nil
}

// encodeTail lays out what follows: the count of watched words, the
// switch's thread, the frame whose return traps and the thread whose
// unwinds match, then, at offWords, the words' table.
func (c Conditions) encodeTail() (tail, table []byte, err error) {
	if len(c.Words) > MaxWords {
		return nil, nil, ErrTooManyWords
	}
	tail = binary.LittleEndian.AppendUint64(nil, uint64(len(c.Words)))
	var other uint64
	if c.Switch != nil {
		other = c.Switch.From
	}
	tail = binary.LittleEndian.AppendUint64(tail, other)
	tail = binary.LittleEndian.AppendUint64(tail, c.ReturnOf)
	tail = binary.LittleEndian.AppendUint64(tail, c.UnwindsIn)
	for _, w := range c.Words {
		table = binary.LittleEndian.AppendUint64(table, w.Addr)
		table = binary.LittleEndian.AppendUint64(table, w.Value)
	}
	return tail, table, nil
}

// Memory is a tracee's memory.
type Memory interface {
	ReadMemory(addr uint64, buf []byte) error
	WriteMemory(addr uint64, data []byte) error
}

// Set writes the conditions into the tracee's probe. The last match is
// kept: a search changes the target on its way without losing it.
func Set(mem Memory, c Conditions) error {
	buf, err := c.encode()
	if err != nil {
		return err
	}
	split := offLastMatch - offTarget
	if err := mem.WriteMemory(Addr+offTarget, buf[:split]); err != nil {
		return fmt.Errorf("set probe conditions: %w", err)
	}
	if err := mem.WriteMemory(Addr+offNLines, buf[split+8:]); err != nil {
		return fmt.Errorf("set probe conditions: %w", err)
	}
	tail, table, err := c.encodeTail()
	if err != nil {
		return err
	}
	if len(table) > 0 {
		if err := mem.WriteMemory(Addr+offWords, table); err != nil {
			return fmt.Errorf("set the probe's watched words: %w", err)
		}
	}
	if err := mem.WriteMemory(Addr+offNWords, tail); err != nil {
		return fmt.Errorf("set the probe's watched words: %w", err)
	}
	return nil
}

// ClearLastMatch forgets the last match, before a search.
func ClearLastMatch(mem Memory) error {
	if err := mem.WriteMemory(Addr+offLastMatch, make([]byte, 8)); err != nil {
		return fmt.Errorf("clear the probe's last match: %w", err)
	}
	return nil
}

// TakeLineIndex reads the index of lines run since it was last taken
// (LineIndexBits bits, little-endian bit order) and clears it.
func TakeLineIndex(mem Memory) ([]byte, error) {
	bits := make([]byte, LineIndexBits/8)
	if err := mem.ReadMemory(Addr+offLineIndex, bits); err != nil {
		return nil, fmt.Errorf("read the probe's index of lines: %w", err)
	}
	if err := mem.WriteMemory(Addr+offLineIndex, make([]byte, len(bits))); err != nil {
		return nil, fmt.Errorf("clear the probe's index of lines: %w", err)
	}
	return bits, nil
}

// Time reads the number of stop points executed so far.
func Time(mem Memory) (uint64, error) { return readWord(mem, offTime) }

// LastMatch reads the time of the last stop point that matched a
// RecordOnly depth condition, 0 for none.
func LastMatch(mem Memory) (uint64, error) { return readWord(mem, offLastMatch) }

// IsTrap tells whether rip, read at a SIGTRAP stop, is right after one of
// the probe's int3 instructions.
func IsTrap(rip uint64) bool { return rip > Addr && rip <= Addr+offTime }

// InCode tells whether rip is in the probe's code: a fault there is the
// probe reading a watched word whose page is gone.
func InCode(rip uint64) bool { return rip >= Addr && rip < FaultTrap }

func readWord(mem Memory, off uint64) (uint64, error) {
	var b [8]byte
	if err := mem.ReadMemory(Addr+off, b[:]); err != nil {
		return 0, fmt.Errorf("read the probe's data at %#x: %w", Addr+off, err)
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}
