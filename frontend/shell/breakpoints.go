package shell

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

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

// breakpoint is one the shell set, a breakpoint or a watchpoint: what
// the Target matches, and what pdb keeps of it.
type breakpoint struct {
	engine.Breakpoint
	rule      engine.HitRule // condition, ignore count, hits
	temporary bool           // tbreak: deleted where it first stops
	disabled  bool
	commands  []string // run where it stops (pdb's commands)
}

// add numbers a new breakpoint or watchpoint and keeps it.
func (s *shell) add(bp engine.Breakpoint, rule engine.HitRule, temporary bool) *breakpoint {
	bp.ID = s.nextBP
	s.nextBP++
	b := &breakpoint{Breakpoint: bp, rule: rule, temporary: temporary}
	s.bps = append(s.bps, b)
	return b
}

// find returns breakpoint id, or nil.
func (s *shell) find(id int) *breakpoint {
	for _, b := range s.bps {
		if b.ID == id {
			return b
		}
	}
	return nil
}

// enabled are the breakpoints and watchpoints a move stops at, a copy
// the Target may keep.
func (s *shell) enabled() []engine.Breakpoint {
	var out []engine.Breakpoint
	for _, b := range s.bps {
		if !b.disabled {
			out = append(out, b.Breakpoint)
		}
	}
	return out
}

// setBreak is break LOCATION [if COND]; without a location it lists the
// breakpoints, as pdb's break does.
func (s *shell) setBreak(arg string) error { return s.addBreak(arg, false) }

// setTempBreak is tbreak: a breakpoint deleted where it first stops.
func (s *shell) setTempBreak(arg string) error { return s.addBreak(arg, true) }

func (s *shell) addBreak(arg string, temporary bool) error {
	if arg == "" {
		s.infoBreakpoints(false)
		return nil
	}
	where, cond, err := splitCondition(arg)
	if err != nil {
		return err
	}
	bp, err := s.parseBreak(where)
	if err != nil {
		return err
	}
	if i := slices.IndexFunc(s.bps, func(b *breakpoint) bool { return b.Func == bp.Func && b.File == bp.File && b.Line == bp.Line }); i >= 0 {
		// One stop point reports one hit: a second breakpoint there
		// would go unseen whenever the first one's condition fails.
		msg := fmt.Sprintf("Breakpoint %d is already at %s", s.bps[i].ID, describe(bp))
		if cond != "" {
			msg += fmt.Sprintf(": condition %d %s gives it the condition", s.bps[i].ID, cond)
		}
		return refusal(msg)
	}
	b := s.add(bp, engine.HitRule{Condition: cond}, temporary)
	s.out.printf("Breakpoint %d at %s\n", b.ID, describe(bp))
	return nil
}

