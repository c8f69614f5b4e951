//go:build linux && amd64

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Acceptance scenario 5: the smallest Python program, and a small trace.
func TestPrintReplays(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, dir := recordReplay(t, nil, nil, py, "-c", "print(6*7)")
		if rec.stdout != "42\n" || rec.code != 0 {
			t.Fatalf("recording printed %q, exit %d; stderr %s", rec.stdout, rec.code, rec.stderr)
		}
		if size := dirSize(t, dir); size > 1<<20 {
			t.Errorf("trace is %d bytes, want under 1 MB", size)
		}
	})
}

// Acceptance scenario 6: replay does not ask the world again, after the
// input file is gone, the environment changed and the clock moved.
func TestNondetPublicReplays(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		input := filepath.Join(t.TempDir(), "input.txt")
		writeFile(t, input, "first\n")
		change := func() {
			os.Remove(input)
			time.Sleep(1100 * time.Millisecond)
		}
		rec, _, _ := recordReplay(t, []string{"RRPY_DEMO_VALUE=recorded"}, change,
			py, testdata(t, "py/nondet_public.py"), input)
		for _, want := range []string{"file first\n", "env recorded\n", "time ", "urandom "} {
			if !strings.Contains(rec.stdout, want) {
				t.Errorf("recording lacks %q:\n%s", want, rec.stdout)
			}
		}
	})
}

// A script importing half the standard library: time, uuid1 (an ioctl for
// the MAC address), hashing os.urandom, random, the hostname, tempfile.
func TestStdlibReplays(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/stdlib_mix.py"))
		if !strings.Contains(rec.stdout, "uuid1 ") || rec.code != 0 {
			t.Fatalf("recording failed: %q %s", rec.stdout, rec.stderr)
		}
	})
}

// Files written and read while recording are not touched by replay, which
// still prints what the program read.
func TestFilesReplayWithoutTouchingDisk(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		work := t.TempDir()
		change := func() {
			os.RemoveAll(work)
			if err := os.Mkdir(work, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		recordReplay(t, nil, change, py, testdata(t, "py/files.py"), work)
		if entries, _ := os.ReadDir(work); len(entries) != 0 {
			t.Errorf("replay wrote %d files into %s", len(entries), work)
		}
	})
}

// A mapped sparse file of 4 GiB records and replays in a moment.
func TestSparseFileMapped(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/sparse_mmap.py"))
		if rec.stdout != "4294967296 b'end' 0\n" {
			t.Errorf("recording printed %q; stderr %s", rec.stdout, rec.stderr)
		}
	})
}

// Child processes run for real while recording; replay shows what the
// recorded process read from them and creates none.
func TestSubprocessReplays(t *testing.T) {
	forEachPython(t, func(t *testing.T, py string) {
		rec, _, _ := recordReplay(t, nil, nil, py, testdata(t, "py/subprocesses.py"), t.TempDir())
		if !strings.Contains(rec.stdout, "fork child status 7") {
			t.Fatalf("recording printed %q; stderr %s", rec.stdout, rec.stderr)
		}
	})
}

// A C program is the sharpest determinism test: clocks, rdtsc/rdtscp,
// pids, getrandom, /dev/urandom, heap and stack addresses, uname, stat,
// readlink and getdents, with the file changed before replay.
func TestCProgramReplays(t *testing.T) {
	prog := compileC(t, "nondet.c")
	input := filepath.Join(t.TempDir(), "in.txt")
	writeFile(t, input, "hello\n")
	change := func() {
		writeFile(t, input, "a different, longer content\n")
		writeFile(t, filepath.Join(filepath.Dir(input), "another"), "x")
	}
	rec, _, _ := recordReplay(t, []string{"RRPY_DEMO_VALUE=a"}, change, prog, input)
	if rec.code != 3 || !strings.Contains(rec.stdout, "rdtsc ") || !strings.Contains(rec.stdout, "file hello") {
		t.Fatalf("recording: exit %d, printed %q; stderr %s", rec.code, rec.stdout, rec.stderr)
	}
}

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		n += info.Size()
	}
	return n
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
