package session

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"rrpy/linux_amd64"
	"rrpy/ptrace"
	"rrpy/pyframes"
	"rrpy/sched"
	"rrpy/syscalls"
	"rrpy/trace"
)

// recorder is the record session: it resumes the tracee's threads from
// stop to stop, one running user code at a time, and turns each stop into
// trace events.
type recorder struct {
	opts   RecordOptions
	tracer *ptrace.Tracer
	tasks  map[int]*task // the threads of every process recorded
	early  map[int]bool  // new tasks whose first stop came before their creator's event
	policy *sched.Policy
	// images are the process images being recorded, by pid; allImages
	// every one begun, in order (the first is the program rrpy started).
	images      map[int]*recImage
	allImages   []*recImage
	imageCount  int
	live        liveProcesses
	rootPid     int
	status      int32              // the wait status of the program rrpy started, once it ended
	userImage   *recImage          // the image whose user code ran last: another's turn compares shared memory
	order       *trace.OrderWriter // the order of all images' writes (trace.CreateOrder)
	warned      map[string]bool
	lastTSC     uint64 // the last value given to a trapped rdtsc
	interrupted atomic.Bool
	stalled     atomic.Bool  // stopped at the stall limit
	lastStop    atomic.Int64 // when a stop was last handled (unix ns), for the spin watchdog
	replacedAt  int64        // when a syscall exit last looked whether the clock was replaced (unix ns)
	ownAffinity bool         // the program set its own CPU affinity: it is told the truth
	warnedSpin  atomic.Bool
	spinRisk    atomic.Bool // a thread runs user code while another waits for a turn, for the watchdog
	// tickDue is when (unix ns) the running thread should be stopped at
	// its next stop point, to let another thread run or to deliver a held
	// signal; 0 for never. The ticker goroutine asks the probe for it.
	tickDue atomic.Int64
	tickMem atomic.Pointer[os.File] // the running thread's process memory, for the ticker goroutine
}

// task is one traced thread.
type task struct {
	proc       *ptrace.Proc
	tid        int
	img        *recImage     // the process image it runs in
	execImage  int           // its execve succeeded: its exit stop begins this image
	entry      *syscallEntry // set between a syscall's entry and exit stops: &call
	call       syscallEntry  // the syscall it is in, kept here to spare an allocation a call
	inKernel   bool          // resumed into its syscall, its exit stop to come
	announced  bool          // its entry was written as a SyscallEnter event
	atBoundary bool          // its last stop was a syscall exit
	exitRegs   ptrace.Regs   // its registers as it left that exit stop
	held       []unix.Signal // async signals waiting for its next syscall
	deliver    unix.Signal   // to deliver when next resumed
	stopped    bool          // at a ptrace stop: only rrpy can make it go on
	entered    time.Time     // when it was resumed into its syscall
	// interrupted is its last call a signal interrupted for the kernel
	// to restart: what restart_syscall finishes (outputsOf).
	interrupted syscallEntry
}

type syscallEntry struct {
	nr      int
	args    [6]uint64 // as the program passed them, before any rewrite
	sc      *syscalls.Syscall
	refused bool
	vfork   *vforkWatch // a clone whose child shares the memory until it execs
}

