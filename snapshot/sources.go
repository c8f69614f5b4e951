package snapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"rrpy/trace"
)

// commandFile is the co_filename of a `python -c COMMAND` program.
const commandFile = "<string>"

// sourceStore reads the Python sources a recording kept, and a -c
// program's command, from its argv, as the source of <string>.
type sourceStore struct {
	cwd     string
	paths   map[string]string // absolute path -> blob
	blobs   *trace.BlobStore
	cache   map[string][]byte
	command string
	funcs   []string // the functions the sources define, once listed
}

func newSourceStore(m *trace.Meta, blobs *trace.BlobStore, command string) *sourceStore {
	return &sourceStore{cwd: m.Cwd, paths: m.Sources, blobs: blobs, cache: map[string][]byte{}, command: command}
}

// get returns a file's content as recorded; file is a co_filename,
// absolute or relative to the program's working directory.
func (s *sourceStore) get(file string) ([]byte, error) {
	if file == commandFile && s.command != "" {
		return []byte(s.command), nil
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(s.cwd, file)
	}
	abs = filepath.Clean(abs)
	if data, ok := s.cache[abs]; ok {
		return data, nil
	}
	hash, ok := s.paths[abs]
	if !ok || s.blobs == nil {
		return nil, fmt.Errorf("the recording kept no copy of %s", file)
	}
	data, err := os.ReadFile(s.blobs.Path(hash))
	if err != nil {
		return nil, fmt.Errorf("the copy of %s is gone from the blob store: %w", file, err)
	}
	s.cache[abs] = data
	return data, nil
}

// files lists the recorded source files.
func (s *sourceStore) files() []string {
	out := make([]string, 0, len(s.paths)+1)
	for f := range s.paths {
		out = append(out, f)
	}
	if s.command != "" {
		out = append(out, commandFile)
	}
	sort.Strings(out)
	return out
}

// defLines returns, over every recorded source, the first lines of the
// functions named name: co_firstlineno, which is the first decorator's
// line for a decorated function.
func (s *sourceStore) defLines(name string) []int {
	def := regexp.MustCompile(`^\s*(async\s+)?def\s+` + regexp.QuoteMeta(name) + `\s*[\(\[]`)
	var out []int
	for _, f := range s.files() {
		data, err := s.get(f)
		if err != nil {
			continue
		}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines {
			if !def.MatchString(l) {
				continue
			}
			first := i
			for first > 0 && strings.HasPrefix(strings.TrimSpace(lines[first-1]), "@") {
				first--
			}
			out = append(out, first+1)
		}
	}
	return out
}

// defName finds a function's definition on a line, its name the group.
var defName = regexp.MustCompile(`^\s*(?:async\s+)?def\s+([\p{L}_][\p{L}\p{N}_]*)\s*[\(\[]`)

// functions lists the names of the functions the recorded sources
// define, sorted, each once: what break FUNC can name. Read once, as
// Tab asks again at every key.
func (s *sourceStore) functions() []string {
	if s.funcs != nil {
		return s.funcs
	}
	s.funcs = []string{}
	for _, f := range s.files() {
		data, err := s.get(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(data), "\n") {
			if m := defName.FindStringSubmatch(l); m != nil {
				s.funcs = append(s.funcs, m[1])
			}
		}
	}
	sort.Strings(s.funcs)
	s.funcs = slices.Compact(s.funcs)
	return s.funcs
}
