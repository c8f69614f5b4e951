package trace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// A library is the traces of one user: those rrpy named in its traces
// directory, and those recorded elsewhere (rrpy record -o DIR), which it
// lists in a file so that the blob store's collector knows every trace
// that may still need a blob.

// packedBlobsDir is where a packed trace keeps its own copies of the blobs
// it needs (rrpy pack): such a trace no longer needs the shared store.
const packedBlobsDir = "blobs"

// elsewhereFile lists, one per line, the trace directories recorded
// outside the traces directory.
const elsewhereFile = "elsewhere"

// LatestName is the link in the traces directory to the trace recorded
// last.
const LatestName = "latest"

// Summary is what rrpy ls shows of one trace.
type Summary struct {
	Name   string // its directory's name
	Dir    string
	Meta   *Meta
	End    time.Time // when its events were last written
	Bytes  int64     // what its directory takes on disk, packed blobs included
	Packed bool
}

// Duration is how long the recording ran.
func (s Summary) Duration() time.Duration { return s.End.Sub(s.Meta.Start) }

// List returns the traces in the traces directory dir, oldest first.
// Entries that are not traces (the latest link, stray files) are skipped.
func List(dir string) ([]Summary, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list traces: %w", err)
	}
	var out []Summary
	for _, e := range entries {
		if !e.IsDir() {
			continue // the latest link, temporary files
		}
		s, err := Summarize(filepath.Join(dir, e.Name()))
		if errors.Is(err, ErrNotTrace) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Meta.Start.Before(out[j].Meta.Start) })
	return out, nil
}

// Summarize reads what rrpy ls shows of the trace in dir.
func Summarize(dir string) (Summary, error) {
	events, err := os.Stat(filepath.Join(dir, eventsFile))
	if err != nil {
		return Summary{}, fmt.Errorf("%s is %w (no %s)", dir, ErrNotTrace, eventsFile)
	}
	meta, err := readMeta(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Summary{}, fmt.Errorf("%s is %w (no %s)", dir, ErrNotTrace, metaFile)
	}
	if err != nil {
		return Summary{}, err
	}
	size, err := dirSize(dir)
	if err != nil {
		return Summary{}, err
	}
	_, perr := os.Stat(filepath.Join(dir, packedBlobsDir))
	return Summary{Name: filepath.Base(dir), Dir: dir, Meta: meta, End: events.ModTime(), Bytes: size, Packed: perr == nil}, nil
}

// dirSize is what the files under dir take on disk, each file once
// however many names it has there.
func dirSize(dir string) (int64, error) {
	var total int64
	seen := map[inode]bool{}
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if id, ok := inodeOf(fi); ok {
			if seen[id] {
				return nil
			}
			seen[id] = true
		}
		total += diskBytes(fi)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", dir, err)
	}
	return total, nil
}

// Needs returns the blobs the trace in dir refers to: its executable and
// loader, the files it mapped and the sources it looked at. A recording
// killed before it could list its mapped files has its events read.
func Needs(dir string) (map[string]bool, error) {
	meta, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	return needsOf(dir, meta)
}

// needsOf is Needs of the trace in dir whose meta is read already.
func needsOf(dir string, meta *Meta) (map[string]bool, error) {
	need := map[string]bool{}
	if err := needsOfImage(dir, meta, need); err != nil {
		return nil, err
	}
	return need, addImageNeeds(dir, need)
}

// needsOfImage adds to need what the one process image in dir needs.
func needsOfImage(dir string, meta *Meta, need map[string]bool) error {
	add := func(h string) {
		if h != "" {
			need[h] = true
		}
	}
	add(meta.ExeBlob)
	add(meta.InterpBlob)
	for _, h := range meta.Sources {
		add(h)
	}
	if meta.Blobs != nil {
		for _, h := range meta.Blobs {
			add(h)
		}
		return nil
	}
	return eachEventBlob(dir, add)
}

