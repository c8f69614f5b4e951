package trace

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func testMeta() *Meta {
	return &Meta{
		RrpyVersion: "test",
		Argv:        []string{"python3", "-c", "print(1)"},
		Env:         []string{"HOME=/root"},
		Cwd:         "/tmp",
		Exe:         "/usr/bin/python3.12",
		CPU:         "Test CPU",
		StackRlimit: 8 << 20,
		Start:       time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
	}
}

// writeTrace records evs into a new trace under t.TempDir, calling Flush
// after every flushEvery events (0: never), and closes it when closeIt.
func writeTrace(t *testing.T, evs []*Event, flushEvery int, closeIt bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range evs {
		if err := w.Append(ev); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		if flushEvery > 0 && (i+1)%flushEvery == 0 {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if closeIt {
		err = w.Close(0)
	} else {
		err = w.Abort()
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// readAll returns the events Next gave before its first error, and that error.
func readAll(t *testing.T, dir string) ([]*Event, error) {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var evs []*Event
	for {
		ev, err := r.Next()
		if err != nil {
			// The error must stick.
			if _, err2 := r.Next(); err2 != err {
				t.Errorf("second Next after error: %v, first was %v", err2, err)
			}
			return evs, err
		}
		evs = append(evs, ev)
	}
}

// manyEvents returns n syscall events with some pseudo-random output bytes,
// enough to span several chunks for large n.
func manyEvents(n int) []*Event {
	rng := rand.New(rand.NewSource(1))
	evs := make([]*Event, n)
	for i := range evs {
		data := make([]byte, 1+rng.Intn(200))
		rng.Read(data)
		evs[i] = &Event{Kind: KindSyscall, Tid: 42, Nr: int32(i % 300),
			Args:   [6]uint64{uint64(i), 0x7ffd0000 + uint64(i)},
			Result: int64(len(data)), Writes: []MemWrite{{Addr: 0x7ffd0000, Data: data}}}
	}
	return evs
}

func checkEvents(t *testing.T, got, want []*Event) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("event %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRoundTripEveryKind(t *testing.T) {
	want := sampleEvents()
	dir := writeTrace(t, want, 0, true)
	got, err := readAll(t, dir)
	if err != io.EOF {
		t.Fatalf("end of trace: %v, want io.EOF", err)
	}
	checkEvents(t, got, want)

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m := r.Meta()
	wantMeta := testMeta()
	wantMeta.FormatVersion = FormatVersion
	wantMeta.Complete = true
	wantMeta.Events = int64(len(want))
	for _, ev := range want {
		if ev.Blob != "" && !slices.Contains(wantMeta.Blobs, ev.Blob) {
			wantMeta.Blobs = append(wantMeta.Blobs, ev.Blob)
		}
	}
	if !reflect.DeepEqual(m, wantMeta) {
		t.Errorf("meta: got %+v, want %+v", m, wantMeta)
	}
}

func TestManyEventsSpanChunks(t *testing.T) {
	want := manyEvents(20000)
	dir := writeTrace(t, want, 0, true)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []*Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		got = append(got, ev)
	}
	checkEvents(t, got, want)
	if r.chunk < 3 {
		t.Errorf("trace has %d chunks, want several", r.chunk)
	}
	if r.Events() != int64(len(want)) {
		t.Errorf("Events() = %d, want %d", r.Events(), len(want))
	}
}

// chunkEnds returns the file offsets at which each chunk of the events file ends.
func chunkEnds(t *testing.T, path string) []int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ends []int64
	off := int64(fileHeaderSize)
	for off < int64(len(data)) {
		h := parseChunkHeader(data[off:])
		off += chunkHeaderSize + int64(h.compLen)
		ends = append(ends, off)
	}
	return ends
}

func TestTruncated(t *testing.T) {
	const perChunk = 50
	want := manyEvents(4 * perChunk)
	dir := writeTrace(t, want, perChunk, true)
	path := filepath.Join(dir, eventsFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ends := chunkEnds(t, path)
	if len(ends) != 4 {
		t.Fatalf("%d chunks, want 4", len(ends))
	}
	starts := append([]int64{int64(fileHeaderSize)}, ends[:3]...)
	for k := range 4 {
		for _, cut := range []int64{starts[k], starts[k] + 1, starts[k] + chunkHeaderSize, starts[k] + chunkHeaderSize + 7, ends[k] - 1} {
			t.Run(fmt.Sprintf("chunk%d/at%d", k, cut), func(t *testing.T) {
				if err := os.WriteFile(path, orig[:cut], 0o600); err != nil {
					t.Fatal(err)
				}
				got, err := readAll(t, dir)
				if !errors.Is(err, ErrIncomplete) {
					t.Fatalf("error %v, want ErrIncomplete", err)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("after %d events", k*perChunk)) {
					t.Errorf("error %q does not say how many events were read", err)
				}
				checkEvents(t, got, want[:k*perChunk])
			})
		}
	}
}

func TestEmptyEvents(t *testing.T) {
	dir := writeTrace(t, nil, 0, true)
	if got, err := readAll(t, dir); err != io.EOF || len(got) != 0 {
		t.Errorf("complete empty trace: %d events, %v; want 0, io.EOF", len(got), err)
	}
	dir = writeTrace(t, nil, 0, false)
	if got, err := readAll(t, dir); !errors.Is(err, ErrIncomplete) || len(got) != 0 {
		t.Errorf("aborted empty trace: %d events, %v; want 0, ErrIncomplete", len(got), err)
	}
}

func TestFlippedByte(t *testing.T) {
	const perChunk = 10
	want := manyEvents(3 * perChunk)
	dir := writeTrace(t, want, perChunk, true)
	path := filepath.Join(dir, eventsFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ends := chunkEnds(t, path)

	// A flip inside the compressed bytes of chunk 1 is a checksum mismatch.
	data := append([]byte(nil), orig...)
	off := ends[0] + chunkHeaderSize + 10
	data[off] ^= 0x40
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, dir)
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want *CorruptError", err)
	}
	if ce.Chunk != 1 || ce.Offset != ends[0] || !strings.Contains(ce.Reason, "checksum") {
		t.Errorf("CorruptError %+v, want chunk 1 at offset %d with a checksum reason", ce, ends[0])
	}
	checkEvents(t, got, want[:perChunk])

	// Any single flipped byte after the file header is detected: as
	// corruption, or as truncation when a length now points past the end.
	for off := fileHeaderSize; off < len(orig); off++ {
		copy(data, orig)
		data[off] ^= 0x01 << (off % 8)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, dir)
		if !errors.As(err, &ce) && !errors.Is(err, ErrIncomplete) {
			t.Fatalf("flip at %d: error %v, want corruption detected", off, err)
		}
		chunk := 0
		for chunk < len(ends) && int64(off) >= ends[chunk] {
			chunk++
		}
		checkEvents(t, got, want[:chunk*perChunk])
	}
}

func TestGarbageAfterLastChunk(t *testing.T) {
	want := manyEvents(10)
	dir := writeTrace(t, want, 0, true)
	path := filepath.Join(dir, eventsFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	garbage := make([]byte, 100)
	rand.New(rand.NewSource(2)).Read(garbage)
	f.Write(garbage)
	f.Close()
	got, err := readAll(t, dir)
	var ce *CorruptError
	if !errors.As(err, &ce) && !errors.Is(err, ErrIncomplete) {
		t.Fatalf("error %v, want CorruptError or ErrIncomplete", err)
	}
	checkEvents(t, got, want)
}

func TestHugeLengthsRefused(t *testing.T) {
	for name, h := range map[string]chunkHeader{
		"raw":   {rawLen: 1 << 31, compLen: 10, count: 1},
		"comp":  {rawLen: 10, compLen: 0xffffffff, count: 1},
		"count": {rawLen: 10, compLen: 10, count: 0xffffffff},
		"zero":  {rawLen: 10, compLen: 10, count: 0},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeTrace(t, nil, 0, true)
			path := filepath.Join(dir, eventsFile)
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(h.append(nil))
			f.Write(make([]byte, 10))
			f.Close()
			_, err = readAll(t, dir)
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.Chunk != 0 || ce.Offset != int64(fileHeaderSize) {
				t.Fatalf("error %v, want CorruptError for chunk 0", err)
			}
		})
	}
}

