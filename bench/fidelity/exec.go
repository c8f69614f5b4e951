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
}

// run runs the command in a process group of its own. On the timeout the
// group and every process descended from it are killed with SIGKILL: a
// recording's tracee stopped under ptrace dies with it, nothing is left.
// Whatever is left in the group when the command ends is killed too.
func (c command) run() (ending, error) {
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
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.argv[0], c.argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = c.dir, c.env, stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { killTree(cmd.Process.Pid); return nil }
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return ending{}, fmt.Errorf("start %s: %w", c.argv[0], err)
	}
	err = cmd.Wait()
	e := ending{Seconds: time.Since(t0).Seconds(), TimedOut: ctx.Err() != nil}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
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
// its leader, those that moved to groups or sessions of their own too.
func killTree(pgid int) {
	procs := descendants(pgid)
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	for _, pid := range procs {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
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

// parentOf reads a process's parent from /proc/PID/stat, whose second
// field (the command's name, in parentheses) may hold spaces.
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}
