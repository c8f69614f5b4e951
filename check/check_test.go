//go:build linux && amd64

package check

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestRunOnThisMachine(t *testing.T) {
	items := Run()
	t.Logf("\n%s", Format(items))
	want := []string{"kernel.randomize_va_space", "ptrace", "rdtsc trapping", "debug registers",
		"performance counters", "cpu", "python3"}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d: %v", len(items), len(want), items)
	}
	for i, it := range items {
		if it.Name != want[i] {
			t.Errorf("item %d is %q, want %q", i, it.Name, want[i])
		}
		if it.Detail == "" {
			t.Errorf("item %q has no detail", it.Name)
		}
		switch it.Name {
		case "ptrace", "rdtsc trapping", "kernel.randomize_va_space", "performance counters":
			// This machine can record; the last two are always OK.
			if it.Status != OK {
				t.Errorf("%s: %v %s, want OK", it.Name, it.Status, it.Detail)
			}
		}
	}
	if Failed(items) {
		t.Error("Failed on a machine that can record")
	}
	out, lines := Format(items), 0
	for _, it := range items {
		lines += 1 + len(it.Lines)
	}
	if got := strings.Count(out, "\n"); got != lines {
		t.Errorf("Format gave %d lines for %d items and the %d lines they list", got, len(items), lines-len(items))
	}
	assertNoChildLeft(t)
}

// assertNoChildLeft fails if a child of this process is stopped (a tracee
// not killed) or a zombie (one not reaped).
func assertNoChildLeft(t *testing.T) {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	me := os.Getpid()
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // gone meanwhile
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid != me {
			continue
		}
		if st := fields[0]; st == "t" || st == "T" || st == "Z" {
			t.Errorf("child left behind: %s state %s", strings.TrimSpace(s[:strings.LastIndexByte(s, ')')+1]), st)
		}
	}
}

// TestRdtscProbeDiscriminates shows that the rdtsc probe would notice a
// machine where rdtsc does not fault: without the prctl it must fail.
func TestRdtscProbeDiscriminates(t *testing.T) {
	err := withTracee(func(tr *tracee) error {
		regs, err := tr.Regs()
		if err != nil {
			return err
		}
		return expectFault(tr, regs.Rip, rdtscInsn, unix.SIGSEGV, "rdtsc")
	})
	if err == nil {
		t.Fatal("rdtsc faulted without PR_SET_TSC")
	}
	t.Log(err)
	assertNoChildLeft(t)
}

func TestDebugRegRejectsBadIndex(t *testing.T) {
	err := withTracee(func(tr *tracee) error {
		if err := tr.SetDebugReg(8, 0); err == nil {
			return fmt.Errorf("SetDebugReg(8) succeeded")
		}
		if _, err := tr.DebugReg(-1); err == nil {
			return fmt.Errorf("DebugReg(-1) succeeded")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunProbeBoundsAndRecovers(t *testing.T) {
	slow := func() (Status, string) { time.Sleep(time.Second); return OK, "late" }
	start := time.Now()
	it := runProbe(probe{name: "slow", required: true, run: plain(slow)}, 20*time.Millisecond)
	if it.Status != Fail || it.Name != "slow" || time.Since(start) > 500*time.Millisecond {
		t.Errorf("required slow probe: %+v after %v", it, time.Since(start))
	}
	if it := runProbe(probe{name: "slow", run: plain(slow)}, 20*time.Millisecond); it.Status != Warn {
		t.Errorf("optional slow probe: %+v, want WARN", it)
	}
	boom := func() (Status, string) { panic("boom") }
	if it := runProbe(probe{name: "boom", required: true, run: plain(boom)}, time.Second); it.Status != Fail || !strings.Contains(it.Detail, "boom") {
		t.Errorf("panicking probe: %+v", it)
	}
}

func TestPtraceFailureExplainsPermission(t *testing.T) {
	msg := ptraceFailure(fmt.Errorf("start /bin/true: %w", unix.EPERM))
	if !strings.HasPrefix(msg, "cannot trace a child: start /bin/true: operation not permitted; ") {
		t.Errorf("no explanation: %q", msg)
	}
	if msg := ptraceFailure(fmt.Errorf("start: %w", unix.ENOENT)); strings.Contains(msg, ";") {
		t.Errorf("permission hints for a non-permission error: %q", msg)
	}
}