func TestWrongMagic(t *testing.T) {
	dir := writeTrace(t, manyEvents(3), 0, true)
	path := filepath.Join(dir, eventsFile)
	data, _ := os.ReadFile(path)
	copy(data, "NOTATRACE!")
	os.WriteFile(path, data, 0o600)
	_, err := Open(dir)
	if !errors.Is(err, ErrNotTrace) || !strings.Contains(err.Error(), dir+" is not an rrpy trace") {
		t.Fatalf("error %v, want ErrNotTrace naming %s", err, dir)
	}

	os.WriteFile(path, []byte("RRPY"), 0o600)
	if _, err := Open(dir); !errors.Is(err, ErrNotTrace) {
		t.Errorf("short events file: %v, want ErrNotTrace", err)
	}

	empty := t.TempDir()
	if _, err := Open(empty); !errors.Is(err, ErrNotTrace) {
		t.Errorf("empty dir: %v, want ErrNotTrace", err)
	}
	if _, err := Open(filepath.Join(empty, "missing")); err == nil || errors.Is(err, ErrNotTrace) {
		t.Errorf("missing dir: %v, want a not-exist error", err)
	}
}

func TestVersionMismatch(t *testing.T) {
	dir := writeTrace(t, manyEvents(3), 0, true)
	path := filepath.Join(dir, eventsFile)
	data, _ := os.ReadFile(path)
	binary.LittleEndian.PutUint32(data[len(magic):], 99)
	os.WriteFile(path, data, 0o600)
	_, err := Open(dir)
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Got != 99 || ve.Want != FormatVersion {
		t.Fatalf("error %v, want VersionError{99, %d}", err, FormatVersion)
	}
	if msg := err.Error(); msg != fmt.Sprintf("trace format version 99, this rrpy reads version %d", FormatVersion) {
		t.Errorf("message %q does not name both versions", msg)
	}

	// meta.json disagreeing with the events header is refused too.
	dir = writeTrace(t, nil, 0, true)
	m, err := readMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.FormatVersion = 7
	if err := writeMeta(dir, m); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.As(err, &ve) || ve.Got != 7 {
		t.Errorf("meta version 7: %v, want VersionError", err)
	}
}

