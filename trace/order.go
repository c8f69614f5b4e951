package trace

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The output order of a recording of several processes: which write of
// which image came after which, as the recording ran them one at a time.
// Each image's trace holds its writes; this file, in the first image's
// directory, holds their order across images, so that a replay of the
// whole tree shows the outputs as the terminal showed them. It is a
// sequence of uvarint pairs: image id, event index in the image's trace.
const orderFile = "output-order"

// OutputRef names one write event of one image.
type OutputRef struct {
	Image int
	Event int64
}

// OrderWriter appends to a recording's output order.
type OrderWriter struct {
	f *os.File
	w *bufio.Writer
}

// CreateOrder starts the output order of the recording in dir.
func CreateOrder(dir string) (*OrderWriter, error) {
	f, err := os.OpenFile(filepath.Join(dir, orderFile), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create the output order: %w", err)
	}
	return &OrderWriter{f: f, w: bufio.NewWriter(f)}, nil
}

// Note appends one write.
func (o *OrderWriter) Note(ref OutputRef) error {
	var buf [2 * binary.MaxVarintLen64]byte
	n := binary.PutUvarint(buf[:], uint64(ref.Image))
	n += binary.PutUvarint(buf[n:], uint64(ref.Event))
	_, err := o.w.Write(buf[:n])
	return err
}

// Flush writes what was noted to the file: a recording killed later keeps it.
func (o *OrderWriter) Flush() error { return o.w.Flush() }

// Close flushes and closes the file.
func (o *OrderWriter) Close() error {
	return errors.Join(o.w.Flush(), o.f.Close())
}

// ReadOrder reads the output order of the recording in dir, as far as it
// was written; none for a recording of one process.
func ReadOrder(dir string) ([]OutputRef, error) {
	f, err := os.Open(filepath.Join(dir, orderFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the output order: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var refs []OutputRef
	for {
		image, err1 := binary.ReadUvarint(r)
		event, err2 := binary.ReadUvarint(r)
		if err1 != nil || err2 != nil {
			return refs, nil // the end, or a pair cut by a kill
		}
		refs = append(refs, OutputRef{Image: int(image), Event: int64(event)})
	}
}
