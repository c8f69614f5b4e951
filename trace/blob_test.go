package trace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// blobFiles lists the regular files in the store.
func blobFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBlobPut(t *testing.T) {
	storeDir := filepath.Join(t.TempDir(), "blobs")
	s, err := OpenBlobStore(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	checkMode(t, storeDir, os.ModeDir|0o700)

	content := bytes.Repeat([]byte("ELF shared object\x00"), 100000)
	src := filepath.Join(t.TempDir(), "libfoo.so")
	if err := os.WriteFile(src, content, 0o755); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	want := hex.EncodeToString(sum[:])

	h, err := s.Put(src)
	if err != nil {
		t.Fatal(err)
	}
	if h != want {
		t.Fatalf("hash %s, want %s", h, want)
	}
	if !s.Has(h) {
		t.Fatal("Has is false after Put")
	}
	p := s.Path(h)
	if p != filepath.Join(storeDir, want[:2], want[2:]) {
		t.Errorf("Path %s does not follow DIR/ab/rest", p)
	}
	got, err := os.ReadFile(p)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("blob content differs from source (%v)", err)
	}
	checkMode(t, p, 0o600)
	checkMode(t, filepath.Dir(p), os.ModeDir|0o700)
	before, _ := os.Stat(p)

	// A second Put, from this store or a fresh one (no cache), stores nothing new.
	for _, st := range []*BlobStore{s, mustOpen(t, storeDir)} {
		if h2, err := st.Put(src); err != nil || h2 != h {
			t.Fatalf("second Put: %s, %v", h2, err)
		}
	}
	after, _ := os.Stat(p)
	if !os.SameFile(before, after) {
		t.Error("second Put rewrote the blob")
	}
	if files := blobFiles(t, storeDir); len(files) != 1 {
		t.Errorf("store holds %v, want one blob", files)
	}

	// Changed content (new mtime) is hashed again, not served from the cache.
	if err := os.WriteFile(src, []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(src, time.Now(), time.Now().Add(time.Hour))
	h3, err := s.Put(src)
	if err != nil || h3 == h {
		t.Fatalf("Put after change: %s, %v; want a new hash", h3, err)
	}
	if files := blobFiles(t, storeDir); len(files) != 2 {
		t.Errorf("store holds %v, want two blobs", files)
	}
}

func mustOpen(t *testing.T, dir string) *BlobStore {
	t.Helper()
	s, err := OpenBlobStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A sparse file is stored without reading or writing its holes: the blob
// holds the same bytes, stays sparse, and the same file stores once.
func TestBlobPutSparse(t *testing.T) {
	s, err := OpenBlobStore(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "sparse")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	const size = 1 << 30
	for _, at := range []int64{1 << 20, size - 3} {
		if _, err := f.WriteAt([]byte("end"), at); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	start := time.Now()
	h, err := s.Put(src)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.Put(src); err != nil || again != h {
		t.Errorf("Put again: %s, %v; first %s", again, err, h)
	}
	blob, err := os.Open(s.Path(h))
	if err != nil {
		t.Fatal(err)
	}
	defer blob.Close()
	fi, _ := blob.Stat()
	if fi.Size() != size || !isSparse(fi) {
		t.Errorf("blob of %d bytes, sparse %v; want %d, sparse", fi.Size(), isSparse(fi), size)
	}
	for _, at := range []int64{1 << 20, size - 3} {
		got := make([]byte, 3)
		if _, err := blob.ReadAt(got, at); err != nil || string(got) != "end" {
			t.Errorf("blob at %d: %q, %v", at, got, err)
		}
	}
	got := make([]byte, 4)
	if _, err := blob.ReadAt(got, 1<<29); err != nil || !bytes.Equal(got, make([]byte, 4)) {
		t.Errorf("the blob's hole reads %q, %v", got, err)
	}
	t.Logf("a 1 GiB sparse file stored in %v", time.Since(start))
}

func TestBlobPutErrors(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	if _, err := s.Put(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Put of a missing file succeeded")
	}
	if _, err := s.Put(t.TempDir()); err == nil {
		t.Error("Put of a directory succeeded")
	}
}

func TestBlobPathRejectsBadHash(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	for _, h := range []string{"", "ab", "../../etc/passwd", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
		if p := s.Path(h); p != "" {
			t.Errorf("Path(%q) = %q, want \"\"", h, p)
		}
		if s.Has(h) {
			t.Errorf("Has(%q) is true", h)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg")
	if d := DefaultDir(); d != "/xdg/rrpy" {
		t.Errorf("DefaultDir with XDG_DATA_HOME: %s", d)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d := DefaultDir(); d != "/home/u/.local/share/rrpy" {
		t.Errorf("DefaultDir without XDG_DATA_HOME: %s", d)
	}
	if d := DefaultTracesDir(); d != "/home/u/.local/share/rrpy/traces" {
		t.Errorf("DefaultTracesDir: %s", d)
	}
	if d := DefaultBlobsDir(); d != "/home/u/.local/share/rrpy/blobs" {
		t.Errorf("DefaultBlobsDir: %s", d)
	}
}
