package session

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"rrpy/probe"
	"rrpy/ptrace"
	"rrpy/syscalls"
	"rrpy/trace"
)

// replayer is the replay session: it resumes the tracee from syscall to
// syscall under PTRACE_SYSEMU and answers each from the trace.
type replayer struct {
	opts       ReplayOptions
	main       *rtask
	tasks      map[int32]*rtask // by the tid they had when recorded
	meta       *trace.Meta
	evs        []*trace.Event // the whole trace, shared by checkpoints
	endErr     error          // why evs ends: io.EOF or trace.ErrIncomplete
	index      int            // the next event the tracee must do, counted from 0 at the exec
	scratch    *scratchFile
	exited     *ptrace.Stop // set once the process ended
	probe      pyProbe
	cond       probe.Conditions  // what the user waits for
	armed      *probe.Conditions // what the probe was last told, nil when unknown
	trap       *Trap             // set when the probe trapped for cond
	last       uint64            // the probe's time when the program ended
	showOutput bool              // show what the program writes to its outputs
	outputs    outputFds         // which fds are its stdout and stderr
	watched    []uint64          // words whose writes are logged (WatchWords)
	writes     []WordWrite       // the log
	// interrupted is set by another goroutine to stop a run at the next
	// stop point; nil when nothing can interrupt.
	interrupted *atomic.Bool
	// parent is the replay of the image a forked child's image began as a
	// copy of: replayed up to its fork first (forks.go).
	parent *replayer
	// forks are the fork events whose child replay takes on, by event
	// index (forks.go); forked is the child when this replay was only the
	// way to it (its run stops there).
	forks  map[int]forkHook
	forked *ptrace.Proc
	// indexLines keeps the probe's index of lines run on, whatever the
	// conditions (a session under control: StartSession).
	indexLines bool
}

// rtask is one thread of the replayed process. Only the thread the next
// event names is resumed, so the threads interleave as recorded.
type rtask struct {
	proc    *ptrace.Proc
	recTid  int32
	atEntry bool // stopped at a syscall entry the trace marked SyscallEnter: its exit event answers it
	deliver unix.Signal
	expect  map[unix.Signal]int // signals rrpy raised and must let through
	// restart: its last call was interrupted for a signal, and no signal
	// has been raised for it since: the kernel restarted the call when
	// recorded (restartIfNoSignal).
	restart bool
}

// Replay re-executes a recording to its end and returns the recorded
// program's wait status.
func Replay(opts ReplayOptions) (int32, error) {
	r, err := newReplayer(opts)
	if err != nil {
		return 0, err
	}
	tracer := ptrace.NewTracer()
	defer tracer.Close()
	err = r.start(tracer)
	defer r.scratch.remove()
	if err != nil {
		r.kill()
		return 0, err
	}
	r.showOutput = true
	var status int32
	err = tracer.Run(func() (err error) { status, err = r.runToEnd(); return err })
	if err != nil {
		r.kill()
	}
	return status, err
}

// newReplayer reads the whole trace (checkpoints go back and forth in
// it) and, for a forked child's image, its parent's.
func newReplayer(opts ReplayOptions) (*replayer, error) {
	r, err := loadReplayer(opts)
	if err != nil {
		return nil, err
	}
	return r, r.findParent()
}

// loadReplayer reads the whole trace of one image.
func loadReplayer(opts ReplayOptions) (*replayer, error) {
	events, err := trace.Open(opts.TraceDir)
	if err != nil {
		return nil, err
	}
	defer events.Close()
	r := &replayer{opts: opts, meta: events.Meta(), tasks: map[int32]*rtask{}, outputs: newOutputFds()}
	if r.meta.Outputs != nil {
		r.outputs = outputFds(r.meta.Outputs).clone()
	}
	for {
		ev, err := events.Next()
		if errors.Is(err, io.EOF) || errors.Is(err, trace.ErrIncomplete) {
			r.endErr = err
			return r, nil
		}
		if err != nil {
			return nil, err
		}
		r.evs = append(r.evs, ev)
	}
}

func (r *replayer) kill() {
	switch {
	case r.main == nil:
	case len(r.tasks) == 1:
		r.main.proc.KillAlone() // a checkpoint: other tracees' stops must stay
	default:
		r.main.proc.Kill()
	}
}

