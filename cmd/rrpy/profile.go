package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// profileEnv names the file a CPU profile of this run of rrpy goes to
// (bench/README.md: how the stop path was measured). Unset, nothing is
// profiled.
const profileEnv = "RRPY_CPUPROFILE"

// startProfile starts the CPU profile RRPY_CPUPROFILE asks for and
// returns what ends it; a profile that cannot start is said and skipped,
// never a reason for the command to fail.
func startProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "rrpy: %s: no profile: %v\n", profileEnv, err)
		if f != nil {
			f.Close()
		}
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
