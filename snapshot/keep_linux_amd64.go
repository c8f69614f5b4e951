package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
type keeper struct {
	path   string
	warn   func(string)
	failed bool // saving failed once: said, not again
}

// load reads what earlier sessions kept; nothing when there is none. A
// file rrpy cannot read is warned about and left for the next save to
// replace.
func (k *keeper) load() ([]*anchor, map[string]uint64) {
	marks := map[string]uint64{}
	data, err := os.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, marks
	}
	var kp kept
	if err == nil {
		err = json.Unmarshal(data, &kp)
	}
	if err == nil && kp.Version != keptVersion {
		err = fmt.Errorf("format %d, this rrpy reads %d", kp.Version, keptVersion)
	}
	if err != nil {
		k.say(fmt.Sprintf("the $N names and marks of earlier sessions are lost: %s: %v", k.path, err))
		return nil, marks
	}
	anchors := make([]*anchor, len(kp.Anchors))
	for i, a := range kp.Anchors {
		anchors[i] = &anchor{addr: a.Addr, seen: a.Seen, static: a.Static, bornKnown: a.BornKnown, born: a.Born,
			aliveFrom: a.AliveFrom, died: a.Died, checked: a.Checked}
	}
	for name, t := range kp.Marks {
		marks[name] = t
	}
	return anchors, marks
}

// save writes the anchors and marks, replacing the file whole.
func (k *keeper) save(anchors []*anchor, marks map[string]uint64) error {
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

// saveOrWarn saves; a trace rrpy cannot write to (read-only, another
// user's) is said once, and the session goes on with names that will
// not last.
func (k *keeper) saveOrWarn(anchors []*anchor, marks map[string]uint64) {
	if err := k.save(anchors, marks); err != nil && !k.failed {
		k.failed = true
		k.say(fmt.Sprintf("the $N names and marks will not last past this session: %v", err))
	}
}

func (k *keeper) say(msg string) {
	if k.warn != nil {
		k.warn(msg)
	}
}

// writeWhole replaces a file by data in one rename, so that a session
// killed while saving leaves the last whole file.
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
	}
	return out
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
	return tl.keep.save(tl.anchors, tl.marks)
}
