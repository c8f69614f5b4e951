//go:build linux && amd64

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The verdicts are made from the runs' logs alone, so that a finished run
// can be judged again (-report) when the classes are refined.

// judgePlain leaves a module out of the score when plain did not pass or
// ran no test (the module skipped, a resource denied: 3.11 exits 0, 3.12
// and 3.13 exit 4); it reports whether it did.
func judgePlain(r *result, plain runLog) bool {
	switch {
	case plain.TimedOut:
		r.LeftOut = plainTimesOut
	case plain.outcome().ranNoTest():
		r.LeftOut = plainRunsNoTest
	case plain.Status != 0:
		r.LeftOut = plainFails
	}
	return r.LeftOut != ""
}

// rrpyFailure reports whether the recording ended on rrpy's account (a
// timeout, a panic, an error), leaving nothing to replay.
func (l runLog) rrpyFailure(trace string) bool {
	class, _ := l.failure("record", trace)
	return class != ""
}

// judge compares the recording with plain, and the replay, if one was
// made, with the recording. again is plain's second run, made when the
// outcomes differed: a module whose two plain runs differ is flaky, out
// of the score.
func judge(r *result, trace string, plain, rec runLog, again, rep *runLog) {
	r.Warnings = rec.rrpyWarnings()
	if class, detail := rec.failure("record", trace); class != "" {
		r.add(class, detail)
		return
	}
	switch {
	case plain.outcome() == rec.outcome():
		r.Same = true
	case again != nil && (again.TimedOut || again.outcome() != plain.outcome()):
		r.LeftOut = plainIsFlaky
	default:
		class, details := outcomeDifference(plain, rec)
		r.add(class, details...)
	}
	if rep == nil {
		return
	}
	if class, detail := rep.failure("replay", trace); class != "" {
		r.add(class, detail)
		return
	}
	class, detail := outputDifference(rec, *rep)
	if class == "" {
		r.Replays = true
		return
	}
	r.add(class, detail)
}

func (r *result) add(class string, details ...string) {
	r.Classes, r.Details = append(r.Classes, class), append(r.Details, details...)
}

// suiteRun is what results.json holds: one interpreter's results.
type suiteRun struct {
	Python, Version string
	Seconds         float64 // how long the harness took
	Results         []result
}

// saveRun writes the results as JSON, to be judged again later, and the
// report beside them.
func saveRun(dir string, rn suiteRun, text string) error {
	b, err := json.MarshalIndent(rn, "", "  ")
	if err != nil {
		return err
	}
	err = os.MkdirAll(dir, 0o755)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "results.json"), b, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "report.txt"), []byte(text), 0o644)
	}
	if err != nil {
		return fmt.Errorf("save the results: %w", err)
	}
	return nil
}

// rejudgeAll judges again the run of each interpreter under out, with
// the verdicts of the later runs under overs replacing its own for the
// modules those tested again.
func rejudgeAll(out string, overs []string) error {
	runs, err := filepath.Glob(filepath.Join(out, "*", "results.json"))
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return fmt.Errorf("no results under %s (its */results.json)", out)
	}
	for _, path := range runs {
		rn, err := rejudge(filepath.Dir(path))
		if err != nil {
			return err
		}
		s := suite{python: rn.Python, version: rn.Version}
		text := report(s, rn.Results, time.Duration(rn.Seconds*float64(time.Second)))
		if len(overs) == 0 {
			fmt.Print(text)
			if err := saveRun(filepath.Dir(path), rn, text); err != nil {
				return err
			}
			continue
		}
		// The first run's own results stay as they were.
		notes, err := replaceByLater(&rn, overs)
		if err != nil {
			return err
		}
		fmt.Print(report(s, rn.Results, time.Duration(rn.Seconds*float64(time.Second))) + notes)
	}
	return nil
}

// replaceByLater puts the verdicts of the later runs of rn's interpreter
// under overs in place of rn's for the modules they tested, and says which.
func replaceByLater(rn *suiteRun, overs []string) (string, error) {
	var notes strings.Builder
	for _, over := range overs {
		runs, err := filepath.Glob(filepath.Join(over, "*", "results.json"))
		if err != nil {
			return "", err
		}
		for _, path := range runs {
			later, err := rejudge(filepath.Dir(path))
			if err != nil {
				return "", err
			}
			if later.Version != rn.Version || later.Python != rn.Python {
				continue
			}
			byModule := map[string]int{}
			for i, r := range rn.Results {
				byModule[r.Module] = i
			}
			var replaced []string
			for _, r := range later.Results {
				if i, ok := byModule[r.Module]; ok {
					rn.Results[i] = r
					replaced = append(replaced, r.Module)
				}
			}
			fmt.Fprintf(&notes, "verdicts of %d modules from the later run under %s: %s\n", len(replaced), filepath.Dir(path), strings.Join(replaced, " "))
		}
	}
	return notes.String(), nil
}

// rejudge judges a finished run of one interpreter again from its logs.
func rejudge(dir string) (suiteRun, error) {
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return suiteRun{}, err
	}
	var rn suiteRun
	if err := json.Unmarshal(b, &rn); err != nil {
		return rn, fmt.Errorf("%s/results.json: %w", dir, err)
	}
	for i, r := range rn.Results {
		if rn.Results[i], err = judgeAgain(r); err != nil {
			return rn, fmt.Errorf("%s: %w", r.Module, err)
		}
	}
	return rn, nil
}

// judgeAgain makes a module's verdicts again from its logs and endings.
func judgeAgain(old result) (result, error) {
	r := result{Module: old.Module, Dir: old.Dir, Plain: old.Plain, Record: old.Record, Plain2: old.Plain2, Replay: old.Replay}
	plain, err := loadLog(r.Dir, "plain", &r.Plain)
	if err != nil || judgePlain(&r, plain) {
		return r, err
	}
	rec, err := loadLog(r.Dir, "record", r.Record)
	if err != nil {
		return r, err
	}
	again, err := loadOptionalLog(r.Dir, "plain2", r.Plain2)
	if err != nil {
		return r, err
	}
	rep, err := loadOptionalLog(r.Dir, "replay", r.Replay)
	if err != nil {
		return r, err
	}
	judge(&r, filepath.Join(r.Dir, "trace"), plain, rec, again, rep)
	return r, nil
}

func loadLog(dir, name string, e *ending) (runLog, error) {
	if e == nil {
		return runLog{}, fmt.Errorf("no %s run", name)
	}
	l := runLog{ending: *e, stdout: filepath.Join(dir, name+".out"), stderr: filepath.Join(dir, name+".err")}
	return l, l.read()
}

func loadOptionalLog(dir, name string, e *ending) (*runLog, error) {
	if e == nil {
		return nil, nil
	}
	l, err := loadLog(dir, name, e)
	return &l, err
}
