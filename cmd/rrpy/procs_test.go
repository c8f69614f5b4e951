//go:build linux && amd64

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Issue 15: a recording holds every process of the program's tree.

// psRow is one line of rrpy ps.
type psRow struct {
	pid, parent int
	ended       string
	python      bool
	command     string
}

var psLine = regexp.MustCompile(`^(\d+)\s+(\S+)\s+\+\S+s\s+\+\S+s\s+(.+?)\s{2,}(yes|no)\s+(.*)$`)

// ps runs rrpy ps on a trace and parses its table.
func ps(t *testing.T, dir string) []psRow {
	t.Helper()
	r := rrpy(t, nil, "ps", dir)
	if r.code != 0 {
		t.Fatalf("rrpy ps: exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "PID ") {
		t.Fatalf("rrpy ps has no header:\n%s", r.stdout)
	}
	var rows []psRow
	for _, l := range lines[1:] {
		m := psLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("rrpy ps line %q does not parse:\n%s", l, r.stdout)
		}
		pid, _ := strconv.Atoi(m[1])
		parent, _ := strconv.Atoi(m[2])
		rows = append(rows, psRow{pid: pid, parent: parent, ended: m[3], python: m[4] == "yes", command: m[5]})
	}
	return rows
}

// Each program records, and its whole tree replays with the same output
// (children's included, in the recorded order) and status.
func TestProcessTreesReplay(t *testing.T) {
	programs := []struct {
		name    string
		args    []string
		want    string
		pythons int // processes that run Python, at least
	}{
		{"fork", []string{"procs/fork_child.py"}, "child 30\nparent saw 3\n", 2},
		{"pool_fork", []string{"procs/pool_app.py", "fork"}, "fork 200 1981383300\n", 5},
		{"pool_spawn", []string{"procs/pool_app.py", "spawn"}, "spawn 200 1981383300\n", 5},
		{"executor", []string{"procs/executor_app.py"}, "executor 328350\n", 5},
		{"queue", []string{"procs/queue_app.py"}, "queue 50 2450 [0, 0]\n", 3},
		{"children", []string{"procs/run_children.py"}, "child got 2 words: alpha beta\npython child exited 2\n" +
			"pipeline printed a number: True\nos.system exited 4\n", 2},
	}
	for _, p := range programs {
		t.Run(p.name, func(t *testing.T) {
			forEachPython(t, func(t *testing.T, py string) {
				argv := append([]string{py, testdata(t, "py/"+p.args[0])}, p.args[1:]...)
				rec, _, dir := recordReplay(t, nil, nil, argv...)
				if rec.code != 0 || rec.stdout != p.want {
					t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
				}
				pythons := 0
				for _, row := range ps(t, dir) {
					if row.python {
						pythons++
					}
				}
				if pythons < p.pythons {
					t.Errorf("rrpy ps lists %d Python processes, want %d at least", pythons, p.pythons)
				}
			})
		})
	}
}

// rrpy ps names each process, and replay -p replays one alone: a forked
// child shows its own output and ends as it did; a Python child of
// subprocess.run too; a shell pipeline's programs (not Python) replay by
// autopilot and are refused by the shell.
func TestReplayOneProcess(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		recordOK(t, nil, dir, py, testdata(t, "py/procs/run_children.py"))
		rows := ps(t, dir)
		find := func(match func(psRow) bool) psRow {
			t.Helper()
			for i := len(rows) - 1; i >= 0; i-- {
				if match(rows[i]) {
					return rows[i]
				}
			}
			t.Fatalf("rrpy ps lists no such process: %+v", rows)
			return psRow{}
		}
		child := find(func(r psRow) bool { return r.python && strings.Contains(r.command, "child.py alpha beta") })
		if child.ended != "exited with status 2" || child.parent != rows[0].pid {
			t.Errorf("the Python child: %+v (the program: %+v)", child, rows[0])
		}
		rep := rrpy(t, nil, "replay", "--autopilot", "-p", strconv.Itoa(child.pid), dir)
		if rep.code != 2 || rep.stdout != "child got 2 words: alpha beta\n" {
			t.Errorf("replay -p %d: exit %d, printed %q; stderr %s", child.pid, rep.code, rep.stdout, rep.stderr)
		}
		ls := find(func(r psRow) bool { return r.command == "ls /" })
		if ls.python || ls.ended != "exited with status 0" {
			t.Errorf("ls in the pipeline: %+v", ls)
		}
		if rep := rrpy(t, nil, "replay", "--autopilot", "-p", strconv.Itoa(ls.pid), dir); rep.code != 0 || rep.stdout != "" {
			t.Errorf("replay --autopilot -p %d (ls, its output piped to wc): exit %d, printed %q; stderr %s", ls.pid, rep.code, rep.stdout, rep.stderr)
		}
		shell := rrpy(t, nil, "replay", "-p", strconv.Itoa(ls.pid), dir)
		if shell.code == 0 || !strings.Contains(shell.stderr, "not a Python rrpy knows: replay it with --autopilot") {
			t.Errorf("the shell on ls: exit %d, stderr %q", shell.code, shell.stderr)
		}
		assertNoCrash(t, shell)
		missing := rrpy(t, nil, "replay", "-p", "1", dir)
		if missing.code == 0 || !strings.Contains(missing.stderr, "no process 1 in "+dir+": rrpy ps lists its processes") {
			t.Errorf("replay -p 1: exit %d, stderr %q", missing.code, missing.stderr)
		}
		assertNoCrash(t, missing)
	})
}

