package session

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"rrpy/ptrace"
	"rrpy/syscalls"
	"rrpy/trace"
)

// replayer is the replay session: it resumes the tracee from syscall to
// syscall under PTRACE_SYSEMU and answers each from the trace.
type replayer struct {
	opts    ReplayOptions
	proc    *ptrace.Proc
	events  *trace.Reader
	next    *trace.Event // the event the tracee must do next
	index   int          // its number, counted from 0 at the exec
	expect  map[unix.Signal]int
	scratch *scratchFile
	exited  *ptrace.Stop // set once an exit syscall ended the tracee
}

// Replay re-executes a recording to its end and returns the recorded
// program's wait status.
func Replay(opts ReplayOptions) (int32, error) {
	events, err := trace.Open(opts.TraceDir)
	if err != nil {
		return 0, err
	}
	defer events.Close()
	r := &replayer{opts: opts, events: events, expect: map[unix.Signal]int{}, index: -1}
	tracer := ptrace.NewTracer()
	defer tracer.Close()
	if err := r.start(tracer); err != nil {
		return 0, err
	}
	defer r.scratch.remove()
	var status int32
	err = tracer.Run(func() (err error) { status, err = r.run(); return err })
	if err != nil {
		r.proc.Kill()
	}
	return status, err
}

// peek returns the event the tracee must do next, reading it if needed.
func (r *replayer) peek() (*trace.Event, error) {
	if r.next != nil {
		return r.next, nil
	}
	ev, err := r.events.Next()
	switch {
	case errors.Is(err, io.EOF):
		return nil, &DivergenceError{Event: r.index + 1, Detail: "the trace ends here but the program goes on"}
	case errors.Is(err, trace.ErrIncomplete):
		return nil, &EndedEarlyError{Events: r.index + 1}
	case err != nil:
		return nil, err
	}
	r.index++
	r.next = ev
	return ev, nil
}

// consume marks the peeked event as done.
func (r *replayer) consume() { r.next = nil }

// start launches the recorded executable and gives it the recorded
// initial image, so every address is as it was when recorded.
func (r *replayer) start(tracer *ptrace.Tracer) error {
	meta := r.events.Meta()
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
	r.proc, err = tracer.Launch(ptrace.LaunchOptions{
		Path: exe, Argv: meta.Argv, Env: meta.Env, Dir: existingDir(meta.Cwd),
		Files:           []*os.File{devnull, devnull, devnull},
		NewProcessGroup: true, StackRlimit: meta.StackRlimit,
	})
	if err != nil {
		return err
	}
	ev, err := r.peek()
	if err != nil {
		return err
	}
	if ev.Kind != trace.KindExec || len(ev.Writes) != 1 {
		return &DivergenceError{Event: r.index, Detail: "the trace does not start with the program's exec"}
	}
	r.consume()
	return r.restoreImage(ev)
}

func (r *replayer) restoreImage(ev *trace.Event) error {
	regs, ok := ptrace.RegsFromWords(ev.Regs)
	if !ok {
		return fmt.Errorf("exec event: %d register words", len(ev.Regs))
	}
	cur, err := r.proc.Regs()
	if err != nil {
		return err
	}
	img := ev.Writes[0]
	_, end, err := mappingAround(r.proc.Pid, cur.Rsp)
	if err != nil {
		return err
	}
	if want := img.Addr + uint64(len(img.Data)); end != want {
		return fmt.Errorf("the stack ends at %#x here, at %#x when recorded: cannot replay on this kernel", end, want)
	}
	if err := r.proc.WriteMemory(img.Addr, img.Data); err != nil {
		return fmt.Errorf("restore initial stack: %w", err)
	}
	if err := r.proc.SetRegs(regs); err != nil {
		return err
	}
	return enableTSCTrap(r.proc, regs.Rip)
}

// run follows the trace to its end.
func (r *replayer) run() (int32, error) {
	var deliver unix.Signal
	for {
		stop, err := r.proc.ResumeWait(ptrace.ToSysemu, deliver)
		if err != nil {
			return 0, err
		}
		deliver = 0
		switch stop.Kind {
		case ptrace.StopSyscall:
			if err = r.onSyscall(); err == nil && r.exited != nil {
				return r.onExited(r.exited.Status)
			}
		case ptrace.StopSignal:
			deliver, err = r.onSignal(stop.Signal)
		case ptrace.StopExited:
			return r.onExited(stop.Status)
		default:
			err = r.diverge(fmt.Sprintf("the program stopped for %v", stop))
		}
		if err != nil {
			return 0, err
		}
	}
}

