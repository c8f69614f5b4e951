package session

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"rrpy/linux_amd64"
	"rrpy/ptrace"
	"rrpy/syscalls"
	"rrpy/trace"
)

// recorder is the record session: it resumes the tracee from stop to stop
// and turns each stop into trace events.
type recorder struct {
	opts        RecordOptions
	proc        *ptrace.Proc
	w           *trace.Writer
	entry       *syscallEntry // set between a syscall's entry and exit stops
	atBoundary  bool          // the last stop was a syscall exit: no user code ran since
	held        []unix.Signal // async signals waiting for the next syscall
	warned      map[string]bool
	lastTSC     uint64 // the last value given to a trapped rdtsc
	interrupted atomic.Bool
}

type syscallEntry struct {
	nr      int
	args    [6]uint64 // as the program passed them, before any rewrite
	sc      *syscalls.Syscall
	refused bool
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
	r := &recorder{opts: opts, proc: proc, warned: map[string]bool{}}
	if err := r.start(); err != nil {
		proc.Kill()
		return 0, err
	}
	done := make(chan struct{})
	defer close(done)
	go r.killOnStop(done)
	var status int32
	err = tracer.Run(func() (err error) { status, err = r.run(); return err })
	if err != nil {
		proc.Kill()
		return 0, errors.Join(err, r.w.Abort())
	}
	if r.interrupted.Load() {
		return status, errors.Join(ErrInterrupted, r.w.Abort())
	}
	return status, r.w.Close(status)
}

func (r *recorder) killOnStop(done <-chan struct{}) {
	select {
	case <-r.opts.Stop:
		r.interrupted.Store(true)
		_ = unix.Kill(r.proc.Pid, unix.SIGKILL)
	case <-done:
	}
}

// start prepares the tracee at its exec stop and opens the trace with the
// initial image.
func (r *recorder) start() error {
	regs, err := r.proc.Regs()
	if err != nil {
		return err
	}
	img, err := captureStack(r.proc, regs.Rsp)
	if err != nil {
		return err
	}
	if err := img.hideVDSO(); err != nil {
		return err
	}
	if err := r.proc.WriteMemory(img.Addr, img.Data); err != nil {
		return fmt.Errorf("hide the vDSO: %w", err)
	}
	if err := enableTSCTrap(r.proc, regs.Rip); err != nil {
		return err
	}
	meta, err := r.meta(&img)
	if err != nil {
		return err
	}
	if r.w, err = trace.Create(r.opts.TraceDir, meta); err != nil {
		return err
	}
	return r.w.Append(&trace.Event{
		Kind: trace.KindExec, Tid: int32(r.proc.Pid), Regs: regs.Words(),
		Writes: []trace.MemWrite{{Addr: img.Addr, Data: img.Data}},
		Blob:   meta.ExeBlob, Path: meta.Exe,
	})
}

// run follows the tracee to its end.
func (r *recorder) run() (int32, error) {
	var deliver unix.Signal
	for {
		stop, err := r.proc.ResumeWait(ptrace.ToSyscall, deliver)
		deliver = 0
		if err == nil {
			if stop.Kind == ptrace.StopExited {
				return r.recordExit(stop.Status)
			}
			deliver, err = r.onStop(stop)
		}
		if errors.Is(err, unix.ESRCH) {
			return r.vanished()
		}
		if err != nil {
			return 0, err
		}
	}
}

// onStop turns one stop into trace events and says what signal, if any,
// to deliver on resuming.
func (r *recorder) onStop(stop ptrace.Stop) (unix.Signal, error) {
	wasBoundary := r.atBoundary
	r.atBoundary = false
	switch stop.Kind {
	case ptrace.StopSyscall:
		return 0, r.onSyscall()
	case ptrace.StopSignal:
		return r.onSignal(stop.Signal, wasBoundary)
	case ptrace.StopFork:
		return 0, r.onNewProcess(stop.Child)
	case ptrace.StopExec:
		return 0, errExec
	}
	return 0, nil
}

// vanished handles a tracee killed from outside (SIGKILL) between a stop
// and rrpy's next request: what is left to record is how it ended.
func (r *recorder) vanished() (int32, error) {
	stop, err := r.proc.Wait()
	if err != nil {
		return 0, err
	}
	if stop.Kind != ptrace.StopExited {
		return 0, fmt.Errorf("pid %d stopped responding to ptrace (%v)", r.proc.Pid, stop)
	}
	return r.recordExit(stop.Status)
}

// recordExit ends the trace with how the program ended, unless rrpy
// itself killed it: then the trace stays cut off where the stop came.
func (r *recorder) recordExit(status unix.WaitStatus) (int32, error) {
	if r.interrupted.Load() {
		return int32(status), nil
	}
	return int32(status), r.w.Append(&trace.Event{Kind: trace.KindExit, Tid: int32(r.proc.Pid), Status: int32(status)})
}

func (r *recorder) onSyscall() error {
	regs, err := r.proc.Regs()
	if err != nil {
		return err
	}
	if r.entry == nil {
		return r.onEntry(regs)
	}
	return r.onExit(regs)
}

