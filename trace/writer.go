package trace

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// flushInterval bounds how long an appended event may wait in memory while
// more events keep coming, so a crash of rrpy loses little of the recording.
const flushInterval = 200 * time.Millisecond

// maxEventSize is the largest encoded event the writer accepts. It leaves
// room below MaxChunkSize for zstd's worst-case growth of incompressible
// data (a few bytes per 128 KiB block) so the compressed length stays within
// the limit the reader enforces.
const maxEventSize = MaxChunkSize - 64<<10

// errClosed is returned by a Writer used after Close or Abort.
var errClosed = errors.New("trace writer is closed")

// Writer appends events to DIR/events. It is not safe for concurrent use.
// Append encodes events into a buffer; a chunk writer of its own
// (chunks.go) compresses and writes each full one, so that the recorder
// waits neither for zstd nor for the disk.
type Writer struct {
	dir    string
	path   string // DIR/events
	f      *os.File
	chunks *chunkWriter
	meta   Meta

	buf       []byte // encoded events not yet handed to the chunk writer
	count     int    // events in buf
	lastChunk time.Time
	events    int64

	blobs map[string]bool // blobs the appended events refer to

	now    func() time.Time // time source; tests replace it
	closed bool
}

// Create starts a trace in dir, which must not exist or be an empty
// directory. It creates dir 0700 (and missing parents 0700), writes
// meta.json with Complete=false and the events file header right away, so
// even a recording killed at once leaves a recognisable trace.
// The writer keeps its own copy of meta; see Writer.Meta.
func Create(dir string, meta *Meta) (*Writer, error) {
	if err := makeTraceDir(dir); err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, path: filepath.Join(dir, eventsFile), now: time.Now}
	if meta != nil {
		w.meta = *meta
	}
	w.meta.FormatVersion = FormatVersion
	w.meta.Complete = false
	w.meta.ExitStatus = 0
	w.meta.Events = 0
	if err := writeMeta(dir, &w.meta); err != nil {
		return nil, fmt.Errorf("create trace %s: %w", dir, err)
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create trace: %w", err)
	}
	if _, err := f.Write(appendFileHeader(nil)); err != nil {
		f.Close()
		return nil, fmt.Errorf("write header of %s: %w", w.path, err)
	}
	chunks, err := startChunkWriter(f, w.path)
	if err != nil {
		f.Close()
		return nil, err
	}
	w.f, w.chunks = f, chunks
	w.buf = make([]byte, 0, chunkTarget)
	w.lastChunk = w.now()
	return w, nil
}

// makeTraceDir creates dir 0700, or accepts an existing empty directory
// (tightening it to 0700 because traces hold the environment).
func makeTraceDir(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("create trace directory: %w", err)
	}
	err := os.Mkdir(dir, 0o700)
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create trace directory: %w", err)
	}
	empty, err := isEmptyDir(dir)
	if err != nil {
		return fmt.Errorf("create trace directory: %w", err)
	}
	if !empty {
		return fmt.Errorf("create trace directory %s: exists and is not empty", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("create trace directory: %w", err)
	}
	return nil
}

