//go:build linux && amd64

package main

import (
	"os/exec"
	"testing"
)

// rrpy keeps the recorded program on one CPU with its tracer thread; the
// program is told the CPUs it would have without rrpy, and its children
// run on them.
func TestAffinityAsWithoutRrpy(t *testing.T) {
	py := anyPython(t)
	script := testdata(t, "py/affinity.py")
	plain, err := exec.Command(py, script).Output()
	if err != nil {
		t.Fatalf("%s %s: %v", py, script, err)
	}
	rec, _, _ := recordReplay(t, nil, nil, py, script)
	if rec.stdout != string(plain) {
		t.Errorf("recorded, the program printed\n%s\nwithout rrpy\n%s", rec.stdout, plain)
	}
}
