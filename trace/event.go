package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// EventKind says what an Event records and so which of its fields are used.
type EventKind uint8

// Event kinds. Their numeric values are part of the on-disk format.
const (
	KindSyscall      EventKind = iota + 1 // a syscall: number, args, result, bytes the kernel wrote
	KindExec                              // the process image right after execve: registers and initial stack
	KindInstruction                       // a trapped instruction (rdtsc/rdtscp) and the values it produced
	KindSignal                            // rrpy delivered an asynchronous signal to Tid right after its last syscall
	KindExit                              // a task ended: the process (exit status) or one of its threads
	KindSyscallEnter                      // Tid entered syscall Nr and stayed in the kernel while other threads ran
	KindTick                              // Tid stopped at the probe's stop point Time: rrpy switched threads or delivered a signal there
	KindShared                            // other processes changed memory this one shares with them (Writes) before Tid went on
)

// String returns a short lowercase name such as "syscall".
func (k EventKind) String() string {
	switch k {
	case KindSyscall:
		return "syscall"
	case KindExec:
		return "exec"
	case KindInstruction:
		return "instruction"
	case KindSignal:
		return "signal"
	case KindExit:
		return "exit"
	case KindSyscallEnter:
		return "syscall-enter"
	case KindTick:
		return "tick"
	case KindShared:
		return "shared"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

func (k EventKind) valid() bool { return k >= KindSyscall && k <= KindShared }

// MemWrite is a range of tracee memory and the bytes to put there.
type MemWrite struct {
	Addr uint64
	Data []byte
}

// Event is one entry of the trace. Fields unused by a kind stay zero.
type Event struct {
	Kind   EventKind
	Tid    int32
	Nr     int32 // syscall number (KindSyscall), signal number (KindSignal)
	Args   [6]uint64
	Result int64
	Writes []MemWrite // syscall outputs; for KindExec the initial stack image (one write); for KindShared what others wrote
	Blob   string     // file-backed mmap / exec: hex sha256 of the file content in the blob store
	Path   string     // the file's path when recorded (informational)
	Regs   []uint64   // KindExec: user_regs_struct words; KindInstruction: rax, rdx, rcx after emulation
	Status int32      // KindExit: wait status
	Time   uint64     // KindTick: the probe's stop-point count; KindExit: the count at the end
}

// Flags of the encoded event saying which optional fields follow.
const (
	flagArgs = 1 << iota
	flagResult
	flagWrites
	flagBlob
	flagPath
	flagRegs
	flagStatus
	flagTime

	flagsKnown = flagArgs | flagResult | flagWrites | flagBlob | flagPath | flagRegs | flagStatus | flagTime
)

// eventFlags says which optional fields of ev are non-zero and so encoded.
func eventFlags(ev *Event) byte {
	var f byte
	if ev.Args != [6]uint64{} {
		f |= flagArgs
	}
	if ev.Result != 0 {
		f |= flagResult
	}
	if len(ev.Writes) > 0 {
		f |= flagWrites
	}
	if ev.Blob != "" {
		f |= flagBlob
	}
	if ev.Path != "" {
		f |= flagPath
	}
	if len(ev.Regs) > 0 {
		f |= flagRegs
	}
	if ev.Status != 0 {
		f |= flagStatus
	}
	if ev.Time != 0 {
		f |= flagTime
	}
	return f
}

// appendEvent appends the encoding of ev (see doc.go) to dst.
func appendEvent(dst []byte, ev *Event) []byte {
	flags := eventFlags(ev)
	dst = append(dst, byte(ev.Kind), flags)
	dst = binary.AppendVarint(dst, int64(ev.Tid))
	dst = binary.AppendVarint(dst, int64(ev.Nr))
	if flags&flagArgs != 0 {
		for _, a := range ev.Args {
			dst = binary.AppendUvarint(dst, a)
		}
	}
	if flags&flagResult != 0 {
		dst = binary.AppendVarint(dst, ev.Result)
	}
	if flags&flagWrites != 0 {
		dst = binary.AppendUvarint(dst, uint64(len(ev.Writes)))
		for _, w := range ev.Writes {
			dst = binary.AppendUvarint(dst, w.Addr)
			dst = appendBytes(dst, w.Data)
		}
	}
	if flags&flagBlob != 0 {
		dst = appendBytes(dst, []byte(ev.Blob))
	}
	if flags&flagPath != 0 {
		dst = appendBytes(dst, []byte(ev.Path))
	}
	if flags&flagRegs != 0 {
		dst = binary.AppendUvarint(dst, uint64(len(ev.Regs)))
		for _, r := range ev.Regs {
			dst = binary.AppendUvarint(dst, r)
		}
	}
	if flags&flagStatus != 0 {
		dst = binary.AppendVarint(dst, int64(ev.Status))
	}
	if flags&flagTime != 0 {
		dst = binary.AppendUvarint(dst, ev.Time)
	}
	return dst
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// errShort is reported when an encoded event ends before its last field.
var errShort = errors.New("event truncated")

// decoder reads fields from an encoded event. The first error sticks, so
// decodeEvent can read all fields and check once; every read checks bounds
// against the remaining input, so arbitrary bytes cannot make it panic or
// allocate more than the input's size.
type decoder struct {
	buf []byte
	pos int
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) remaining() int { return len(d.buf) - d.pos }

func (d *decoder) u8() byte {
	if d.err != nil {
		return 0
	}
	if d.remaining() < 1 {
		d.fail(errShort)
		return 0
	}
	b := d.buf[d.pos]
	d.pos++
	return b
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.pos:])
	if n <= 0 {
		if n == 0 {
			d.fail(errShort)
		} else {
			d.fail(errors.New("uvarint overflows 64 bits"))
		}
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf[d.pos:])
	if n <= 0 {
		if n == 0 {
			d.fail(errShort)
		} else {
			d.fail(errors.New("varint overflows 64 bits"))
		}
		return 0
	}
	d.pos += n
	return v
}

func (d *decoder) int32(field string) int32 {
	v := d.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail(fmt.Errorf("%s %d does not fit in int32", field, v))
		return 0
	}
	return int32(v)
}

