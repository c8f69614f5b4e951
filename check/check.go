// Package check answers "can this machine record?" for `rrpy check`: it
// probes the kernel and the CPU for what recording needs (ptrace, rdtsc
// trapping) and reports what is merely informational (ASLR setting, debug
// registers, performance counters, CPU model, the pythons found and
// which of them rrpy can record), one line per item.
package check

import (
	"fmt"
	"strings"
)

// Status is the verdict on one item.
type Status int

// The verdicts, from best to worst.
const (
	OK   Status = iota // works, or needs nothing
	Warn               // works partly or is missing, but recording works
	Fail               // recording cannot work
)

// String returns "OK", "WARN" or "FAIL".
func (s Status) String() string {
	switch s {
	case OK:
		return "OK"
	case Warn:
		return "WARN"
	case Fail:
		return "FAIL"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Item is one line of the report, and the lines it lists.
type Item struct {
	Name   string // what was probed, e.g. "ptrace"
	Status Status
	Detail string   // what was found, and why it matters
	Lines  []string // what the item found one by one (the pythons), under it
}

// Failed reports whether any item makes recording impossible.
func Failed(items []Item) bool {
	for _, it := range items {
		if it.Status == Fail {
			return true
		}
	}
	return false
}

// statusWidth fits the longest status ("WARN", "FAIL") plus two spaces, so
// the item names line up.
const statusWidth = 6

// Format renders the report, one line per item, each followed by the
// lines it lists, indented under its name:
//
//	OK    ptrace: permitted
//	WARN  debug registers: ...
//	OK    python3: ...
//	      - /usr/bin/python3.11: OK, ...
func Format(items []Item) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%-*s%s", statusWidth, it.Status, it.Name)
		if it.Detail != "" {
			b.WriteString(": ")
			b.WriteString(oneLine(it.Detail))
		}
		b.WriteByte('\n')
		for _, line := range it.Lines {
			fmt.Fprintf(&b, "%*s- %s\n", statusWidth, "", oneLine(line))
		}
	}
	return b.String()
}

// oneLine folds a multi-line detail (an error from a tool, say) so that
// each item stays on one line of the report.
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}