// addImageNeeds adds to need what the other process images of the
// recording in dir need (a forked child's, an exec'd program's).
func addImageNeeds(dir string, need map[string]bool) error {
	ids, err := imageIDs(dir)
	if err != nil {
		return err
	}
	for _, id := range ids {
		sub := ImageDir(dir, id)
		meta, err := readMeta(sub)
		if errors.Is(err, fs.ErrNotExist) {
			continue // cut off before it was written: it stored nothing
		}
		if err != nil {
			return err
		}
		if err := needsOfImage(sub, meta, need); err != nil {
			return err
		}
	}
	return nil
}

// eachEventBlob calls f with the blob of each event that has one, reading
// the events as far as they go.
func eachEventBlob(dir string, f func(string)) error {
	r, err := Open(dir)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		ev, err := r.Next()
		if err != nil {
			if err == io.EOF || errors.Is(err, ErrIncomplete) {
				return nil
			}
			var corrupt *CorruptError
			if errors.As(err, &corrupt) {
				return nil // what a damaged chunk refers to cannot be replayed anyway
			}
			return err
		}
		f(ev.Blob)
	}
}

// BlobsFor opens the blob store replay of the trace in dir reads: its own
// when it is packed, else the shared one at shared.
func BlobsFor(dir, shared string) (*BlobStore, error) {
	own := filepath.Join(dir, packedBlobsDir)
	if fi, err := os.Stat(own); err == nil && fi.IsDir() {
		return &BlobStore{dir: own, seen: map[fileID]string{}}, nil
	}
	return OpenBlobStore(shared)
}

// Pack copies into the trace in dir every blob it needs from the store,
// so that the trace replays on another machine with the same dynamic
// loader. It returns how many blobs it copied; a trace packed already
// gets what it lacks. A first pack fills a temporary directory that
// becomes the trace's blobs in one rename: a pack that fails (a
// directory it cannot write, a full disk) or is killed leaves no half
// store that would make the trace look packed.
func Pack(dir string, store *BlobStore) (int, error) {
	need, err := Needs(dir)
	if err != nil {
		return 0, err
	}
	var missing []string
	for h := range need {
		if !store.Has(h) {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return 0, fmt.Errorf("%d of the %d stored files the trace needs are missing from %s: pack it on the machine that recorded it",
			len(missing), len(need), store.Dir())
	}
	removePackingLeftovers(dir)
	final := filepath.Join(dir, packedBlobsDir)
	if fi, err := os.Stat(final); err == nil && fi.IsDir() {
		copied, err := copyBlobs(store, &BlobStore{dir: final, seen: map[fileID]string{}}, need)
		if err != nil {
			return copied, fmt.Errorf("pack %s: %w", dir, err)
		}
		return copied, nil
	}
	tmp, err := os.MkdirTemp(dir, packingPattern)
	if err != nil {
		return 0, fmt.Errorf("pack %s: %w", dir, err)
	}
	copied, err := copyBlobs(store, &BlobStore{dir: tmp, seen: map[fileID]string{}}, need)
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return 0, fmt.Errorf("pack %s: %w", dir, err)
	}
	return copied, nil
}

// packingPattern names the temporary directory a first pack fills.
const packingPattern = ".packing-*"

// removePackingLeftovers removes what a pack killed before left.
func removePackingLeftovers(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, packingPattern))
	for _, o := range old {
		_ = os.RemoveAll(o) // a leftover that stays is only space
	}
}

// copyBlobs copies into own the blobs of need it lacks, and says how
// many.
func copyBlobs(store, own *BlobStore, need map[string]bool) (int, error) {
	copied := 0
	for h := range need {
		if own.Has(h) {
			continue
		}
		if err := copyBlob(store, own, h); err != nil {
			return copied, err
		}
		copied++
	}
	return copied, nil
}

// copyBlob copies blob h of store into own: a hard link where both are
// on one filesystem (blobs are never written again), else the store's own
// copy (Put: verified against h, sparse-aware, renamed into place so a
// pack cut short leaves no torn blob).
func copyBlob(store, own *BlobStore, h string) error {
	dst := own.Path(h)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	if os.Link(store.Path(h), dst) == nil {
		return nil
	}
	got, err := own.Put(store.Path(h))
	if err == nil && got != h {
		err = fmt.Errorf("stored file %s reads back as %s", h, got)
	}
	return err
}

