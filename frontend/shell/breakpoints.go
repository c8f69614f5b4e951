package shell

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"rrpy/engine"
)

// kind is what messages call a breakpoint: a breakpoint or a watchpoint.
func kind(bp engine.Breakpoint) string {
	if bp.Watch != "" {
		return "watchpoint"
	}
	return "breakpoint"
}

// describe is how a breakpoint is named in messages: "foo()", "app.py:12".
func describe(bp engine.Breakpoint) string {
	if bp.Watch != "" {
		return bp.Watch
	}
	if bp.Func != "" {
		return bp.Func + "()"
	}
	return fmt.Sprintf("%s:%d", bp.File, bp.Line)
}

// setBreak is break FUNC | FILE:LINE | LINE.
func (s *shell) setBreak(arg string) error {
	if arg == "" {
		return userError("Break where?")
	}
	bp, err := s.parseBreak(arg)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(s.bps, func(b engine.Breakpoint) bool { return b.Func == bp.Func && b.File == bp.File && b.Line == bp.Line }); i >= 0 {
		return refusal(fmt.Sprintf("Breakpoint %d is already at %s", s.bps[i].ID, describe(bp)))
	}
	bp.ID = s.nextBP
	s.nextBP++
	s.bps = append(s.bps, bp)
	s.out.printf("Breakpoint %d at %s\n", bp.ID, describe(bp))
	return nil
}

