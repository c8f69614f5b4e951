//go:build linux && amd64

package ptrace

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// launchTrue starts /bin/true stopped at its exec; the test kills it.
func launchTrue(t *testing.T) (*Tracer, *Proc) {
	t.Helper()
	tr := NewTracer()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { devnull.Close() })
	p, err := tr.Launch(LaunchOptions{Path: "/bin/true", Argv: []string{"true"}, Files: []*os.File{devnull, devnull, devnull}})
	if err != nil {
		tr.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Kill(); tr.Close() })
	return tr, p
}

func TestLaunchStopsAtExecWithoutASLR(t *testing.T) {
	_, p := launchTrue(t)
	regs, err := p.Regs()
	if err != nil {
		t.Fatal(err)
	}
	if regs.Rip == 0 || regs.Rsp == 0 {
		t.Fatalf("registers at exec: rip %#x rsp %#x", regs.Rip, regs.Rsp)
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/personality", p.Pid))
	if err != nil {
		t.Fatal(err)
	}
	var pers uint64
	fmt.Sscanf(strings.TrimSpace(string(data)), "%x", &pers)
	if pers&addrNoRandomize == 0 {
		t.Errorf("personality %#x lacks ADDR_NO_RANDOMIZE", pers)
	}
}

func TestInjectedSyscallRunsInTracee(t *testing.T) {
	_, p := launchTrue(t)
	regs, _ := p.Regs()
	saved := make([]byte, 2)
	if err := p.ReadMemory(regs.Rip, saved); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteMemory(regs.Rip, SyscallInsn); err != nil {
		t.Fatal(err)
	}
	res, err := p.Inject(Injection{At: regs.Rip, Nr: unix.SYS_GETPID})
	pid := res.Result
	if err != nil {
		t.Fatal(err)
	}
	if int(pid) != p.Pid {
		t.Errorf("injected getpid returned %d, want %d", pid, p.Pid)
	}
	after, _ := p.Regs()
	if after != regs {
		t.Errorf("registers changed by the injection:\n%+v\n%+v", regs, after)
	}
	if err := p.WriteMemory(regs.Rip, saved); err != nil {
		t.Fatal(err)
	}
	end, err := p.ResumeWait(ToCont, 0)
	if err != nil || end.Kind != StopExited || end.Status.ExitStatus() != 0 {
		t.Fatalf("after the injection /bin/true ended with %v, %v", end, err)
	}
}

func TestMemoryRoundTrip(t *testing.T) {
	_, p := launchTrue(t)
	regs, _ := p.Regs()
	at := regs.Rsp - 4096
	want := []byte("written by the tracer")
	if err := p.WriteMemory(at, want); err != nil {
		t.Fatal(err)
	}
	got, err := p.ReadRegions([]Region{{Addr: at, Len: 7}, {Addr: regs.Rsp, Len: 8}, {Addr: at + 7, Len: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if string(got[0]) != "written" || string(got[2]) != " by" {
		t.Errorf("read back %q and %q", got[0], got[2])
	}
	if argc := binary.LittleEndian.Uint64(got[1]); argc != 1 {
		t.Errorf("argc at the initial rsp is %d, want 1", argc)
	}
	if err := p.ReadMemory(8, make([]byte, 8)); err == nil {
		t.Errorf("reading unmapped memory succeeded")
	}
}

// Closing the tracer ends its thread, which kills the tracee
// (PTRACE_O_EXITKILL): no stopped process is left behind.
func TestClosedTracerKillsTracee(t *testing.T) {
	tr, p := launchTrue(t)
	tr.Close()
	var ws unix.WaitStatus
	if _, err := unix.Wait4(p.Pid, &ws, unix.WALL, nil); err != nil {
		t.Fatal(err)
	}
	if !ws.Signaled() || ws.Signal() != unix.SIGKILL {
		t.Fatalf("tracee ended with %v, want killed by SIGKILL", describeExit(ws))
	}
}

// A tracee runs on its tracer thread's one CPU, and gets rrpy's CPUs back
// when it is unbound.
func TestTraceeSharesTheTracersCPU(t *testing.T) {
	tr, p := launchTrue(t)
	free, bound := tr.FreeCPUs()
	if !bound {
		t.Skip("the tracer thread could not bind itself to one CPU")
	}
	var cpus unix.CPUSet
	if err := unix.SchedGetaffinity(p.Pid, &cpus); err != nil {
		t.Fatal(err)
	}
	var mine unix.CPUSet
	if err := tr.do(func() error { return unix.SchedGetaffinity(0, &mine) }); err != nil {
		t.Fatal(err)
	}
	if cpus.Count() != 1 || cpus != mine {
		t.Errorf("the tracee may run on %d CPUs (%v), its tracer thread on %v", cpus.Count(), cpus, mine)
	}
	if err := p.Unbind(); err != nil {
		t.Fatal(err)
	}
	if err := unix.SchedGetaffinity(p.Pid, &cpus); err != nil || cpus != free {
		t.Errorf("unbound, the tracee may run on %v (%v), want %v", cpus, err, free)
	}
}
