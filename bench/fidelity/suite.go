//go:build linux && amd64

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// suite is one interpreter's regression tests.
type suite struct {
	python  string
	version string // "3.12.1"
	testDir string // Lib/test
	// modules are the names regrtest lists (--list-tests) whose files
	// exist: "test_json", and the modules of the packages regrtest splits,
	// "test_asyncio.test_tasks".
	modules []string
}

// findSuite asks the interpreter for its version and its test package, and
// regrtest for the test modules.
func findSuite(py string) (suite, error) {
	if _, err := os.Stat(py); err != nil {
		return suite{}, fmt.Errorf("no interpreter: %w", err)
	}
	out, err := exec.Command(py, "-c", "import os, platform, test; print(platform.python_version()); print(os.path.dirname(test.__file__))").Output()
	if err != nil {
		return suite{}, fmt.Errorf("no test package: %w", errors.Join(err, stderrOf(err)))
	}
	fields := strings.Fields(string(out))
	if len(fields) != 2 {
		return suite{}, fmt.Errorf("cannot tell its version and test package from %q", out)
	}
	s := suite{python: py, version: fields[0], testDir: fields[1]}
	listed, err := s.listModules()
	if err != nil {
		return suite{}, err
	}
	for _, name := range listed {
		if s.hasModule(name) {
			s.modules = append(s.modules, name)
		}
	}
	// Debian ships regrtest and test.support without the tests.
	if len(s.modules) < len(listed)/2 {
		return suite{}, fmt.Errorf("its test package %s holds %d of the %d test modules regrtest lists (Debian: install libpython3.X-testsuite)",
			s.testDir, len(s.modules), len(listed))
	}
	return s, nil
}

func stderrOf(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return errors.New(strings.TrimSpace(string(ee.Stderr)))
	}
	return nil
}

// listModules is regrtest's list of the test modules.
func (s suite) listModules() ([]string, error) {
	out, err := exec.Command(s.python, "-m", "test", "--list-tests").Output()
	if err != nil {
		return nil, fmt.Errorf("%s -m test --list-tests: %w", s.python, errors.Join(err, stderrOf(err)))
	}
	var mods []string
	for _, name := range strings.Fields(string(out)) {
		mods = append(mods, strings.TrimPrefix(name, "test."))
	}
	return mods, nil
}

// hasModule reports whether the test package holds the module or package.
func (s suite) hasModule(name string) bool {
	path := filepath.Join(s.testDir, filepath.Join(strings.Split(name, ".")...))
	if _, err := os.Stat(path + ".py"); err == nil {
		return true
	}
	_, err := os.Stat(filepath.Join(path, "__init__.py"))
	return err == nil
}

// pick returns the modules asked for, a random sample of the suite, or
// the whole suite.
func (s suite) pick(asked []string, sample int, seed uint64) ([]string, error) {
	if len(asked) > 0 {
		var mods []string
		for _, m := range asked {
			m = strings.TrimPrefix(m, "test.")
			if !s.hasModule(m) {
				return nil, fmt.Errorf("%s is not a test module of %s (%s)", m, s.python, s.testDir)
			}
			mods = append(mods, m)
		}
		return mods, nil
	}
	if sample == 0 || sample >= len(s.modules) {
		return s.modules, nil
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	mods := slices.Clone(s.modules)
	rng.Shuffle(len(mods), func(i, j int) { mods[i], mods[j] = mods[j], mods[i] })
	mods = mods[:sample]
	slices.Sort(mods)
	return mods, nil
}

// regrtestName is how regrtest is told to run a module: the modules of
// a split package by their full name.
func regrtestName(module string) string {
	if strings.Contains(module, ".") {
		return "test." + module
	}
	return module
}