func isEmptyDir(dir string) (bool, error) {
	d, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer d.Close()
	fi, err := d.Stat()
	if err != nil {
		return false, err
	}
	if !fi.IsDir() {
		return false, fmt.Errorf("%s is not a directory", dir)
	}
	names, err := d.Readdirnames(1)
	if len(names) > 0 {
		return false, nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return true, nil
}

// Meta returns the writer's copy of the metadata. Changes made to it (for
// example appending Warnings) are saved by Close or Abort.
func (w *Writer) Meta() *Meta { return &w.meta }

// SaveMeta writes the metadata as it is now, for a recording that may be
// cut off before Close: what it learned so far (the sources it read) is
// kept.
func (w *Writer) SaveMeta() error { return writeMeta(w.dir, &w.meta) }

// Events returns how many events were appended so far.
func (w *Writer) Events() int64 { return w.events }

// Append encodes ev into the buffer. It hands the buffer over as a chunk
// when it passes ~256 KiB or when more than 200 ms passed since the last
// chunk; the time is only checked here, so an idle recorder should call
// Flush itself. A chunk that failed to be written is reported by the next
// call.
func (w *Writer) Append(ev *Event) error {
	if err := w.usable(); err != nil {
		return err
	}
	if ev == nil {
		return fmt.Errorf("append event %d: nil event", w.events)
	}
	if !ev.Kind.valid() {
		return fmt.Errorf("append event %d: invalid kind %s", w.events, ev.Kind)
	}
	if ev.Blob != "" && !w.blobs[ev.Blob] {
		if w.blobs == nil {
			w.blobs = map[string]bool{}
		}
		w.blobs[ev.Blob] = true
		w.meta.Blobs = append(w.meta.Blobs, ev.Blob)
	}
	start := len(w.buf)
	w.buf = appendEvent(w.buf, ev)
	size := len(w.buf) - start
	if size > maxEventSize {
		w.buf = w.buf[:start]
		return fmt.Errorf("append %s event %d: encodes to %d bytes, over the %d a chunk can hold",
			ev.Kind, w.events, size, maxEventSize)
	}
	if len(w.buf) > maxEventSize {
		// The new event does not fit with the pending ones: those go
		// first and the new one starts the next chunk.
		pending := w.buf
		w.buf = append(w.chunks.send(pending[:start], w.count), pending[start:]...)
		w.count = 0
		w.lastChunk = w.now()
	}
	w.count++
	w.events++
	if len(w.buf) >= chunkTarget || w.now().Sub(w.lastChunk) > flushInterval {
		w.handOver()
	}
	return nil
}

// handOver sends the buffered events to the chunk writer as one chunk.
func (w *Writer) handOver() {
	if w.count == 0 {
		return
	}
	w.buf = w.chunks.send(w.buf, w.count)
	w.count = 0
	w.lastChunk = w.now()
}

// Flush writes the buffered events as one complete chunk and waits until
// every chunk so far is written. It does not fsync: the data only needs
// to survive rrpy dying, which write(2) ensures.
func (w *Writer) Flush() error {
	if err := w.usable(); err != nil {
		return err
	}
	w.handOver()
	w.chunks.sync()
	return w.chunks.failed()
}

func (w *Writer) usable() error {
	if w.closed {
		return errClosed
	}
	return w.chunks.failed()
}

// Close flushes the buffered events, closes the events file and rewrites
// meta.json with Complete=true and exitStatus (a wait status). If flushing
// fails the trace stays marked incomplete.
func (w *Writer) Close(exitStatus int32) error {
	if w.closed {
		return errClosed
	}
	if err := w.finish(); err != nil {
		return err
	}
	w.meta.Complete = true
	w.meta.ExitStatus = exitStatus
	w.meta.Events = w.events
	if err := writeMeta(w.dir, &w.meta); err != nil {
		return fmt.Errorf("close trace %s: %w", w.dir, err)
	}
	return nil
}

// Abort flushes what it has and closes the trace leaving Complete=false,
// for when rrpy is interrupted. Changes to Meta (warnings) are still saved.
func (w *Writer) Abort() error {
	if w.closed {
		return errClosed
	}
	err := w.finish()
	if merr := writeMeta(w.dir, &w.meta); merr != nil && err == nil {
		err = fmt.Errorf("abort trace %s: %w", w.dir, merr)
	}
	return err
}

// finish writes what is buffered and releases the file and the chunk
// writer. It always closes them, and returns the first error.
func (w *Writer) finish() error {
	if w.chunks.failed() == nil {
		w.handOver()
	}
	err := w.chunks.stop()
	w.closed = true
	// Close and Abort happen once per recording, so a sync here is cheap and
	// makes the final meta.json never point at events lost by a power cut.
	if serr := w.f.Sync(); serr != nil && err == nil {
		err = fmt.Errorf("sync %s: %w", w.path, serr)
	}
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close %s: %w", w.path, cerr)
	}
	return err
}