// peek returns the event the tracee must do next.
func (r *replayer) peek() (*trace.Event, error) {
	if r.index < len(r.evs) {
		return r.evs[r.index], nil
	}
	if errors.Is(r.endErr, trace.ErrIncomplete) {
		return nil, &EndedEarlyError{Events: r.index}
	}
	return nil, &DivergenceError{Event: r.index, Detail: "the trace ends here but the program goes on"}
}

// consume marks the peeked event as done.
func (r *replayer) consume() { r.index++ }

// start launches the recorded executable and gives it the recorded
// initial image, so every address is as it was when recorded.
func (r *replayer) start(tracer *ptrace.Tracer) error {
	if r.parent != nil {
		return r.startForked(tracer)
	}
	meta := r.meta
	if cpu := cpuModel(); cpu != meta.CPU {
		// cpuid is not trapped here: libraries that pick code paths by
		// CPU features may do something else than when recorded.
		r.warn(fmt.Sprintf("recorded on a %s, replaying on a %s: replay may diverge", meta.CPU, cpu))
	}
	if err := checkBlobs(meta, r.opts.Blobs); err != nil {
		return err
	}
	exe, scratch, err := executableFor(meta, r.opts.Blobs)
	if err != nil {
		return err
	}
	r.scratch = scratch
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer devnull.Close()
	proc, err := tracer.Launch(ptrace.LaunchOptions{
		Path: exe, Argv: meta.Argv, Env: meta.Env, Dir: existingDir(meta.Cwd),
		Files:           []*os.File{devnull, devnull, devnull},
		NewProcessGroup: true, StackRlimit: meta.StackRlimit,
	})
	if err != nil {
		return err
	}
	r.main = &rtask{proc: proc, expect: map[unix.Signal]int{}}
	ev, err := r.peek()
	if err != nil {
		return err
	}
	if ev.Kind != trace.KindExec || len(ev.Writes) != 1 {
		return &DivergenceError{Event: r.index, Detail: "the trace does not start with the program's exec"}
	}
	r.consume()
	r.main.recTid = ev.Tid
	r.tasks[ev.Tid] = r.main
	return r.restoreImage(ev)
}

func (r *replayer) addTask(p *ptrace.Proc, recTid int32) *rtask {
	t := &rtask{proc: p, recTid: recTid, expect: map[unix.Signal]int{}}
	r.tasks[recTid] = t
	return t
}

func (r *replayer) restoreImage(ev *trace.Event) error {
	proc := r.main.proc
	regs, ok := ptrace.RegsFromWords(ev.Regs)
	if !ok {
		return fmt.Errorf("exec event: %d register words", len(ev.Regs))
	}
	cur, err := proc.Regs()
	if err != nil {
		return err
	}
	img := ev.Writes[0]
	_, end, _, err := mappingAround(proc.Pid, cur.Rsp)
	if err != nil {
		return err
	}
	if want := img.Addr + uint64(len(img.Data)); end != want {
		return fmt.Errorf("the stack ends at %#x here, at %#x when recorded: cannot replay on this kernel", end, want)
	}
	if err := proc.WriteMemory(img.Addr, img.Data); err != nil {
		return fmt.Errorf("restore initial stack: %w", err)
	}
	if err := proc.SetRegs(regs); err != nil {
		return err
	}
	if err := enableTSCTrap(proc, regs.Rip); err != nil {
		return err
	}
	stack := stackImage{Addr: img.Addr, Data: img.Data}
	r.probe.warn, r.probe.want = r.warn, r.meta.Clock
	return r.probe.arm(proc, &stack)
}

// runToEnd follows the trace to the program's end.
func (r *replayer) runToEnd() (int32, error) {
	if err := r.run(); err != nil {
		return 0, err
	}
	if r.exited == nil {
		return 0, fmt.Errorf("replay stopped at time %d before the end", r.trap.Time)
	}
	return r.onExited(r.main, r.exited.Status)
}

