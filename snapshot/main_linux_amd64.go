package snapshot

import (
	"path/filepath"
	"strings"

	"rrpy/trace"
)

// mainMatcher recognizes the main script's code by its co_filename.
type mainMatcher struct {
	cwd    string
	path   string // the script as given, or "<string>" for -c
	suffix string // for -m: the module's path inside sys.path
	// command is the -c program's source. Its code is named <string>,
	// as is every line of a .pth file site.py runs before it: the
	// command's runs with no Python caller.
	command string
}

// mainScript finds what python3 was asked to run in the recorded argv.
func mainScript(m *trace.Meta) mainMatcher {
	mm := mainMatcher{cwd: m.Cwd}
	args := m.Argv
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-c":
			mm.path = commandFile
			if i+1 < len(args) {
				mm.command = args[i+1]
			}
			return mm
		case a == "-m" && i+1 < len(args):
			mm.suffix = "/" + strings.ReplaceAll(args[i+1], ".", "/")
			return mm
		case a == "-W" || a == "-X":
			i++ // an option with an argument
		case strings.HasPrefix(a, "-") && a != "-":
			// a flag such as -u or -B
		default:
			mm.path = a
			return mm
		}
	}
	return mm
}

func (mm mainMatcher) matches(filename string) bool {
	switch {
	case mm.path == commandFile:
		return filename == mm.path
	case mm.suffix != "":
		return strings.HasSuffix(filename, mm.suffix+".py") || strings.HasSuffix(filename, mm.suffix+"/__main__.py")
	case mm.path == "":
		return !strings.HasPrefix(filename, "<") // no script: the first module that is a file
	}
	return mm.abs(filename) == mm.abs(mm.path)
}

func (mm mainMatcher) abs(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(mm.cwd, p)
	}
	return filepath.Clean(p)
}