// The shell on a Pool worker: a breakpoint in the function the workers
// run, values, back to the previous hit, and a watchpoint that finds the
// line that last changed a value, in that process's own time.
func TestPoolWorkerShell(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		dir := filepath.Join(t.TempDir(), "trace")
		script := testdata(t, "py/procs/pool_app.py")
		recordOK(t, nil, dir, py, script, "fork")
		for _, row := range ps(t, dir) {
			if !row.python || !strings.HasSuffix(row.command, "(forked)") {
				continue
			}
			// A worker the pool terminated as it began ran no Python
			// code: there is nothing to travel in, and the shell says so.
			if open := rrpy(t, nil, "replay", "-x", "/dev/null", "-p", strconv.Itoa(row.pid), dir); open.code != 0 {
				if !strings.Contains(open.stderr, "nothing to travel in") {
					t.Errorf("the shell on worker %d: exit %d: %s", row.pid, open.code, open.stderr)
				}
				continue
			}
			sh := startShell(t, dir, "-p", strconv.Itoa(row.pid))
			sh.do("break " + script + ":13")
			first := sh.do("continue")
			if !strings.Contains(first, "Hit breakpoint 1") {
				// This worker took no task: it waited until the pool
				// terminated it, and the end shows where it waited.
				if !strings.Contains(first, "End of the recording.") || strings.Contains(first, "***") {
					t.Errorf("continue in worker %d, which ran no task:\n%s", row.pid, first)
				}
				location(t, first)
				sh.quit()
				continue
			}
			at := sh.now
			n := printed(sh.do("p n"))
			if v, err := strconv.Atoi(n); err != nil || v < 200 || v >= 400 {
				t.Fatalf("p n in worker %d: %q", row.pid, n)
			}
			sh.do("continue")
			acc := printed(sh.do("p acc"))
			if acc != "0" {
				t.Errorf("p acc at the second hit of line 13: %q", acc)
			}
			if back := sh.do("bcontinue"); sh.now != at || !strings.Contains(back, "line 13 in work") {
				t.Errorf("bcontinue from the second hit: time %d, want %d:\n%s", sh.now, at, back)
			}
			if got := printed(sh.do("p n")); got != n {
				t.Errorf("p n back at the first hit: %q, want %q", got, n)
			}
			// A watchpoint on what the worker changed finds the line
			// that changed it last, backwards.
			name := regexp.MustCompile(`^\$\d+`).FindString(sh.do("p Stats"))
			calls, _ := strconv.Atoi(printed(sh.do("p " + name + ".calls")))
			sh.do("watch " + name + ".calls")
			changed := sh.do("bcontinue")
			if line, _ := location(t, changed); line != 10 || !strings.Contains(changed, "Reverse-hit watchpoint") || sh.now >= at {
				t.Errorf("bcontinue with a watch on %s.calls from time %d: at %d\n%s", name, at, sh.now, changed)
			}
			if before := printed(sh.do("p " + name + ".calls")); before != strconv.Itoa(calls-1) {
				t.Errorf("%s.calls before line 10 changed it: %s, want %d", name, before, calls-1)
			}
			return
		}
		t.Fatal("no worker ran work(): the pool's map went nowhere")
	})
}

// printed is the value p printed, without the $N it was named.
func printed(out string) string {
	return strings.TrimSpace(regexp.MustCompile(`^\$\d+ = `).ReplaceAllString(out, ""))
}

