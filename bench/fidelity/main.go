//go:build linux && amd64

// Command fidelity runs CPython's own regression tests three ways — plain,
// recorded by rrpy, and replayed from that recording — and measures how
// many behave the same recorded (exit status and regrtest's summary) and
// replay the same (the recording's output and exit status, byte for byte).
// Every failure is put in a class by what rrpy said (a divergence, a trace
// that ended early, a panic, a timeout, tests that fail only under rrpy), and
// the logs of each module are kept under -out; the traces of modules that
// passed are deleted.
//
//	go run ./bench/fidelity [-python PATH ...] [-modules test_json,test_os,...]
//	    [-sample N] [-seed S] [-timeout 60s] [-jobs 2] [-out DIR] [-rrpy PATH]
//	go run ./bench/fidelity -report DIR [-over LATER_DIR ...]
//
// Without -python it takes rrpy's interpreters (internal/pythons) that
// exist and hold their test package. A module that fails plain, does not
// finish plain within -timeout, or gives another outcome on a second plain
// run is left out of the score and counted apart.
//
// -report judges a finished run again from the logs under its -out
// directory (as the classes are refined) and prints its report. With
// -over, the verdicts of the modules a later run (its -out directory) tested
// again replace the first run's: a whole suite's figures after re-running
// only the modules that failed, with a newer rrpy.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"rrpy/internal/pythons"
)

func main() {
	var pys []string
	flag.Func("python", "an interpreter to test (repeatable; default: rrpy's interpreters)", func(s string) error {
		pys = append(pys, s)
		return nil
	})
	modules := flag.String("modules", "", "comma-separated test modules (default: the whole suite)")
	sample := flag.Int("sample", 0, "test N modules picked at random instead of the whole suite")
	seed := flag.Uint64("seed", 1, "the random sample's seed")
	timeout := flag.Duration("timeout", 60*time.Second, "the longest a plain run may take")
	jobs := flag.Int("jobs", 2, "modules tested at once")
	out := flag.String("out", "", "where logs, kept traces and results go (default: a new temporary directory)")
	rrpyBin := flag.String("rrpy", "", "the rrpy binary (default: built from this checkout)")
	again := flag.String("report", "", "judge a finished run again from its logs and print its report: the -out `DIR` of the run (no test is run)")
	var overs []string
	flag.Func("over", "with -report: the -out `DIR` of a later run of some of the modules, whose verdicts replace the first run's (repeatable, later ones last)", func(s string) error {
		overs = append(overs, s)
		return nil
	})
	flag.Parse()
	cfg := config{
		modules: splitList(*modules), sample: *sample, seed: *seed,
		timeout: *timeout, jobs: *jobs, out: *out, rrpy: *rrpyBin,
	}
	// A Ctrl-C or a kill ends the runs under way, tracees and all.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	var err error
	switch {
	case *again != "":
		err = rejudgeAll(*again, overs)
	case len(overs) > 0:
		err = fmt.Errorf("-over goes with -report")
	default:
		err = run(ctx, cfg, pys)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		stop()
		os.Exit(1)
	}
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

func run(ctx context.Context, cfg config, pys []string) error {
	if cfg.jobs < 1 || cfg.timeout <= 0 || cfg.sample < 0 {
		return fmt.Errorf("-jobs must be at least 1, -timeout positive and -sample not negative")
	}
	if err := prepareOut(&cfg); err != nil {
		return err
	}
	fmt.Printf("logs, kept traces and results under %s\n", cfg.out)
	if cfg.rrpy == "" {
		bin, err := buildRrpy(cfg.out)
		if err != nil {
			return err
		}
		cfg.rrpy = bin
	}
	if len(pys) == 0 {
		for _, in := range pythons.All() {
			pys = append(pys, in.Path)
		}
	}
	for _, py := range pys {
		if err := testInterpreter(ctx, cfg, py); err != nil {
			return err
		}
	}
	return nil
}

// testInterpreter runs the harness on one interpreter's suite and prints
// its table; an interpreter that is absent or lacks its test package is
// skipped with a note.
func testInterpreter(ctx context.Context, cfg config, py string) error {
	s, err := findSuite(py)
	if err != nil {
		fmt.Printf("\n%s: skipped: %v\n", py, err)
		return nil
	}
	mods, err := s.pick(cfg.modules, cfg.sample, cfg.seed)
	if err != nil {
		return err
	}
	fmt.Printf("\nCPython %s (%s): %d of its %d test modules\n", s.version, s.python, len(mods), len(s.modules))
	t0 := time.Now()
	results, err := runSuite(ctx, cfg, s, mods, func(r result) { fmt.Println(progressLine(s, r)) })
	if err != nil {
		return err
	}
	text := report(s, results, time.Since(t0))
	fmt.Print(text)
	rn := suiteRun{Python: s.python, Version: s.version, Seconds: time.Since(t0).Seconds(), Results: results}
	return saveRun(filepath.Join(cfg.out, s.version), rn, text)
}

// prepareOut makes the output directory, a new temporary one when none
// was given, and makes it absolute: the programs run elsewhere.
func prepareOut(cfg *config) error {
	if cfg.out == "" {
		dir, err := os.MkdirTemp("", "fidelity-")
		if err != nil {
			return err
		}
		cfg.out = dir
	}
	abs, err := filepath.Abs(cfg.out)
	if err != nil {
		return err
	}
	cfg.out = abs
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return fmt.Errorf("create the output directory: %w", err)
	}
	return nil
}

// buildRrpy builds rrpy from the checkout this command runs in.
func buildRrpy(dir string) (string, error) {
	bin := filepath.Join(dir, "rrpy")
	if out, err := exec.Command("go", "build", "-o", bin, "rrpy/cmd/rrpy").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build rrpy: %v: %s", err, out)
	}
	return bin, nil
}