// count reads an element count and checks that the rest of the input can
// hold that many elements of at least minSize bytes each, so a corrupt count
// cannot make the caller allocate a huge slice.
func (d *decoder) count(field string, minSize int) int {
	n := d.uvarint()
	if d.err != nil {
		return 0
	}
	if n > uint64(d.remaining()/minSize) {
		d.fail(fmt.Errorf("%s count %d exceeds the %d bytes left", field, n, d.remaining()))
		return 0
	}
	return int(n)
}

// bytes reads a length-prefixed byte slice. It aliases the input; a nil
// slice stands for an empty one so that decoding is canonical.
func (d *decoder) bytes(field string) []byte {
	n := d.count(field+" length", 1)
	if d.err != nil || n == 0 {
		return nil
	}
	b := d.buf[d.pos : d.pos+n : d.pos+n]
	d.pos += n
	return b
}

// decodeEvent decodes one event from the start of buf and returns it with
// the number of bytes it used. Data slices in the event alias buf.
func decodeEvent(buf []byte) (*Event, int, error) {
	d := &decoder{buf: buf}
	ev := &Event{Kind: EventKind(d.u8())}
	flags := d.u8()
	if d.err != nil {
		return nil, 0, d.err
	}
	if !ev.Kind.valid() {
		return nil, 0, fmt.Errorf("unknown event kind %d", uint8(ev.Kind))
	}
	if flags&^flagsKnown != 0 {
		return nil, 0, fmt.Errorf("unknown event flags %#x", flags)
	}
	ev.Tid = d.int32("tid")
	ev.Nr = d.int32("nr")
	if flags&flagArgs != 0 {
		for i := range ev.Args {
			ev.Args[i] = d.uvarint()
		}
	}
	if flags&flagResult != 0 {
		ev.Result = d.varint()
	}
	if flags&flagWrites != 0 {
		ev.Writes = decodeWrites(d)
	}
	if flags&flagBlob != 0 {
		ev.Blob = string(d.bytes("blob"))
	}
	if flags&flagPath != 0 {
		ev.Path = string(d.bytes("path"))
	}
	if flags&flagRegs != 0 {
		ev.Regs = decodeRegs(d)
	}
	if flags&flagStatus != 0 {
		ev.Status = d.int32("status")
	}
	if flags&flagTime != 0 {
		ev.Time = d.uvarint()
	}
	if d.err != nil {
		return nil, 0, fmt.Errorf("decode %s event: %w", ev.Kind, d.err)
	}
	return ev, d.pos, nil
}

func decodeWrites(d *decoder) []MemWrite {
	// Each write takes at least two bytes: its address and its length.
	n := d.count("writes", 2)
	if n == 0 {
		return nil
	}
	ws := make([]MemWrite, n)
	for i := range ws {
		ws[i].Addr = d.uvarint()
		ws[i].Data = d.bytes("write data")
	}
	return ws
}

func decodeRegs(d *decoder) []uint64 {
	n := d.count("regs", 1)
	if n == 0 {
		return nil
	}
	regs := make([]uint64, n)
	for i := range regs {
		regs[i] = d.uvarint()
	}
	return regs
}