// onSyscall answers one syscall entry from the trace.
func (r *replayer) onSyscall() error {
	regs, err := r.proc.Regs()
	if err != nil {
		return err
	}
	nr, args := int(regs.Orig_rax), regs.Args()
	ev, err := r.peek()
	if err != nil {
		return err
	}
	if ev.Kind == trace.KindExit && (nr == unix.SYS_EXIT_GROUP || nr == unix.SYS_EXIT) {
		return r.exit(regs, nr)
	}
	if ev.Kind == trace.KindExit && unix.WaitStatus(ev.Status).Signaled() {
		return r.killedFromOutside(unix.WaitStatus(ev.Status).Signal())
	}
	if ev.Kind != trace.KindSyscall || int(ev.Nr) != nr || !sameArgs(ev, args) {
		return r.diverge(fmt.Sprintf("the program made %s, the trace has %s",
			describeCall(nr, args), describeEvent(ev)))
	}
	r.consume()
	if err := r.answer(regs, ev); err != nil {
		return err
	}
	return r.raiseRecordedSignals()
}

// answer carries out one recorded syscall as its policy says and leaves
// the recorded result in rax.
func (r *replayer) answer(regs ptrace.Regs, ev *trace.Event) error {
	sc, known := syscalls.Lookup(int(ev.Nr))
	switch {
	case !known || sc.Policy == syscalls.Refuse:
	case sc.Policy == syscalls.Execute:
		if err := r.execute(regs, ev, sc.ResultMustMatch); err != nil {
			return err
		}
	case sc.Name == "mmap":
		if err := r.mmap(regs, ev); err != nil {
			return err
		}
	case sc.Name == "mremap":
		if err := r.execute(regs, ev, true); err != nil {
			return err
		}
	case sc.Name == "rt_sigreturn":
		return r.sigreturn(regs, ev)
	}
	if known && (sc.Policy == syscalls.Execute || sc.Name == "mmap" || sc.Name == "mremap") {
		var err error
		if regs, err = r.proc.Regs(); err != nil { // the call may have changed fs_base
			return err
		}
	}
	for _, w := range ev.Writes {
		if err := r.proc.WriteMemory(w.Addr, w.Data); err != nil {
			return r.diverge(fmt.Sprintf("cannot write the outputs of %s: %v", describeEvent(ev), err))
		}
	}
	if err := r.echo(ev); err != nil {
		return err
	}
	regs.Rax = uint64(ev.Result)
	return r.proc.SetRegs(regs)
}

// execute runs the syscall again for real, where its effect lives in the
// process itself (memory layout, signal state).
func (r *replayer) execute(regs ptrace.Regs, ev *trace.Event, mustMatch bool) error {
	got, err := r.inject(regs, int(ev.Nr), ev.Args)
	if err != nil {
		return err
	}
	if mustMatch && got != ev.Result {
		return r.diverge(fmt.Sprintf("%s returned %s here, %s when recorded",
			describeEvent(ev), describeResult(got), describeResult(ev.Result)))
	}
	return nil
}

// inject runs one syscall in the tracee at the syscall instruction it
// stands on, and holds any signal that arrives meanwhile.
func (r *replayer) inject(regs ptrace.Regs, nr int, args [6]uint64) (int64, error) {
	res, held, _, err := r.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: nr, Args: args})
	if err != nil {
		return 0, fmt.Errorf("event %d: replay %s: %w", r.index, describeCall(nr, args), err)
	}
	if len(held) > 0 {
		r.warn(fmt.Sprintf("signals %v arrived during replay and were ignored", held))
	}
	return res, nil
}

// sigreturn restores the context a signal handler returns to; its
// "result" is the restored rax, which must be what was recorded.
func (r *replayer) sigreturn(regs ptrace.Regs, ev *trace.Event) error {
	res, _, _, err := r.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: int(ev.Nr), KeepRegs: true})
	if err != nil {
		return fmt.Errorf("event %d: replay rt_sigreturn: %w", r.index, err)
	}
	if res != ev.Result {
		return r.diverge(fmt.Sprintf("rt_sigreturn restored rax %#x here, %#x when recorded", res, ev.Result))
	}
	return nil
}

// exit ends the tracee with the recorded exit syscall.
func (r *replayer) exit(regs ptrace.Regs, nr int) error {
	_, _, end, err := r.proc.Inject(ptrace.Injection{At: regs.Rip - 2, Nr: nr, Args: regs.Args(), KeepRegs: true})
	if !errors.Is(err, ptrace.ErrExited) {
		return r.diverge(fmt.Sprintf("%s did not end the program (%v)", describeCall(nr, regs.Args()), err))
	}
	r.exited = &end
	return nil
}

