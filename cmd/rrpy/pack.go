package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"rrpy/trace"
)

// packedBlobs is where a packed trace keeps the stored files it needs,
// laid out as the blob store is.
const packedBlobs = "blobs"

// neededBlobs are the stored files a trace's replay reads: the files the
// program mapped and the sources the shell shows. The executable and its
// loader are read from their recorded paths while unchanged there, so
// they are needed only where withExe says (a pack carries them).
func neededBlobs(m *trace.Meta, withExe bool) []string {
	need := append([]string(nil), m.Blobs...)
	if withExe {
		need = append(need, m.ExeBlob, m.InterpBlob)
	}
	for _, h := range m.Sources {
		need = append(need, h)
	}
	need = slices.DeleteFunc(need, func(h string) bool { return h == "" })
	slices.Sort(need)
	return slices.Compact(need)
}

// blobStoreFor opens the store a trace replays from, its own when it is
// packed, else the machine's, and checks that it holds every file the
// trace needs: a trace copied from another machine without them is
// refused at once, with what to do.
func blobStoreFor(dir string) (*trace.BlobStore, error) {
	r, err := trace.Open(dir)
	if err != nil {
		return nil, err
	}
	meta := r.Meta()
	r.Close()
	storeDir, packed := trace.DefaultBlobsDir(), false
	if fi, err := os.Stat(filepath.Join(dir, packedBlobs)); err == nil && fi.IsDir() {
		storeDir, packed = filepath.Join(dir, packedBlobs), true
	}
	blobs, err := trace.OpenBlobStore(storeDir)
	if err != nil {
		return nil, err
	}
	need := neededBlobs(meta, false)
	missing := 0
	for _, h := range need {
		if !blobs.Has(h) {
			missing++
		}
	}
	switch {
	case missing == 0:
		return blobs, nil
	case packed:
		return nil, fmt.Errorf("%d of the %d stored files this packed trace needs are missing from %s: pack it again", missing, len(need), storeDir)
	}
	return nil, fmt.Errorf("%d of the %d stored files this trace needs are missing from %s: run rrpy pack %s on the machine that recorded it, then copy the trace",
		missing, len(need), storeDir, filepath.Base(dir))
}

// packCmd is rrpy pack [DIR|NAME]: the stored files a trace needs are
// copied into it, so that it replays on another machine (with the same
// kernel interface) from its directory alone.
func packCmd(c *cli.Context, stdout io.Writer) error {
	dir, err := traceArg(c)
	if err != nil {
		return err
	}
	r, err := trace.Open(dir)
	if err != nil {
		return err
	}
	meta := r.Meta()
	r.Close()
	store, err := trace.OpenBlobStore(trace.DefaultBlobsDir())
	if err != nil {
		return err
	}
	pack, err := trace.OpenBlobStore(filepath.Join(dir, packedBlobs))
	if err != nil {
		return fmt.Errorf("pack %s: %w", dir, err)
	}
	copied, size := 0, int64(0)
	for _, h := range neededBlobs(meta, true) {
		if pack.Has(h) {
			continue
		}
		if !store.Has(h) {
			return fmt.Errorf("pack %s: the stored file %s is missing from %s: this machine did not record the trace, or lost it", dir, h, store.Dir())
		}
		n, err := copyBlob(store.Path(h), pack.Path(h))
		if err != nil {
			return fmt.Errorf("pack %s: %w", dir, err)
		}
		copied, size = copied+1, size+n
	}
	fmt.Fprintf(stdout, "Packed %s: %d stored files (%s) copied in; it replays from its directory alone.\n", dir, copied, sizeText(size))
	return nil
}

// copyBlob copies a stored file into a pack, linking it where both are on
// one filesystem (a blob never changes), and returns its size. A copy
// cut short leaves no file.
func copyBlob(from, to string) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return 0, err
	}
	if err := os.Link(from, to); err == nil {
		fi, err := os.Stat(to)
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	src, err := os.Open(from)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	dst, err := os.OpenFile(to+".tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(to+".tmp", to)
	}
	if err != nil {
		return 0, errors.Join(err, os.Remove(to+".tmp"))
	}
	return n, nil
}