// Record runs a program to its end under trace, writing the trace, and
// returns the program's wait status.
func Record(opts RecordOptions) (int32, error) {
	tracer := ptrace.NewTracer()
	defer tracer.Close()
	proc, err := tracer.Launch(ptrace.LaunchOptions{
		Path: opts.Path, Argv: opts.Argv, Env: opts.Env, Files: opts.Stdio,
	})
	if err != nil {
		return 0, err
	}
	r := &recorder{opts: opts, tracer: tracer, tasks: map[int]*task{}, early: map[int]bool{},
		policy: sched.New(sched.DefaultSlice), warned: map[string]bool{}, images: map[int]*recImage{},
		rootPid: proc.Pid}
	if err := r.startImage(r.addTask(proc, nil), 0, opts.Path); err != nil {
		proc.Kill()
		return 0, err
	}
	done := make(chan struct{})
	defer close(done)
	go r.killOnStop(done)
	go r.watchSpins(done)
	go r.requestTicks(done)
	var status int32
	err = tracer.Run(func() (err error) { status, err = r.run(); return err })
	for _, img := range r.allImages {
		if img.mem != nil {
			img.mem.Close()
		}
	}
	root := r.allImages[0]
	if r.order != nil {
		err = errors.Join(err, r.order.Close())
	}
	if err != nil {
		r.live.killAll()
		proc.Kill()
		return 0, errors.Join(err, r.abortImages(), root.closeWriter(0, false))
	}
	if r.stalled.Load() {
		return status, errors.Join(ErrStalled, r.abortImages(), root.closeWriter(0, false))
	}
	if r.interrupted.Load() {
		return status, errors.Join(ErrInterrupted, r.abortImages(), root.closeWriter(0, false))
	}
	return status, errors.Join(r.abortImages(), root.closeWriter(status, true))
}

func (r *recorder) addTask(p *ptrace.Proc, img *recImage) *task {
	t := &task{proc: p, tid: p.Pid, img: img, stopped: true}
	r.tasks[t.tid] = t
	return t
}

func (r *recorder) killOnStop(done <-chan struct{}) {
	select {
	case <-r.opts.Stop:
		r.interrupted.Store(true)
		r.live.killAll()
	case <-done:
	}
}

// spinWarnAfter is how long a thread may run without a stop while others
// wait before rrpy says so.
const spinWarnAfter = 5 * time.Second

// watchSpins says so when a thread has run for long with neither a
// syscall nor a stop point while others wait: outside CPython's main
// interpreter (a C program, C code, a subinterpreter's thread, which has
// no probe) rrpy switches threads only at syscalls. At the stall limit it
// stops the recording, keeping the trace: the waiting threads would wait
// for as long as the spinner spins, perhaps for ever (it may spin waiting
// for them).
func (r *recorder) watchSpins(done <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			if !r.spinRisk.Load() {
				continue
			}
			quiet := time.Since(time.Unix(0, r.lastStop.Load()))
			if quiet > spinWarnAfter && r.warnedSpin.CompareAndSwap(false, true) {
				r.warnUser(fmt.Sprintf("a thread has run for %v without a syscall while others wait: "+
					"outside Python's main interpreter rrpy switches threads only at syscalls; "+
					"the recording stops at --stall-limit", spinWarnAfter))
			}
			if limit := r.opts.StallLimit; limit > 0 && quiet > limit && r.stalled.CompareAndSwap(false, true) {
				r.interrupted.Store(true) // the program's end is rrpy's doing: no exit event
				r.live.killAll()
			}
		}
	}
}

// startImage prepares a process at its exec stop (or its execve's exit)
// and opens the trace of the image, which begins with its initial stack.
func (r *recorder) startImage(t *task, id int, exe string) error {
	proc := t.proc
	regs, err := proc.Regs()
	if err != nil {
		return err
	}
	stack, err := captureStack(proc, regs.Rsp)
	if err != nil {
		return err
	}
	if err := stack.hideVDSO(); err != nil {
		return err
	}
	if err := proc.WriteMemory(stack.Addr, stack.Data); err != nil {
		return fmt.Errorf("hide the vDSO: %w", err)
	}
	if err := enableTSCTrap(proc, regs.Rip); err != nil {
		return err
	}
	var pp pyProbe
	pp.warn, pp.want = r.warn, r.opts.Clock
	if err := pp.arm(proc, &stack); err != nil {
		return err
	}
	meta, err := r.meta(&stack, exe, proc.Pid)
	if err != nil {
		return err
	}
	if id != 0 {
		meta.Outputs = r.terminalFds(proc.Pid)
	}
	w, err := trace.Create(trace.ImageDir(r.opts.TraceDir, id), meta)
	if err != nil {
		return err
	}
	if id == 0 {
		if r.order, err = trace.CreateOrder(r.opts.TraceDir); err != nil {
			return errors.Join(err, w.Abort())
		}
	}
	t.img = r.newImage(proc.Pid, w, id)
	t.img.probe, t.img.proc = pp, proc
	regs.Orig_rax = ^uint64(0) // no syscall to restart: an execve's exit stop has its number there
	return w.Append(&trace.Event{
		Kind: trace.KindExec, Tid: int32(proc.Pid), Regs: regs.Words(),
		Writes: []trace.MemWrite{{Addr: stack.Addr, Data: stack.Data}},
		Blob:   meta.ExeBlob, Path: meta.Exe,
	})
}