// A program that execs itself (as python -m pytest's re-exec, or a shell
// wrapper that execs python): both images are recorded, replay runs both,
// and the shell opens the one that runs last.
func TestReexecFollowed(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, dir := recordReplay(t, nil, nil, py, testdata(t, "py/procs/reexec.py"))
		if rec.code != 0 || rec.stdout != "first image\nsecond image: again\n" {
			t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
		}
		rows := ps(t, dir)
		if len(rows) != 2 || rows[0].pid != rows[1].pid || rows[0].ended != "exec'd" || !strings.HasSuffix(rows[1].command, "reexec.py again") {
			t.Fatalf("rrpy ps: %+v", rows)
		}
		sh := startShell(t, dir)
		sh.do("break 8")
		sh.do("continue")
		if got := printed(sh.do("p word")); got != "'again'" {
			t.Errorf("the shell on the second image, at line 8: p word = %q (it opened at\n%s)", got, sh.opening)
		}
	})
}

// An editor opens one process of a recording: launch's process is the
// pid rrpy ps shows, here a forked child, whose first stop is its own.
func TestDAPLaunchProcess(t *testing.T) {
	py := anyPython(t)
	dir := filepath.Join(t.TempDir(), "trace")
	script := testdata(t, "py/procs/fork_child.py")
	recordOK(t, nil, dir, py, script)
	rows := ps(t, dir)
	if len(rows) != 2 {
		t.Fatalf("rrpy ps: %+v", rows)
	}
	c := startDAP(t)
	c.ok("initialize", map[string]any{"adapterID": "rrpy"})
	c.ok("launch", map[string]any{"trace": dir, "process": rows[1].pid})
	c.ok("setBreakpoints", map[string]any{"source": map[string]any{"path": script}, "breakpoints": []map[string]any{{"line": 9}}})
	c.ok("configurationDone", nil)
	if ev := c.stopped(); ev == nil || ev.Body.Reason != "entry" {
		t.Fatalf("first stop: %+v", ev)
	}
	c.ok("continue", map[string]any{"threadId": 1})
	if ev := c.stopped(); ev == nil || ev.Body.Reason != "breakpoint" {
		t.Fatalf("continue: %+v", ev)
	}
	if fn, line := c.location(); fn != "<module>" || line != 9 {
		t.Errorf("the child stopped at %s:%d, want <module>:9 (print in the child)", fn, line)
	}
	other := startDAP(t)
	other.ok("initialize", map[string]any{"adapterID": "rrpy"})
	r := other.call("launch", map[string]any{"trace": dir, "process": 1})
	if resp := r.GetResponse(); resp.Success || !strings.Contains(resp.Message, "no process 1 in") {
		t.Errorf("launch of process 1: %+v", resp)
	}
}

// What the other processes of a recording need from the blob store (the
// shell and ls a child exec'd, the Python child's files) is kept by gc
// and copied in by pack: the packed tree replays with the store gone.
func TestProcessTreeBlobsKeptAndPacked(t *testing.T) {
	py := anyPython(t)
	env, data := ownDataHome(t)
	want := "child got 2 words: alpha beta\npython child exited 2\npipeline printed a number: True\nos.system exited 4\n"
	if r := rrpy(t, env, "record", "-n", "tree", "--", py, testdata(t, "py/procs/run_children.py")); r.code != 0 || r.stdout != want {
		t.Fatalf("record: %+v", r)
	}
	if r := rrpy(t, env, "record", "-n", "other", "--", "/bin/true"); r.code != 0 {
		t.Fatalf("record /bin/true: %+v", r)
	}
	if r := rrpy(t, env, "rm", "other"); r.code != 0 {
		t.Fatalf("rm other: %+v", r)
	}
	if r := rrpy(t, env, "replay", "--autopilot", "tree"); r.code != 0 || r.stdout != want {
		t.Errorf("replay of the tree after rm and gc: %+v", r)
	}
	if r := rrpy(t, env, "pack", "tree"); r.code != 0 {
		t.Fatalf("pack: %+v", r)
	}
	if err := os.RemoveAll(filepath.Join(data, "blobs")); err != nil {
		t.Fatal(err)
	}
	if r := rrpy(t, env, "replay", "--autopilot", "tree"); r.code != 0 || r.stdout != want {
		t.Errorf("replay of the packed tree without the store: %+v", r)
	}
}

// A child that outlives the program is recorded to its end, and rrpy says
// why the recording goes on after the program ended.
func TestChildOutlivesProgram(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/procs/orphan.py"))
		if rec.code != 0 || rec.stdout != "the parent ends\nthe child outlived its parent\n" {
			t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
		}
		if !regexp.MustCompile(`rrpy: warning: the program ended; 1 process\(es\) it started still run \(pids \d+\): the recording goes on until they end`).MatchString(rec.stderr) {
			t.Errorf("rrpy's stderr does not say why it goes on:\n%s", rec.stderr)
		}
	})
}
