package session

import (
	"bytes"
	"fmt"
	"io"
	"sort"

	"rrpy/ptrace"
	"rrpy/trace"
)

// ReplayTree re-executes every process image of a recording and shows
// what they wrote to the recorded program's stdout and stderr in the order
// the recording wrote it (trace.ReadOrder). Each forked child is replayed
// from its parent's replay as it reaches the fork, the parent waiting
// meanwhile, so that no parent is replayed twice. It returns the wait
// status of the program rrpy started, as its last image ended. A
// recording of one process replays as Replay does, its output shown as it
// comes.
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
	tr := &treeReplay{opts: opts, tracer: ptrace.NewTracer(), forked: map[int][]trace.Image{},
		written: map[trace.OutputRef][]echoed{}}
	defer tr.tracer.Close()
	for _, img := range images {
		if from := img.Meta.ForkedFrom; from != nil {
			tr.forked[from.Image] = append(tr.forked[from.Image], img)
		}
	}
	var status int32
	for _, img := range images {
		if img.Meta.ForkedFrom != nil {
			continue // replayed from its parent's replay
		}
		st, err := tr.replayImage(img, nil, nil)
		if err != nil {
			return 0, err
		}
		if img.Meta.Pid == images[0].Meta.Pid {
			status = st
		}
	}
	showInOrder(opts, order, tr.written)
	return status, nil
}

// treeReplay is the replay of a whole recording.
type treeReplay struct {
	opts    ReplayOptions
	tracer  *ptrace.Tracer
	forked  map[int][]trace.Image // the forked images, by their parent's id
	written map[trace.OutputRef][]echoed
}

// replayImage replays one image to its end: launched, or, for a forked
// image, from child, the process its parent's replay p forked.
func (tr *treeReplay) replayImage(img trace.Image, p *replayer, child *ptrace.Proc) (int32, error) {
	o := tr.opts
	o.TraceDir = img.Dir
	o.Echo = func(stream, event int, data []byte) {
		ref := trace.OutputRef{Image: img.ID, Event: int64(event)}
		tr.written[ref] = append(tr.written[ref], echoed{stream: stream, data: bytes.Clone(data)})
	}
	r, err := loadReplayer(o)
	if err != nil {
		return 0, inProcess(img, err)
	}
	r.showOutput = true
	r.forks = map[int]forkHook{}
	for _, c := range tr.forked[img.ID] {
		if ev := c.Meta.ForkedFrom.Event; ev >= 0 {
			r.forks[int(ev)] = func(t *rtask, regs ptrace.Regs, fork *trace.Event) error {
				return tr.replayChild(r, c, t, regs, fork)
			}
		}
	}
	if child != nil {
		r.adoptForked(p, child)
	} else if err := r.start(tr.tracer); err != nil {
		r.scratch.remove()
		r.kill()
		return 0, inProcess(img, err)
	}
	defer r.scratch.remove()
	var status int32
	if err := tr.tracer.Run(func() (err error) { status, err = r.runToEnd(); return err }); err != nil {
		r.kill()
		return 0, inProcess(img, err)
	}
	return status, nil
}

// replayChild forks the child of image img where its parent's replay r
// stands at the fork, and replays it to its end; r goes on after.
func (tr *treeReplay) replayChild(r *replayer, img trace.Image, t *rtask, regs ptrace.Regs, ev *trace.Event) error {
	child, err := r.forkChild(t, regs, ev)
	if err != nil {
		return err
	}
	_, err = tr.replayImage(img, r, child)
	return err
}

// inProcess says which process a replay error is about.
func inProcess(img trace.Image, err error) error {
	return fmt.Errorf("process %d (%s): %w", img.Meta.Pid, commandName(img.Meta), err)
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