// run follows the trace until the program ends or the probe traps for
// r.cond: each event names the thread that must do it, which alone is
// resumed until it stops.
func (r *replayer) run() error {
	r.trap = nil
	for r.exited == nil && r.trap == nil && r.forked == nil {
		ev, err := r.peek()
		if err != nil {
			return err
		}
		t := r.tasks[ev.Tid]
		if t == nil {
			return r.diverge(fmt.Sprintf("the trace names thread %d, which this replay has not created", ev.Tid))
		}
		if ev.Kind == trace.KindShared {
			if err := r.writeShared(t, ev); err != nil {
				return err
			}
			continue
		}
		if ev.Kind == trace.KindSignal && !t.atEntry {
			// Recorded at t's last syscall exit, after other threads'
			// events (a pthread_kill from another thread): t has not run
			// since, so it gets the signal where it got it then.
			if err := r.raiseRecordedSignals(t); err != nil {
				return err
			}
			continue
		}
		if err := r.armProbe(t, ev); err != nil {
			return err
		}
		if err := r.step(t); err != nil {
			return err
		}
	}
	return nil
}

// step runs one thread to its next stop and answers it from the trace.
func (r *replayer) step(t *rtask) error {
	if t.atEntry {
		t.atEntry = false
		return r.onSyscall(t)
	}
	if err := t.restartIfNoSignal(); err != nil {
		return err
	}
	stop, err := t.proc.ResumeWait(ptrace.ToSysemu, t.deliver)
	if err != nil {
		return err
	}
	t.deliver = 0
	switch stop.Kind {
	case ptrace.StopSyscall:
		return r.onSyscall(t)
	case ptrace.StopSignal:
		t.deliver, err = r.onSignal(t, stop.Signal)
		return err
	case ptrace.StopExited:
		if t != r.main {
			return r.diverge(fmt.Sprintf("thread %d ended (%s) where the trace has no end", t.recTid, ptrace.DescribeExit(int32(stop.Status))))
		}
		r.exited = &stop
		return nil
	}
	return r.diverge(fmt.Sprintf("the program stopped for %v", stop))
}

// onSyscall answers one syscall entry of t from the trace.
func (r *replayer) onSyscall(t *rtask) error {
	regs, err := t.proc.Regs()
	if err != nil {
		return err
	}
	nr, args := int(regs.Orig_rax), regs.Args()
	ev, err := r.peek()
	if err != nil {
		return err
	}
	switch {
	case ev.Tid != t.recTid:
		return r.diverge(fmt.Sprintf("thread %d made %s, the trace has thread %d do %s",
			t.recTid, describeCall(nr, args), ev.Tid, describeEvent(ev)))
	case ev.Kind == trace.KindSyscallEnter && int(ev.Nr) == nr:
		// It stayed in the kernel while others ran: the answer comes later.
		r.consume()
		t.atEntry = true
		return nil
	case ev.Kind == trace.KindExit && (nr == unix.SYS_EXIT_GROUP || nr == unix.SYS_EXIT):
		return r.exit(t, regs, nr)
	case ev.Kind == trace.KindExit && ev.Nr == unix.SYS_EXECVE && (nr == unix.SYS_EXECVE || nr == unix.SYS_EXECVEAT):
		return r.endAtExec(t)
	case ev.Kind == trace.KindExit && unix.WaitStatus(ev.Status).Signaled():
		return r.killedFromOutside(t, unix.WaitStatus(ev.Status).Signal())
	case ev.Kind != trace.KindSyscall || int(ev.Nr) != nr || !sameArgs(ev, args):
		return r.diverge(fmt.Sprintf("the program made %s, the trace has %s",
			describeCall(nr, args), describeEvent(ev)))
	}
	r.consume()
	if hook, ok := r.forks[r.index-1]; ok {
		if err := hook(t, regs, ev); err != nil || r.forked != nil {
			return err // forked: this replay was the way to the child
		}
	}
	if err := r.answer(t, regs, ev); err != nil {
		return err
	}
	t.restart = kernelRestarts(ev.Result)
	return r.raiseRecordedSignals(t)
}

