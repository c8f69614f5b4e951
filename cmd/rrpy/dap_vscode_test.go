//go:build linux && amd64

package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"rrpy/frontend/dap"
)

// The VS Code extension (editors/vscode) and its tests run under node,
// with packages from npm: `npm ci` in editors/vscode installs them.

// envRequireNode makes a missing node or npm package a failure, not a
// skip: .ci/run sets it, having installed them.
const envRequireNode = "RRPY_REQUIRE_NODE"

// vscodeDir returns the extension's directory, with node and the npm
// package pkg installed, or skips the test saying how to install them.
func vscodeDir(t *testing.T, pkg string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "editors", "vscode"))
	if err != nil {
		t.Fatal(err)
	}
	missing := func(why string) {
		t.Helper()
		if os.Getenv(envRequireNode) == "1" {
			t.Fatalf("%s (%s=1)", why, envRequireNode)
		}
		t.Skip(why)
	}
	for _, tool := range []string{"node", "npx"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing(tool + " is not installed: apt-get install nodejs npm, then run npm ci in editors/vscode")
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
		missing("the npm package " + pkg + " is not installed: run npm ci in editors/vscode")
	}
	return dir
}

// runNode runs a command of the extension's in its directory, in its own
// process group, killed whole when the test ends, and returns what it
// printed; it fails the test with that on an error.
func runNode(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := cmd.Process.Pid
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
		}
	case <-time.After(5 * time.Minute):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
		t.Fatalf("%s %s did not end in 5 minutes:\n%s", name, strings.Join(args, " "), out.String())
	}
	// What it started ends with it: the adapters it ran, and with them
	// their replays.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%s %s left processes running", name, strings.Join(args, " "))
			break
		}
	}
	return out.String()
}

// TestVSCodeDebugClient debugs the seed demo with VS Code's own DAP client
// (editors/vscode/test/debugclient.js): what VS Code sends and insists on,
// and what its user sees, under each CPython.
func TestVSCodeDebugClient(t *testing.T) {
	dir := vscodeDir(t, "@vscode/debugadapter-testsupport")
	forEachPython(t, func(t *testing.T, py string) {
		src := testdata(t, "py/seed_demo.py")
		trace := filepath.Join(t.TempDir(), "trace")
		rrpy(t, nil, "record", "-o", trace, "--", py, src)
		out := runNode(t, dir, []string{"XDG_DATA_HOME=" + dataHome}, "node", "test/debugclient.js", rrpyBin, trace, src, py)
		if !strings.Contains(out, "rrpy dap: the VS Code DebugClient sessions passed\n") {
			t.Errorf("node test/debugclient.js said:\n%s", out)
		}
	})
}

// TestVsixPackage packages the extension as its README says and checks
// what VS Code installs: the rrpy debug type, its launch configurations,
// and an extension.js that starts `rrpy dap` (run against a stand-in
// for VS Code by test/extension.js).
func TestVsixPackage(t *testing.T) {
	dir := vscodeDir(t, "@vscode/vsce")
	tmp := t.TempDir()
	vsix := filepath.Join(tmp, "rrpy.vsix")
	runNode(t, dir, nil, "npx", "vsce", "package", "-o", vsix)

	zr, err := zip.OpenReader(vsix)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = data
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"[Content_Types].xml", "extension.vsixmanifest", "extension/LICENSE.txt",
		"extension/README.md", "extension/extension.js", "extension/package.json"}
	if !slices.Equal(names, want) {
		t.Errorf("the package holds %q, want %q (no tests, no node_modules)", names, want)
	}

	var manifest struct {
		Main             string   `json:"main"`
		ActivationEvents []string `json:"activationEvents"`
		Contributes      struct {
			Configuration struct {
				Properties map[string]struct {
					Default any `json:"default"`
				} `json:"properties"`
			} `json:"configuration"`
			Debuggers []struct {
				Type                    string   `json:"type"`
				Label                   string   `json:"label"`
				Languages               []string `json:"languages"`
				ConfigurationAttributes struct {
					Launch struct {
						Properties map[string]any `json:"properties"`
					} `json:"launch"`
				} `json:"configurationAttributes"`
				InitialConfigurations []map[string]any `json:"initialConfigurations"`
				ConfigurationSnippets []struct {
					Label string         `json:"label"`
					Body  map[string]any `json:"body"`
				} `json:"configurationSnippets"`
			} `json:"debuggers"`
		} `json:"contributes"`
	}
	if err := json.Unmarshal(files["extension/package.json"], &manifest); err != nil {
		t.Fatalf("extension/package.json: %v", err)
	}
	if manifest.Main != "./extension.js" || !slices.Contains(manifest.ActivationEvents, "onDebugResolve:rrpy") {
		t.Errorf("main %q, activation events %q", manifest.Main, manifest.ActivationEvents)
	}
	if p, ok := manifest.Contributes.Configuration.Properties["rrpy.path"]; !ok || p.Default != "rrpy" {
		t.Errorf("the rrpy.path setting: %+v", manifest.Contributes.Configuration.Properties)
	}
	if len(manifest.Contributes.Debuggers) != 1 {
		t.Fatalf("debuggers: %+v", manifest.Contributes.Debuggers)
	}
	d := manifest.Contributes.Debuggers[0]
	if d.Type != "rrpy" || d.Label != "rrpy: Python recording (reverse)" || !slices.Equal(d.Languages, []string{"python"}) {
		t.Errorf("debugger %q %q for %q", d.Type, d.Label, d.Languages)
	}
	// The launch request's arguments, as frontend/dap reads them.
	var attrs []string
	for name := range d.ConfigurationAttributes.Launch.Properties {
		attrs = append(attrs, name)
	}
	slices.Sort(attrs)
	var fields []string
	for field := range reflect.TypeFor[dap.Launch]().Fields() {
		fields = append(fields, strings.Split(field.Tag.Get("json"), ",")[0])
	}
	slices.Sort(fields)
	if !slices.Equal(attrs, fields) {
		t.Errorf("launch attributes %q, want dap.Launch's %q", attrs, fields)
	}
	if len(d.InitialConfigurations) != 1 || d.InitialConfigurations[0]["request"] != "launch" || d.InitialConfigurations[0]["name"] != "rrpy: open the latest recording" {
		t.Errorf("initial configurations: %+v", d.InitialConfigurations)
	}
	var snippets []string
	for _, s := range d.ConfigurationSnippets {
		if s.Body["type"] != "rrpy" || s.Body["request"] != "launch" {
			t.Errorf("snippet %q: %+v", s.Label, s.Body)
		}
		snippets = append(snippets, s.Label)
	}
	if want := []string{"rrpy: open the latest recording", "rrpy: open a recording (trace)", "rrpy: record a program then debug it"}; !slices.Equal(snippets, want) {
		t.Errorf("configuration snippets %q, want %q", snippets, want)
	}

	// The packaged extension.js, as VS Code would load it.
	ext := filepath.Join(tmp, "extension")
	if err := os.Mkdir(ext, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ext, "extension.js"), files["extension/extension.js"], 0o644); err != nil {
		t.Fatal(err)
	}
	out := runNode(t, dir, nil, "node", "test/extension.js", ext)
	if !strings.Contains(out, "rrpy extension: the VS Code stand-in checks passed\n") {
		t.Errorf("node test/extension.js said:\n%s", out)
	}
}
