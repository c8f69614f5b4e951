package pyframes

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Memory is a stopped process's memory. rrpy/ptrace.*Proc satisfies it.
type Memory interface {
	ReadMemory(addr uint64, buf []byte) error
}

// Bounds on what is read. Memory may hold garbage (a half-built object,
// a freed one, a wrong address): every count and length read from it is
// checked against these before it sizes a buffer or a loop.
const (
	maxCount       = 1_000_000 // elements of a container, locals of a code object, threads
	maxTableSlots  = 1 << 24   // slots of a dict's or a set's hash table, which may be scanned
	maxFrames      = 1_000_000 // frames of one thread
	maxStringBytes = 1 << 20   // the characters of one str or bytes
	maxIntDigits   = 1 << 16   // 30-bit digits of one int (~590,000 decimal digits)
)

// errNull is returned when a pointer that must be set is NULL.
var errNull = errors.New("NULL pointer")

// Reader decodes CPython objects in a stopped process. It keeps no cache:
// the process moves between calls (rrpy travels in time), so every call
// reads afresh.
type Reader struct {
	mem Memory
	l   *Layout
	py  *Python

	// Repr limits: containers nested deeper than MaxDepth print as "[...]",
	// containers print their first MaxItems elements then "...", and a repr
	// longer than MaxString characters is cut in its middle with "...".
	MaxDepth  int
	MaxItems  int
	MaxString int
}

// NewReader returns a Reader of mem, a process that runs py.
func NewReader(mem Memory, py *Python) *Reader {
	return &Reader{mem: mem, l: py.Layout, py: py, MaxDepth: 6, MaxItems: 100, MaxString: 1000}
}

func (r *Reader) read(addr uint64, buf []byte) error {
	if addr == 0 {
		return errNull
	}
	if err := r.mem.ReadMemory(addr, buf); err != nil {
		return fmt.Errorf("read %d bytes at %#x: %w", len(buf), addr, err)
	}
	return nil
}

// readPastRefcnt reads an object's (or dict keys') header into buf, all
// but its first word, the reference count, left zero: nothing decodes
// it, and rrpy watches the words a value was read from, which a count
// that changes with every reference taken would set off for nothing.
func (r *Reader) readPastRefcnt(addr uint64, buf []byte) error {
	clear(buf[:8])
	return r.read(addr+8, buf[8:])
}

