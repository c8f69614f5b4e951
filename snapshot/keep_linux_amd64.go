package snapshot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"rrpy/engine"
)

// keptName is the file in a trace's directory where sessions leave what
// they named for the next: the $N anchors and the marks.
const keptName = "session.json"

// keptVersion is the format of keptName; another is ignored.
const keptVersion = 1

// kept is keptName's content. An anchor's life is what the searches
// found: the replay is the same in every session, so is the object at its
// address.
type kept struct {
	Version int               `json:"version"`
	Anchors []keptAnchor      `json:"anchors"`
	Marks   map[string]uint64 `json:"marks,omitempty"`
}

type keptAnchor struct {
	Addr      uint64 `json:"addr"`
	Seen      uint64 `json:"seen"`
	Static    bool   `json:"static,omitempty"`
	BornKnown bool   `json:"born_known,omitempty"`
	Born      uint64 `json:"born,omitempty"`
	AliveFrom uint64 `json:"alive_from"`
	Died      uint64 `json:"died"`
	Checked   uint64 `json:"checked"`
}

// keeper saves and loads what a session names, in the trace's directory.
// Another session may be open on the same trace: every save reads the
// file again under a lock and merges, so each keeps what the other named.
type keeper struct {
	path   string
	warn   func(string)
	failed bool // saving failed once: said, not again
	lost   bool // the file could not be read once: said, not again
	// marked are the marks this session set: in a merge they replace the
	// file's; the others are the file's (another session may have moved
	// them).
	marked map[string]bool
}

// load reads what earlier sessions kept; nothing when there is none. A
// file rrpy cannot read is warned about and left for the next save to
// replace.
func (k *keeper) load() ([]*anchor, map[string]uint64) {
	anchors, marks, err := k.read()
	if err != nil {
		k.sayLost("earlier sessions", err)
	}
	return anchors, marks
}

// read returns the file's anchors and marks; none when there is no file.
func (k *keeper) read() ([]*anchor, map[string]uint64, error) {
	marks := map[string]uint64{}
	data, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, marks, nil
	}
	var kp kept
	if err == nil {
		err = json.Unmarshal(data, &kp)
	}
	if err == nil && kp.Version != keptVersion {
		err = fmt.Errorf("format %d, this rrpy reads %d", kp.Version, keptVersion)
	}
	if err != nil {
		return nil, marks, err
	}
	anchors := make([]*anchor, len(kp.Anchors))
	for i, a := range kp.Anchors {
		anchors[i] = &anchor{addr: a.Addr, seen: a.Seen, static: a.Static, bornKnown: a.BornKnown, born: a.Born,
			aliveFrom: a.AliveFrom, died: a.Died, checked: a.Checked}
	}
	for name, t := range kp.Marks {
		marks[name] = t
	}
	return anchors, marks, nil
}

// sync merges the session's anchors and marks with the file's, under an
// exclusive lock on the trace's directory, lets change add to the merged
// ones, and writes them whole. The merged state is returned even when
// the file could not be read or written (the error says why): the
// session goes on with it. Holding the lock from the read to the rename
// is what lets two sessions name $N in turn without both taking $0.
func (k *keeper) sync(anchors []*anchor, marks map[string]uint64, change func([]*anchor) []*anchor) ([]*anchor, map[string]uint64, error) {
	unlock, lockErr := lockDir(filepath.Dir(k.path))
	if lockErr == nil {
		defer unlock()
	}
	theirs, theirMarks, err := k.read()
	if err == nil {
		anchors = mergeAnchors(anchors, theirs)
		marks = k.mergeMarks(marks, theirMarks)
	} else {
		k.sayLost("other sessions", err) // the write replaces it by what this one knows
	}
	anchors = change(anchors)
	if lockErr != nil {
		return anchors, marks, fmt.Errorf("keep the $N names and marks: %w", lockErr)
	}
	return anchors, marks, k.write(anchors, marks)
}

// lockDir takes an exclusive flock on a directory, released by the
// function it returns. A directory opens read-only, so a trace rrpy may
// not write is still locked (and its write fails after).
func lockDir(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil // closing the last descriptor releases the lock
}

// mergeAnchors adds to mine what theirs (the file's) holds: an anchor of
// both (the same address seen at the same time) learns what the other
// found of its life; one only the file has is appended, keeping its
// number when mine has no more anchors than the file's up to it, as is
// the case when every new $N is numbered under the lock.
func mergeAnchors(mine, theirs []*anchor) []*anchor {
	for _, th := range theirs {
		i := slices.IndexFunc(mine, func(a *anchor) bool { return a.addr == th.addr && a.seen == th.seen })
		if i < 0 {
			mine = append(mine, th)
			continue
		}
		mine[i].learn(th)
	}
	return mine
}

