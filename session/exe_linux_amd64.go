package session

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"rrpy/trace"
)

// scratchFile is a temporary executable copy of a stored blob.
type scratchFile struct{ path string }

func (s *scratchFile) remove() {
	if s != nil {
		os.Remove(s.path)
	}
}

// executableFor returns the file replay must exec: the recorded path if
// its content is unchanged, else an executable copy of the stored blob —
// never a different binary. The dynamic loader cannot be swapped the same
// way (the executable names it), so a changed one is an error.
func executableFor(meta *trace.Meta, blobs *trace.BlobStore) (string, *scratchFile, error) {
	if meta.Interp != "" {
		if h, err := fileSHA256(meta.Interp); err != nil || h != meta.InterpBlob {
			return "", nil, fmt.Errorf("the dynamic loader %s changed since the recording: replay needs the same one", meta.Interp)
		}
	}
	if h, err := fileSHA256(meta.Exe); err == nil && h == meta.ExeBlob {
		return meta.Exe, nil, nil
	}
	if !blobs.Has(meta.ExeBlob) {
		return "", nil, fmt.Errorf("%s changed since the recording and its stored copy (blob %s) is missing", meta.Exe, meta.ExeBlob)
	}
	src, err := os.Open(blobs.Path(meta.ExeBlob))
	if err != nil {
		return "", nil, fmt.Errorf("open stored copy of %s: %w", meta.Exe, err)
	}
	defer src.Close()
	dst, err := os.CreateTemp("", "rrpy-exe-*")
	if err != nil {
		return "", nil, fmt.Errorf("copy stored %s: %w", meta.Exe, err)
	}
	defer dst.Close()
	s := &scratchFile{path: dst.Name()}
	if _, err := io.Copy(dst, src); err != nil {
		s.remove()
		return "", nil, fmt.Errorf("copy stored %s: %w", meta.Exe, err)
	}
	if err := dst.Chmod(0o700); err != nil {
		s.remove()
		return "", nil, err
	}
	return s.path, s, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
