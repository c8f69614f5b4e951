//go:build linux

// Command clock measures, natively (no ptrace), what the two ways of
// counting stop points cost CPython: a C trace function set with
// PyEval_SetTrace (rrpy's probe on 3.11; a shim over sys.monitoring on
// 3.12+), and sys.monitoring callbacks written in C (3.12+). For each
// interpreter it builds the small extension in ext/clock.c against that
// interpreter's headers and times the workloads in this directory
// without a clock, with one and with the other, each run in a fresh
// process, keeping the best of -runs.
//
//	go run ./bench/clock [-python PATH ...] [-runs 5]
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The extension (in ext/ because the go tool refuses C files in a package
// that does not use cgo), the harness that runs one workload under one
// mode, and the workloads, written into a temporary directory at start.
//
//go:embed ext/clock.c *.py
var sources embed.FS

// defaultPythons are the interpreters rrpy supports on this machine;
// those that exist are measured when no -python is given.
var defaultPythons = []string{
	"/usr/bin/python3.11",
	"/root/.pyenv/versions/3.11.7/bin/python3.11",
	"/root/.pyenv/versions/3.12.1/bin/python3.12",
	"/root/.pyenv/versions/3.13.0/bin/python3.13",
}

// workload is a module of this directory whose run() is timed, shifted
// down by shift lines.
type workload struct {
	module string
	shift  int
	about  string
}

var workloads = []workload{
	{"loop", 0, "pure-Python loop, 3M turns of 3 lines"},
	// Most lines of real files are past 256, the last line number
	// sys.monitoring can hand a callback without allocating an int.
	{"loop", 300, "the same loop, its lines past 300"},
	{"calls", 0, "2M calls of a small function, 100k raising"},
	{"jsonstr", 0, "json round trips + string processing, 40k"},
	{"oneline", 0, "one-line for/while loops, list comp, genexpr, 1M each"},
}

type mode int

const (
	plain mode = iota
	settrace
	monitoring
	nModes
)

func (m mode) String() string {
	return [...]string{"plain", "settrace", "monitoring"}[m]
}

// interpreter is one python to measure and what the build needs of it.
type interpreter struct {
	path       string
	version    string
	include    string
	monitoring bool   // has sys.monitoring (3.12+)
	extDir     string // where its build of the extension is
}

// stats is one workload's figures under one mode over all runs.
type stats struct {
	ran    bool
	best   time.Duration
	count  uint64
	varies bool // the count was not the same in every run
}

type pythonList []string

func (p *pythonList) String() string     { return strings.Join(*p, ",") }
func (p *pythonList) Set(s string) error { *p = append(*p, s); return nil }

func main() {
	var pythons pythonList
	flag.Var(&pythons, "python", "an interpreter to measure (repeatable; default: those of the four rrpy supports that exist)")
	runs := flag.Int("runs", 5, "runs of each workload and mode; the best is kept")
	flag.Parse()
	if flag.NArg() > 0 {
		fail(fmt.Errorf("unexpected argument %q", flag.Arg(0)))
	}
	// Interrupted, the runs stop and the temporary directory goes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, pythons, *runs)
	if err != nil && ctx.Err() != nil {
		err = errors.New("interrupted")
	}
	stop()
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clock:", err)
	os.Exit(1)
}

func run(ctx context.Context, pythons []string, runs int) error {
	if runs < 1 {
		return fmt.Errorf("-runs %d: must be at least 1", runs)
	}
	pythons, err := choosePythons(pythons)
	if err != nil {
		return err
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		return fmt.Errorf("the extension needs gcc: %w", err)
	}
	dir, err := os.MkdirTemp("", "rrpy-clock-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := writeSources(dir); err != nil {
		return err
	}
	fmt.Println("seconds of each workload's run(), setting and clearing the clock included, each run in a fresh process")
	for i, python := range pythons {
		it, err := prepare(ctx, python, filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			return err
		}
		results, err := measure(ctx, it, dir, runs)
		if err != nil {
			return err
		}
		report(it, runs, results)
	}
	return nil
}

// choosePythons checks the interpreters asked for, or picks the default
// ones that exist.
func choosePythons(asked []string) ([]string, error) {
	if len(asked) == 0 {
		for _, p := range defaultPythons {
			if _, err := os.Stat(p); err == nil {
				asked = append(asked, p)
			}
		}
		if len(asked) == 0 {
			return nil, errors.New("none of the default interpreters exists; name one with -python")
		}
		return asked, nil
	}
	found := make([]string, len(asked))
	for i, p := range asked {
		path, err := exec.LookPath(p)
		if err != nil {
			return nil, fmt.Errorf("-python %s: %w", p, err)
		}
		found[i] = path
	}
	return found, nil
}

func writeSources(dir string) error {
	return fs.WalkDir(sources, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := sources.ReadFile(path)
		if err != nil {
			return fmt.Errorf("embedded %s: %w", path, err)
		}
		if err := os.WriteFile(filepath.Join(dir, d.Name()), data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", d.Name(), err)
		}
		return nil
	})
}

