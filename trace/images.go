package trace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// A recording of a process tree holds one trace per process image: the
// program rrpy started (the trace directory itself, image 0), and each
// process it forked and each image an execve made, under DIR/procs/ID,
// numbered in the order they began. Each image's trace is complete in
// itself (meta.json, events); they share the blob store and the packed
// blobs of the root.
const imagesDir = "procs"

// ImageDir is where image id of the recording in traceDir keeps its trace.
func ImageDir(traceDir string, id int) string {
	if id == 0 {
		return traceDir
	}
	return filepath.Join(traceDir, imagesDir, strconv.Itoa(id))
}

// Origin is where a forked image began: a copy of its parent image at the
// parent's fork event.
type Origin struct {
	Image int   // the parent image's id
	Event int64 // the index of the parent's fork syscall event, -1 until it is written
}

// Image is one process image of a recording.
type Image struct {
	ID   int
	Dir  string
	Meta *Meta
}

// Images lists the process images of the recording in traceDir, the
// program rrpy started first, then in the order they began.
func Images(traceDir string) ([]Image, error) {
	root, err := readMeta(traceDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is %w (no %s)", traceDir, ErrNotTrace, metaFile)
	}
	if err != nil {
		return nil, err
	}
	out := []Image{{ID: 0, Dir: traceDir, Meta: root}}
	ids, err := imageIDs(traceDir)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		dir := ImageDir(traceDir, id)
		m, err := readMeta(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // cut off before its meta was written: nothing to replay
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Image{ID: id, Dir: dir, Meta: m})
	}
	return out, nil
}

// imageIDs returns the ids of the images under traceDir/procs, sorted.
func imageIDs(traceDir string) ([]int, error) {
	entries, err := os.ReadDir(filepath.Join(traceDir, imagesDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list process images: %w", err)
	}
	var ids []int
	for _, e := range entries {
		if id, err := strconv.Atoi(e.Name()); err == nil && id > 0 && e.IsDir() {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	return ids, nil
}

// RecordingOf returns the directory of the recording the trace of a
// process image in dir belongs to: dir itself for the first image.
func RecordingOf(dir string) string {
	parent := filepath.Dir(filepath.Clean(dir))
	if filepath.Base(parent) == imagesDir {
		return filepath.Dir(parent)
	}
	return dir
}

// LastImageOf returns the last image of process pid in a recording's
// images: the program its last execve started, if it made any.
func LastImageOf(images []Image, pid int) (Image, bool) {
	var found Image
	ok := false
	for _, img := range images {
		if img.Meta.Pid == pid && (!ok || img.ID > found.ID) {
			found, ok = img, true
		}
	}
	return found, ok
}
