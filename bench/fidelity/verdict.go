//go:build linux && amd64

package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// runLog is one run's ending and output.
type runLog struct {
	ending
	stdout, stderr string // the files
	out, err       []byte
}

func (l *runLog) read() error {
	var err error
	if l.out, err = os.ReadFile(l.stdout); err != nil {
		return err
	}
	l.err, err = os.ReadFile(l.stderr)
	return err
}

// outcome is what a run of regrtest says of the tests: its exit status
// and its summary lines.
type outcome struct {
	status  int
	summary string // "Total tests: run=170 skipped=1; Result: SUCCESS"; "" when none was printed
}

// outcome reads the summary. The regrtest of 3.11.2 (Debian's) prints no
// "Total tests:" line and its result as "Tests result: SUCCESS": a module
// it skipped whole ("1 test skipped:", "1 test run no tests:") ran no test,
// as 3.11.7's "Total tests: run=0" says.
func (l runLog) outcome() outcome {
	var total, res string
	for _, line := range lines(l.out) {
		switch {
		case strings.HasPrefix(line, "Total tests:"):
			total = line
		case strings.HasPrefix(line, "Result:"):
			res = line
		case strings.HasPrefix(line, "Tests result:") && res == "":
			res = strings.TrimPrefix(line, "Tests ")
		case (line == "1 test skipped:" || line == "1 test run no tests:") && total == "":
			total = "Total tests: run=0"
		}
	}
	if total == "" && res == "" {
		return outcome{status: l.Status}
	}
	return outcome{status: l.Status, summary: total + "; " + res}
}

// ranNoTest reports whether regrtest ran no test at all.
func (o outcome) ranNoTest() bool { return strings.HasPrefix(o.summary, "Total tests: run=0;") }

func (o outcome) String() string {
	if o.summary == "" {
		return fmt.Sprintf("exit status %d, no summary", o.status)
	}
	return fmt.Sprintf("exit status %d, %s", o.status, o.summary)
}

func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// splitRrpy splits a line of stderr into the program's output and what
// rrpy printed after it: rrpy's line follows whatever the program left
// without a newline ("STDINrrpy: replay diverged …").
func splitRrpy(line string) (program, rrpy string) {
	if i := strings.Index(line, "rrpy: "); i >= 0 {
		return line[:i], line[i:]
	}
	return line, ""
}

// rrpyMessages are the lines rrpy printed, without "rrpy: ".
func rrpyMessages(stderr []byte) []string {
	var msgs []string
	for _, line := range lines(stderr) {
		if _, msg := splitRrpy(line); msg != "" {
			msgs = append(msgs, strings.TrimPrefix(msg, "rrpy: "))
		}
	}
	return msgs
}

// rrpyWarnings are the warnings rrpy printed.
func (l runLog) rrpyWarnings() []string {
	var w []string
	for _, msg := range rrpyMessages(l.err) {
		if warning, ok := strings.CutPrefix(msg, "warning: "); ok {
			w = append(w, warning)
		}
	}
	return w
}

// failure is the class and the message of a run of rrpy that did not end
// as the program did: it hung, panicked, or said why it stopped.
func (l runLog) failure(side, trace string) (class, detail string) {
	if l.TimedOut {
		return side + " times out: " + l.idleOrBusy(), fmt.Sprintf("%s killed after %.0f s, having used %.0f s of CPU", side, l.Seconds, l.CPUSeconds)
	}
	if p := goPanic(l.err); p != "" {
		return side + ": rrpy panics: " + normalize(p), p
	}
	if msg := rrpyError(l.err, trace); msg != "" {
		return side + ": " + normalize(msg), msg
	}
	return "", ""
}

// idleOrBusy tells a hang, where the processes wait for each other, from
// a run that computes on, too slowly or in a loop.
func (e ending) idleOrBusy() string {
	if e.CPUSeconds < e.Seconds/4 {
		return "idle (a hang)"
	}
	return "busy (slow, or spinning)"
}

var goroutineLine = regexp.MustCompile(`(?m)^goroutine \d+ \[`)

// goPanic is the first line of a Go panic or fatal error in stderr.
func goPanic(stderr []byte) string {
	if !goroutineLine.Match(stderr) {
		return ""
	}
	for _, line := range lines(stderr) {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			return line
		}
	}
	return ""
}

// rrpyError is the last error rrpy printed, without the trace directory
// a failed recording names.
func rrpyError(stderr []byte, trace string) string {
	var last string
	for _, msg := range rrpyMessages(stderr) {
		if !strings.HasPrefix(msg, "recorded into ") && !strings.HasPrefix(msg, "warning: ") {
			last = strings.TrimSuffix(msg, ": "+trace)
		}
	}
	return last
}

var (
	hexNumber = regexp.MustCompile(`0x[0-9a-fA-F]+`)
	number    = regexp.MustCompile(`\d+`)
	// A syscall's arguments: "clock_gettime(0x1, 0x7ffff731cc00)".
	syscallArgs = regexp.MustCompile(`\b([a-z_0-9]+)\([^()]*\)`)
	// A replay that went on where the recording took a signal: which
	// syscall it made instead is whatever the program did next.
	missedSignal = regexp.MustCompile(`the program made [a-z_0-9]+\(…\), the trace has signal`)
	// The file of a warning: "/usr/lib/python3.11/doctest.py line 1500 calls …".
	warningPlace = regexp.MustCompile(`^/\S+ line \d+ `)
)

// normalize makes a message a class: numbers (events, pids, addresses)
// and syscall arguments are left out, and long messages cut.
func normalize(msg string) string {
	msg = syscallArgs.ReplaceAllString(msg, "$1(…)")
	msg = missedSignal.ReplaceAllString(msg, "the program made a syscall, the trace has signal")
	msg = number.ReplaceAllString(hexNumber.ReplaceAllString(msg, "0x…"), "N")
	if r := []rune(msg); len(r) > 160 {
		msg = string(r[:160]) + "…"
	}
	return msg
}