// splitCondition cuts "LOCATION if COND" (or pdb's "LOCATION, COND").
func splitCondition(arg string) (where, cond string, err error) {
	i := strings.IndexFunc(arg, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if i < 0 {
		return arg, "", nil
	}
	where, rest := arg[:i], strings.TrimSpace(arg[i:])
	switch {
	case strings.HasPrefix(rest, ","):
		cond = strings.TrimSpace(rest[1:])
	case strings.HasPrefix(rest, "if") && len(rest) > 2 && unicode.IsSpace(rune(rest[2])):
		cond = strings.TrimSpace(rest[2:])
	default:
		return "", "", userError(fmt.Sprintf("break needs LOCATION [if CONDITION], got '%s'", arg))
	}
	if cond == "" {
		return "", "", userError(fmt.Sprintf("break needs a condition after '%s'", where))
	}
	return where, cond, nil
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

// breakpointArg reads the breakpoint number that starts a command's
// argument, and returns the rest.
func (s *shell) breakpointArg(cmd, arg string) (*breakpoint, string, error) {
	if arg == "" {
		return nil, "", userError(fmt.Sprintf("%s needs a breakpoint number (see break)", cmd))
	}
	field, rest, _ := strings.Cut(arg, " ")
	id, err := strconv.Atoi(field)
	if err != nil {
		return nil, "", userError(fmt.Sprintf("%s needs a breakpoint number, got '%s'", cmd, field))
	}
	b := s.find(id)
	if b == nil {
		return nil, "", userError(fmt.Sprintf("No breakpoint number %d.", id))
	}
	return b, strings.TrimSpace(rest), nil
}

// eachBreakpoint runs fn on each breakpoint a list of numbers names,
// stopping at the first number that names none.
func (s *shell) eachBreakpoint(cmd, arg string, fn func(b *breakpoint)) error {
	if arg == "" {
		return userError(fmt.Sprintf("%s needs breakpoint numbers (%s N...)", upperFirst(cmd), cmd))
	}
	for _, field := range strings.Fields(arg) {
		b, _, err := s.breakpointArg(cmd, field)
		if err != nil {
			return err
		}
		fn(b)
	}
	return nil
}

// deleteBreaks is delete N...
func (s *shell) deleteBreaks(arg string) error {
	if arg == "" {
		return userError("Delete which breakpoint? (delete N)")
	}
	return s.eachBreakpoint("delete", arg, func(b *breakpoint) {
		s.remove(b)
		s.out.printf("Deleted %s %d\n", kind(b.Breakpoint), b.ID)
	})
}

func (s *shell) remove(b *breakpoint) {
	delete(s.watched, b.ID)
	s.bps = slices.DeleteFunc(s.bps, func(o *breakpoint) bool { return o == b })
}

// clearBreaks is pdb's clear: by numbers, or every breakpoint at a
// location, FILE:LINE or FUNC (a bare number is a breakpoint's, as in
// pdb).
func (s *shell) clearBreaks(arg string) error {
	if arg == "" {
		return userError("Clear which breakpoint? (clear N... or clear FILE:LINE or clear FUNC)")
	}
	if _, err := strconv.Atoi(strings.Fields(arg)[0]); err == nil {
		return s.eachBreakpoint("clear", arg, s.clearOne)
	}
	at, err := s.parseBreak(arg)
	if err != nil {
		return err
	}
	var found []*breakpoint
	for _, b := range s.bps {
		if b.Watch == "" && b.Func == at.Func && b.Line == at.Line && fileMatches(b.File, at.File) {
			found = append(found, b)
		}
	}
	if len(found) == 0 {
		return userError(fmt.Sprintf("There are no breakpoints at %s", describe(at)))
	}
	for _, b := range found {
		s.clearOne(b)
	}
	return nil
}

func (s *shell) clearOne(b *breakpoint) {
	s.remove(b)
	s.out.printf("Deleted %s %d at %s\n", kind(b.Breakpoint), b.ID, describe(b.Breakpoint))
}

// info is info breakpoints | watchpoints | paused | anchors | marks; any
// unique prefix will do (info b).
func (s *shell) info(arg string) error {
	if arg == "" {
		return userError("Info about what? (info breakpoints, info watchpoints, info paused, info anchors, info marks)")
	}
	switch {
	case strings.HasPrefix("breakpoints", arg):
		s.infoBreakpoints(false)
	case strings.HasPrefix("watchpoints", arg):
		s.infoBreakpoints(true)
	case strings.HasPrefix("paused", arg):
		s.infoPaused()
	case strings.HasPrefix("anchors", arg):
		return s.infoAnchors()
	case strings.HasPrefix("marks", arg):
		return s.infoMarks()
	default:
		return userError(fmt.Sprintf("no info '%s', try 'help info'", arg))
	}
	return nil
}

// infoBreakpoints lists the breakpoints and watchpoints, or the
// watchpoints only, in pdb's table: a line each, and what decides
// whether a hit stops beneath it.
func (s *shell) infoBreakpoints(watchOnly bool) {
	header := false
	for _, b := range s.bps {
		if watchOnly && b.Watch == "" {
			continue
		}
		if !header {
			s.out.printf("Num Type         Disp Enb   Where\n")
			header = true
		}
		disp, enb := "keep", "yes"
		if b.temporary {
			disp = "del "
		}
		if b.disabled {
			enb = "no "
		}
		where := "at " + describe(b.Breakpoint)
		if b.Watch != "" {
			where = fmt.Sprintf("%s => %s", b.Watch, s.watched[b.ID])
		}
		s.out.printf("%-3d %-12s %s %s   %s\n", b.ID, kind(b.Breakpoint), disp, enb, where)
		if b.rule.Condition != "" {
			s.out.printf("\tstop only if %s\n", b.rule.Condition)
		}
		if b.rule.Ignore > 0 {
			s.out.printf("\tignore next %s\n", plural(b.rule.Ignore, "hit"))
		}
		if b.rule.Hits > 0 {
			s.out.printf("\t%s already hit %s\n", kind(b.Breakpoint), plural(b.rule.Hits, "time"))
		}
	}
	switch {
	case header:
	case watchOnly:
		s.out.printf("No watchpoints.\n")
	default:
		s.out.printf("No breakpoints.\n")
	}
}

// plural is "1 hit", "2 hits".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
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
	meter, ok := s.t.(engine.CheckpointMeter)
	if !ok {
		return
	}
	held, program, bound, err := meter.CheckpointMemory()
	if err != nil {
		s.out.printf("Their memory could not be measured: %v\n", err)
		return
	}
	s.out.printf("%d checkpoints hold %s (PSS beyond the program's own), at most %s (the program's resident memory: %s).\n",
		len(times), megabytes(held), megabytes(bound), megabytes(program))
}

// megabytes writes a size for people: "12.3 MB".
func megabytes(n uint64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