func (s *shell) parseBreak(arg string) (engine.Breakpoint, error) {
	if line, err := strconv.Atoi(arg); err == nil {
		loc, err := s.selectedLocation()
		if err != nil {
			return engine.Breakpoint{}, err
		}
		return s.lineBreak(loc.File, line)
	}
	if file, lineText, ok := cutLast(arg, ":"); ok {
		line, err := strconv.Atoi(lineText)
		if err != nil || file == "" {
			return engine.Breakpoint{}, userError(fmt.Sprintf("break needs FILE:LINE with a line number, got '%s'", arg))
		}
		file, err = s.resolveFile(file)
		if err != nil {
			return engine.Breakpoint{}, err
		}
		return s.lineBreak(file, line)
	}
	if !isIdentifier(arg) {
		return engine.Breakpoint{}, userError(fmt.Sprintf("break needs a function name, FILE:LINE or LINE, got '%s'", arg))
	}
	if l, ok := s.t.(engine.SourceLister); ok && !l.DefinesFunction(arg) {
		return engine.Breakpoint{}, refusal(fmt.Sprintf("No function %s is defined in the sources the recording read", arg))
	}
	return engine.Breakpoint{Func: arg}, nil
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// isIdentifier reports whether name can be a Python function's co_name.
func isIdentifier(name string) bool {
	for i, r := range name {
		letter := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return name != ""
}

// lineBreak makes a line breakpoint after pdb's checkline: a line must
// exist and hold code. A file whose source the Target cannot give is taken
// on trust: the Target matches it by suffix when the program runs it.
func (s *shell) lineBreak(file string, line int) (engine.Breakpoint, error) {
	src := s.source(file)
	if src.err == nil {
		if line < 1 || line > len(src.lines) {
			return engine.Breakpoint{}, userError("End of file")
		}
		if isBlankOrComment(src.lines[line-1]) {
			return engine.Breakpoint{}, refusal("Blank or comment")
		}
	}
	return engine.Breakpoint{File: file, Line: line}, nil
}

// isBlankOrComment is pdb's checkline heuristic: blank lines, comments and
// lines that start a docstring hold no code to stop at.
func isBlankOrComment(line string) bool {
	line = strings.TrimSpace(line)
	return line == "" || strings.HasPrefix(line, "#") ||
		strings.HasPrefix(line, `"""`) || strings.HasPrefix(line, "'''")
}

// resolveFile finds the recorded file that name designates: the one whose
// path ends with it, the current file first. An unknown name is refused
// where the Target lists every source, else taken as given.
func (s *shell) resolveFile(name string) (string, error) {
	name = path.Clean(name) // ./app.py is app.py
	if cur := s.t.Now().File; fileMatches(cur, name) {
		return cur, nil
	}
	var found []string
	for _, f := range s.knownFiles() {
		if fileMatches(f, name) {
			found = append(found, f)
		}
	}
	_, listed := s.t.(engine.SourceLister)
	switch {
	case len(found) == 0 && listed:
		return "", refusal(fmt.Sprintf("No file %s is among the sources the recording read", name))
	case len(found) == 0:
		return name, nil
	case len(found) == 1:
		return found[0], nil
	}
	return "", userError(fmt.Sprintf("'%s' could be any of %s", name, strings.Join(found, ", ")))
}

// knownFiles are the recorded source files the shell can name, sorted.
func (s *shell) knownFiles() []string {
	seen := map[string]bool{}
	for f := range s.files {
		seen[f] = true
	}
	if l, ok := s.t.(engine.SourceLister); ok {
		for _, f := range l.SourceFiles() {
			seen[f] = true
		}
	}
	files := make([]string, 0, len(seen))
	for f := range seen {
		files = append(files, f)
	}
	slices.Sort(files)
	return files
}

// fileMatches reports whether the path ends with name at a path boundary:
// "app.py" names /x/app.py but not /x/myapp.py.
func fileMatches(file, name string) bool {
	return file == name || strings.HasSuffix(file, "/"+strings.TrimPrefix(name, "/"))
}

// deleteBreaks is delete N...
func (s *shell) deleteBreaks(arg string) error {
	if arg == "" {
		return userError("Delete which breakpoint? (delete N)")
	}
	for _, field := range strings.Fields(arg) {
		id, err := strconv.Atoi(field)
		if err != nil {
			return userError(fmt.Sprintf("delete needs a breakpoint number, got '%s'", field))
		}
		i := slices.IndexFunc(s.bps, func(bp engine.Breakpoint) bool { return bp.ID == id })
		if i < 0 {
			return userError(fmt.Sprintf("No breakpoint number %d.", id))
		}
		what := kind(s.bps[i])
		delete(s.watched, id)
		s.bps = slices.Delete(s.bps, i, i+1)
		s.out.printf("Deleted %s %d\n", what, id)
	}
	return nil
}

// info is info breakpoints | paused; any unique prefix will do (info b).
func (s *shell) info(arg string) error {
	if arg == "" {
		return userError("Info about what? (info breakpoints, info watchpoints, info paused)")
	}
	switch {
	case strings.HasPrefix("breakpoints", arg):
		s.infoBreakpoints(false)
	case strings.HasPrefix("watchpoints", arg):
		s.infoBreakpoints(true)
	case strings.HasPrefix("paused", arg):
		s.infoPaused()
	default:
		return userError(fmt.Sprintf("no info '%s', try 'help info'", arg))
	}
	return nil
}

// infoBreakpoints lists the breakpoints and watchpoints, or the
// watchpoints only.
func (s *shell) infoBreakpoints(watchOnly bool) {
	n := 0
	for _, bp := range s.bps {
		switch {
		case bp.Watch != "":
			s.out.printf("Watchpoint %d: %s => %s\n", bp.ID, bp.Watch, s.watched[bp.ID])
		case watchOnly:
			continue
		default:
			s.out.printf("Breakpoint %d at %s\n", bp.ID, describe(bp))
		}
		n++
	}
	switch {
	case n > 0:
	case watchOnly:
		s.out.printf("No watchpoints.\n")
	default:
		s.out.printf("No breakpoints.\n")
	}
}

func (s *shell) infoPaused() {
	times := s.t.Checkpoints()
	if len(times) == 0 {
		s.out.printf("No checkpoints.\n")
		return
	}
	text := make([]string, len(times))
	for i, t := range times {
		text[i] = strconv.FormatUint(t, 10)
	}
	s.out.printf("Checkpoints at times: %s\n", strings.Join(text, ", "))
}