func (r *Reader) u64(addr uint64) (uint64, error) {
	var b [8]byte
	if err := r.read(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

func (r *Reader) u32(addr uint64) (uint32, error) {
	var b [4]byte
	if err := r.read(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// ptrs reads n pointers from addr.
func (r *Reader) ptrs(addr uint64, n int) ([]uint64, error) {
	if n == 0 {
		return nil, nil
	}
	buf := make([]byte, 8*n)
	if err := r.read(addr, buf); err != nil {
		return nil, err
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(buf[8*i:])
	}
	return out, nil
}

// size reads a Py_ssize_t count (ob_size, ma_used...) and checks it
// against limit.
func (r *Reader) size(addr uint64, limit int64) (int, error) {
	v, err := r.u64(addr)
	if err != nil {
		return 0, err
	}
	if n := int64(v); n < 0 || n > limit {
		return 0, fmt.Errorf("size %d at %#x is out of range", n, addr)
	}
	return int(v), nil
}

// le64 and le32 decode a field of a struct read in one piece.
func le64(b []byte, off uint64) uint64 { return binary.LittleEndian.Uint64(b[off:]) }
func le32(b []byte, off uint64) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

// typeOf returns the address of an object's type.
func (r *Reader) typeOf(obj uint64) (uint64, error) {
	t, err := r.u64(obj + r.l.ObjectType)
	if err != nil {
		return 0, fmt.Errorf("read the type of the object at %#x: %w", obj, err)
	}
	if t == 0 {
		return 0, fmt.Errorf("the object at %#x has no type", obj)
	}
	return t, nil
}

// cString reads a NUL-terminated C string of at most max bytes.
func (r *Reader) cString(addr uint64, max int) (string, error) {
	var out []byte
	buf := make([]byte, 64)
	for len(out) < max {
		// Read in small pieces that do not cross a page: the string may end
		// just before an unmapped page.
		n := min(uint64(len(buf)), 4096-(addr+uint64(len(out)))%4096)
		if err := r.read(addr+uint64(len(out)), buf[:n]); err != nil {
			return "", err
		}
		for i := range n {
			if buf[i] == 0 {
				return string(append(out, buf[:i]...)), nil
			}
		}
		out = append(out, buf[:n]...)
	}
	return "", fmt.Errorf("the C string at %#x longer than %d bytes", addr, max)
}

// TypeName returns tp_name of the object's type.
func (r *Reader) TypeName(obj uint64) (string, error) {
	t, err := r.typeOf(obj)
	if err != nil {
		return "", err
	}
	return r.tpName(t)
}

func (r *Reader) tpName(t uint64) (string, error) {
	p, err := r.u64(t + r.l.TypeName)
	if err != nil {
		return "", fmt.Errorf("read tp_name of the type at %#x: %w", t, err)
	}
	s, err := r.cString(p, 1024)
	if err != nil {
		return "", fmt.Errorf("read tp_name of the type at %#x: %w", t, err)
	}
	return s, nil
}

// strData locates a str object's characters: their address, the bytes
// per character (1, 2 or 4) and their count.
func (r *Reader) strData(obj uint64) (data, kind uint64, length int, err error) {
	l := r.l
	var hdr [4]byte
	length, err = r.size(obj+l.UnicodeLength, 1<<40) // only bounded parts are read
	if err != nil {
		return 0, 0, 0, fmt.Errorf("read the length of the str at %#x: %w", obj, err)
	}
	if err := r.read(obj+l.UnicodeState, hdr[:]); err != nil {
		return 0, 0, 0, fmt.Errorf("read the state of the str at %#x: %w", obj, err)
	}
	state := uint64(binary.LittleEndian.Uint32(hdr[:]))
	kind = field(state, l.UnicodeStateKindMask)
	if kind != 1 && kind != 2 && kind != 4 {
		return 0, 0, 0, fmt.Errorf("the str at %#x has kind %d", obj, kind)
	}
	// Where the characters are (PyUnicode_DATA): after the PyASCIIObject
	// of a compact ASCII str, after the PyCompactUnicodeObject of another
	// compact one, behind data.any in a legacy one.
	compact := state&l.UnicodeStateCompactMask != 0
	switch {
	case compact && state&l.UnicodeStateASCIIMask != 0:
		data = obj + l.ASCIIObjectSize
	case compact:
		data = obj + l.CompactUnicodeObjectSize
	default:
		if l.UnicodeStateReadyMask != 0 && state&l.UnicodeStateReadyMask == 0 {
			return 0, 0, 0, fmt.Errorf("the str at %#x is a legacy string not made ready", obj)
		}
		if data, err = r.u64(obj + l.UnicodeDataAny); err != nil {
			return 0, 0, 0, fmt.Errorf("read the data pointer of the str at %#x: %w", obj, err)
		}
	}
	return data, kind, length, nil
}

// strRunes reads a str object's code points. They are runes, not a Go
// string, so that lone surrogates survive for repr to escape.
func (r *Reader) strRunes(obj uint64) ([]rune, error) {
	data, kind, length, err := r.strData(obj)
	if err != nil {
		return nil, err
	}
	if int(kind)*length > maxStringBytes {
		return nil, fmt.Errorf("the str at %#x is %d bytes long", obj, int(kind)*length)
	}
	return r.chars(obj, data, kind, 0, length)
}

// strEnds reads the first and the last keep code points of a str.
func (r *Reader) strEnds(obj uint64, keep int) ([]rune, error) {
	data, kind, length, err := r.strData(obj)
	if err != nil {
		return nil, err
	}
	if length <= 2*keep {
		return r.chars(obj, data, kind, 0, length)
	}
	head, err := r.chars(obj, data, kind, 0, keep)
	if err != nil {
		return nil, err
	}
	tail, err := r.chars(obj, data, kind, length-keep, length)
	return append(head, tail...), err
}

// chars decodes the code points [from, to) of a str's data.
func (r *Reader) chars(obj, data, kind uint64, from, to int) ([]rune, error) {
	n := to - from
	buf := make([]byte, int(kind)*n)
	if n > 0 {
		if err := r.read(data+uint64(from)*kind, buf); err != nil {
			return nil, fmt.Errorf("read the characters of the str at %#x: %w", obj, err)
		}
	}
	runes := make([]rune, n)
	for i := range runes {
		switch kind {
		case 1:
			runes[i] = rune(buf[i])
		case 2:
			runes[i] = rune(binary.LittleEndian.Uint16(buf[2*i:]))
		default:
			runes[i] = rune(binary.LittleEndian.Uint32(buf[4*i:]))
		}
	}
	return runes, nil
}

// field extracts a bitfield given its mask.
func field(word, mask uint64) uint64 {
	if mask == 0 {
		return 0
	}
	for mask&1 == 0 {
		word, mask = word>>1, mask>>1
	}
	return word & mask
}

// str reads a str object as a Go string (lone surrogates become U+FFFD).
func (r *Reader) str(obj uint64) (string, error) {
	runes, err := r.strRunes(obj)
	if err != nil {
		return "", err
	}
	b := make([]byte, 0, len(runes))
	for _, c := range runes {
		b = utf8.AppendRune(b, c)
	}
	return string(b), nil
}

// isStr reports whether obj is a str (or of a subclass of str), by the
// fast subclass flag CPython keeps in tp_flags.
func (r *Reader) isStr(obj uint64) bool {
	t, err := r.typeOf(obj)
	if err != nil {
		return false
	}
	flags, err := r.u64(t + r.l.TypeFlags)
	return err == nil && flags&r.l.TPFlagsStrSubclass != 0
}

// bytesData reads a bytes object's contents.
func (r *Reader) bytesData(obj uint64) ([]byte, error) {
	n, err := r.size(obj+r.l.VarObjectSize, maxStringBytes)
	if err != nil {
		return nil, fmt.Errorf("read the size of the bytes at %#x: %w", obj, err)
	}
	buf := make([]byte, n)
	if n == 0 {
		return buf, nil
	}
	if err := r.read(obj+r.l.BytesSval, buf); err != nil {
		return nil, fmt.Errorf("read the bytes at %#x: %w", obj, err)
	}
	return buf, nil
}

// tupleItems reads the items of a tuple object.
func (r *Reader) tupleItems(obj uint64) ([]uint64, error) {
	n, err := r.size(obj+r.l.VarObjectSize, maxCount)
	if err != nil {
		return nil, fmt.Errorf("read the size of the tuple at %#x: %w", obj, err)
	}
	items, err := r.ptrs(obj+r.l.TupleItem, n)
	if err != nil {
		return nil, fmt.Errorf("read the items of the tuple at %#x: %w", obj, err)
	}
	return items, nil
}

// typeDict returns a type's dict: tp_dict, or for a static builtin type
// of 3.12+ the dict its state in the main interpreter holds.
func (r *Reader) typeDict(t uint64) (uint64, error) {
	l := r.l
	dict, err := r.u64(t + l.TypeDict)
	if err != nil || dict != 0 || l.InterpStateBuiltinTypes < 0 {
		return dict, err
	}
	flags, err := r.u64(t + l.TypeFlags)
	if err != nil || flags&l.TPFlagsStaticBuiltin == 0 {
		return 0, err
	}
	index, err := r.u64(t + l.TypeSubclasses) // the state's index + 1
	if err != nil {
		return 0, err
	}
	const maxStaticTypes = 1024
	if index == 0 || index > maxStaticTypes {
		return 0, fmt.Errorf("static type at %#x has state index %d", t, index)
	}
	interp, err := r.MainInterpreter()
	if err != nil || interp == 0 {
		return 0, err
	}
	return r.u64(interp + uint64(l.InterpStateBuiltinTypes) + (index-1)*l.StaticTypeStateSize + l.StaticTypeStateDict)
}
