package session

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
	"rrpy/pyframes"
	"rrpy/trace"
)

// recImage is one process image being recorded: the program rrpy started,
// a process it forked, or the program an execve put in one of them. Each
// has a trace of its own (trace.ImageDir); the scheduler runs the threads
// of all of them one at a time, so that what they share (memory, files,
// pipes) changes in an order each trace can say.
type recImage struct {
	id      int // its number in the recording, 0 for the program rrpy started
	pid     int
	proc    *ptrace.Proc // its first thread, to read its memory
	w       *trace.Writer
	exiting *task // the thread that called exit_group: the others' ends are not events
	probe   pyProbe
	// gil is the address of CPython's GIL, once looked up, and gilReader
	// reads it through mem, made once.
	gil       uint64
	gilReader *pyframes.Reader
	mem       *os.File // the process's memory file, which outlives any one thread: ticks, the GIL
	shared    sharedView
	// forks are the children it forked whose fork event is not written
	// yet, by pid: their traces say at which event they began.
	forks map[int]*recImage
	// closing is how the image ended, set when it ended before its
	// parent's fork event was written (a vfork child execs before its
	// parent's clone returns): its trace is closed once that is known.
	closing *imageEnd
}

type imageEnd struct {
	status   int32
	complete bool
}

// forkPending tells whether the image's parent has not written the fork
// event it began at yet.
func (img *recImage) forkPending() bool {
	from := img.w.Meta().ForkedFrom
	return from != nil && from.Event < 0
}

// closeWriter ends the image's trace: complete with status, or cut off.
// The first image's trace is closed last, by Record, so that a trace whose
// root says complete is complete.
func (img *recImage) closeWriter(status int32, complete bool) error {
	if img.w == nil {
		return nil
	}
	w := img.w
	img.w = nil
	if complete {
		return w.Close(status)
	}
	return w.Abort()
}

// liveProcesses are the pids of the processes being recorded, for the
// goroutines beside the tracer that may have to kill them all.
type liveProcesses struct {
	mu   sync.Mutex
	pids map[int]bool
}

func (l *liveProcesses) add(pid int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pids == nil {
		l.pids = map[int]bool{}
	}
	l.pids[pid] = true
}

func (l *liveProcesses) remove(pid int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.pids, pid)
}

// killAll kills every process being recorded.
func (l *liveProcesses) killAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for pid := range l.pids {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
}

// newImage registers a process image whose trace is open.
func (r *recorder) newImage(pid int, w *trace.Writer, id int) *recImage {
	img := &recImage{id: id, pid: pid, w: w, forks: map[int]*recImage{}}
	r.images[pid] = img
	r.allImages = append(r.allImages, img)
	r.live.add(pid)
	return img
}

// nextImageID numbers the images in the order they begin.
func (r *recorder) nextImageID() int {
	r.imageCount++
	return r.imageCount
}

// forkProcess takes in a child a recorded process forked: it is recorded
// from its first instruction, into a trace of its own that begins as a
// copy of its parent's image at the fork, which replay reaches by
// replaying the parent.
func (r *recorder) forkProcess(parent *task, child *ptrace.Proc) error {
	id := r.nextImageID()
	pm := parent.img.w.Meta()
	meta := &trace.Meta{
		RrpyVersion: pm.RrpyVersion, Argv: pm.Argv, Env: pm.Env, Cwd: pm.Cwd,
		Exe: pm.Exe, ExeBlob: pm.ExeBlob, Interp: pm.Interp, InterpBlob: pm.InterpBlob,
		CPU: pm.CPU, StackRlimit: pm.StackRlimit, Clock: pm.Clock, Start: time.Now(),
		Pid: child.Pid, ParentPid: parent.img.pid,
		ForkedFrom: &trace.Origin{Image: parent.img.id, Event: -1},
		Sources:    maps.Clone(pm.Sources), // what its Python looked at so far is its own past too
	}
	w, err := trace.Create(trace.ImageDir(r.opts.TraceDir, id), meta)
	if err != nil {
		return fmt.Errorf("record child %d: %w", child.Pid, err)
	}
	img := r.newImage(child.Pid, w, id)
	img.proc = child
	img.probe = parent.img.probe // the same interpreter, the probe in place at the same addresses
	img.gil = parent.img.gil
	parent.img.forks[child.Pid] = img
	if img.probe.installed() {
		if err := r.openProbeMem(img); err != nil {
			return err
		}
	}
	if err := img.shared.start(child); err != nil {
		return err
	}
	r.addTask(child, img)
	r.policy.Ready(child.Pid) // its first turn runs it from the fork on
	return nil
}

