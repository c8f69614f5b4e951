//go:build linux && amd64

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// ownDataHome gives a test its own rrpy data directory (traces, blobs),
// as the environment its rrpy commands take.
func ownDataHome(t *testing.T) (env []string, data string) {
	data = t.TempDir()
	return []string{"XDG_DATA_HOME=" + data}, filepath.Join(data, "rrpy")
}

func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Named traces are listed, replayed by name, removed, and the stored
// files only a removed trace needed go with it.
func TestTraceLibrary(t *testing.T) {
	py := anyPython(t)
	env, data := ownDataHome(t)
	src := t.TempDir()
	first := writeScript(t, src, "first.py", "print('the first', sum(range(10)))\n")
	second := writeScript(t, src, "second.py", "import sys\nprint('the second')\nsys.exit(3)\n")

	if r := rrpy(t, env, "ls"); r.code != 0 || !strings.Contains(r.stdout, "no trace yet") {
		t.Fatalf("ls of no trace: %+v", r)
	}
	if r := rrpy(t, env, "record", "-n", "one", "--", py, first); r.code != 0 {
		t.Fatalf("record -n one: %+v", r)
	}
	if r := rrpy(t, env, "record", "-n", "two", "--", py, second); r.code != 3 {
		t.Fatalf("record -n two: %+v", r)
	}
	ls := rrpy(t, env, "ls")
	for _, want := range []string{
		`(?m)^NAME +PROGRAM +RECORDED +DURATION +ENDED +SIZE$`,
		`(?m)^one +python3\.\d+ \S+/first\.py +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d\S*s +exit 0 +[\d.]+ KiB$`,
		`(?m)^two \(latest\) +python3\.\d+ \S+/second\.py +.* +exit 3 +[\d.]+ KiB$`,
	} {
		if !regexp.MustCompile(want).MatchString(ls.stdout) {
			t.Errorf("ls lacks %s:\n%s", want, ls.stdout)
		}
	}

	// Bad names and a name taken: one line, exit 1 or 2, nothing written.
	for _, bad := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"record", "-n", "one", "--", py, first}, 1, "rrpy: a trace named one exists: rrpy rm one first, or pick another name\n"},
		{[]string{"record", "-n", "latest", "--", py, first}, 2, "rrpy: -n \"latest\": a trace's name is a plain file name, not \"latest\"\n"},
		{[]string{"record", "-n", "x", "-o", t.TempDir(), "--", py, first}, 2, "rrpy: -n names a trace in rrpy's traces directory, -o puts it elsewhere: one or the other\n"},
		{[]string{"replay", "--autopilot", "three"}, 1, "rrpy: no trace three: rrpy ls lists them\n"},
		{[]string{"rm", "one", "three"}, 1, "rrpy: no trace three: rrpy ls lists them\n"},
		{[]string{"rm"}, 2, "rrpy: usage: rrpy rm NAME... (rrpy ls lists them)\n"},
	} {
		if r := rrpy(t, env, bad.args...); r.code != bad.code || r.stderr != bad.msg {
			t.Errorf("rrpy %v: exit %d, stderr %q; want %d, %q", bad.args, r.code, r.stderr, bad.code, bad.msg)
		}
	}

	if r := rrpy(t, env, "replay", "--autopilot", "one"); r.stdout != "the first 45\n" {
		t.Errorf("replay one: %+v", r)
	}
	rm := rrpy(t, env, "rm", "one")
	if rm.code != 0 || !regexp.MustCompile(`(?m)^removed \S+/traces/one\nremoved [1-9]\d* stored files no trace needs \(.+\)\n$`).MatchString(rm.stdout) {
		t.Errorf("rm one: %+v", rm)
	}
	if r := rrpy(t, env, "gc"); r.stdout != "removed 0 stored files no trace needs (0 B)\n" {
		t.Errorf("gc after rm: %+v", r)
	}
	if r := rrpy(t, env, "replay", "--autopilot", "two"); r.code != 3 || r.stdout != "the second\n" {
		t.Errorf("replay two after rm one: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(data, "traces", "one")); !os.IsNotExist(err) {
		t.Errorf("the removed trace is still there: %v", err)
	}
	// rm of the latest trace points the link at the newest trace left,
	// and takes it away with the last.
	if r := rrpy(t, env, "record", "-n", "three", "--", py, first); r.code != 0 {
		t.Fatalf("record -n three: %+v", r)
	}
	rrpy(t, env, "rm", "three")
	if r := rrpy(t, env, "replay", "--autopilot"); r.code != 3 || r.stdout != "the second\n" {
		t.Errorf("replay of the latest after rm of the latest: %+v", r)
	}
	rrpy(t, env, "rm", "two")
	if r := rrpy(t, env, "replay", "--autopilot"); r.code != 1 || !strings.Contains(r.stderr, "no trace yet") {
		t.Errorf("replay of the latest after rm of the last: %+v", r)
	}
}