// run follows the tracee to its end.
func (r *recorder) run() (int32, error) {
	r.policy.Run(r.rootPid)
	if err := r.resume(r.tasks[r.rootPid]); err != nil {
		return 0, err
	}
	for {
		stop, err := r.nextStop()
		if err != nil {
			return 0, err
		}
		r.lastStop.Store(time.Now().UnixNano())
		t := r.tasks[stop.Pid]
		if t != nil {
			t.stopped = true
		}
		switch {
		case t == nil && stop.Kind != ptrace.StopExited:
			r.early[stop.Pid] = true // a new thread, before its creator's clone event
			continue
		case t == nil:
			continue
		case stop.Kind == ptrace.StopExited && t.tid == t.img.pid:
			if err := r.processExited(t, stop.Status); err != nil {
				return 0, err
			}
			if len(r.images) == 0 {
				return r.status, nil
			}
		case stop.Kind == ptrace.StopExited:
			if err := r.threadExited(t, stop.Status); err != nil {
				return 0, err
			}
		default:
			err = r.onStop(t, stop)
			if errors.Is(err, unix.ESRCH) {
				continue // killed from outside: its exit stop follows
			}
			if err != nil {
				return 0, err
			}
		}
		if err := r.schedule(); err != nil && !errors.Is(err, unix.ESRCH) {
			return 0, err // ESRCH: killed from outside, its exit stop follows
		}
	}
}

// publish tells the goroutines beside the tracer what the running thread
// is doing: when to tick it, and whether it may spin unseen. Called
// whenever the CPU may have changed hands: a switch that armed no tick
// would leave a computing thread running forever while others wait.
func (r *recorder) publish() {
	cur := r.running()
	r.spinRisk.Store(cur != nil && !cur.inKernel && r.policy.Waiting())
	if cur != nil && cur.img.mem != nil {
		r.tickMem.Store(cur.img.mem)
	}
	r.tickDue.Store(r.nextTick(cur))
}

// nextStop waits for the next stop of any thread. A thread that enters
// a syscall while another waits for a turn makes way at once (when
// mayRunBeside allows), its syscall finishing in the background: as on a
// real machine, where CPython counts on a thread waiting for the GIL to
// take it while the holder is in a syscall. (Waiting for the holder to
// come back first made a thread pool record five times slower: the
// waiter sat out the GIL's 5 ms timeouts.)
//
// Two kinds of call make way only once they are seen to block: a call
// made holding the GIL (CPython lets go of it around calls that may
// block, so this one is short, and no other thread could run Python code
// meanwhile: handing over would only make the next thread wait for the
// GIL in its turn, a futex dance that made a thread pool's recording
// 200x plain python's futex calls), and a visible call (a write, whose
// order the world sees; one that waits for a full pipe or socket must
// let the thread that reads it run, or the recording hangs).
func (r *recorder) nextStop() (ptrace.Stop, error) {
	cur := r.running()
	if cur == nil || !cur.inKernel || !r.policy.Waiting() {
		return r.waitAny()
	}
	call := cur.restarted(cur.entry)
	switch {
	case mayRunBeside(call) && !r.holdsGIL(cur):
	case mayRunBeside(call) || mayRunBesideBlocked(call):
		if stop, ok, err := r.waitUntilBlocked(cur); ok || err != nil {
			return stop, err
		}
	default:
		return r.waitAny()
	}
	if err := r.leaveInKernel(cur); err != nil {
		return ptrace.Stop{}, err
	}
	if err := r.schedule(); err != nil {
		return ptrace.Stop{}, err
	}
	return r.waitAny()
}