// normalizeWarning makes a warning a class, wherever the program was.
func normalizeWarning(msg string) string {
	return normalize(warningPlace.ReplaceAllString(msg, ""))
}

// outputDifference names how the replay's output differs from the
// recording's, rrpy's own lines left out, and says where it first does;
// "" when they are the same. Child processes run for real while recording
// and not at all in replay: what they wrote to the stdout or stderr they
// inherited is missing from the replay, a class of its own.
func outputDifference(rec, rep runLog) (class, detail string) {
	if rec.Status != rep.Status {
		return "replay: the exit status differs", fmt.Sprintf("exit status: recorded %d, replayed %d", rec.Status, rep.Status)
	}
	for _, stream := range []struct {
		name     string
		rec, rep []string
	}{
		{"stdout", lines(rec.out), lines(rep.out)},
		{"stderr", withoutRrpy(rec.err), withoutRrpy(rep.err)},
	} {
		d := firstDifference(stream.rec, stream.rep)
		switch {
		case d == "":
			continue
		case isSubsequence(stream.rep, stream.rec):
			return "replay: " + stream.name + " lacks lines of the recording's (children's output?)", stream.name + ": " + d
		}
		return "replay: " + stream.name + " differs", stream.name + ": " + d
	}
	return "", ""
}

// isSubsequence reports whether all of sub's lines are in all's, in order.
func isSubsequence(sub, all []string) bool {
	i := 0
	for _, line := range all {
		if i < len(sub) && sub[i] == line {
			i++
		}
	}
	return i == len(sub)
}

func withoutRrpy(b []byte) []string {
	var out []string
	for _, line := range lines(b) {
		if program, rrpy := splitRrpy(line); rrpy == "" || program != "" {
			out = append(out, program)
		}
	}
	return out
}

func firstDifference(rec, rep []string) string {
	for i := range max(len(rec), len(rep)) {
		switch {
		case i >= len(rep):
			return fmt.Sprintf("the replay stops at line %d; recorded %q", i+1, cut(rec[i]))
		case i >= len(rec):
			return fmt.Sprintf("the replay goes on at line %d: %q", i+1, cut(rep[i]))
		case rec[i] != rep[i]:
			return fmt.Sprintf("line %d: recorded %q, replayed %q", i+1, cut(rec[i]), cut(rep[i]))
		}
	}
	return ""
}

func cut(s string) string {
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

// A test's result as unittest prints it in verbose mode, and the header
// of a failure's report.
var (
	verboseResult = regexp.MustCompile(`^\S+ \(([^)]+)\)(?: \[[^]]*\])? \.\.\. (ok|FAIL|ERROR|skipped|expected failure|unexpected success)`)
	failureHeader = regexp.MustCompile(`^(FAIL|ERROR): \S+ \(([^)]+)\)`)
)

// testResults maps each test id to its result.
func testResults(out []byte) map[string]string {
	res := map[string]string{}
	for _, line := range lines(out) {
		if m := verboseResult.FindStringSubmatch(line); m != nil && res[m[1]] == "" {
			res[m[1]] = m[2]
		}
		if m := failureHeader.FindStringSubmatch(line); m != nil {
			res[m[2]] = m[1]
		}
	}
	return res
}

func failed(result string) bool { return result == "FAIL" || result == "ERROR" }

// outcomeDifference names how a recording's outcome differs from plain's,
// and lists the tests whose results differ with the exception each failed
// with.
func outcomeDifference(plain, rec runLog) (class string, details []string) {
	details = []string{"plain: " + plain.outcome().String(), "rrpy: " + rec.outcome().String()}
	was, is := testResults(plain.out), testResults(rec.out)
	var fails, skips, others []string
	for _, id := range sortedKeys(is, was) {
		p, r := was[id], is[id]
		switch {
		case p == r:
			continue
		case failed(r):
			fails = append(fails, id)
			details = append(details, fmt.Sprintf("%s: plain %s, rrpy %s: %s", id, orNone(p), r, failureOf(rec.out, id)))
		case r == "skipped" || p == "skipped":
			skips = append(skips, id)
			details = append(details, fmt.Sprintf("%s: plain %s, rrpy %s", id, orNone(p), orNone(r)))
		default:
			others = append(others, id)
			details = append(details, fmt.Sprintf("%s: plain %s, rrpy %s", id, orNone(p), orNone(r)))
		}
	}
	switch {
	case rec.outcome().summary == "":
		return fmt.Sprintf("outcome differs: regrtest ended without its summary (exit status %d)", rec.Status), details
	case len(fails) > 0:
		return "outcome differs: tests fail under rrpy", details
	case len(skips) > 0:
		return "outcome differs: tests skipped one way and not the other", details
	case len(others) > 0:
		return "outcome differs: tests' results differ", details
	}
	return "outcome differs: " + normalize(rec.outcome().String()), details
}

func orNone(result string) string {
	if result == "" {
		return "(not run)"
	}
	return result
}

func sortedKeys(a, b map[string]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// failureOf is the last line of the report of a test's failure: the
// exception it failed with.
func failureOf(out []byte, id string) string {
	ls := lines(out)
	for i, line := range ls {
		if m := failureHeader.FindStringSubmatch(line); m == nil || m[2] != id {
			continue
		}
		last := ""
		for _, l := range ls[i+2:] {
			if strings.HasPrefix(l, "=====") || strings.HasPrefix(l, "-----") {
				break
			}
			if strings.TrimSpace(l) != "" {
				last = l
			}
		}
		return cut(last)
	}
	return "(no report)"
}
