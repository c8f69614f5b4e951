package trace

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// BlobStore is the per-machine content-addressed store of mapped files,
// shared by all traces. A blob's name is the hex SHA-256 of its content.
// It is safe for concurrent use, also by several processes.
type BlobStore struct {
	dir string

	mu   sync.Mutex
	seen map[fileID]string // files hashed by this process -> their hash
}

// fileID identifies a file's version cheaply, so a library mapped by many
// processes of one recording is hashed once.
type fileID struct {
	dev, ino  uint64
	size      int64
	mtimeNano int64
}

// OpenBlobStore opens the store in dir, creating it 0700 if needed.
func OpenBlobStore(dir string) (*BlobStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	return &BlobStore{dir: dir, seen: make(map[fileID]string)}, nil
}

// Dir returns the store's directory.
func (s *BlobStore) Dir() string { return s.dir }

// Path returns where the blob with the given hash lives (DIR/ab/cdef...),
// whether or not it exists. It returns "" for a string that is not a hex
// SHA-256, so a corrupt trace cannot name a file outside the store.
func (s *BlobStore) Path(hash string) string {
	if !validHash(hash) {
		return ""
	}
	return filepath.Join(s.dir, hash[:2], hash[2:])
}

// Has reports whether the blob is in the store.
func (s *BlobStore) Has(hash string) bool {
	p := s.Path(hash)
	if p == "" {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func validHash(h string) bool {
	if len(h) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(h) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Put stores the content of the regular file at path, unless the store has
// it already, and returns its hash. The file is read once when the store has
// it and twice when not: most mapped files (libc, libpython) are already
// stored by earlier recordings, so hashing before copying saves the write.
func (s *BlobStore) Put(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("store blob: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("store blob: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("store blob %s: not a regular file", path)
	}
	id, haveID := idOf(fi)
	if haveID {
		if h, ok := s.cached(id); ok && s.Has(h) {
			return h, nil
		}
	}
	var sum string
	if isSparse(fi) {
		sum, err = hashExtents(f, fi.Size(), nil)
	} else {
		sum, err = hashReader(f)
	}
	if err != nil {
		return "", fmt.Errorf("store blob: hash %s: %w", path, err)
	}
	if !s.Has(sum) {
		if err := s.copyIn(f, fi, path, sum); err != nil {
			return "", err
		}
	}
	if haveID {
		s.remember(id, sum)
	}
	return sum, nil
}

func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{
		dev:       uint64(st.Dev),
		ino:       uint64(st.Ino),
		size:      fi.Size(),
		mtimeNano: fi.ModTime().UnixNano(),
	}, true
}

func (s *BlobStore) cached(id fileID) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.seen[id]
	return h, ok
}

func (s *BlobStore) remember(id fileID, h string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen[id] = h
}

func hashReader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyIn copies f into the store as blob want. It writes a temp file and
// renames it into place so a blob that exists is always complete, and
// re-hashes while copying because the file may have changed since it was
// hashed.
func (s *BlobStore) copyIn(f *os.File, fi os.FileInfo, path, want string) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("store blob %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(s.dir, ".tmp-*") // created 0600
	if err != nil {
		return fmt.Errorf("store blob %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // harmless after the rename
	var got string
	if isSparse(fi) {
		got, err = copySparse(tmp, f, fi.Size())
	} else {
		h := sha256.New()
		err = copyAndSync(io.MultiWriter(tmp, h), tmp, f)
		got = hex.EncodeToString(h.Sum(nil))
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store blob %s: %w", path, err)
	}
	if got != want {
		return fmt.Errorf("store blob %s: file changed while being stored", path)
	}
	dst := s.Path(want)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("store blob %s: %w", path, err)
	}
	// Another process may have stored the same blob meanwhile; rename
	// replaces it with identical content, which is harmless.
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("store blob %s: %w", path, err)
	}
	return nil
}

// copyAndSync copies src to w and syncs tmp, so a blob never becomes
// visible under its name with content lost by a crash.
func copyAndSync(w io.Writer, tmp *os.File, src io.Reader) error {
	if _, err := io.Copy(w, src); err != nil {
		return err
	}
	return tmp.Sync()
}

// Sparse files (a test's 4 GiB file with a few bytes written, a database's
// preallocated one) are stored extent by extent: their holes are neither
// read, hashed nor written, where reading them would take seconds and
// copying them fill the disk. Their blob's name hashes the size and the
// data extents with their offsets, not the plain content: a file stored
// both ways is kept twice, which is harmless.

// sparseMin is the size from which a file may be stored as sparse.
const sparseMin = 1 << 20

// isSparse reports whether fewer than half of the file's bytes have disk
// blocks.
func isSparse(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.Size() >= sparseMin && st.Blocks*512 < fi.Size()/2
}

// hashExtents hashes a sparse file's size and data extents, copying each
// extent to dst as well when dst is not nil.
func hashExtents(f *os.File, size int64, dst *os.File) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "rrpy sparse file of %d bytes\n", size)
	err := eachExtent(f, size, func(off, n int64) error {
		fmt.Fprintf(h, "extent %d %d\n", off, n)
		var w io.Writer = h
		if dst != nil {
			w = io.MultiWriter(h, io.NewOffsetWriter(dst, off))
		}
		_, err := io.Copy(w, io.NewSectionReader(f, off, n))
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copySparse copies a sparse file into tmp, holes and all, and returns
// the hash of what it copied.
func copySparse(tmp, f *os.File, size int64) (string, error) {
	if err := tmp.Truncate(size); err != nil {
		return "", err
	}
	sum, err := hashExtents(f, size, tmp)
	if err != nil {
		return "", err
	}
	return sum, tmp.Sync()
}

// eachExtent calls fn with each data extent of f (SEEK_DATA, SEEK_HOLE)
// below size.
func eachExtent(f *os.File, size int64, fn func(off, n int64) error) error {
	fd := int(f.Fd())
	for off := int64(0); off < size; {
		data, err := unix.Seek(fd, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			return nil // only a hole from off to the end
		}
		if err != nil {
			return fmt.Errorf("find data: %w", err)
		}
		hole, err := unix.Seek(fd, data, unix.SEEK_HOLE)
		if err != nil {
			return fmt.Errorf("find a hole: %w", err)
		}
		hole = min(hole, size)
		if err := fn(data, hole-data); err != nil {
			return err
		}
		off = hole
	}
	return nil
}