func (r *recorder) waitAny() (ptrace.Stop, error) {
	r.publish()
	stop, _, err := r.tracer.WaitAny(false)
	return stop, err
}

// blockedAfter is how long a syscall that should be short may take
// before it is deemed blocked: a clock read, a futex wake or a write to
// a pipe with room takes microseconds.
const blockedAfter = 2 * time.Millisecond

// waitUntilBlocked waits for a stop until t has been blockedAfter in its
// syscall, and says whether one came. wait4 has no timeout: it polls,
// yielding the CPU, which the tracer shares with its tracees, between
// tries.
func (r *recorder) waitUntilBlocked(t *task) (ptrace.Stop, bool, error) {
	deadline := t.entered.Add(blockedAfter)
	for {
		stop, ok, err := r.tracer.WaitAny(true)
		if ok || err != nil || time.Now().After(deadline) {
			return stop, ok, err
		}
		_, _, _ = unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
	}
}

// holdsGIL reports whether t holds CPython's GIL now. It runs at syscall
// entries while threads wait: the GIL's place and its reader are looked
// up once, the reader over the memory file that outlives any one thread.
func (r *recorder) holdsGIL(t *task) bool {
	img := t.img
	if !img.probe.installed() || img.mem == nil {
		return false
	}
	if img.gilReader == nil {
		img.gilReader = pyframes.NewReader(fileMemory{img.mem}, img.probe.py)
	}
	if img.gil == 0 {
		gil, err := img.gilReader.GIL()
		if err != nil || gil == 0 {
			return false
		}
		img.gil = gil
	}
	owner, err := img.gilReader.GILOwner(img.gil)
	return err == nil && owner == t.tid
}

// mayRunBeside reports whether other threads may run user code while this
// syscall is in the kernel. Emulated calls may: all their effect on the
// process is their result and declared outputs, which replay writes back
// when it answers them. Calls that change shared state for real (exit
// clearing its tid for pthread_join, mappings, clone, signal dispositions)
// must finish first, or the others would see the change at a moment
// replay cannot find again, and so must calls whose order the world sees
// (Visible: a write left to finish in the background could land after a
// later one of another thread, and replay would show them swapped); pause and
// rt_sigsuspend wait for another thread's signal, so they cannot.
func mayRunBeside(e *syscallEntry) bool {
	if e == nil || e.sc == nil || e.refused {
		return false
	}
	if e.sc.Visible {
		return false
	}
	// A vfork's parent waits in the kernel for its child, which must run.
	return e.sc.Policy == syscalls.Emulate || e.sc.Name == "pause" || e.sc.Name == "rt_sigsuspend" || e.vfork != nil
}

// mayRunBesideBlocked reports whether other threads may run while this
// syscall blocks: an emulated visible call. Its order among other
// threads' calls is then the order of their exits, as rrpy sees them.
func mayRunBesideBlocked(e *syscallEntry) bool {
	return e != nil && e.sc != nil && !e.refused && e.sc.Visible && e.sc.Policy == syscalls.Emulate
}

// leaveInKernel takes the CPU from a thread blocked in a syscall. Replay
// must run its user code up to that syscall before the others run theirs:
// a SyscallEnter event says so.
func (r *recorder) leaveInKernel(t *task) error {
	r.policy.Yield()
	if t.announced {
		return nil
	}
	t.announced = true
	return t.img.w.Append(&trace.Event{Kind: trace.KindSyscallEnter, Tid: int32(t.tid), Nr: int32(t.entry.nr), Args: t.entry.args})
}

// running returns the task that has the CPU, if any.
func (r *recorder) running() *task {
	tid, ok := r.policy.Running()
	if !ok {
		return nil
	}
	return r.tasks[tid]
}

