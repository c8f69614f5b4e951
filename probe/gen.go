//go:build ignore

// gen assembles probe_amd64.S into probe_amd64.bin (the raw bytes of its
// text section) with the system's gcc and objcopy. Run by go generate; the
// output is committed, so building rrpy needs no assembler.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run() error {
	tmp, err := os.MkdirTemp("", "rrpy-probe")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	obj := filepath.Join(tmp, "probe.o")
	steps := [][]string{
		{"gcc", "-c", "probe_amd64.S", "-o", obj},
		{"objcopy", "-O", "binary", "--only-section=.text", obj, "probe_amd64.bin"},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %w", s, err)
		}
	}
	return nil
}
