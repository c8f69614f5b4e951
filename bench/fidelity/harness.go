//go:build linux && amd64

package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// config is how the harness runs.
type config struct {
	rrpy    string   // the rrpy binary
	modules []string // the modules asked for; none: the suite or a sample
	sample  int
	seed    uint64
	timeout time.Duration // the longest a plain run may take
	jobs    int
	out     string // logs, kept traces, results; XDG_DATA_HOME for the blobs
}

// Why a module is out of the score.
const (
	plainFails      = "plain fails"
	plainTimesOut   = "plain times out"
	plainRunsNoTest = "plain runs no test (the module is skipped)"
	plainIsFlaky    = "plain is flaky (a second plain run had another outcome)"
)

// result is what the harness found for one module.
type result struct {
	Module   string
	Dir      string // its logs, and its trace when kept
	Plain    ending
	Record   *ending  `json:",omitempty"`
	Plain2   *ending  `json:",omitempty"` // plain again, when the recording's outcome differed
	Replay   *ending  `json:",omitempty"`
	LeftOut  string   `json:",omitempty"` // why the module is out of the score
	Same     bool     // recorded, it behaved as plain
	Replays  bool     // the replay showed what the recording did
	Classes  []string `json:",omitempty"` // what went wrong, in classes
	Details  []string `json:",omitempty"` // the raw messages and differences
	Warnings []string `json:",omitempty"` // rrpy's warnings while recording
}

func (r result) scored() bool { return r.LeftOut == "" }

// runSuite tests the modules, cfg.jobs at a time, calling done as each
// ends; the results come back in the modules' order. The first error, or
// ctx's end, stops it: the runs under way are killed.
func runSuite(ctx context.Context, cfg config, s suite, mods []string, done func(result)) ([]result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type finished struct {
		i   int
		r   result
		err error
	}
	todo := make(chan int)
	ends := make(chan finished)
	var workers sync.WaitGroup
	for range cfg.jobs {
		workers.Go(func() {
			for i := range todo {
				r, err := testModule(ctx, cfg, s, mods[i])
				ends <- finished{i, r, err}
			}
		})
	}
	go func() {
		defer close(todo)
		for i := range mods {
			select {
			case todo <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { workers.Wait(); close(ends) }()
	results := make([]result, len(mods))
	var firstErr error
	for f := range ends {
		if f.err != nil {
			firstErr = cmp.Or(firstErr, fmt.Errorf("%s: %w", mods[f.i], f.err))
			cancel()
			continue
		}
		results[f.i] = f.r
		done(f.r)
	}
	return results, cmp.Or(firstErr, context.Cause(ctx))
}

// moduleRun is one module's runs: where their logs go and the directory
// they run in, made afresh for each run so that plain and recorded runs
// see the same paths and the same environment.
type moduleRun struct {
	cfg    config
	s      suite
	module string
	logs   string
	work   string
}

func (m moduleRun) regrtest() []string {
	return []string{m.s.python, "-m", "test", "-v", "--randseed=1", regrtestName(m.module)}
}

func (m moduleRun) trace() string { return filepath.Join(m.logs, "trace") }

// testModule runs one module plain, recorded and replayed.
func testModule(ctx context.Context, cfg config, s suite, module string) (result, error) {
	m := moduleRun{cfg: cfg, s: s, module: module, logs: filepath.Join(cfg.out, s.version, module)}
	if err := os.RemoveAll(m.logs); err != nil {
		return result{}, err
	}
	if err := os.MkdirAll(m.logs, 0o755); err != nil {
		return result{}, err
	}
	work, err := os.MkdirTemp("", "fid-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(work)
	m.work = work
	r := result{Module: module, Dir: m.logs}
	if err := m.test(ctx, &r); err != nil {
		return result{}, err
	}
	if !r.scored() || r.Same && r.Replays {
		return r, os.RemoveAll(m.trace())
	}
	return r, nil
}

func (m moduleRun) test(ctx context.Context, r *result) error {
	plain, err := m.plain(ctx, "plain")
	if err != nil {
		return err
	}
	r.Plain = plain.ending
	if judgePlain(r, plain) {
		return nil
	}
	rec, err := m.record(ctx, plain.Seconds)
	if err != nil {
		return err
	}
	r.Record = &rec.ending
	var again, rep *runLog
	if rec.rrpyFailure(m.trace()) {
		judge(r, m.trace(), plain, rec, nil, nil)
		return nil
	}
	if plain.outcome() != rec.outcome() {
		// Is it rrpy, or does the module not always end the same?
		l, err := m.plain(ctx, "plain2")
		if err != nil {
			return err
		}
		again, r.Plain2 = &l, &l.ending
	}
	l, err := m.replay(ctx, rec.Seconds)
	if err != nil {
		return err
	}
	rep, r.Replay = &l, &l.ending
	judge(r, m.trace(), plain, rec, again, rep)
	return nil
}

// plain runs the module without rrpy.
func (m moduleRun) plain(ctx context.Context, name string) (runLog, error) {
	return m.run(ctx, name, m.regrtest(), m.cfg.timeout)
}

// record records the module, allowing it five times plain's time and
// then some: a recording that outlives that times out, hung or too slow.
func (m moduleRun) record(ctx context.Context, plain float64) (runLog, error) {
	argv := append([]string{m.cfg.rrpy, "record", "-o", m.trace(), "--"}, m.regrtest()...)
	return m.run(ctx, "record", argv, 5*seconds(plain)+30*time.Second)
}

// replay replays the recording, allowing it twice its time and then some.
func (m moduleRun) replay(ctx context.Context, record float64) (runLog, error) {
	return m.run(ctx, "replay", []string{m.cfg.rrpy, "replay", "--autopilot", m.trace()}, 2*seconds(record)+30*time.Second)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// run runs argv in a fresh working directory with a fresh HOME and
// TMPDIR, its output in the module's logs as NAME.out and NAME.err.
func (m moduleRun) run(ctx context.Context, name string, argv []string, timeout time.Duration) (runLog, error) {
	dir := filepath.Join(m.work, "run")
	if err := os.RemoveAll(dir); err != nil {
		return runLog{}, fmt.Errorf("clean the working directory: %w", err)
	}
	for _, d := range []string{"home", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return runLog{}, err
		}
	}
	l := runLog{stdout: filepath.Join(m.logs, name+".out"), stderr: filepath.Join(m.logs, name+".err")}
	var err error
	l.ending, err = command{
		argv: argv, dir: dir, env: m.env(dir), stdout: l.stdout, stderr: l.stderr, timeout: timeout,
	}.run(ctx)
	if err != nil {
		return runLog{}, err
	}
	return l, l.read()
}

// env is the harness's environment with HOME, TMPDIR and the directory
// rrpy keeps its blobs under replaced, the same for every run.
func (m moduleRun) env(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "HOME", "TMPDIR", "XDG_DATA_HOME", "PWD", "OLDPWD":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"HOME="+filepath.Join(dir, "home"),
		"TMPDIR="+filepath.Join(dir, "tmp"),
		"XDG_DATA_HOME="+filepath.Join(m.cfg.out, "xdg"))
}
