package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"
)

// Reader reads a trace back, one event at a time, in recording order.
// It is not safe for concurrent use.
type Reader struct {
	dir  string
	path string // DIR/events
	f    *os.File
	dec  *zstd.Decoder
	meta *Meta

	pending []*Event // decoded events of the current chunk not yet returned
	comp    []byte   // compressed bytes of the current chunk, reused
	chunk   int      // index of the next chunk to read
	offset  int64    // file offset of the next chunk header
	events  int64    // events returned so far
	err     error    // sticky: once Next fails it keeps failing the same way
}

// Open opens the trace in dir. It returns an error wrapping ErrNotTrace if
// dir lacks meta.json or events or the events file has the wrong magic, a
// *VersionError if the trace has another format version, and an error
// naming meta.json if that does not parse.
func Open(dir string) (*Reader, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("open trace: %w", err)
	}
	for _, name := range []string{metaFile, eventsFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("%s is %w (no %s)", dir, ErrNotTrace, name)
		}
	}
	r := &Reader{dir: dir, path: filepath.Join(dir, eventsFile)}
	f, err := os.Open(r.path)
	if err != nil {
		return nil, fmt.Errorf("open trace: %w", err)
	}
	if err := checkFileHeader(f, dir); err != nil {
		f.Close()
		return nil, err
	}
	// The events header carries the version too, so it is checked first: a
	// trace of another version may have a meta.json this code cannot parse.
	meta, err := readMeta(dir)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open trace %s: %w", dir, err)
	}
	if meta.FormatVersion != FormatVersion {
		f.Close()
		return nil, &VersionError{Got: meta.FormatVersion, Want: FormatVersion}
	}
	dec, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxMemory(MaxChunkSize),
		// Decode no more than the chunk header announces, so a corrupt
		// frame cannot make the decoder allocate beyond it.
		zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("create zstd decoder: %w", err)
	}
	r.f, r.dec, r.meta = f, dec, meta
	r.offset = int64(fileHeaderSize)
	return r, nil
}

// checkFileHeader reads the magic and version at the start of the events file.
func checkFileHeader(f *os.File, dir string) error {
	var hdr [fileHeaderSize]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%s is %w (events file too short)", dir, ErrNotTrace)
		}
		return fmt.Errorf("read header of %s: %w", f.Name(), err)
	}
	if string(hdr[:len(magic)]) != magic {
		return fmt.Errorf("%s is %w (bad magic)", dir, ErrNotTrace)
	}
	v := binary.LittleEndian.Uint32(hdr[len(magic):])
	if v != FormatVersion {
		return &VersionError{Got: int(v), Want: FormatVersion}
	}
	return nil
}

// Meta returns the trace's metadata. Callers must not modify it.
func (r *Reader) Meta() *Meta { return r.meta }

// Events returns how many events Next has returned so far.
func (r *Reader) Events() int64 { return r.events }

// Next returns the next event. At the end it returns io.EOF if the trace is
// complete, or an error wrapping ErrIncomplete if the recording was cut off
// (mid-chunk or before Writer.Close). A damaged chunk gives a
// *CorruptError. Events of earlier chunks are returned before either error.
// The returned event belongs to the caller.
func (r *Reader) Next() (*Event, error) {
	if r.err != nil {
		return nil, r.err
	}
	for len(r.pending) == 0 {
		if err := r.readChunk(); err != nil {
			r.err = err
			return nil, err
		}
	}
	ev := r.pending[0]
	r.pending[0] = nil // let the event go once the caller drops it
	r.pending = r.pending[1:]
	r.events++
	return ev, nil
}

// readChunk reads, checks and decodes the next chunk into r.pending.
func (r *Reader) readChunk() error {
	var hb [chunkHeaderSize]byte
	_, err := io.ReadFull(r.f, hb[:])
	switch {
	case errors.Is(err, io.EOF):
		return r.atEnd()
	case errors.Is(err, io.ErrUnexpectedEOF):
		return r.incomplete(fmt.Sprintf("events file ends inside the header of chunk %d", r.chunk))
	case err != nil:
		return fmt.Errorf("read chunk %d of %s: %w", r.chunk, r.path, err)
	}
	h := parseChunkHeader(hb[:])
	if reason := h.check(); reason != "" {
		return r.corrupt(reason)
	}
	if cap(r.comp) < int(h.compLen) {
		r.comp = make([]byte, h.compLen)
	}
	r.comp = r.comp[:h.compLen]
	if _, err := io.ReadFull(r.f, r.comp); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return r.incomplete(fmt.Sprintf("events file ends inside chunk %d", r.chunk))
		}
		return fmt.Errorf("read chunk %d of %s: %w", r.chunk, r.path, err)
	}
	if got := crc32.Checksum(r.comp, castagnoli); got != h.crc {
		return r.corrupt(fmt.Sprintf("checksum %#08x, header says %#08x", got, h.crc))
	}
	// A fresh buffer per chunk: decoded events alias it, and they belong to
	// the caller.
	raw, err := r.dec.DecodeAll(r.comp, make([]byte, 0, h.rawLen))
	if err != nil {
		return r.corrupt("decompress: " + err.Error())
	}
	if len(raw) != int(h.rawLen) {
		return r.corrupt(fmt.Sprintf("decompressed to %d bytes, header says %d", len(raw), h.rawLen))
	}
	evs, err := decodeChunk(raw, int(h.count))
	if err != nil {
		return r.corrupt(err.Error())
	}
	r.pending = evs
	r.chunk++
	r.offset += chunkHeaderSize + int64(h.compLen)
	return nil
}

// decodeChunk decodes exactly count events that must fill raw.
func decodeChunk(raw []byte, count int) ([]*Event, error) {
	evs := make([]*Event, 0, count)
	pos := 0
	for i := 0; i < count; i++ {
		ev, n, err := decodeEvent(raw[pos:])
		if err != nil {
			return nil, fmt.Errorf("event %d at byte %d: %w", i, pos, err)
		}
		evs = append(evs, ev)
		pos += n
	}
	if pos != len(raw) {
		return nil, fmt.Errorf("%d bytes left after %d events", len(raw)-pos, count)
	}
	return evs, nil
}

// atEnd decides what the clean end of the events file means.
func (r *Reader) atEnd() error {
	if !r.meta.Complete {
		return r.incomplete("recording was not closed")
	}
	if r.events != r.meta.Events {
		return r.incomplete(fmt.Sprintf("events file holds %d of the %d events recorded", r.events, r.meta.Events))
	}
	return io.EOF
}

func (r *Reader) incomplete(why string) error {
	return fmt.Errorf("%w: %s after %d events: %s", ErrIncomplete, r.dir, r.events, why)
}

func (r *Reader) corrupt(reason string) error {
	return &CorruptError{Path: r.path, Chunk: r.chunk, Offset: r.offset, Reason: reason}
}

// Close releases the file and the decoder.
func (r *Reader) Close() error {
	r.dec.Close()
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", r.path, err)
	}
	return nil
}
