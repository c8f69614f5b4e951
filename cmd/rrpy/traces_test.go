//go:build linux && amd64

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// rrpy ls lists the traces of the traces directory; replay and rm take
// the names it shows; rm removes traces only, says which it cannot find,
// and moves the latest link to the newest trace left.
func TestLsRmAndNames(t *testing.T) {
	py := anyPython(t)
	env := []string{"XDG_DATA_HOME=" + t.TempDir()}
	if r := rrpy(t, env, "ls"); r.code != 0 || !strings.HasPrefix(r.stdout, "No traces in ") {
		t.Errorf("ls with no traces: %+v", r)
	}
	for _, script := range []string{"py/calls.py", "py/sysexit.py"} {
		rrpy(t, env, "record", "--", py, testdata(t, script))
	}
	r := rrpy(t, env, "ls")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 3 ||
		!regexp.MustCompile(`^  calls-0 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\S+ +0 +\S+ +\S*python\S* \S+/calls\.py$`).MatchString(lines[1]) ||
		!regexp.MustCompile(`^\* sysexit-0 .* 3 +\S+ +\S*python\S* \S+/sysexit\.py$`).MatchString(lines[2]) {
		t.Fatalf("ls:\n%s", r.stdout)
	}
	if r := rrpy(t, env, "replay", "--autopilot", "calls-0"); r.code != 0 || r.stdout != "4\n" {
		t.Errorf("replay calls-0: %+v", r)
	}
	if r := rrpy(t, env, "rm", "sysexit-0", "nosuch", "calls-0"); r.code != 1 ||
		!strings.HasSuffix(r.stdout, "/sysexit-0\n") || r.stderr != "rrpy: no trace nosuch: rrpy ls lists them\n" {
		t.Errorf("rm sysexit-0 nosuch calls-0: %+v", r)
	}
	if r := rrpy(t, env, "ls"); !strings.Contains(r.stdout, "* calls-0 ") || strings.Contains(r.stdout, "sysexit") {
		t.Errorf("ls after rm: the latest is not calls-0:\n%s", r.stdout)
	}
	notTrace := t.TempDir()
	writeFile(t, filepath.Join(notTrace, "keep"), "x")
	if r := rrpy(t, env, "rm", notTrace); r.code != 1 || !strings.Contains(r.stderr, "is not a trace") {
		t.Errorf("rm of a directory that is no trace: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(notTrace, "keep")); err != nil {
		t.Errorf("rm removed what is no trace: %v", err)
	}
	if r := rrpy(t, env, "rm"); r.code != 2 {
		t.Errorf("rm without a name: %+v", r)
	}
	// record -n names a trace; a name taken or a path is refused.
	if r := rrpy(t, env, "record", "-n", "mine", "--", py, testdata(t, "py/calls.py")); r.code != 0 {
		t.Fatalf("record -n mine: %+v", r)
	}
	if r := rrpy(t, env, "ls"); !strings.Contains(r.stdout, "\n* mine ") {
		t.Errorf("ls after record -n mine:\n%s", r.stdout)
	}
	if r := rrpy(t, env, "replay", "--autopilot", "mine"); r.code != 0 || r.stdout != "4\n" {
		t.Errorf("replay mine: %+v", r)
	}
	for args, want := range map[string]string{
		"-n mine":         "a trace named mine exists: rrpy rm mine first, or choose another name",
		"-n a/b":          "-n a/b: a trace's name is one word of a file name, not a path",
		"-n x -o /tmp/no": "-o DIR and -n NAME both say where the trace goes",
	} {
		r := rrpy(t, env, append(append([]string{"record"}, strings.Fields(args)...), "--", py, testdata(t, "py/calls.py"))...)
		assertOneLineError(t, r, want)
	}
}

// A packed trace replays from its directory alone: the test records a
// copy of the interpreter, packs the trace, copies it, removes the
// interpreter's copy and the blob store, and replays the trace's copy.
// The unpacked trace then says what to do.
func TestPack(t *testing.T) {
	py := filepath.Join(t.TempDir(), "python3")
	if out, err := exec.Command("cp", anyPython(t), py).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	env := []string{"XDG_DATA_HOME=" + t.TempDir()}
	dir := filepath.Join(t.TempDir(), "trace")
	recordOK(t, env, dir, py, testdata(t, "py/calls.py"))
	r := rrpy(t, env, "pack", dir)
	if r.code != 0 || !regexp.MustCompile(`^Packed \S+: \d+ stored files \(\S+\) copied in; it replays from its directory alone\.\n$`).MatchString(r.stdout) {
		t.Fatalf("pack: %+v", r)
	}
	if r := rrpy(t, env, "pack", dir); r.code != 0 || !strings.Contains(r.stdout, ": 0 stored files (0B) copied in") {
		t.Errorf("pack again: %+v", r)
	}
	moved := filepath.Join(t.TempDir(), "copied")
	if out, err := exec.Command("cp", "-a", dir, moved).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	for _, gone := range []string{py, filepath.Join(strings.TrimPrefix(env[0], "XDG_DATA_HOME="), "rrpy", "blobs")} {
		if err := os.RemoveAll(gone); err != nil {
			t.Fatal(err)
		}
	}
	if r := rrpy(t, env, "replay", "--autopilot", moved); r.code != 0 || r.stdout != "4\n" {
		t.Errorf("replay of the packed copy without the blob store: %+v", r)
	}
	if err := os.RemoveAll(filepath.Join(dir, "blobs")); err != nil {
		t.Fatal(err)
	}
	r = rrpy(t, env, "replay", "--autopilot", dir)
	assertOneLineError(t, r, "stored files this trace needs are missing from")
	if !strings.Contains(r.stderr, "run rrpy pack trace on the machine that recorded it") {
		t.Errorf("replay of an unpacked trace without its blobs: %+v", r)
	}
}

// rrpy gc removes the stored files no trace needs, those of the traces
// recorded elsewhere (-o) kept, and the newest kept unless told.
func TestGC(t *testing.T) {
	py := anyPython(t)
	env := []string{"XDG_DATA_HOME=" + t.TempDir()}
	elsewhere, gone := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "c")
	recordOK(t, env, elsewhere, py, testdata(t, "py/calls.py"))
	rrpy(t, env, "record", "-n", "b", "--", py, testdata(t, "py/sysexit.py"))
	recordOK(t, env, gone, py, testdata(t, "py/watch_len.py"))
	if err := os.RemoveAll(gone); err != nil {
		t.Fatal(err)
	}
	if r := rrpy(t, env, "gc"); r.code != 0 || !regexp.MustCompile(`^Removed 0 stored files \(0B\) that none of the 2 traces needs; kept \d+\.\n$`).MatchString(r.stdout) {
		t.Errorf("gc of young files: %+v", r)
	}
	removed := regexp.MustCompile(`^Removed ([1-9]\d*) stored files \(\S+\) that none of the (\d) traces needs; kept \d+\.\n$`)
	if r := rrpy(t, env, "gc", "--min-age", "0"); r.code != 0 || removed.FindStringSubmatch(r.stdout) == nil || removed.FindStringSubmatch(r.stdout)[2] != "2" {
		t.Errorf("gc --min-age 0 after a trace was removed by hand: %+v", r)
	}
	rrpy(t, env, "rm", "b")
	if r := rrpy(t, env, "gc", "--min-age", "0"); r.code != 0 || removed.FindStringSubmatch(r.stdout) == nil || removed.FindStringSubmatch(r.stdout)[2] != "1" {
		t.Errorf("gc --min-age 0 after rm: %+v", r)
	}
	if r := rrpy(t, env, "replay", "--autopilot", elsewhere); r.code != 0 || r.stdout != "4\n" {
		t.Errorf("replay of the trace recorded elsewhere after gc: %+v", r)
	}
	// A trace that does not say what it needs (killed while recording)
	// stops gc: its files are unknown.
	editMeta(t, elsewhere, func(m map[string]any) { m["Blobs"] = nil })
	assertOneLineError(t, rrpy(t, env, "gc", "--min-age", "0"), "lists no stored files (being recorded, or cut off before it could)")
}