// answer carries out one recorded syscall as its policy says and leaves
// the recorded result in rax.
func (r *replayer) answer(t *rtask, regs ptrace.Regs, ev *trace.Event) error {
	sc, known := syscalls.Lookup(int(ev.Nr))
	var err error
	injected := true // the call ran for real and may have changed fs_base
	switch {
	case !known || sc.Policy == syscalls.Refuse:
		injected = false
	case sc.Policy == syscalls.Execute:
		err = r.execute(t, regs, ev, sc.ResultMustMatch)
	case sc.Name == "mmap":
		err = r.mmap(t, regs, ev)
	case sc.Name == "mremap":
		err = r.execute(t, regs, ev, true)
	case sc.Name == "clone" && ev.Args[0]&unix.CLONE_THREAD != 0:
		err = r.newThread(t, regs, ev)
	case sc.Name == "rt_sigreturn":
		return r.sigreturn(t, regs, ev)
	default:
		injected = false
	}
	if err != nil {
		return err
	}
	if injected {
		if regs, err = t.proc.Regs(); err != nil {
			return err
		}
	}
	for _, w := range ev.Writes {
		if err := t.proc.WriteMemory(w.Addr, w.Data); err != nil {
			return r.diverge(fmt.Sprintf("cannot write the outputs of %s: %v", describeEvent(ev), err))
		}
	}
	if err := r.echo(t, ev); err != nil {
		return err
	}
	regs.Rax = uint64(ev.Result)
	if err := t.proc.SetRegs(regs); err != nil {
		return err
	}
	if known && sc.Name == "clone" {
		return r.afterClone(t, ev)
	}
	return nil
}

// execute runs the syscall again for real, where its effect lives in the
// process itself (memory layout, signal state).
func (r *replayer) execute(t *rtask, regs ptrace.Regs, ev *trace.Event, mustMatch bool) error {
	got, err := r.inject(t, regs, int(ev.Nr), ev.Args)
	if err != nil {
		return err
	}
	if mustMatch && got != ev.Result {
		return r.diverge(fmt.Sprintf("%s returned %s here, %s when recorded",
			describeEvent(ev), describeResult(got), describeResult(ev.Result)))
	}
	return nil
}

// newThread creates the thread the recorded clone created, for real: it
// must run the same code on the same stack. It is known by its recorded
// tid from now on, which is also what the program was told.
func (r *replayer) newThread(t *rtask, regs ptrace.Regs, ev *trace.Event) error {
	out, err := t.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: int(ev.Nr), Args: ev.Args})
	if err != nil {
		return fmt.Errorf("event %d: replay clone: %w", r.index, err)
	}
	if isError(out.Result) || len(out.NewTasks) != 1 {
		return r.diverge(fmt.Sprintf("clone made %d threads here (%s), one when recorded", len(out.NewTasks), describeResult(out.Result)))
	}
	return r.armWatch(r.addTask(t.proc.AdoptThread(out.NewTasks[0]), int32(ev.Result)))
}

// afterClone gives the probe to the thread state CPython made for the
// new thread, as the recording did when this clone returned.
func (r *replayer) afterClone(t *rtask, ev *trace.Event) error {
	if ev.Args[0]&unix.CLONE_THREAD == 0 || isError(ev.Result) {
		return nil
	}
	return r.probe.coverThreads(t.proc)
}

// inject runs one syscall in a thread at the syscall instruction it
// stands on. A signal that arrives meanwhile is not the program's.
func (r *replayer) inject(t *rtask, regs ptrace.Regs, nr int, args [6]uint64) (int64, error) {
	out, err := t.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: nr, Args: args})
	if err != nil {
		return 0, fmt.Errorf("event %d: replay %s: %w", r.index, describeCall(nr, args), err)
	}
	if len(out.Held) > 0 {
		r.warn(fmt.Sprintf("signals %v arrived during replay and were ignored", out.Held))
	}
	return out.Result, nil
}

// sigreturn restores the context a signal handler returns to; its
// "result" is the restored rax, which must be what was recorded.
func (r *replayer) sigreturn(t *rtask, regs ptrace.Regs, ev *trace.Event) error {
	out, err := t.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: int(ev.Nr), KeepRegs: true})
	if err != nil {
		return fmt.Errorf("event %d: replay rt_sigreturn: %w", r.index, err)
	}
	if out.Result != ev.Result {
		return r.diverge(fmt.Sprintf("rt_sigreturn restored rax %#x here, %#x when recorded", out.Result, ev.Result))
	}
	return nil
}

