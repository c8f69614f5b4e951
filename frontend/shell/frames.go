package shell

import (
	"fmt"
	"strconv"
	"strings"

	"rrpy/engine"
)

// The selected frame is pdb's: up and down choose it, and p, locals,
// args, list and ll look there. It is an index into the Target's stack,
// 0 the innermost; a move in time selects the innermost again, as pdb
// does after a step.

// selected is the selected frame's index. A choice made at another time
// is void: the present may move without the shell's moves (the debug
// adapter beside a console).
func (s *shell) selected() int {
	if s.t.Now().Time != s.frameAt {
		return 0
	}
	return s.frame
}

// selectedLocation is where the selected frame stands: the present itself
// for the innermost frame, else the line its caller's call is running.
func (s *shell) selectedLocation() (engine.Location, error) {
	now := s.t.Now()
	i := s.selected()
	if i == 0 {
		return now, nil
	}
	frames, err := s.t.Stack()
	if err != nil {
		return engine.Location{}, err
	}
	if i >= len(frames) {
		return engine.Location{}, fmt.Errorf("no frame %d: the stack has %d", i, len(frames))
	}
	f := frames[i]
	return engine.Location{Time: now.Time, Event: engine.LineStart, File: f.File, Line: f.Line,
		Func: f.Func, FirstLine: f.FirstLine, Thread: now.Thread, Threads: now.Threads}, nil
}

// up is up [N]: N frames toward the outermost (pdb's "older") frame.
func (s *shell) up(arg string) error { return s.selectFrame(arg, 1, "Oldest frame") }

// down is down [N]: N frames toward the innermost frame, the present's.
func (s *shell) down(arg string) error { return s.selectFrame(arg, -1, "Newest frame") }

// selectFrame moves the selection n frames in direction dir (+1 is up),
// stopping at the end of the stack, and shows where it is. At the end
// already, it refuses with edge, as pdb does.
func (s *shell) selectFrame(arg string, dir int, edge string) error {
	n := 1
	if arg != "" {
		var err error
		if n, err = strconv.Atoi(arg); err != nil || n < 0 {
			return userError(fmt.Sprintf("needs a count (a number), got '%s'", arg))
		}
	}
	frames, err := s.t.Stack()
	if err != nil {
		return err
	}
	from := s.selected()
	to := min(max(from+dir*n, 0), len(frames)-1)
	if to == from && n > 0 {
		return refusal(edge)
	}
	s.frame, s.frameAt = to, s.t.Now().Time
	loc, err := s.selectedLocation()
	if err != nil {
		return err
	}
	s.printLocation(loc)
	return nil
}

// backtrace is where: the stack, most recent call last, each frame with
// its line's source; "> " marks the selected frame.
func (s *shell) backtrace(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	frames, err := s.t.Stack()
	if err != nil {
		return err
	}
	selected := s.selected()
	s.out.printf("Current call stack (most recent call last):\n")
	for i := len(frames) - 1; i >= 0; i-- {
		f := frames[i]
		s.files[f.File] = true
		mark := "  "
		if i == selected {
			mark = "> "
		}
		s.out.printf("%sFile \"%s\", line %d in %s\n", mark, f.File, f.Line, f.Func)
		if src := s.source(f.File); src.err == nil && f.Line >= 1 && f.Line <= len(src.lines) {
			s.out.printf("    %s\n", strings.TrimSpace(src.lines[f.Line-1]))
		}
	}
	return nil
}

// locals prints the selected frame's local variables.
func (s *shell) locals(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	return s.printVars(func(engine.Var) bool { return true }, "No local variables.")
}

// args prints the parameters of the selected frame's function, as pdb's
// args does.
func (s *shell) args(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	return s.printVars(func(v engine.Var) bool { return v.Arg }, "No arguments.")
}

// printVars prints the selected frame's locals that keep says to, or
// none when there are none.
func (s *shell) printVars(keep func(engine.Var) bool, none string) error {
	vars, err := s.t.Locals(0, s.selected())
	if err != nil {
		return err
	}
	n := 0
	for _, v := range vars {
		if keep(v) {
			s.out.printf("%s = %s\n", v.Name, v.Repr)
			n++
		}
	}
	if n == 0 {
		s.out.printf("%s\n", none)
	}
	return nil
}
