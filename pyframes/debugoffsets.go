package pyframes

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"reflect"
)

// debugCookie opens _Py_DebugOffsets.
const debugCookie = "xdebugpy"

// checkDebugOffsets compares the Layout of a 3.13+ interpreter with the
// offsets the binary publishes in _Py_DebugOffsets, read from the file's
// initialised _PyRuntime (its first member): a build whose structures
// differ from the headers rrpy was generated from (a patched or
// free-threaded CPython) is refused here, before anything reads garbage.
func checkDebugOffsets(f *elf.File, runtime *elf.Symbol, v Version, l *Layout) error {
	if l.DebugOffsetsVersion < 0 {
		return nil // before 3.13: nothing published
	}
	table := debugTables[v.Minor]
	size := uint64(l.DebugOffsetsFreeThreaded) + 8
	for _, d := range table {
		size = max(size, d.At+8)
	}
	data, err := symbolBytes(f, runtime, size)
	if err != nil {
		return fmt.Errorf("read _Py_DebugOffsets: %w", err)
	}
	word := func(at uint64) uint64 { return binary.LittleEndian.Uint64(data[at:]) }
	if !bytes.Equal(data[:len(debugCookie)], []byte(debugCookie)) {
		return fmt.Errorf("_PyRuntime does not start with _Py_DebugOffsets (cookie %q)", data[:len(debugCookie)])
	}
	if word(uint64(l.DebugOffsetsFreeThreaded)) != 0 {
		return &UnsupportedVersionError{Version: v, FreeThreaded: true}
	}
	if got := versionFromHex(word(uint64(l.DebugOffsetsVersion))); got != v {
		return fmt.Errorf("_Py_DebugOffsets says CPython %v, Py_Version %v", got, v)
	}
	layout := reflect.ValueOf(l).Elem()
	for _, d := range table {
		want := layout.FieldByName(d.Field)
		if !want.IsValid() {
			return fmt.Errorf("no Layout field %s", d.Field)
		}
		var value uint64
		if want.CanInt() {
			value = uint64(want.Int())
		} else {
			value = want.Uint()
		}
		if got := word(d.At); got != value {
			return fmt.Errorf("this CPython %v's structures differ from those rrpy knows: _Py_DebugOffsets gives %s = %d, rrpy's layout %d", v, d.Field, got, value)
		}
	}
	return nil
}

// symbolBytes reads the first n bytes of an initialised data symbol from
// the file.
func symbolBytes(f *elf.File, s *elf.Symbol, n uint64) ([]byte, error) {
	if int(s.Section) >= len(f.Sections) || s.Size < n {
		return nil, fmt.Errorf("symbol %s in section %d of size %d, want %d bytes", s.Name, s.Section, s.Size, n)
	}
	sec := f.Sections[s.Section]
	if sec.Type == elf.SHT_NOBITS || s.Value < sec.Addr || s.Value+n > sec.Addr+sec.Size {
		return nil, fmt.Errorf("symbol %s at %#x is outside the data of section %s", s.Name, s.Value, sec.Name)
	}
	buf := make([]byte, n)
	if _, err := sec.ReadAt(buf, int64(s.Value-sec.Addr)); err != nil {
		return nil, fmt.Errorf("read section %s: %w", sec.Name, err)
	}
	return buf, nil
}