// RememberElsewhere notes a trace recorded outside the traces directory,
// in the file beside the blob store that the collector reads.
func RememberElsewhere(dataDir, traceDir string) error {
	abs, err := filepath.Abs(traceDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dataDir, elsewhereFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("note the trace %s: %w", abs, err)
	}
	_, err = fmt.Fprintln(f, abs)
	return errors.Join(err, f.Close())
}

// elsewhere returns the traces recorded outside the traces directory that
// still exist.
func elsewhere(dataDir string) ([]string, error) {
	f, err := os.Open(filepath.Join(dataDir, elsewhereFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var dirs []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		dir := strings.TrimSpace(sc.Text())
		if dir == "" || seen[dir] {
			continue
		}
		seen[dir] = true
		if _, err := os.Stat(filepath.Join(dir, metaFile)); err == nil {
			dirs = append(dirs, dir)
		}
	}
	return dirs, sc.Err()
}

// Collected is what a collection of the blob store removed.
type Collected struct {
	Blobs int
	Bytes int64 // what they took on disk
}

// CollectBlobs removes from the store in dataDir the blobs that no trace
// needs: no trace in the traces directory, none recorded elsewhere that
// still exists. Packed traces need nothing from it. A trace whose needs
// cannot be read keeps every blob (nothing is removed).
func CollectBlobs(dataDir string) (Collected, error) {
	tracesDir := filepath.Join(dataDir, "traces")
	var dirs []string
	if entries, err := os.ReadDir(tracesDir); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(tracesDir, e.Name()))
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Collected{}, fmt.Errorf("list traces: %w", err)
	}
	others, err := elsewhere(dataDir)
	if err != nil {
		return Collected{}, fmt.Errorf("read the traces recorded elsewhere: %w", err)
	}
	needed := map[string]bool{}
	for _, dir := range append(dirs, others...) {
		if _, err := os.Stat(filepath.Join(dir, packedBlobsDir)); err == nil {
			continue
		}
		meta, err := readMeta(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // not a trace: no meta.json
		}
		if err != nil {
			return Collected{}, fmt.Errorf("%w: no blob removed", err)
		}
		if underWay(dir, meta) {
			return Collected{}, fmt.Errorf("a recording is under way in %s: no blob removed (try again when it ends)", dir)
		}
		need, err := needsOf(dir, meta)
		if err != nil {
			return Collected{}, fmt.Errorf("%w: no blob removed", err)
		}
		for h := range need {
			needed[h] = true
		}
	}
	return removeUnneeded(filepath.Join(dataDir, "blobs"), needed)
}

// underWay tells a recording still being written (neither closed nor
// aborted, its events written lately) from one cut off: the blobs it
// stored are not all named in its events yet.
func underWay(dir string, meta *Meta) bool {
	if meta.Complete || meta.Blobs != nil {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, eventsFile))
	return err == nil && time.Since(fi.ModTime()) < 2*time.Minute
}

func removeUnneeded(blobsDir string, needed map[string]bool) (Collected, error) {
	var c Collected
	err := filepath.WalkDir(blobsDir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(blobsDir, path)
		if err != nil {
			return err
		}
		hash := strings.ReplaceAll(rel, string(filepath.Separator), "")
		if !validHash(hash) || needed[hash] {
			return nil // not a blob (a temporary file of a recording under way), or needed
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.Remove(path); err != nil {
			return err
		}
		c.Blobs++
		c.Bytes += diskBytes(fi)
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("collect blobs: %w", err)
	}
	removeEmptyDirs(blobsDir)
	return c, nil
}

// removeEmptyDirs removes the store's two-letter directories left empty.
func removeEmptyDirs(blobsDir string) {
	entries, _ := os.ReadDir(blobsDir)
	for _, e := range entries {
		if e.IsDir() {
			_ = os.Remove(filepath.Join(blobsDir, e.Name())) // fails, as it should, when not empty
		}
	}
}
