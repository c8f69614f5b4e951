package snapshot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/bits"
	"os"

	"rrpy/probe"
	"rrpy/session"
	"rrpy/trace"
)

// The index of lines run: for each stretch of indexStretch stop points,
// the line numbers whose starts ran in it (modulo probe.LineIndexBits,
// any file), as the probe collects them while a replay runs forward
// through the whole stretch. A stretch that ran none of a breakpoint's
// lines has no hit: continue and bcontinue pass it without replaying it.
// The index is the same in every replay of the trace, so it is kept in
// the trace's directory and a later session starts with it.

// indexStretch is the index's grain, in stop points: stretch k holds the
// stop points kS+1 to (k+1)S. About 50 ms of replay; a trap at each end.
const indexStretch = 1 << 20

const (
	lineIndexName   = "lines.idx"
	lineIndexHeader = "rrpy index of lines run, format 1\n"
)

// lineIndex is the index, and what the active replay's probe holds.
type lineIndex struct {
	path      string
	recording string            // says which recording: a file left by another is not read
	known     map[uint64][]byte // stretch → the probe's bits for it
	// from is the stretch boundary from which the active replay's probe
	// has collected without a break; noBoundary when it has not.
	from  uint64
	added bool // stretches learnt since loaded
	off   bool // learns nothing: the slow path, for checking the fast one
	warn  func(string)
}

// newLineIndex loads the index kept with a trace; off, it stays empty
// and is not kept: every move replays all it passes.
func newLineIndex(dir string, meta *trace.Meta, off bool, warn func(string)) *lineIndex {
	x := &lineIndex{path: dir + "/" + lineIndexName, known: map[uint64][]byte{}, from: noBoundary, warn: warn,
		recording: fmt.Sprintf("%d %d %d\n", meta.Start.UnixNano(), meta.Events, len(meta.Argv)), off: off}
	if off {
		return x
	}
	if err := x.load(); err != nil && warn != nil {
		warn(fmt.Sprintf("the index of lines run is built again: %s: %v", x.path, err))
		x.known = map[uint64][]byte{}
	}
	return x
}

// nextBoundary is the first stretch boundary after t.
func nextBoundary(t uint64) uint64 { return (t/indexStretch + 1) * indexStretch }

// restarted says the active replay is a new copy: what its probe holds
// covers no known stretch.
func (x *lineIndex) restarted() { x.from = noBoundary }

// at is called where the active replay stops: at a stretch boundary, the
// stretch that ends there is learnt if the replay ran all of it, and the
// probe starts the next.
func (x *lineIndex) at(s *session.Session, t uint64) error {
	if x.off || t%indexStretch != 0 || t == x.from {
		return nil
	}
	got, err := s.TakeLineIndex()
	if err != nil {
		return err
	}
	if k := t/indexStretch - 1; x.from == t-indexStretch && x.known[k] == nil {
		x.known[k] = got
		x.added = true
	}
	x.from = t
	return nil
}

// cleanStretch tells whether stretch k is known to run none of lines.
func (x *lineIndex) cleanStretch(k uint64, lines []int) bool {
	b := x.known[k]
	if b == nil {
		return false
	}
	for _, l := range lines {
		i := uint(l) % probe.LineIndexBits
		if b[i/8]&(1<<(i%8)) != 0 {
			return false
		}
	}
	return true
}

// clean tells whether the stop points strictly between lo and hi are
// known to run none of lines.
func (x *lineIndex) clean(lo, hi uint64, lines []int) bool {
	if len(lines) == 0 {
		return false
	}
	if hi < lo+2 {
		return true
	}
	for k := lo / indexStretch; k <= (hi-2)/indexStretch; k++ {
		if !x.cleanStretch(k, lines) {
			return false
		}
	}
	return true
}

// cleanAfter returns how far the stop points after t are known to run
// none of lines: the end of the run of clean stretches from t's next
// stop point on (t itself when that one's stretch is not known clean).
func (x *lineIndex) cleanAfter(t uint64, lines []int) uint64 {
	if len(lines) == 0 {
		return t
	}
	k := t / indexStretch
	for x.cleanStretch(k, lines) {
		k++
	}
	return max(t, k*indexStretch)
}

// dirtyAfter returns where the stretches that may run lines, from t's
// next stop point on, end: the start of the next clean one; 0 for none
// known.
func (x *lineIndex) dirtyAfter(t uint64, lines []int) uint64 {
	last := uint64(0)
	for k := range x.known {
		last = max(last, k)
	}
	for k := t / indexStretch; k <= last; k++ {
		if x.cleanStretch(k, lines) {
			return k * indexStretch
		}
	}
	return 0
}

// load reads the index kept with the trace; none is an empty index.
func (x *lineIndex) load() error {
	data, err := os.ReadFile(x.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	r := bufio.NewReader(bytes.NewReader(data))
	for _, want := range []string{lineIndexHeader, x.recording} {
		if line, err := r.ReadString('\n'); err != nil || line != want {
			return errors.New("another format or another recording's")
		}
	}
	var head [3]uint64
	for i := range head {
		if head[i], err = binary.ReadUvarint(r); err != nil {
			return fmt.Errorf("cut short: %w", err)
		}
	}
	if head[0] != indexStretch || head[1] != probe.LineIndexBits {
		return errors.New("stretches or lines counted otherwise")
	}
	for range head[2] {
		k, b, err := readStretch(r)
		if err != nil {
			return fmt.Errorf("cut short: %w", err)
		}
		x.known[k] = b
	}
	return nil
}

// readStretch reads one stretch: its number, then its set bits as
// increasing deltas.
func readStretch(r io.ByteReader) (uint64, []byte, error) {
	k, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, nil, err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, nil, err
	}
	b := make([]byte, probe.LineIndexBits/8)
	bit := uint64(0)
	for i := range n {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return 0, nil, err
		}
		if i > 0 {
			d++ // deltas after the first are at least 1
		}
		if bit += d; bit >= probe.LineIndexBits {
			return 0, nil, errors.New("a line bit out of range")
		}
		b[bit/8] |= 1 << (bit % 8)
	}
	return k, b, nil
}

// encode lays the index out as load reads it.
func (x *lineIndex) encode() []byte {
	out := []byte(lineIndexHeader + x.recording)
	out = binary.AppendUvarint(out, indexStretch)
	out = binary.AppendUvarint(out, probe.LineIndexBits)
	out = binary.AppendUvarint(out, uint64(len(x.known)))
	for k, b := range x.known {
		out = binary.AppendUvarint(out, k)
		set := make([]uint64, 0, 64)
		for i, byt := range b {
			for ; byt != 0; byt &= byt - 1 {
				set = append(set, uint64(i*8+bits.TrailingZeros8(byt)))
			}
		}
		out = binary.AppendUvarint(out, uint64(len(set)))
		prev := uint64(0)
		for i, bit := range set {
			d := bit - prev
			if i > 0 {
				d--
			}
			out = binary.AppendUvarint(out, d)
			prev = bit
		}
	}
	return out
}

// save keeps the index with the trace, if this session learnt any of it;
// a trace rrpy cannot write to is said, and the next session builds the
// index again.
func (x *lineIndex) save() {
	if !x.added {
		return
	}
	if err := writeWhole(x.path, x.encode()); err != nil && x.warn != nil {
		x.warn(fmt.Sprintf("the index of lines run is not kept for the next session: %v", err))
	}
	x.added = false
}
