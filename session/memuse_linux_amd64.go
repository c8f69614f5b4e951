package session

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// MemoryUse is what a session's process holds, in bytes, from
// /proc/PID/smaps_rollup: its resident set, and its proportional share
// of it (each page divided among the processes that map it), which sums
// over a replay and its checkpoints to the memory they hold together.
type MemoryUse struct {
	RSS, PSS uint64
}

// MemoryUse reads the process's memory use. It needs no ptrace request:
// it can run on any goroutine.
func (s *Session) MemoryUse() (MemoryUse, error) {
	text, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", s.pid))
	if err != nil {
		return MemoryUse{}, fmt.Errorf("read the memory use of process %d: %w", s.pid, err)
	}
	var m MemoryUse
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) < 2 {
			continue
		}
		kb, err := strconv.ParseUint(string(f[1]), 10, 64)
		if err != nil {
			continue
		}
		switch string(f[0]) {
		case "Rss:":
			m.RSS = kb * 1024
		case "Pss:":
			m.PSS = kb * 1024
		}
	}
	return m, nil
}