// schedule makes sure a thread runs when one can: the running one keeps
// the CPU until, at a syscall exit, its slice is over and another waits.
// Never at an entry: its user code has run, and replay would run it after
// the next thread's unless the trace said so.
func (r *recorder) schedule() error {
	if cur := r.running(); cur != nil {
		if cur.inKernel || !cur.stopped {
			return nil // on its way: it can be switched only at its next stop
		}
		if cur.entry != nil || !r.policy.SliceOver() {
			return r.resume(cur)
		}
		r.policy.Ready(cur.tid)
	}
	tid, ok := r.policy.Next()
	if !ok {
		return nil // every thread is in the kernel
	}
	return r.resume(r.tasks[tid])
}

// resume lets a stopped task go on: into the kernel if it stands at a
// syscall entry, else back to user code.
func (r *recorder) resume(t *task) error {
	if !t.stopped {
		return nil // already on its way
	}
	if t.entry == nil && r.userImage != t.img {
		if err := r.switchImage(t); err != nil {
			return err
		}
	}
	t.stopped = false
	sig := t.deliver
	t.deliver = 0
	if t.entry != nil {
		t.inKernel, t.entered = true, time.Now()
	}
	return t.proc.Resume(ptrace.ToSyscall, sig)
}

// onStop turns one stop of a task into trace events.
func (r *recorder) onStop(t *task, stop ptrace.Stop) (err error) {
	wasBoundary := t.atBoundary
	t.atBoundary = false
	switch stop.Kind {
	case ptrace.StopSyscall:
		return r.onSyscall(t)
	case ptrace.StopSignal:
		t.deliver, err = r.onSignal(t, stop.Signal, wasBoundary)
		return err
	case ptrace.StopFork:
		if err := r.onNewTask(t, stop.Child, stop.Clone); err != nil {
			return err
		}
	case ptrace.StopExec:
		if err := r.endImageAtExec(t); err != nil {
			return err
		}
	}
	if t.inKernel {
		// An event stop in the middle of a syscall: it goes on to the
		// syscall's exit stop.
		return r.resume(t)
	}
	return nil
}

// processExited ends the trace of a process image with how it ended,
// unless rrpy itself killed it: then the trace stays cut off where the
// stop came. The event names the thread that ended the process (its
// exit_group), which replay must run to that point.
func (r *recorder) processExited(leader *task, status unix.WaitStatus) error {
	img := leader.img
	delete(r.tasks, leader.tid)
	r.policy.Remove(leader.tid)
	leader.proc.Forget()
	r.live.remove(img.pid)
	if img.pid == r.rootPid {
		r.status = int32(status)
		r.sayOthersRemain(img)
	}
	if r.interrupted.Load() {
		return r.endImage(img, int32(status), false)
	}
	by := leader
	if img.exiting != nil {
		by = img.exiting
	}
	err := img.w.Append(&trace.Event{Kind: trace.KindExit, Tid: int32(by.tid), Status: int32(status)})
	return errors.Join(err, r.endImage(img, int32(status), true))
}

// threadExited records a thread's own exit; threads ended by another's
// exit_group are not events (replay's exit_group ends them too).
func (r *recorder) threadExited(t *task, status unix.WaitStatus) error {
	delete(r.tasks, t.tid)
	r.policy.Remove(t.tid)
	t.proc.Forget()
	if t.img.exiting != nil || r.interrupted.Load() {
		return nil
	}
	return t.img.w.Append(&trace.Event{Kind: trace.KindExit, Tid: int32(t.tid), Status: int32(status)})
}

func (r *recorder) onSyscall(t *task) error {
	regs, err := t.proc.Regs()
	if err != nil {
		return err
	}
	if t.entry == nil {
		return r.onEntry(t, regs)
	}
	return r.onExit(t, regs)
}

