package session

import (
	"bytes"
	"fmt"
	"io"
	"sort"

	"rrpy/trace"
)

// ReplayTree re-executes every process image of a recording, each on its
// own, and shows what they wrote to the recorded program's stdout and
// stderr in the order the recording wrote it (trace.ReadOrder). It
// returns the wait status of the program rrpy started, as its last image
// ended. A recording of one process replays as Replay does, its output
// shown as it comes.
func ReplayTree(opts ReplayOptions) (int32, error) {
	images, err := trace.Images(opts.TraceDir)
	if err != nil {
		return 0, err
	}
	if len(images) == 1 {
		return Replay(opts)
	}
	order, err := trace.ReadOrder(opts.TraceDir)
	if err != nil {
		return 0, err
	}
	written := map[trace.OutputRef][]echoed{}
	var status int32
	for _, img := range images {
		o := opts
		o.TraceDir = img.Dir
		o.Echo = func(stream, event int, data []byte) {
			ref := trace.OutputRef{Image: img.ID, Event: int64(event)}
			written[ref] = append(written[ref], echoed{stream: stream, data: bytes.Clone(data)})
		}
		st, err := Replay(o)
		if err != nil {
			return 0, fmt.Errorf("process %d (%s): %w", img.Meta.Pid, commandName(img.Meta), err)
		}
		if img.Meta.Pid == images[0].Meta.Pid {
			status = st
		}
	}
	showInOrder(opts, order, written)
	return status, nil
}

// echoed is one write replay showed.
type echoed struct {
	stream int
	data   []byte
}

// showInOrder writes what the images wrote in the recorded order, then
// what the order does not name (a recording cut off before it was
// written), image by image.
func showInOrder(opts ReplayOptions, order []trace.OutputRef, written map[trace.OutputRef][]echoed) {
	show := func(ref trace.OutputRef) {
		for _, e := range written[ref] {
			out := opts.Stdout
			if e.stream == 2 {
				out = opts.Stderr
			}
			if out != nil {
				_, _ = io.Copy(out, bytes.NewReader(e.data))
			}
		}
		delete(written, ref)
	}
	for _, ref := range order {
		show(ref)
	}
	rest := make([]trace.OutputRef, 0, len(written))
	for ref := range written {
		rest = append(rest, ref)
	}
	sort.Slice(rest, func(i, j int) bool {
		if rest[i].Image != rest[j].Image {
			return rest[i].Image < rest[j].Image
		}
		return rest[i].Event < rest[j].Event
	})
	for _, ref := range rest {
		show(ref)
	}
}

// commandName is the program an image ran, for messages.
func commandName(m *trace.Meta) string {
	if len(m.Argv) > 0 {
		return m.Argv[0]
	}
	return m.Exe
}
