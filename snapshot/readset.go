package snapshot

import (
	"encoding/binary"

	"rrpy/probe"
	"rrpy/pyframes"
)

// wordRecorder is a view of the program's memory that notes the words
// each read covers, with their values, in the order they were first
// read. A value computed by reading memory stays the same as long as
// those words do: the probe watches them instead of rrpy evaluating at
// every stop point.
type wordRecorder struct {
	mem   pyframes.Memory
	words []probe.Word
	seen  map[uint64]bool
	// overflow says more words were read than the probe can watch.
	overflow bool
}

func newWordRecorder(mem pyframes.Memory) *wordRecorder {
	return &wordRecorder{mem: mem, seen: map[uint64]bool{}}
}

// ReadMemory reads the aligned words around [addr, addr+len(buf)): they
// lie on the same pages, so the wider read fails only where the narrow
// one does.
func (w *wordRecorder) ReadMemory(addr uint64, buf []byte) error {
	lo := addr &^ 7
	hi := (addr + uint64(len(buf)) + 7) &^ 7
	whole := make([]byte, hi-lo)
	if err := w.mem.ReadMemory(lo, whole); err != nil {
		return err
	}
	copy(buf, whole[addr-lo:])
	for off := uint64(0); off < hi-lo && !w.overflow; off += 8 {
		a := lo + off
		if w.seen[a] {
			continue
		}
		if len(w.words) == probe.MaxWords {
			w.overflow = true
			break
		}
		w.seen[a] = true
		w.words = append(w.words, probe.Word{Addr: a, Value: binary.LittleEndian.Uint64(whole[off:])})
	}
	return nil
}