// noteFork writes, in the trace of a child parent forked, at which event
// of the parent's trace it began: the fork's, about to be appended.
func (r *recorder) noteFork(parent *recImage, childPid int) error {
	img, ok := parent.forks[childPid]
	if !ok {
		return nil
	}
	delete(parent.forks, childPid)
	if img.w == nil {
		return nil // aborted
	}
	img.w.Meta().ForkedFrom.Event = parent.w.Events()
	if end := img.closing; end != nil {
		return img.closeWriter(end.status, end.complete)
	}
	return img.w.SaveMeta()
}

// endImageAtExec ends the trace of t's image as its execve succeeds: the
// trace's last event says the image ended there, and which image follows
// (begun at the execve's exit, startExecImage). The kernel has ended the
// process's other threads.
func (r *recorder) endImageAtExec(t *task) error {
	old := t.img
	if t.tid != old.pid {
		return fmt.Errorf("process %d: a thread other than the main one called execve, which rrpy cannot record yet", old.pid)
	}
	for tid, other := range r.tasks {
		if other.img == old && other != t {
			delete(r.tasks, tid)
			r.policy.Remove(tid)
			other.proc.Forget()
		}
	}
	if err := old.w.Append(&trace.Event{Kind: trace.KindExit, Tid: int32(t.tid), Nr: unix.SYS_EXECVE}); err != nil {
		return err
	}
	// The id is taken now: other processes may begin images before
	// this execve's exit stop comes.
	t.execImage = r.nextImageID()
	old.w.Meta().ExecedAs = t.execImage
	return r.endImage(old, 0, true)
}

// startExecImage begins the trace of the program an execve put in t's
// process, at the execve's exit: from there it replays on its own, as the
// program rrpy started does.
func (r *recorder) startExecImage(t *task) error {
	id := t.execImage
	t.execImage = 0
	t.proc.Execed()
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", t.tid))
	if err != nil {
		return fmt.Errorf("the program process %d exec'd: %w", t.tid, err)
	}
	return r.startImage(t, id, exe)
}

// endImage forgets an image that ended, closing its trace, complete or
// cut off (the first image's is closed by Record).
func (r *recorder) endImage(img *recImage, status int32, complete bool) error {
	if r.images[img.pid] == img {
		delete(r.images, img.pid)
	}
	if img.mem != nil {
		img.mem.Close()
		img.mem = nil
	}
	if r.order != nil {
		if err := r.order.Flush(); err != nil {
			return err
		}
	}
	switch {
	case img.id == 0:
		return nil
	case img.forkPending():
		img.closing = &imageEnd{status: status, complete: complete}
		return nil
	}
	return img.closeWriter(status, complete)
}

// abortImages leaves the traces of the images still recorded cut off.
func (r *recorder) abortImages() error {
	var errs []error
	for _, img := range r.allImages {
		if img.id != 0 {
			errs = append(errs, img.closeWriter(0, false))
		}
	}
	return errors.Join(errs...)
}