// A trace recorded elsewhere (-o) keeps what it needs from the store
// when traces in the library are removed.
func TestCollectKeepsTracesElsewhere(t *testing.T) {
	py := anyPython(t)
	env, _ := ownDataHome(t)
	script := writeScript(t, t.TempDir(), "kept.py", "print('kept')\n")
	dir := filepath.Join(t.TempDir(), "trace")
	if r := rrpy(t, env, "record", "-o", dir, "--", py, script); r.code != 0 {
		t.Fatalf("record -o: %+v", r)
	}
	if r := rrpy(t, env, "gc"); r.stdout != "removed 0 stored files no trace needs (0 B)\n" {
		t.Errorf("gc with a trace elsewhere: %+v", r)
	}
	if r := rrpy(t, env, "replay", "--autopilot", dir); r.stdout != "kept\n" {
		t.Errorf("replay of the trace elsewhere after gc: %+v", r)
	}
}

// A packed trace replays, and opens in the shell with its source, after
// the interpreter's files, the script and the blob store are gone.
func TestPackedTraceReplaysAlone(t *testing.T) {
	const debian = "/usr/bin/python3.11"
	if _, err := os.Stat("/usr/lib/python3.11/os.py"); err != nil {
		t.Skipf("Debian's python3.11 is not installed: %v", err)
	}
	env, data := ownDataHome(t)
	work := t.TempDir()
	py := copyPython(t, debian, filepath.Join(work, "python"))
	script := writeScript(t, work, "app.py", "import json\nitems = [i * i for i in range(5)]\nprint(json.dumps(items))\n")
	if r := rrpy(t, env, "record", "-n", "app", "--", py, script); r.code != 0 || r.stdout != "[0, 1, 4, 9, 16]\n" {
		t.Fatalf("record: %+v", r)
	}
	// Unpacked, its blobs gone: replay says what to do.
	blobs := filepath.Join(data, "blobs")
	if err := os.Rename(blobs, blobs+".aside"); err != nil {
		t.Fatal(err)
	}
	if r := rrpy(t, env, "replay", "--autopilot", "app"); r.code != 1 || !strings.Contains(r.stderr, "run rrpy pack on the trace where it was recorded") {
		t.Errorf("replay of an unpacked trace without its blobs: %+v", r)
	}
	if err := os.RemoveAll(blobs); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(blobs+".aside", blobs); err != nil {
		t.Fatal(err)
	}
	pack := rrpy(t, env, "pack", "app")
	if pack.code != 0 || !regexp.MustCompile(`^packed \S+/traces/app: [1-9]\d* stored files copied in, .+; it replays without the blob store\n$`).MatchString(pack.stdout) {
		t.Fatalf("pack: %+v", pack)
	}
	for _, gone := range []string{filepath.Join(work, "python"), script, blobs} {
		if err := os.RemoveAll(gone); err != nil {
			t.Fatal(err)
		}
	}
	if r := rrpy(t, env, "replay", "--autopilot", "app"); r.code != 0 || r.stdout != "[0, 1, 4, 9, 16]\n" {
		t.Errorf("replay of the packed trace: %+v", r)
	}
	cmds := writeScript(t, work, "cmds", "next\nnext\nlist\np items\n")
	out := rrpy(t, env, "replay", "-x", cmds, "app")
	for _, want := range []string{"items = [i * i for i in range(5)]", "$0 = [0, 1, 4, 9, 16]"} {
		if !strings.Contains(out.stdout, want) {
			t.Errorf("the shell on the packed trace lacks %q:\n%s\n%s", want, out.stdout, out.stderr)
		}
	}
}