// onEntry decides what the kernel may run: unknown and unsupportable
// calls are skipped (they fail with ENOSYS), and vfork becomes fork so the
// child cannot write into the recorded memory (CPython's _posixsubprocess
// child tells its parent everything through a pipe). A clone with
// CLONE_VM|CLONE_VFORK (posix_spawn, whose child answers through the
// memory) keeps it, and what the child wrote is recorded (vforkWatch).
func (r *recorder) onEntry(t *task, regs ptrace.Regs) error {
	t.call = syscallEntry{nr: int(regs.Orig_rax), args: regs.Args()}
	e := &t.call
	sc, known := syscalls.Lookup(e.nr)
	e.sc = sc
	rewrite := false
	switch {
	case !known || sc.Policy == syscalls.Refuse:
		e.refused = true
		regs.Orig_rax = ^uint64(0) // the kernel skips syscall -1
		rewrite = true
		r.warnRefused(e.nr, sc)
	case e.nr == unix.SYS_IOCTL && !syscalls.KnownIoctl(e.args[1]):
		r.warn(fmt.Sprintf("ioctl request %#x is not modelled: if it writes memory, replay will diverge there", e.args[1]))
	case e.nr == unix.SYS_VFORK:
		regs.Orig_rax = unix.SYS_FORK
		rewrite = true
	case e.nr == unix.SYS_CLONE && sharesMemoryUntilExec(e.args[0]):
		var err error
		if e.vfork, err = watchVfork(t.proc, regs); err != nil {
			return err
		}
	case e.nr == unix.SYS_CLONE && e.args[0]&unix.CLONE_THREAD == 0 && e.args[0]&(unix.CLONE_VM|unix.CLONE_VFORK) != 0:
		regs.Rdi &^= unix.CLONE_VM | unix.CLONE_VFORK
		rewrite = true
	case e.nr == unix.SYS_EXIT_GROUP:
		t.img.exiting = t
		// The last look: the program ends without another syscall exit.
		if err := t.img.probe.checkReplaced(t.proc); err != nil {
			return err
		}
	}
	if rewrite {
		if err := t.proc.SetRegs(regs); err != nil {
			return err
		}
	}
	t.entry = e
	return r.raiseHeld(t)
}

// raiseHeld sends the signals held back since they arrived: the syscall
// now entered completes (or is interrupted) with them pending, so they
// are delivered right after its exit stop, a point replay can find again.
func (r *recorder) raiseHeld(t *task) error {
	for _, sig := range t.held {
		if err := t.proc.Signal(sig); err != nil {
			return err
		}
	}
	t.held = t.held[:0]
	return nil
}

func (r *recorder) onExit(t *task, regs ptrace.Regs) error {
	e := t.entry
	t.entry, t.inKernel, t.announced = nil, false, false
	t.atBoundary = true
	if cur := r.running(); cur != t {
		r.policy.Ready(t.tid) // finished in the kernel while another ran
	}
	if t.execImage != 0 {
		return r.startExecImage(t)
	}
	result := regs.Result()
	if e.refused {
		result = -int64(unix.ENOSYS)
		regs.Rax = uint64(result)
		if err := t.proc.SetRegs(regs); err != nil {
			return err
		}
	}
	t.exitRegs = regs
	ev := &trace.Event{Kind: trace.KindSyscall, Tid: int32(t.tid), Nr: int32(e.nr), Args: e.args, Result: result}
	if e.sc != nil && !e.refused {
		if err := r.beforeOutputs(t, e, result); err != nil {
			return err
		}
		if err := r.readOutputs(t, t.outputsOf(e, result), ev); err != nil {
			return err
		}
		if err := r.afterOutputs(t, e, ev); err != nil {
			return err
		}
	}
	if err := r.noteCall(t, e, result); err != nil {
		return err
	}
	if err := t.img.w.Append(ev); err != nil {
		return err
	}
	if err := r.noteOutput(t, e, result); err != nil {
		return err
	}
	if e.nr == unix.SYS_CLONE && e.args[0]&unix.CLONE_THREAD != 0 && !isError(result) {
		return t.img.probe.coverThreads(t.proc)
	}
	return r.checkReplaced(t)
}