// onEntry decides what the kernel may run: unknown and unsupportable
// calls are skipped (they fail with ENOSYS), vfork becomes fork so the
// child cannot write into the recorded memory, and threads are refused.
func (r *recorder) onEntry(regs ptrace.Regs) error {
	e := &syscallEntry{nr: int(regs.Orig_rax), args: regs.Args()}
	sc, known := syscalls.Lookup(e.nr)
	e.sc = sc
	rewrite := false
	switch {
	case !known || sc.Policy == syscalls.Refuse:
		e.refused = true
		regs.Orig_rax = ^uint64(0) // the kernel skips syscall -1
		rewrite = true
		r.warnRefused(e.nr, sc)
	case sc.Name == "ioctl" && !syscalls.KnownIoctl(e.args[1]):
		r.warn(fmt.Sprintf("ioctl request %#x is not modelled: if it writes memory, replay will diverge there", e.args[1]))
	case sc.Name == "vfork":
		regs.Orig_rax = unix.SYS_FORK
		rewrite = true
	case sc.Name == "clone":
		if e.args[0]&unix.CLONE_THREAD != 0 {
			return errThreads
		}
		if e.args[0]&(unix.CLONE_VM|unix.CLONE_VFORK) != 0 {
			regs.Rdi &^= unix.CLONE_VM | unix.CLONE_VFORK
			rewrite = true
		}
	}
	if rewrite {
		if err := r.proc.SetRegs(regs); err != nil {
			return err
		}
	}
	r.entry = e
	return r.raiseHeld()
}

// raiseHeld sends the signals held back since they arrived: the syscall
// now entered completes (or is interrupted) with them pending, so they
// are delivered right after its exit stop, a point replay can find again.
func (r *recorder) raiseHeld() error {
	for _, sig := range r.held {
		if err := r.proc.Signal(sig); err != nil {
			return err
		}
	}
	r.held = r.held[:0]
	return nil
}

func (r *recorder) onExit(regs ptrace.Regs) error {
	e := r.entry
	r.entry = nil
	r.atBoundary = true
	result := regs.Result()
	if e.refused {
		result = -int64(unix.ENOSYS)
		regs.Rax = uint64(result)
		if err := r.proc.SetRegs(regs); err != nil {
			return err
		}
	}
	ev := &trace.Event{Kind: trace.KindSyscall, Tid: int32(r.proc.Pid), Nr: int32(e.nr), Args: e.args, Result: result}
	if e.sc != nil && !e.refused {
		if err := r.readOutputs(e, ev); err != nil {
			return err
		}
		if e.sc.Name == "mmap" {
			if err := r.storeMappedFile(ev); err != nil {
				return err
			}
		}
	}
	return r.w.Append(ev)
}

// readOutputs copies every byte the kernel wrote for this call.
func (r *recorder) readOutputs(e *syscallEntry, ev *trace.Event) error {
	regions, err := e.sc.Writes(e.args, ev.Result, r.proc)
	if err != nil {
		return fmt.Errorf("outputs of %s: %w", e.sc.Name, err)
	}
	if len(regions) == 0 {
		return nil
	}
	data, err := r.proc.ReadRegions(toRegions(regions))
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
func (r *recorder) storeMappedFile(ev *trace.Event) error {
	flags, fd := ev.Args[3], int(int32(ev.Args[4]))
	if isError(ev.Result) || flags&unix.MAP_ANONYMOUS != 0 || fd < 0 {
		return nil
	}
	fdPath := fmt.Sprintf("/proc/%d/fd/%d", r.proc.Pid, fd)
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
func (r *recorder) onSignal(sig unix.Signal, atBoundary bool) (unix.Signal, error) {
	if sig == unix.SIGSEGV {
		if handled, err := r.emulateTimeInstruction(); handled || err != nil {
			return 0, err
		}
	}
	if isSynchronous(r.proc, sig) {
		return sig, nil // a fault recurs by itself on replay
	}
	if atBoundary {
		// Right after a syscall exit: replay raises it at the same event.
		ev := &trace.Event{Kind: trace.KindSignal, Tid: int32(r.proc.Pid), Nr: int32(sig)}
		return sig, r.w.Append(ev)
	}
	// In the middle of user code, a point replay could not find: hold it
	// until the next syscall.
	r.held = append(r.held, sig)
	return 0, nil
}

// emulateTimeInstruction gives a trapped rdtsc/rdtscp the host's TSC and
// records the registers it produced.
func (r *recorder) emulateTimeInstruction() (bool, error) {
	regs, insn, ok, err := trappedTimeInstruction(r.proc)
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
	if err := r.proc.SetRegs(regs); err != nil {
		return true, err
	}
	return true, r.w.Append(&trace.Event{Kind: trace.KindInstruction, Tid: int32(r.proc.Pid),
		Regs: []uint64{regs.Rax, regs.Rdx, regs.Rcx}})
}

// onNewProcess lets a forked child run for real, untraced: the recorded
// process sees it only through syscalls (pipes, wait4), which are
// recorded. The child inherited rdtsc trapping, which nobody would
// emulate for it, so that is switched off before it is let go.
func (r *recorder) onNewProcess(pid int) error {
	child := r.proc.Tracer().Adopt(pid)
	if _, err := child.Wait(); err != nil {
		return err
	}
	regs, err := child.Regs()
	if err != nil {
		return err
	}
	// The child stands right after the fork's syscall instruction.
	in := ptrace.Injection{At: regs.Rip - 2, Nr: unix.SYS_PRCTL, Args: [6]uint64{unix.PR_SET_TSC, unix.PR_TSC_ENABLE}}
	if _, _, _, err := child.Inject(in); err != nil {
		return fmt.Errorf("prepare child %d: %w", pid, err)
	}
	return child.Detach()
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
	if r.w != nil {
		m := r.w.Meta()
		m.Warnings = append(m.Warnings, msg)
	}
}