func TestCorruptMeta(t *testing.T) {
	dir := writeTrace(t, nil, 0, true)
	os.WriteFile(filepath.Join(dir, metaFile), []byte("{not json"), 0o600)
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "corrupt meta") {
		t.Fatalf("error %v, want corrupt meta", err)
	}
}

func TestCreateRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), nil, 0o600)
	if w, err := Create(dir, testMeta()); err == nil {
		w.Abort()
		t.Fatal("Create succeeded in a non-empty directory")
	}
	// An existing empty directory is fine, and gets tightened to 0700.
	empty := t.TempDir()
	os.Chmod(empty, 0o755)
	w, err := Create(empty, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	w.Close(0)
	checkMode(t, empty, os.ModeDir|0o700)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
	}
}

func TestPermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	checkMode(t, dir, os.ModeDir|0o700)
	checkMode(t, filepath.Join(dir, metaFile), 0o600)
	checkMode(t, filepath.Join(dir, eventsFile), 0o600)
	if err := w.Close(0); err != nil {
		t.Fatal(err)
	}
	checkMode(t, filepath.Join(dir, metaFile), 0o600)
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("trace dir holds %d entries, want meta.json and events only", len(entries))
	}
}

func TestCloseMarksComplete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	// Right after Create the trace is readable and marked incomplete.
	m, err := readMeta(dir)
	if err != nil || m.Complete || m.FormatVersion != FormatVersion {
		t.Fatalf("meta after Create: %+v, %v", m, err)
	}
	w.Append(&Event{Kind: KindExit, Status: 3 << 8})
	w.Meta().Warnings = append(w.Meta().Warnings, "w1")
	if err := w.Close(3 << 8); err != nil {
		t.Fatal(err)
	}
	m, err = readMeta(dir)
	if err != nil || !m.Complete || m.ExitStatus != 3<<8 || m.Events != 1 || len(m.Warnings) != 1 {
		t.Fatalf("meta after Close: %+v, %v", m, err)
	}
	if err := w.Append(&Event{Kind: KindExit}); err == nil {
		t.Error("Append after Close succeeded")
	}
	if err := w.Close(0); err == nil {
		t.Error("second Close succeeded")
	}
}

func TestAbortLeavesIncomplete(t *testing.T) {
	want := manyEvents(5)
	dir := writeTrace(t, want, 0, false)
	got, err := readAll(t, dir)
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("error %v, want ErrIncomplete", err)
	}
	checkEvents(t, got, want) // Abort flushed them
	m, _ := readMeta(dir)
	if m.Complete {
		t.Error("Abort marked the trace complete")
	}
}