// beforeOutputs changes what a call returned before it is recorded, for
// the few calls whose answer rrpy's tracing alone made different.
func (r *recorder) beforeOutputs(t *task, e *syscallEntry, result int64) error {
	switch e.nr {
	case unix.SYS_SCHED_GETAFFINITY:
		return r.showFreeCPUs(t, e, result)
	case unix.SYS_SCHED_SETAFFINITY:
		r.noteOwnAffinity(e, result)
	}
	return nil
}

// afterOutputs keeps what only some calls need beside their outputs: the
// file a mapping maps, a Python source file the program looked at.
func (r *recorder) afterOutputs(t *task, e *syscallEntry, ev *trace.Event) error {
	if e.nr == unix.SYS_MMAP {
		return r.storeMappedFile(t, ev)
	}
	if e.vfork != nil {
		writes, err := e.vfork.changes(t.proc)
		ev.Writes = append(ev.Writes, writes...)
		return err
	}
	return r.noteSource(t, e, ev.Result)
}

// replacedEvery is how often, at most, a syscall exit looks whether the
// program took the clock away (clock.replaced: two to four reads of its
// memory). Where a guard catches the call that does it, the look only
// backs it up; where none can, the warning names a place up to this much
// later than at the syscall right after, and says "before this point".
// Every syscall would cost a syscall-heavy recording ~3 µs a call.
const replacedEvery = time.Millisecond

// checkReplaced looks whether the program took the clock away, when the
// last look is replacedEvery old.
func (r *recorder) checkReplaced(t *task) error {
	now := r.lastStop.Load()
	if now-r.replacedAt < int64(replacedEvery) {
		return nil
	}
	r.replacedAt = now
	return t.img.probe.checkReplaced(t.proc)
}

// readOutputs copies every byte the kernel wrote for this call.
func (r *recorder) readOutputs(t *task, e *syscallEntry, ev *trace.Event) error {
	regions, err := e.sc.Writes(e.args, ev.Result, t.proc)
	if err != nil {
		return fmt.Errorf("outputs of %s: %w", e.sc.Name, err)
	}
	if len(regions) == 0 {
		return nil
	}
	data, err := t.proc.ReadRegions(toRegions(regions))
	if err != nil {
		return fmt.Errorf("outputs of %s: %w", e.sc.Name, err)
	}
	ev.Writes = make([]trace.MemWrite, len(regions))
	for i, reg := range regions {
		ev.Writes[i] = trace.MemWrite{Addr: reg.Addr, Data: data[i]}
	}
	return nil
}

// storeMappedFile puts the content of a file-backed mapping into the blob
// store, read through the tracee's own descriptor so that it is the file
// the program mapped even if its path changed since.
func (r *recorder) storeMappedFile(t *task, ev *trace.Event) error {
	flags, fd := ev.Args[3], int(int32(ev.Args[4]))
	if isError(ev.Result) || flags&unix.MAP_ANONYMOUS != 0 || fd < 0 {
		return nil
	}
	fdPath := fmt.Sprintf("/proc/%d/fd/%d", t.tid, fd)
	st, err := os.Stat(fdPath)
	if err != nil {
		return fmt.Errorf("mapped file of fd %d: %w", fd, err)
	}
	ev.Path, _ = os.Readlink(fdPath)
	if !st.Mode().IsRegular() {
		r.warn(fmt.Sprintf("mapping of %s (not a regular file) replays as anonymous memory", ev.Path))
		return nil
	}
	ev.Blob, err = r.opts.Blobs.Put(fdPath)
	if err != nil {
		return fmt.Errorf("store mapped file %s: %w", ev.Path, err)
	}
	return nil
}