// exit ends a thread, or the process, with the recorded exit syscall.
func (r *replayer) exit(t *rtask, regs ptrace.Regs, nr int) error {
	if err := r.noteLastTime(t); err != nil {
		return err
	}
	if nr == unix.SYS_EXIT_GROUP || t == r.main {
		return r.exitGroup(t, regs, nr)
	}
	ev, _ := r.peek()
	out, err := t.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: nr, Args: regs.Args(), KeepRegs: true})
	if !errors.Is(err, ptrace.ErrExited) {
		return r.diverge(fmt.Sprintf("%s did not end the thread (%v)", describeCall(nr, regs.Args()), err))
	}
	if out.End.Status != unix.WaitStatus(ev.Status) {
		return r.diverge(fmt.Sprintf("thread %d %s, the trace has %s", t.recTid, ptrace.DescribeExit(int32(out.End.Status)), describeEvent(ev)))
	}
	r.consume()
	delete(r.tasks, t.recTid)
	t.proc.Forget()
	return nil
}

// exitGroup lets the process end for real. The kernel reports the
// leader's end only once every other thread is reaped, so it waits for
// them all rather than for the leader alone.
func (r *replayer) exitGroup(t *rtask, regs ptrace.Regs, nr int) error {
	regs.Rip -= 2 // back onto the syscall instruction, this time run for real
	regs.Rax, regs.Orig_rax = uint64(nr), ^uint64(0)
	if err := t.proc.SetRegs(regs); err != nil {
		return err
	}
	if err := t.proc.Resume(ptrace.ToSyscall, 0); err != nil {
		return err
	}
	return r.reapAll()
}

// reapAll waits until every thread of the ending process is gone and
// keeps the leader's status, which is the process's.
func (r *replayer) reapAll() error {
	for len(r.tasks) > 0 {
		stop, _, err := r.main.proc.Tracer().WaitAny(false)
		if err != nil {
			return err
		}
		for tid, t := range r.tasks {
			if t.proc.Pid != stop.Pid {
				continue
			}
			if stop.Kind != ptrace.StopExited {
				// Dying, with a stop to report first: let it go on, with
				// the signal that is ending it.
				if err := t.proc.Resume(ptrace.ToSyscall, stop.Signal); err != nil && !errors.Is(err, unix.ESRCH) {
					return err
				}
				break
			}
			delete(r.tasks, tid)
			t.proc.Forget()
			if t == r.main {
				r.exited = &stop
			}
		}
	}
	return nil
}

// killedFromOutside ends the tracee the way the recorded program ended:
// killed by a signal it could not catch (SIGKILL from outside), while it
// was making the syscall it now stands at.
func (r *replayer) killedFromOutside(t *rtask, sig unix.Signal) error {
	if err := r.noteLastTime(t); err != nil {
		return err
	}
	if err := t.proc.Signal(sig); err != nil {
		return err
	}
	// SIGKILL wakes a stopped tracee by itself; another signal needs it
	// resumed to be delivered.
	if sig != unix.SIGKILL {
		if err := t.proc.Resume(ptrace.ToSysemu, sig); err != nil {
			return err
		}
	}
	return r.reapAll()
}

// echo shows what the program wrote to its stdout and stderr, wherever
// dup put them.
func (r *replayer) echo(t *rtask, ev *trace.Event) error {
	r.outputs.follow(ev)
	stream, ok := r.outputs[ev.Args[0]]
	if !r.showOutput || ev.Result <= 0 || !ok {
		return nil
	}
	var data []byte
	switch ev.Nr {
	case unix.SYS_WRITE:
		data = make([]byte, ev.Result)
		if err := t.proc.ReadMemory(ev.Args[1], data); err != nil {
			return err
		}
	case unix.SYS_WRITEV:
		var err error
		if data, err = readIovecs(t.proc, ev.Args[1], int(ev.Args[2]), int(ev.Result)); err != nil {
			return err
		}
	default:
		return nil
	}
	if r.opts.Echo != nil {
		r.opts.Echo(int(stream), r.index-1, data)
		return nil
	}
	out := r.opts.Stdout
	if stream == 2 {
		out = r.opts.Stderr
	}
	if out != nil {
		_, _ = out.Write(data)
	}
	return nil
}