// killedFromOutside ends the tracee the way the recorded program ended:
// killed by a signal it could not catch (SIGKILL from outside), while it
// was making the syscall it now stands at.
func (r *replayer) killedFromOutside(sig unix.Signal) error {
	if err := r.proc.Signal(sig); err != nil {
		return err
	}
	// SIGKILL wakes a stopped tracee by itself; another signal needs it
	// resumed to be delivered.
	if sig != unix.SIGKILL {
		if err := r.proc.Resume(ptrace.ToSysemu, sig); err != nil {
			return err
		}
	}
	end, err := r.proc.Wait()
	for err == nil && end.Kind != ptrace.StopExited && sig != unix.SIGKILL {
		end, err = r.proc.ResumeWait(ptrace.ToSysemu, end.Signal)
	}
	if err != nil {
		return err
	}
	if end.Kind != ptrace.StopExited {
		return r.diverge(fmt.Sprintf("the recorded program was killed by %s here, this one %v", unix.SignalName(sig), end))
	}
	r.exited = &end
	return nil
}

// echo shows what the program wrote to its stdout and stderr.
func (r *replayer) echo(ev *trace.Event) error {
	if ev.Result <= 0 || (ev.Args[0] != 1 && ev.Args[0] != 2) {
		return nil
	}
	var data []byte
	switch ev.Nr {
	case unix.SYS_WRITE:
		data = make([]byte, ev.Result)
		if err := r.proc.ReadMemory(ev.Args[1], data); err != nil {
			return err
		}
	case unix.SYS_WRITEV:
		var err error
		if data, err = r.readIovecs(ev.Args[1], int(ev.Args[2]), int(ev.Result)); err != nil {
			return err
		}
	default:
		return nil
	}
	out := r.opts.Stdout
	if ev.Args[0] == 2 {
		out = r.opts.Stderr
	}
	if out != nil {
		_, _ = out.Write(data)
	}
	return nil
}

// raiseRecordedSignals sends the signals the recording delivered right
// after the syscall just answered.
func (r *replayer) raiseRecordedSignals() error {
	for {
		ev, err := r.peek()
		if err != nil || ev.Kind != trace.KindSignal {
			var ended *EndedEarlyError
			if errors.As(err, &ended) {
				return nil // reported when the program goes on
			}
			return err
		}
		r.consume()
		sig := unix.Signal(ev.Nr)
		if err := r.proc.Signal(sig); err != nil {
			return err
		}
		r.expect[sig]++
	}
}

// onSignal decides what to deliver for a signal-delivery stop.
func (r *replayer) onSignal(sig unix.Signal) (unix.Signal, error) {
	if r.exited != nil {
		return 0, nil
	}
	if sig == unix.SIGSEGV {
		if handled, err := r.replayTimeInstruction(); handled || err != nil {
			return 0, err
		}
	}
	if r.expect[sig] > 0 {
		r.expect[sig]--
		return sig, nil
	}
	if isSynchronous(r.proc, sig) {
		return sig, nil
	}
	return 0, nil // not the program's: the recording had no such signal here
}

// replayTimeInstruction gives a trapped rdtsc/rdtscp its recorded value.
func (r *replayer) replayTimeInstruction() (bool, error) {
	regs, insn, ok, err := trappedTimeInstruction(r.proc)
	if !ok || err != nil {
		return false, err
	}
	ev, err := r.peek()
	if err != nil {
		return true, err
	}
	if ev.Kind != trace.KindInstruction || len(ev.Regs) != 3 {
		return true, r.diverge("the program read the time-stamp counter, the trace has " + describeEvent(ev))
	}
	r.consume()
	regs.Rax, regs.Rdx = ev.Regs[0], ev.Regs[1]
	if insn.WithAux {
		regs.Rcx = ev.Regs[2]
	}
	regs.Rip += uint64(insn.Len)
	return true, r.proc.SetRegs(regs)
}

// onExited checks that the program ended as it did when recorded.
func (r *replayer) onExited(status unix.WaitStatus) (int32, error) {
	ev, err := r.peek()
	if err != nil {
		return 0, err
	}
	if ev.Kind != trace.KindExit || ev.Status != int32(status) {
		return int32(status), r.diverge(fmt.Sprintf("the program %s, the trace has %s",
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
		return fmt.Errorf("%d of the %d stored files this trace needs are missing from %s", missing, len(meta.Blobs), blobs.Dir())
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
