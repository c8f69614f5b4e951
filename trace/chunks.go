package trace

import (
	"fmt"
	"hash/crc32"
	"os"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// queueDepth is how many chunks may wait for the chunk writer before
// Append waits for it: the recorder runs ahead of the disk by at most
// this many chunks (~256 KiB each).
const queueDepth = 4

// chunk is a run of encoded events on its way to the events file, or,
// with written set and no events, a request to say when every chunk
// before it is on disk.
type chunk struct {
	raw     []byte
	count   int
	written chan<- struct{}
}

// chunkWriter compresses chunks and writes them to the events file, in
// the order they were sent, on a goroutine of its own: a recorder hands
// them over and goes on tracing while zstd, the checksum and write(2) run
// beside it.
type chunkWriter struct {
	f     *os.File
	path  string
	enc   *zstd.Encoder
	in    chan chunk    // chunks to write, in order
	spare chan []byte   // buffers written out, for the sender to fill again
	done  chan struct{} // closed when the goroutine has returned
	out   []byte        // chunk header + compressed bytes, reused
	n     int           // chunks written

	mu  sync.Mutex
	err error // the first write error: the file is unusable after it
}

func startChunkWriter(f *os.File, path string) (*chunkWriter, error) {
	// One goroutine and the fastest level: the writer keeps up with a
	// recorder at a syscall every few µs, on the CPU rrpy's tracer
	// thread leaves free.
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("create zstd encoder: %w", err)
	}
	c := &chunkWriter{f: f, path: path, enc: enc,
		in: make(chan chunk, queueDepth), spare: make(chan []byte, queueDepth+1), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *chunkWriter) run() {
	defer close(c.done)
	for ch := range c.in {
		if ch.written != nil {
			close(ch.written)
			continue
		}
		if c.failed() == nil {
			if err := c.write(ch); err != nil {
				c.fail(err)
			}
		}
		c.recycle(ch.raw)
	}
}

// send hands raw (count encoded events) over and returns an empty buffer
// to fill next.
func (c *chunkWriter) send(raw []byte, count int) []byte {
	c.in <- chunk{raw: raw, count: count}
	select {
	case b := <-c.spare:
		return b
	default:
		return make([]byte, 0, chunkTarget)
	}
}

// sync waits until every chunk sent so far is written (or writing failed).
func (c *chunkWriter) sync() {
	written := make(chan struct{})
	c.in <- chunk{written: written}
	<-written
}

// recycle offers a written buffer back, unless it grew far past a
// chunk's size for one huge event.
func (c *chunkWriter) recycle(b []byte) {
	if cap(b) > 2*chunkTarget {
		return
	}
	select {
	case c.spare <- b[:0]:
	default:
	}
}

// write compresses raw and writes header and data with a single
// write(2), so a crash leaves at most one partial chunk.
func (c *chunkWriter) write(ch chunk) error {
	var room [chunkHeaderSize]byte // filled in once the compressed length is known
	c.out = append(c.out[:0], room[:]...)
	c.out = c.enc.EncodeAll(ch.raw, c.out)
	comp := c.out[chunkHeaderSize:]
	if len(comp) > MaxChunkSize {
		// Cannot happen given maxEventSize; refuse rather than write a
		// chunk the reader would reject.
		return fmt.Errorf("write chunk %d of %s: compressed to %d bytes, over the limit", c.n, c.path, len(comp))
	}
	h := chunkHeader{
		rawLen:  uint32(len(ch.raw)),
		compLen: uint32(len(comp)),
		crc:     crc32.Checksum(comp, castagnoli),
		count:   uint32(ch.count),
	}
	h.append(c.out[:0])
	if _, err := c.f.Write(c.out); err != nil {
		return fmt.Errorf("write chunk %d of %s: %w", c.n, c.path, err)
	}
	c.n++
	return nil
}

func (c *chunkWriter) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// failed returns the first write error, nil while all went well.
func (c *chunkWriter) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// stop writes what was sent, ends the goroutine and releases the
// encoder; the file stays open for the caller.
func (c *chunkWriter) stop() error {
	close(c.in)
	<-c.done
	c.enc.Close()
	return c.failed()
}
