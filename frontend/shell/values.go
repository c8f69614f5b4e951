package shell

import (
	"fmt"
	"slices"
	"strings"

	"rrpy/engine"
)

// retval is pdb's retval: at a return stop point (<<), the value the
// frame returns.
func (s *shell) retval(arg string) error {
	if err := noArg(arg); err != nil {
		return err
	}
	switch ev := s.t.Now().Event; {
	case s.selected() != 0:
		return refusal("Not yet returned! The selected frame is a caller: down to the one returning")
	case ev == engine.Unwind:
		return refusal("No value: the frame returns by an exception (!!)")
	case ev != engine.Return:
		return refusal("Not yet returned! finish runs to where this frame returns (<<)")
	}
	ctx, stop := s.moveContext()
	v, err := s.t.ReturnValue(ctx)
	stop()
	if err != nil {
		return err
	}
	s.showValue(v)
	return nil
}

// display is an expression shown at every stop of the function it was
// set in, when its value changed: pdb's display, which is its frame's.
type display struct {
	expr string
	code codeKey // the function whose stops show it
	last string  // the value last shown
}

// codeKey names a function as a location does: a frame runs it.
type codeKey struct {
	file, fn  string
	firstLine int
}

func codeOf(loc engine.Location) codeKey {
	return codeKey{file: loc.File, fn: loc.Func, firstLine: loc.FirstLine}
}

// setDisplay is display [EXPR]: without EXPR, the list.
func (s *shell) setDisplay(arg string) error {
	if arg == "" {
		s.listDisplays()
		return nil
	}
	loc, err := s.selectedLocation()
	if err != nil {
		return err
	}
	text, err := s.evalDisplay(arg, s.selected())
	if err != nil {
		return err
	}
	d := display{expr: arg, code: codeOf(loc), last: text}
	s.displays = slices.DeleteFunc(s.displays, func(o display) bool { return o.expr == arg && o.code == d.code })
	s.displays = append(s.displays, d)
	s.out.printf("display %s: %s\n", arg, text)
	return nil
}

// undisplay is undisplay [EXPR]: without EXPR, every display goes.
func (s *shell) undisplay(arg string) error {
	if arg == "" {
		s.displays = nil
		return nil
	}
	n := len(s.displays)
	s.displays = slices.DeleteFunc(s.displays, func(d display) bool { return d.expr == arg })
	if len(s.displays) == n {
		return userError(fmt.Sprintf("Not displaying %s", arg))
	}
	return nil
}

func (s *shell) listDisplays() {
	if len(s.displays) == 0 {
		s.out.printf("No display expressions.\n")
		return
	}
	s.out.printf("Currently displaying:\n")
	for _, d := range s.displays {
		s.out.printf("%s: %s (in %s)\n", d.expr, d.last, d.code.fn)
	}
}

// evalDisplay is a display's value as shown: its repr, or its exception.
func (s *shell) evalDisplay(expr string, frame int) (string, error) {
	ctx, stop := s.moveContext()
	v, err := s.t.Evaluate(ctx, expr, frame)
	stop()
	if err != nil {
		return "", fmt.Errorf("display %s: %w", expr, err)
	}
	return v.Text(), nil
}

// updateDisplays shows, where a move stopped, the displays of the
// function it stopped in whose values changed, pdb's way.
func (s *shell) updateDisplays(loc engine.Location) error {
	here := codeOf(loc)
	for i := range s.displays {
		d := &s.displays[i]
		if d.code != here {
			continue
		}
		text, err := s.evalDisplay(d.expr, 0)
		if err != nil {
			return err
		}
		if text != d.last {
			s.out.printf("display %s: %s  [old: %s]\n", d.expr, text, d.last)
			d.last = text
		}
	}
	return nil
}

// whatisSource is pdb's whatis in Python: what a value is, as pdb says it
// (Function f, Method m, Class C, or its type).
const whatisSource = `print((lambda v: "Function " + v.__code__.co_name if hasattr(v, "__code__") ` +
	`else "Method " + v.__func__.__code__.co_name if hasattr(getattr(v, "__func__", None), "__code__") ` +
	`else "Class " + v.__module__ + "." + v.__qualname__ if type(v) is type ` +
	`else repr(type(v)))(%s))`

// whatis is pdb's whatis EXPR, in the selected frame.
func (s *shell) whatis(arg string) error {
	if arg == "" {
		return userError("Whatis what?")
	}
	ctx, stop := s.moveContext()
	v, err := s.t.Evaluate(ctx, fmt.Sprintf(whatisSource, arg), s.selected())
	stop()
	if err != nil {
		return err
	}
	if v.Err != "" {
		s.out.printf("%s\n", v.Err)
		return nil
	}
	s.out.printf("%s", v.Output)
	return nil
}

// ppSource pretty-prints a value with the program's own pprint.
const ppSource = `print(__import__("pprint").pformat(%s))`

// pp is pdb's pp EXPR, in the selected frame: the value as pprint lays it
// out. A program that never imported pprint cannot import it in the copy
// p runs in (that reads files): the value is then printed as p does.
func (s *shell) pp(arg string) error {
	if arg == "" {
		return userError("Print what?")
	}
	ctx, stop := s.moveContext()
	v, err := s.t.Evaluate(ctx, fmt.Sprintf(ppSource, arg), s.selected())
	stop()
	if err != nil {
		return err
	}
	if strings.HasPrefix(v.Err, "Attempted to do I/O") {
		s.out.printf("(pprint is not loaded in the program: as p prints it)\n")
		return s.print(arg)
	}
	if v.Err != "" {
		s.out.printf("%s\n", v.Err)
		return nil
	}
	s.out.printf("%s", v.Output)
	return nil
}
