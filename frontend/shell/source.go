package shell

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"rrpy/engine"
)

// sourceSource is Python that prints where an object's source starts:
// the first line and the file of a function's, a method's or a code
// object's code; of a class, the file of its module and its name; of a
// module, its file.
const sourceSource = `print(*(lambda v, sys=__import__("sys"): ` +
	`(v.co_firstlineno, v.co_filename) if type(v).__name__ == "code" ` +
	`else (0, v.__file__) if type(v).__name__ == "module" ` +
	`else ("class " + v.__qualname__.rpartition(".")[2], sys.modules[v.__module__].__file__) if isinstance(v, type) ` +
	`else (getattr(v, "__func__", v).__code__.co_firstlineno, getattr(v, "__func__", v).__code__.co_filename))(%s), sep="\n")`

// showSource is pdb's source EXPR: the recorded source of a function, a
// method, a class or a module, with line numbers.
func (s *shell) showSource(arg string) error {
	if arg == "" {
		return userError("Source of what? (source EXPR: a function, a class, a module)")
	}
	ctx, stop := s.moveContext()
	v, err := s.t.Evaluate(ctx, fmt.Sprintf(sourceSource, arg), s.selected())
	stop()
	if err != nil {
		return err
	}
	if v.Err != "" {
		return userError(fmt.Sprintf("No source for %s: %s", arg, v.Err))
	}
	where, file, _ := strings.Cut(strings.TrimSuffix(v.Output, "\n"), "\n")
	src := s.source(file)
	at := engine.Location{File: file} // no line marked; B where breakpoints are
	if src.err != nil {
		s.out.printf("Source not available for %s.\n", file)
		return nil
	}
	first, err := strconv.Atoi(where)
	switch {
	case err == nil && first == 0: // a module: all of it
		s.printNumbered(at, 1, len(src.lines), src.shown)
		return nil
	case err != nil: // "class NAME": where its definition starts
		if first = classLine(src.lines, strings.TrimPrefix(where, "class ")); first == 0 {
			return userError(fmt.Sprintf("No source for %s: no %s in %s", arg, where, file))
		}
	}
	if first < 1 || first > len(src.lines) {
		return userError(fmt.Sprintf("No source for %s: line %d is not in %s", arg, first, file))
	}
	s.printNumbered(at, first, blockEnd(src.lines, first, first), src.shown)
	return nil
}

// classLine is the first line of a file that defines a class of that
// name, 0 when none does.
func classLine(lines []string, name string) int {
	def := regexp.MustCompile(`^\s*class\s+` + regexp.QuoteMeta(name) + `\b`)
	for i, l := range lines {
		if def.MatchString(l) {
			return i + 1
		}
	}
	return 0
}