func TestFlushAfterInterval(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	clock := time.Unix(1000, 0)
	w.now = func() time.Time { return clock }
	w.lastChunk = clock
	size := func() int64 {
		w.chunks.sync() // what was handed over is written
		fi, err := os.Stat(filepath.Join(dir, eventsFile))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	w.Append(&Event{Kind: KindSyscall, Nr: 1})
	if size() != int64(fileHeaderSize) {
		t.Fatal("a lone event was written at once")
	}
	clock = clock.Add(150 * time.Millisecond)
	w.Append(&Event{Kind: KindSyscall, Nr: 2})
	if size() != int64(fileHeaderSize) {
		t.Fatal("chunk written before 200 ms passed")
	}
	clock = clock.Add(100 * time.Millisecond)
	w.Append(&Event{Kind: KindSyscall, Nr: 3})
	if size() == int64(fileHeaderSize) {
		t.Fatal("no chunk written after 250 ms")
	}
}

func TestAppendRejects(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Append(nil); err == nil {
		t.Error("Append accepted nil")
	}
	if err := w.Append(&Event{Kind: 0}); err == nil {
		t.Error("Append accepted kind 0")
	}
	small := &Event{Kind: KindSyscall, Nr: 1}
	w.Append(small)
	huge := &Event{Kind: KindSyscall, Writes: []MemWrite{{Data: make([]byte, MaxChunkSize)}}}
	if err := w.Append(huge); err == nil {
		t.Error("Append accepted an event larger than a chunk")
	}
	// Two events that each fit but not together go into separate chunks.
	half := &Event{Kind: KindSyscall, Writes: []MemWrite{{Addr: 1, Data: make([]byte, maxEventSize/2+10)}}}
	w.Append(half)
	w.Append(half)
	if err := w.Close(0); err != nil {
		t.Fatal(err)
	}
	got, err := readAll(t, dir)
	if err != io.EOF {
		t.Fatal(err)
	}
	checkEvents(t, got, []*Event{small, half, half})
}

// BenchmarkAppend measures the recorder-side cost of a typical small syscall
// event (a read returning 64 bytes), including compression and write(2).
func BenchmarkAppend(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		b.Fatal(err)
	}
	data := []byte(strings.Repeat("import sys, os; print(sys.argv)\n", 2))
	ev := &Event{Kind: KindSyscall, Tid: 4242, Nr: 0, Args: [6]uint64{3, 0x7ffd12340000, 4096},
		Result: int64(len(data)), Writes: []MemWrite{{Addr: 0x7ffd12340000, Data: data}}}
	b.SetBytes(int64(len(appendEvent(nil, ev))))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ev.Args[3] = uint64(i)
		if err := w.Append(ev); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(0); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	fi, err := os.Stat(filepath.Join(dir, eventsFile))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(fi.Size())/float64(b.N), "disk-B/event")
}

func TestCloseListsBlobsOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "t")
	w, err := Create(dir, &Meta{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"aa", "bb", "aa", ""} {
		if err := w.Append(&Event{Kind: KindSyscall, Blob: b}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(0); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Meta().Blobs; len(got) != 2 || got[0] != "aa" || got[1] != "bb" {
		t.Errorf("meta lists blobs %q, want [aa bb]", got)
	}
}

// A chunk the chunk writer fails to write is reported: by the next
// Append, by Flush and by Close, and the trace stays incomplete.
func TestWriteErrorIsReported(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "trace")
	w, err := Create(dir, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	w.f.Close() // every write(2) from now on fails
	for _, ev := range manyEvents(10) {
		if err := w.Append(ev); err != nil {
			t.Fatalf("append before any chunk was written: %v", err)
		}
	}
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "write chunk 0") {
		t.Fatalf("Flush of a chunk that cannot be written: %v", err)
	}
	if err := w.Append(manyEvents(1)[0]); err == nil {
		t.Error("Append after a failed chunk succeeded")
	}
	if err := w.Close(0); err == nil {
		t.Error("Close after a failed chunk succeeded")
	}
	if m, err := readMeta(dir); err != nil || m.Complete {
		t.Errorf("meta after a failed chunk: %+v, %v", m, err)
	}
}