// copyPython copies an interpreter with its standard library (the parts
// a small program needs) under dir, and returns the copy's executable:
// a python whose files the test may remove.
func copyPython(t *testing.T, exe, dir string) string {
	t.Helper()
	lib := filepath.Join(dir, "lib", "python3.11")
	if err := os.MkdirAll(lib, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	copy := filepath.Join(dir, "bin", "python3.11")
	if out, err := exec.Command("cp", exe, copy).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", exe, err, out)
	}
	entries, err := os.ReadDir("/usr/lib/python3.11")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-a"}
	for _, e := range entries {
		switch name := e.Name(); {
		case name == "test" || name == "site-packages" || name == "dist-packages" || strings.HasPrefix(name, "config-"):
		default:
			args = append(args, filepath.Join("/usr/lib/python3.11", name))
		}
	}
	if out, err := exec.Command("cp", append(args, lib)...).CombinedOutput(); err != nil {
		t.Fatalf("copy the standard library: %v\n%s", err, out)
	}
	return copy
}

// rrpy pack and rrpy ls say what a trace takes on disk: a recording
// that mapped a 4 GiB file of holes takes megabytes, as du says.
func TestPackSizeOnDisk(t *testing.T) {
	py := anyPython(t)
	env, data := ownDataHome(t)
	if r := rrpy(t, env, "record", "-n", "sparse", "--", py, testdata(t, "py/sparse_mmap.py")); r.code != 0 {
		t.Fatalf("record: %+v", r)
	}
	pack := rrpy(t, env, "pack", "sparse")
	m := regexp.MustCompile(`^packed \S+: [1-9]\d* stored files copied in, ([\d.]+) MiB on disk in all; it replays without the blob store\n$`).FindStringSubmatch(pack.stdout)
	if pack.code != 0 || m == nil {
		t.Fatalf("pack of a trace with a sparse file: %+v", pack)
	}
	out, err := exec.Command("du", "-sk", filepath.Join(data, "traces", "sparse")).Output()
	if err != nil {
		t.Fatal(err)
	}
	saidMiB, _ := strconv.ParseFloat(m[1], 64)
	duKiB, _ := strconv.ParseFloat(strings.Fields(string(out))[0], 64)
	if d := saidMiB - duKiB/1024; d < -0.5 || d > 0.5 {
		t.Errorf("pack says %.1f MiB, du says %.1f MiB", saidMiB, duKiB/1024)
	}
	if ls := rrpy(t, env, "ls"); !strings.Contains(ls.stdout, " "+m[1]+" MiB packed\n") {
		t.Errorf("ls does not say the size pack said (%s MiB):\n%s", m[1], ls.stdout)
	}
}

// rrpy pack into a trace directory it may not write: one line, exit 1,
// and the trace as it was (no half-filled store that would make it look
// packed). As root, where permissions do not stop writes, rrpy pack runs
// as nobody on a trace nobody owns and may not write; otherwise as the
// user on a directory made read-only.
func TestPackReadOnly(t *testing.T) {
	py := anyPython(t)
	base := t.TempDir()
	data := filepath.Join(base, "data")
	env := []string{"XDG_DATA_HOME=" + data}
	if r := rrpy(t, env, "record", "-n", "ro", "--", py, testdata(t, "py/countdown.py"), "2"); r.code != 0 {
		t.Fatalf("record: %+v", r)
	}
	dir := filepath.Join(data, "rrpy", "traces", "ro")
	bin := rrpyBin
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534} // nobody
		bin = filepath.Join(base, "rrpy")
		if out, err := exec.Command("cp", rrpyBin, bin).CombinedOutput(); err != nil {
			t.Fatalf("copy rrpy: %v\n%s", err, out)
		}
		for _, d := range []string{filepath.Dir(base), base} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := exec.Command("chown", "-R", "65534:65534", data).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v\n%s", err, out)
		}
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	before := listTree(t, data)
	cmd := exec.Command(bin, "pack", "ro")
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || stdout.String() != "" ||
		stderr.String() != "rrpy: cannot write into "+dir+": pack needs to add the stored files there (nothing was changed)\n" {
		t.Errorf("pack into a read-only trace: %v, stdout %q, stderr %q", err, stdout.String(), stderr.String())
	}
	if after := listTree(t, data); after != before {
		t.Errorf("pack left debris:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	os.Chmod(dir, 0o700)
}

// listTree is every path under dir with its size, one a line.
func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d\n", path, fi.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
