//go:build linux && amd64

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// command is one run of a program with its output in files.
type command struct {
	argv           []string
	dir            string
	env            []string
	stdout, stderr string // files
	timeout        time.Duration
}

// ending is how a run ended.
type ending struct {
	Status   int // exit status, 128+N for signal N as a shell has it
	TimedOut bool
	Seconds  float64
	// CPUSeconds is the CPU time the processes had used when they were
	// killed on the timeout: a hang has used little, a slow run most of
	// the time on one or more cores.
	CPUSeconds float64 `json:",omitempty"`
}

// run runs the command in a process group of its own. On the timeout, or
// when ctx is done, the group and every process descended from it are
// killed with SIGKILL: a recording's tracee stopped under ptrace dies with
// it, nothing is left. Whatever is left in the group when the command ends
// is killed too.
func (c command) run(ctx context.Context) (ending, error) {
	stdout, err := os.Create(c.stdout)
	if err != nil {
		return ending{}, err
	}
	defer stdout.Close()
	stderr, err := os.Create(c.stderr)
	if err != nil {
		return ending{}, err
	}
	defer stderr.Close()
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = c.dir, c.env, stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var cpu float64
	cmd.Cancel = func() error { cpu = killTree(cmd.Process.Pid); return nil }
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return ending{}, fmt.Errorf("start %s: %w", c.argv[0], err)
	}
	err = cmd.Wait()
	e := ending{Seconds: time.Since(t0).Seconds(), TimedOut: errors.Is(ctx.Err(), context.DeadlineExceeded), CPUSeconds: cpu}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(ctx.Err(), context.Canceled) {
		return e, fmt.Errorf("%s: %w", c.argv[0], ctx.Err())
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return e, fmt.Errorf("wait for %s: %w", c.argv[0], err)
	}
	e.Status = exitStatus(cmd.ProcessState)
	return e, nil
}

func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

// killTree kills the process group pgid and every process descended from
// its leader, those that moved to groups or sessions of their own too,
// and returns the CPU time they had used.
func killTree(pgid int) (cpuSeconds float64) {
	procs := append(descendants(pgid), pgid)
	for _, pid := range procs {
		cpuSeconds += cpuTime(pid)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	for _, pid := range procs {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return cpuSeconds
}

// descendants lists the processes descended from pid, read from /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentOf(p); ok {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		out = append(out, children[queue[0]]...)
		queue = append(queue, children[queue[0]]...)
	}
	return out
}

// parentOf reads a process's parent from its stat.
func parentOf(pid int) (int, bool) {
	f := statFields(pid)
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// clockTicks is the unit of /proc's times (USER_HZ, 100 on Linux/x86-64).
const clockTicks = 100

// cpuTime reads the user and system time a process (all its threads)
// has used from its stat.
func cpuTime(pid int) float64 {
	f := statFields(pid)
	if len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseUint(f[11], 10, 64)
	stime, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return float64(utime+stime) / clockTicks
}

// statFields are the fields of /proc/PID/stat after the command's name,
// which is in parentheses and may hold spaces: state, ppid, ….
func statFields(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}