// noteCall keeps what a call changed of the bookkeeping of processes: the
// shared mappings to compare, the event a forked child began at.
func (r *recorder) noteCall(t *task, e *syscallEntry, result int64) error {
	if isError(result) {
		return nil
	}
	switch e.nr {
	case unix.SYS_MMAP:
		if e.args[3]&unix.MAP_SHARED != 0 {
			t.img.shared.mappingsChanged()
		}
	case unix.SYS_MUNMAP, unix.SYS_MREMAP, unix.SYS_SHMAT, unix.SYS_SHMDT:
		t.img.shared.mappingsChanged()
	case unix.SYS_FORK, unix.SYS_VFORK, unix.SYS_CLONE:
		if result > 0 {
			return r.noteFork(t.img, int(result))
		}
	}
	return nil
}

// switchImage is called as t is about to run user code after another
// process's thread did: what the other processes changed in the memory
// t's process shares with them is recorded before t runs on.
func (r *recorder) switchImage(t *task) error {
	if prev := r.userImage; prev != nil && r.images[prev.pid] == prev {
		// What prev saw as it stops running, its own writes included:
		// only others' writes are news to it next time. It may be dying.
		_ = prev.shared.look(prev.proc)
	}
	r.userImage = t.img
	writes, err := t.img.shared.changes(t.img.proc)
	if err != nil || len(writes) == 0 {
		return err
	}
	return t.img.w.Append(&trace.Event{Kind: trace.KindShared, Tid: int32(t.tid), Writes: writes})
}

// noteOutput notes the order of a write among all processes' writes: a
// replay of the tree shows them so. (Noted from the start: the first fork
// may come after the program wrote.)
func (r *recorder) noteOutput(t *task, e *syscallEntry, result int64) error {
	if result <= 0 || (e.nr != unix.SYS_WRITE && e.nr != unix.SYS_WRITEV) {
		return nil
	}
	return r.order.Note(trace.OutputRef{Image: t.img.id, Event: t.img.w.Events() - 1})
}

// fileKey identifies an open file by device and inode.
type fileKey struct{ dev, ino uint64 }

func keyOf(fi os.FileInfo) (fileKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{dev: st.Dev, ino: st.Ino}, true
}

// terminalFds says which fds of a process that just exec'd write where the
// recorded program's stdout and stderr wrote: replay shows their writes.
func (r *recorder) terminalFds(pid int) map[uint64]uint64 {
	streams := map[fileKey]uint64{}
	for stream := 2; stream >= 1; stream-- { // stdout wins where both are one terminal
		if stream < len(r.opts.Stdio) && r.opts.Stdio[stream] != nil {
			if fi, err := r.opts.Stdio[stream].Stat(); err == nil {
				if k, ok := keyOf(fi); ok {
					streams[k] = uint64(stream)
				}
			}
		}
	}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	entries, _ := os.ReadDir(dir)
	out := map[uint64]uint64{}
	for _, e := range entries {
		fd, err := strconv.ParseUint(e.Name(), 10, 32)
		if err != nil {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if k, ok := keyOf(fi); ok {
			if stream, found := streams[k]; found {
				out[fd] = stream
			}
		}
	}
	// fd 2 on a terminal that is both stdout and stderr stays stderr.
	if out[2] == 1 && len(r.opts.Stdio) > 2 && sameFile(r.opts.Stdio[1], r.opts.Stdio[2]) {
		out[2] = 2
	}
	return out
}

func sameFile(a, b *os.File) bool {
	if a == nil || b == nil {
		return false
	}
	fa, err1 := a.Stat()
	fb, err2 := b.Stat()
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// sayOthersRemain tells the user, as the program rrpy started ends, that
// processes it started run on, and that the recording waits for them (as
// rr's does): a program's shell would have returned here.
func (r *recorder) sayOthersRemain(root *recImage) {
	var pids []int
	for pid, img := range r.images {
		if img != root {
			pids = append(pids, pid)
		}
	}
	if len(pids) == 0 {
		return
	}
	slices.Sort(pids)
	r.warnUser(fmt.Sprintf("the program ended; %d process(es) it started still run (pids %s): "+
		"the recording goes on until they end (Ctrl-C stops it, keeping the trace)", len(pids), strings.Trim(fmt.Sprint(pids), "[]")))
}