// prepare asks python for its version and headers and builds the
// extension for it in extDir.
func prepare(ctx context.Context, python, extDir string) (*interpreter, error) {
	const query = `import sys, sysconfig
print(sys.version.split()[0])
print(sysconfig.get_paths()["include"])
print(hasattr(sys, "monitoring"))`
	out, err := exec.CommandContext(ctx, python, "-I", "-c", query).Output()
	if err != nil {
		return nil, fmt.Errorf("asking %s for its headers: %w", python, withStderr(err))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 {
		return nil, fmt.Errorf("asking %s for its headers: unexpected answer %q", python, out)
	}
	it := &interpreter{path: python, version: lines[0], include: lines[1], monitoring: lines[2] == "True", extDir: extDir}
	if err := build(ctx, it); err != nil {
		return nil, err
	}
	return it, nil
}

// build compiles clock.c into extDir/_clock.so. It links nothing: the
// interpreter that loads it provides the C API.
func build(ctx context.Context, it *interpreter) error {
	if _, err := os.Stat(filepath.Join(it.include, "Python.h")); err != nil {
		return fmt.Errorf("%s has no headers: %w", it.path, err)
	}
	if err := os.Mkdir(it.extDir, 0o755); err != nil {
		return fmt.Errorf("build directory: %w", err)
	}
	src := filepath.Join(filepath.Dir(it.extDir), "clock.c")
	cmd := exec.CommandContext(ctx, "gcc", "-O2", "-Wall", "-Wextra", "-shared", "-fPIC",
		"-I", it.include, "-o", filepath.Join(it.extDir, "_clock.so"), src)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the extension for %s: %w\n%s", it.path, err, out)
	}
	return nil
}

// measure runs every workload under every mode runs times. The modes and
// workloads take turns within a run so that a noisy stretch of the
// (shared) machine does not fall on one mode only.
func measure(ctx context.Context, it *interpreter, dir string, runs int) ([][nModes]stats, error) {
	results := make([][nModes]stats, len(workloads))
	for range runs {
		for w, wl := range workloads {
			for m := range nModes {
				if m == monitoring && !it.monitoring {
					continue
				}
				d, n, err := runOnce(ctx, it, dir, m, wl)
				if err != nil {
					return nil, err
				}
				results[w][m].add(d, n)
			}
		}
	}
	return results, nil
}

func (s *stats) add(d time.Duration, count uint64) {
	if !s.ran {
		*s = stats{ran: true, best: d, count: count}
		return
	}
	s.best = min(s.best, d)
	s.varies = s.varies || count != s.count
}

// runOnce runs one workload under one mode in a fresh interpreter
// (-I: no PYTHON* variables, no user site; -B: no .pyc files written) and
// reads back its time and stop-point count.
func runOnce(ctx context.Context, it *interpreter, dir string, m mode, wl workload) (time.Duration, uint64, error) {
	cmd := exec.CommandContext(ctx, it.path, "-I", "-B", filepath.Join(dir, "harness.py"),
		it.extDir, m.String(), wl.module, strconv.Itoa(wl.shift))
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("%s, %s under %s: %w", it.path, wl.about, m, withStderr(err))
	}
	var secs float64
	var count uint64
	if _, err := fmt.Sscanf(string(out), "%g %d", &secs, &count); err != nil {
		return 0, 0, fmt.Errorf("%s, %s under %s: reading %q: %w", it.path, wl.about, m, out, err)
	}
	return time.Duration(secs * float64(time.Second)), count, nil
}

// withStderr adds what a failed command wrote to stderr to its error.
func withStderr(err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && len(exit.Stderr) > 0 {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(exit.Stderr)))
	}
	return err
}

// report prints one interpreter's table (Markdown, as bench/README.md
// holds it) and says whether the two clocks counted the same stop points.
func report(it *interpreter, runs int, results [][nModes]stats) {
	fmt.Printf("\npython %s (%s), seconds, best of %d runs; in brackets: against plain, and the clock's cost per stop point\n\n",
		it.version, it.path, runs)
	fmt.Println("| workload | plain | settrace | monitoring | monitoring/settrace | stop points, settrace | stop points, monitoring |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for w, wl := range workloads {
		r := results[w]
		fmt.Printf("| %s | %.3f s | %s | %s | %s | %s | %s |\n", wl.about, r[plain].best.Seconds(),
			timeCell(r[settrace], r[plain]), timeCell(r[monitoring], r[plain]),
			ratioCell(r[monitoring], r[settrace]), countCell(r[settrace]), countCell(r[monitoring]))
	}
	fmt.Println()
	reportCounts(it, results)
}

// reportCounts says whether monitoring counted what settrace did, and
// whether any count changed from run to run.
func reportCounts(it *interpreter, results [][nModes]stats) {
	agree := true
	for w, wl := range workloads {
		r := results[w]
		if it.monitoring && r[monitoring].count != r[settrace].count {
			agree = false
			fmt.Printf("%s: the clocks disagree: settrace %s stop points, monitoring %s\n",
				wl.about, thousands(r[settrace].count), thousands(r[monitoring].count))
		}
		for m := settrace; m < nModes; m++ {
			if r[m].varies {
				agree = false
				fmt.Printf("%s under %s: the count changed from run to run\n", wl.about, m)
			}
		}
	}
	if agree && it.monitoring {
		fmt.Println("stop points: monitoring counted exactly what settrace did, on every workload and run")
	}
}

// timeCell is a mode's best time, its ratio to plain and what it added
// per stop point.
func timeCell(s, plain stats) string {
	if !s.ran {
		return "-"
	}
	secs, base := s.best.Seconds(), plain.best.Seconds()
	perStop := "-"
	if s.count > 0 {
		perStop = fmt.Sprintf("%.0f ns", (secs-base)*1e9/float64(s.count))
	}
	return fmt.Sprintf("%.3f s (%.2fx, %s)", secs, secs/base, perStop)
}

func ratioCell(s, than stats) string {
	if !s.ran || !than.ran {
		return "-"
	}
	return fmt.Sprintf("%.2f", s.best.Seconds()/than.best.Seconds())
}

func countCell(s stats) string {
	if !s.ran {
		return "-"
	}
	return thousands(s.count)
}

// thousands writes n with commas between groups of three digits.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