// onSignal decides what to deliver for a signal-delivery stop.
func (r *recorder) onSignal(t *task, sig unix.Signal, atBoundary bool) (unix.Signal, error) {
	if sig == unix.SIGTRAP {
		if handled, err := r.onTrap(t); handled || err != nil {
			return 0, err
		}
	}
	if sig == unix.SIGSEGV {
		if handled, err := r.emulateTimeInstruction(t); handled || err != nil {
			return 0, err
		}
	}
	if isSynchronous(t.proc, sig) {
		return sig, nil // a fault recurs by itself on replay
	}
	if atBoundary && r.noCodeRanSinceExit(t) {
		// Right after a syscall exit: replay raises it at the same event.
		ev := &trace.Event{Kind: trace.KindSignal, Tid: int32(t.tid), Nr: int32(sig)}
		return sig, t.img.w.Append(ev)
	}
	// In the middle of user code, a point replay could not find: hold it
	// until the next syscall.
	t.held = append(t.held, sig)
	return 0, nil
}

// noCodeRanSinceExit tells a signal delivered right as the task left its
// syscall exit stop (replay can deliver it at the same point) from one
// that arrived after it ran user code: only then did its registers change.
func (r *recorder) noCodeRanSinceExit(t *task) bool {
	regs, err := t.proc.Regs()
	return err == nil && regs == t.exitRegs
}

// emulateTimeInstruction gives a trapped rdtsc/rdtscp the host's TSC and
// records the registers it produced.
func (r *recorder) emulateTimeInstruction(t *task) (bool, error) {
	regs, insn, ok, err := trappedTimeInstruction(t.proc)
	if !ok || err != nil {
		return false, err
	}
	// rrpy may read the counter on another CPU than last time, whose TSC
	// can lag behind: the program never sees it go back.
	tsc := max(linux_amd64.ReadTSC(), r.lastTSC+1)
	r.lastTSC = tsc
	regs.Rax, regs.Rdx = tsc&0xffffffff, tsc>>32
	if insn.WithAux {
		regs.Rcx = 0
	}
	regs.Rip += uint64(insn.Len)
	if err := t.proc.SetRegs(regs); err != nil {
		return true, err
	}
	return true, t.img.w.Append(&trace.Event{Kind: trace.KindInstruction, Tid: int32(t.tid),
		Regs: []uint64{regs.Rax, regs.Rdx, regs.Rcx}})
}

// onNewTask takes in a task created by a clone or fork event of t.
func (r *recorder) onNewTask(t *task, tid int, clone bool) error {
	thread := clone && t.entry != nil && t.entry.args[0]&unix.CLONE_THREAD != 0
	child := r.tracer.Adopt(tid)
	if thread {
		child = t.proc.AdoptThread(tid)
	}
	if r.early[tid] {
		delete(r.early, tid)
	} else if err := child.AwaitFirstStop(); err != nil {
		return err
	}
	if thread {
		r.addTask(child, t.img)
		r.policy.Ready(tid) // its first turn runs it up to its first syscall
		return nil
	}
	return r.forkProcess(t, child)
}

// quietRefusals are refused by design: glibc falls back to older calls
// (no rseq area, clone instead of clone3) without the program noticing.
var quietRefusals = map[string]bool{"rseq": true, "clone3": true}

func (r *recorder) warnRefused(nr int, sc *syscalls.Syscall) {
	name := fmt.Sprintf("syscall %d", nr)
	if sc != nil {
		if quietRefusals[sc.Name] {
			return
		}
		name = sc.Name
	}
	r.warn(fmt.Sprintf("%s is not supported: the program was told ENOSYS", name))
}

// warn says a thing once, to the user and in the trace.
func (r *recorder) warn(msg string) {
	if r.warned[msg] {
		return
	}
	r.warned[msg] = true
	if r.opts.Warn != nil {
		r.opts.Warn(msg)
	}
	if len(r.allImages) > 0 && r.allImages[0].w != nil {
		m := r.allImages[0].w.Meta()
		m.Warnings = append(m.Warnings, msg)
	}
}

// warnUser tells the user, from any goroutine.
func (r *recorder) warnUser(msg string) {
	if r.opts.Warn != nil {
		r.opts.Warn(msg)
	}
}