// raiseRecordedSignals sends the signals the recording delivered to t
// right after the syscall just answered.
func (r *replayer) raiseRecordedSignals(t *rtask) error {
	for {
		ev, err := r.peek()
		if err != nil || ev.Kind != trace.KindSignal || ev.Tid != t.recTid {
			var ended *EndedEarlyError
			if errors.As(err, &ended) {
				return nil // reported when the program goes on
			}
			return err
		}
		r.consume()
		if err := r.noteTimeBeforeDeath(t); err != nil {
			return err
		}
		sig := unix.Signal(ev.Nr)
		if err := t.proc.Signal(sig); err != nil {
			return err
		}
		t.expect[sig]++
		t.restart = false // the kernel restarts the call, or not, as it delivers the signal
	}
}

// noteTimeBeforeDeath keeps the probe's time when the signal about to be
// raised ends the process, as the trace's next event says: its memory is
// gone once it is dead. (A Pool worker the pool terminated showed its end
// at time 0.)
func (r *replayer) noteTimeBeforeDeath(t *rtask) error {
	next, err := r.peek()
	if err != nil || next.Kind != trace.KindExit || !unix.WaitStatus(next.Status).Signaled() {
		return nil
	}
	return r.noteLastTime(t)
}

// onSignal decides what to deliver for a signal-delivery stop of t.
func (r *replayer) onSignal(t *rtask, sig unix.Signal) (unix.Signal, error) {
	if sig == unix.SIGTRAP {
		if handled, err := r.onTrap(t); handled || err != nil {
			return 0, err
		}
	}
	if sig == unix.SIGSEGV {
		if handled, err := r.replayTimeInstruction(t); handled || err != nil {
			return 0, err
		}
		if handled, err := r.probeFault(t); handled || err != nil {
			return 0, err
		}
	}
	if t.expect[sig] > 0 {
		t.expect[sig]--
		return sig, nil
	}
	if isSynchronous(t.proc, sig) {
		return sig, nil
	}
	return 0, nil // not the program's: the recording had no such signal here
}

// replayTimeInstruction gives a trapped rdtsc/rdtscp its recorded value.
func (r *replayer) replayTimeInstruction(t *rtask) (bool, error) {
	regs, insn, ok, err := trappedTimeInstruction(t.proc)
	if !ok || err != nil {
		return false, err
	}
	ev, err := r.peek()
	if err != nil {
		return true, err
	}
	if ev.Kind != trace.KindInstruction || len(ev.Regs) != 3 || ev.Tid != t.recTid {
		return true, r.diverge("the program read the time-stamp counter, the trace has " + describeEvent(ev))
	}
	r.consume()
	regs.Rax, regs.Rdx = ev.Regs[0], ev.Regs[1]
	if insn.WithAux {
		regs.Rcx = ev.Regs[2]
	}
	regs.Rip += uint64(insn.Len)
	return true, t.proc.SetRegs(regs)
}

// onExited checks that the program ended as it did when recorded.
func (r *replayer) onExited(t *rtask, status unix.WaitStatus) (int32, error) {
	ev, err := r.peek()
	if err != nil {
		return 0, err
	}
	if ev.Kind != trace.KindExit || ev.Status != int32(status) {
		return int32(status), r.diverge(fmt.Sprintf("the program ended (%s), the trace has %s",
			ptrace.DescribeExit(int32(status)), describeEvent(ev)))
	}
	r.consume()
	return ev.Status, nil
}

func (r *replayer) diverge(detail string) error {
	return &DivergenceError{Event: r.index, Detail: detail}
}

func (r *replayer) warn(msg string) {
	if r.opts.Warn != nil {
		r.opts.Warn(msg)
	}
}

// checkBlobs says before replay starts if stored copies of mapped files
// it will need are gone (a trace cut off by kill -9 lists none; replay
// then says so at the mapping that needs one).
func checkBlobs(meta *trace.Meta, blobs *trace.BlobStore) error {
	missing := 0
	for _, h := range meta.Blobs {
		if !blobs.Has(h) {
			missing++
		}
	}
	if missing > 0 {
		return fmt.Errorf("%d of the %d stored files this trace needs are missing from %s: "+
			"run rrpy pack on the trace where it was recorded, and copy the packed trace", missing, len(meta.Blobs), blobs.Dir())
	}
	return nil
}

// existingDir returns dir if it still exists, else "" (rrpy's own): the
// replayed program never looks at it, its syscalls are answered.
func existingDir(dir string) string {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}
