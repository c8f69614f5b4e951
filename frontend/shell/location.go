package shell

import (
	"fmt"
	"strings"

	"rrpy/engine"
)

// around is how many lines list shows before and after the current one,
// and a stop's location unless set context says otherwise.
const around = 5

// sourceFile is a recorded source file split into lines, or why it has none.
type sourceFile struct {
	lines []string
	// shown are the lines as printed: without trailing blanks, and
	// highlighted on a terminal that takes colours.
	shown []string
	err   error
}

// source returns a file's recorded lines, asking the Target once per file.
func (s *shell) source(file string) sourceFile {
	if src, ok := s.sources[file]; ok {
		return src
	}
	data, err := s.t.Source(file)
	src := sourceFile{err: err}
	if err == nil {
		src.lines = splitLines(string(data))
		src.shown = make([]string, len(src.lines))
		for i, l := range src.lines {
			src.shown[i] = strings.TrimRight(l, " \t")
		}
		if s.color {
			src.shown = highlight(src.shown)
		}
	}
	s.sources[file] = src
	return src
}

func splitLines(text string) []string {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// marker is what marks the current line: pdb's "> " where a line starts,
// RevPDB's "<< " where the frame returns and "!! " where it unwinds.
func marker(ev engine.Event) string {
	switch ev {
	case engine.Return:
		return "<< "
	case engine.Unwind:
		return "!! "
	}
	return "> "
}

// printLocation prints where the program is: the header and the source of
// the current function around the line.
func (s *shell) printLocation(loc engine.Location) {
	s.files[loc.File] = true
	thread := ""
	if loc.Threads > 1 {
		thread = fmt.Sprintf(" (thread %d of %d)", loc.Thread, loc.Threads)
	}
	s.out.printf("File \"%s\", line %d in %s%s:\n", loc.File, loc.Line, loc.Func, thread)
	lo, hi, lines, ok := s.window(loc, max(loc.FirstLine, loc.Line-s.contextLines), s.contextLines)
	if !ok {
		s.out.printf("Source not available for %s.\n", loc.File)
		return
	}
	for n := lo; n <= hi; n++ {
		prefix := "  "
		if n == loc.Line {
			prefix = marker(loc.Event)
		}
		s.out.printf("%s\n", strings.TrimRight(prefix+lines[n-1], " \t"))
	}
}

// window clips the lines from..loc.Line+after to the recorded file. It
// fails when the file is unknown or the current line is not in it.
func (s *shell) window(loc engine.Location, from, after int) (lo, hi int, lines []string, ok bool) {
	src := s.source(loc.File)
	if src.err != nil || loc.Line < 1 || loc.Line > len(src.lines) {
		return 0, 0, nil, false
	}
	return max(from, 1), min(loc.Line+after, len(src.lines)), src.shown, true
}

// list prints the selected frame's function from its first line
// (module level: the lines around the current one) to a few lines past
// the current one, with line numbers; B marks breakpoints.
func (s *shell) list(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	loc, err := s.selectedLocation()
	if err != nil {
		return err
	}
	from := loc.FirstLine
	if loc.Func == "<module>" || from < 1 {
		from = loc.Line - around
	}
	lo, hi, lines, ok := s.window(loc, from, around)
	if !ok {
		s.out.printf("Source not available for %s.\n", loc.File)
		return nil
	}
	s.printNumbered(loc, lo, hi, lines)
	return nil
}

// longlist is pdb's ll: the whole of the selected frame's function (at
// module level, the whole file).
func (s *shell) longlist(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	loc, err := s.selectedLocation()
	if err != nil {
		return err
	}
	src := s.source(loc.File)
	if src.err != nil || loc.Line < 1 || loc.Line > len(src.lines) {
		s.out.printf("Source not available for %s.\n", loc.File)
		return nil
	}
	lo, hi := 1, len(src.lines)
	if loc.Func != "<module>" && loc.FirstLine >= 1 && loc.FirstLine <= loc.Line {
		lo, hi = loc.FirstLine, blockEnd(src.lines, loc.FirstLine, loc.Line)
	}
	s.printNumbered(loc, lo, hi, src.shown)
	return nil
}

// blockEnd is the last line of the definition that starts at first (its
// decorators, then def or class), as indentation says: the last line
// with code before one indented no deeper than the def; never before
// line at, which the code runs.
func blockEnd(lines []string, first, at int) int {
	def := first
	for def < len(lines) && !isDef(lines[def-1]) {
		def++
	}
	depth := indent(lines[def-1])
	end := def
	for n := def + 1; n <= len(lines); n++ {
		if isBlankOrComment(lines[n-1]) {
			continue
		}
		if indent(lines[n-1]) <= depth && n > at {
			break
		}
		end = n
	}
	return max(end, at)
}

// isDef tells whether a line starts a function's or a class's definition.
func isDef(line string) bool {
	line = strings.TrimSpace(line)
	return strings.HasPrefix(line, "def ") || strings.HasPrefix(line, "async def ") || strings.HasPrefix(line, "class ")
}

func indent(line string) int { return len(line) - len(strings.TrimLeft(line, " \t")) }

// printNumbered prints lines lo..hi (of a file's shown lines) with their numbers, the location's
// line marked, B where a breakpoint is.
func (s *shell) printNumbered(loc engine.Location, lo, hi int, lines []string) {
	width := max(3, len(fmt.Sprint(hi)))
	for n := lo; n <= hi; n++ {
		mark, bp := "", " "
		if n == loc.Line {
			mark = marker(loc.Event)
		}
		if s.hasLineBreak(loc.File, n) {
			bp = "B"
		}
		line := fmt.Sprintf("%-3s%*d %s %s", mark, width, n, bp, lines[n-1])
		s.out.printf("%s\n", strings.TrimRight(line, " \t"))
	}
}

func (s *shell) hasLineBreak(file string, line int) bool {
	for _, bp := range s.bps {
		if bp.Line == line && fileMatches(file, bp.File) {
			return true
		}
	}
	return false
}

func (s *shell) threads(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	threads, err := s.t.Threads()
	if err != nil {
		return err
	}
	if len(threads) == 0 {
		s.out.printf("No Python threads: the interpreter is not running.\n")
	}
	for _, th := range threads {
		mark, name := " ", "thread"
		if th.Current {
			mark = "*"
		}
		if th.Main {
			name = "main thread"
		}
		s.out.printf("%s %s %d", mark, name, th.ID)
		if len(th.Frames) == 0 {
			s.out.printf(": no Python code running\n")
			continue
		}
		f := th.Frames[0]
		s.files[f.File] = true
		s.out.printf(": File \"%s\", line %d in %s\n", f.File, f.Line, f.Func)
	}
	return nil
}