// learn takes what another session found of the same anchor's life.
func (a *anchor) learn(o *anchor) {
	a.static = a.static || o.static
	switch {
	case o.bornKnown && !a.bornKnown:
		a.born, a.bornKnown = o.born, true
	case !a.bornKnown:
		a.aliveFrom = min(a.aliveFrom, o.aliveFrom)
	}
	if a.died == noBoundary && o.died != noBoundary {
		a.died = o.died
	}
	a.checked = max(a.checked, o.checked)
}

// mergeMarks is the file's marks with those this session set in their
// place.
func (k *keeper) mergeMarks(mine, theirs map[string]uint64) map[string]uint64 {
	out := make(map[string]uint64, len(theirs)+len(k.marked))
	for name, t := range theirs {
		out[name] = t
	}
	for name := range k.marked {
		out[name] = mine[name]
	}
	for name, t := range mine {
		if _, ok := out[name]; !ok {
			out[name] = t // loaded at the start; the file lost it since (rewritten by an older rrpy)
		}
	}
	return out
}

// write replaces the file by the anchors and marks.
func (k *keeper) write(anchors []*anchor, marks map[string]uint64) error {
	kp := kept{Version: keptVersion, Marks: marks}
	for _, a := range anchors {
		kp.Anchors = append(kp.Anchors, keptAnchor{Addr: a.addr, Seen: a.seen, Static: a.static, BornKnown: a.bornKnown,
			Born: a.born, AliveFrom: a.aliveFrom, Died: a.died, Checked: a.checked})
	}
	data, err := json.MarshalIndent(kp, "", "  ")
	if err != nil {
		return err
	}
	if err := writeWhole(k.path, data); err != nil {
		return fmt.Errorf("keep the $N names and marks: %w", err)
	}
	return nil
}

// keepSync merges the timeline's anchors and marks with the file's (see
// keeper.sync), change adding to the anchors, and warns once if they
// cannot be kept: the session goes on with names that will not last.
func (tl *Timeline) keepSync(change func([]*anchor) []*anchor) error {
	var err error
	tl.anchors, tl.marks, err = tl.keep.sync(tl.anchors, tl.marks, change)
	if err != nil && !tl.keep.failed {
		tl.keep.failed = true
		tl.keep.say(fmt.Sprintf("the $N names and marks will not last past this session: %v", err))
	}
	return err
}

// sayLost says, once, that the file could not be read.
func (k *keeper) sayLost(whose string, err error) {
	if !k.lost {
		k.lost = true
		k.say(fmt.Sprintf("the $N names and marks of %s are lost: %s: %v", whose, k.path, err))
	}
}

func (k *keeper) say(msg string) {
	if k.warn != nil {
		k.warn(msg)
	}
}

// writeWhole replaces a file by data in one rename, so that a session
// killed while saving leaves the last whole file, and a session reading
// it meanwhile the one before.
func writeWhole(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".session-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Anchors describes the $N anchors, as far as their lives are known.
func (tl *Timeline) Anchors() []engine.Anchor {
	out := make([]engine.Anchor, len(tl.anchors))
	for i, a := range tl.anchors {
		out[i] = engine.Anchor{Seen: a.seen, Static: a.static, Born: a.aliveFrom, BornKnown: a.bornKnown,
			Died: a.checked, DiedKnown: a.died != noBoundary}
		if a.bornKnown {
			out[i].Born = a.born
		}
		if a.died != noBoundary {
			out[i].Died = a.died
		}
		out[i].Lasts = a.died == noBoundary && a.checked == noBoundary
	}
	return out
}

// SearchAnchors finds the births and deaths of every anchor from the
// start of the recording to its end, and keeps them: a later session
// lists them without searching.
func (tl *Timeline) SearchAnchors(ctx context.Context) error {
	if err := tl.alive(ctx); err != nil {
		return err
	}
	all := make([]int, len(tl.anchors))
	for n := range all {
		all[n] = n
	}
	err := tl.searchLives(ctx, all, 0, noBoundary)
	_ = tl.keepSync(keepAll) // what was found, even when cut short; said once if it fails
	return err
}

// Marks returns the marked times by name.
func (tl *Timeline) Marks() map[string]uint64 {
	out := make(map[string]uint64, len(tl.marks))
	for name, t := range tl.marks {
		out[name] = t
	}
	return out
}

// Mark names a time and keeps it with the trace; if it cannot, the mark
// lasts this session and the error says why.
func (tl *Timeline) Mark(name string, t uint64) error {
	tl.marks[name] = t
	if tl.keep.marked == nil {
		tl.keep.marked = map[string]bool{}
	}
	tl.keep.marked[name] = true
	var err error
	tl.anchors, tl.marks, err = tl.keep.sync(tl.anchors, tl.marks, keepAll)
	return err
}

// keepAll is a sync's change that adds nothing.
func keepAll(anchors []*anchor) []*anchor { return anchors }

// Searching is engine.Searcher's: while on, the replay runs as for an
// anchor's life, its output unshown and the frontier where it was.
func (tl *Timeline) Searching(on bool) bool {
	was := tl.quiet
	tl.quiet = on
	return was
}
