//go:build linux && amd64

package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// progressLine is one module's result as it ends.
func progressLine(s suite, r result) string {
	head := fmt.Sprintf("%s %s: plain %.1f s", s.version, r.Module, r.Plain.Seconds)
	if !r.scored() {
		return head + ": left out, " + r.LeftOut
	}
	if r.Record != nil {
		head += fmt.Sprintf(", record %.1f s", r.Record.Seconds)
	}
	if r.Replay != nil {
		head += fmt.Sprintf(", replay %.1f s", r.Replay.Seconds)
	}
	if r.Same && r.Replays {
		return head + ": same"
	}
	return head + ": " + strings.Join(r.Classes, "; ")
}

// report is the table of one interpreter's results, the classes of the
// failures, rrpy's warnings and the time ratios.
func report(s suite, results []result, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nCPython %s (%s): %d modules in %v\n", s.version, s.python, len(results), took.Round(time.Second))
	scored := 0
	same, replays, both := 0, 0, 0
	left := map[string][]string{}
	for _, r := range results {
		if !r.scored() {
			left[r.LeftOut] = append(left[r.LeftOut], r.Module)
			continue
		}
		scored++
		same += b2i(r.Same)
		replays += b2i(r.Replays)
		both += b2i(r.Same && r.Replays)
	}
	row := func(name string, n int) { fmt.Fprintf(&b, "  %-34s %4d\n", name, n) }
	pct := func(name string, n int) {
		fmt.Fprintf(&b, "  %-34s %4d  %5.1f%%\n", name, n, 100*float64(n)/float64(max(scored, 1)))
	}
	row("tried", len(results))
	for _, why := range []string{plainFails, plainTimesOut, plainRunsNoTest, plainIsFlaky} {
		fmt.Fprintf(&b, "  %-34s %4d  %s\n", "left out: "+strings.SplitN(why, " (", 2)[0], len(left[why]), someOf(left[why], 12))
	}
	row("passed plain (scored)", scored)
	pct("behaves the same", same)
	pct("replays the same", replays)
	pct("score: both", both)
	b.WriteString(countedList("classes (a module has at most two: its recording's and its replay's)",
		results, func(r result) []string { return r.Classes }))
	b.WriteString(countedList("rrpy's warnings while recording", results, func(r result) []string {
		var w []string
		for _, msg := range r.Warnings {
			w = append(w, normalizeWarning(msg))
		}
		return slices.Compact(slices.Sorted(slices.Values(w)))
	}))
	b.WriteString(ratios(results))
	return b.String()
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// someOf lists up to n names.
func someOf(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, " ")
	}
	return strings.Join(names[:n], " ") + fmt.Sprintf(" … (%d more)", len(names)-n)
}

// countedList counts the scored modules in each of the keys keysOf gives
// them, most first, with the modules' names.
func countedList(title string, results []result, keysOf func(result) []string) string {
	modules := map[string][]string{}
	for _, r := range results {
		if !r.scored() {
			continue
		}
		for _, k := range keysOf(r) {
			modules[k] = append(modules[k], r.Module)
		}
	}
	if len(modules) == 0 {
		return ""
	}
	keys := make([]string, 0, len(modules))
	for k := range modules {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(modules[b]), len(modules[a])), cmp.Compare(a, b))
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", title)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %4d  %s\n        %s\n", len(modules[k]), k, someOf(modules[k], 8))
	}
	return b.String()
}

// ratio is one module's recorded time over its plain time.
type ratio struct {
	module       string
	plain, other float64
}

// ratios is the distribution of record/plain wall times over the modules
// whose recording ended, and replay/record's geometric mean.
func ratios(results []result) string {
	var rec, rep []ratio
	for _, r := range results {
		if !r.scored() || r.Record == nil || r.Record.TimedOut {
			continue
		}
		rec = append(rec, ratio{r.Module, r.Plain.Seconds, r.Record.Seconds})
		if r.Replay != nil && !r.Replay.TimedOut {
			rep = append(rep, ratio{r.Module, r.Record.Seconds, r.Replay.Seconds})
		}
	}
	if len(rec) == 0 {
		return ""
	}
	slices.SortFunc(rec, func(a, b ratio) int { return cmp.Compare(b.other/b.plain, a.other/a.plain) })
	var b strings.Builder
	fmt.Fprintf(&b, "record/plain wall time over %d modules: geometric mean %.2fx, median %.2fx",
		len(rec), geomean(rec), rec[len(rec)/2].other/rec[len(rec)/2].plain)
	// A module of a fraction of a second plain measures rrpy's start.
	if long := slices.DeleteFunc(slices.Clone(rec), func(x ratio) bool { return x.plain < 1 }); len(long) > 0 {
		fmt.Fprintf(&b, "; over the %d of 1 s or more plain: %.2fx", len(long), geomean(long))
	}
	b.WriteString("; worst:\n")
	for _, x := range rec[:min(5, len(rec))] {
		fmt.Fprintf(&b, "  %-40s %6.1fx  (%.1f s -> %.1f s)\n", x.module, x.other/x.plain, x.plain, x.other)
	}
	if len(rep) > 0 {
		fmt.Fprintf(&b, "replay/record wall time over %d modules: geometric mean %.2fx\n", len(rep), geomean(rep))
	}
	return b.String()
}

func geomean(rs []ratio) float64 {
	sum := 0.0
	for _, r := range rs {
		sum += math.Log(r.other / r.plain)
	}
	return math.Exp(sum / float64(len(rs)))
}
