package shell

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/chzyer/readline"

	"rrpy/engine"
)

// completion completes a command line at the prompt: command names and
// fixed arguments from the table; Python names in the commands that take
// an expression (the selected frame's locals and globals, attributes
// after a dot, $N); the recorded functions and files in break.
type completion struct {
	s        *shell
	commands readline.AutoCompleter
}

// Do is readline's: the suffixes that complete the word before pos, and
// how long that word is. It runs while the shell waits at the prompt.
func (c completion) Do(line []rune, pos int) ([][]rune, int) {
	text := string(line[:pos])
	name, _ := splitCommand(strings.TrimLeft(text, " "))
	cmd := lookup(name)
	if cmd == nil || !strings.ContainsFunc(text, unicode.IsSpace) && !strings.HasPrefix(text, "!") {
		return c.commands.Do(line, pos)
	}
	var names []string
	_, prefix := cutAttribute(lastWord(text))
	switch cmd.completes {
	case pythonArg:
		names = c.pythonNames(lastWord(text), true)
	case watchArg:
		names = c.pythonNames(lastWord(text), false)
	case locationArg:
		if len(strings.Fields(text+"x")) > 2 {
			return nil, 0 // past the location: its condition, or clear's next number
		}
		names, prefix = c.locations(), lastField(text)
	default:
		return c.commands.Do(line, pos)
	}
	var out [][]rune
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && n != prefix {
			out = append(out, []rune(n[len(prefix):]))
		}
	}
	return out, len([]rune(prefix))
}

// lastField is what ends text after its last space: a location, with
// its dots and colon.
func lastField(text string) string {
	return text[strings.LastIndexFunc(text, unicode.IsSpace)+1:]
}

// lastWord is the Python name (dotted, or $N) that ends text.
func lastWord(text string) string {
	i := strings.LastIndexFunc(text, func(r rune) bool {
		return !(r == '_' || r == '.' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	return text[i+1:]
}

// cutAttribute splits "obj.attr" into the object's expression and the
// attribute's prefix; a word without a dot has no object.
func cutAttribute(word string) (obj, prefix string) {
	if i := strings.LastIndex(word, "."); i >= 0 {
		return word[:i], word[i+1:]
	}
	return "", word
}

// pythonNames are the names that may complete word: its object's
// attributes after a dot; else the $N names and, where the command sees
// the frame, the selected frame's locals and globals.
func (c completion) pythonNames(word string, frameNames bool) []string {
	if obj, _ := cutAttribute(word); obj != "" {
		return c.attributes(obj)
	}
	var names []string
	if k, ok := c.s.t.(engine.Keeper); ok {
		for n := range k.Anchors() {
			names = append(names, fmt.Sprintf("$%d", n))
		}
	}
	if !frameNames {
		return names
	}
	frame := c.s.selected()
	for _, vars := range []func(thread, frame int) ([]engine.Var, error){c.s.t.Locals, c.s.t.Globals} {
		if vs, err := vars(0, frame); err == nil {
			for _, v := range vs {
				names = append(names, v.Name)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// attributes are dir(obj), evaluated in the selected frame; none when it
// fails.
func (c completion) attributes(obj string) []string {
	ctx, stop := c.s.moveContext()
	defer stop()
	v, err := c.s.t.Evaluate(ctx, fmt.Sprintf(`print(*dir(%s), sep="\n")`, obj), c.s.selected())
	if err != nil || v.Err != "" {
		return nil
	}
	return strings.Fields(v.Output)
}

// locations are what break can name: the functions the recorded
// sources define, and the recorded files by their last element, each
// ending with the colon a line number follows.
func (c completion) locations() []string {
	var names []string
	if l, ok := c.s.t.(engine.SourceLister); ok {
		names = append(names, l.Functions()...)
	}
	for _, f := range c.s.knownFiles() {
		names = append(names, path.Base(f)+":")
	}
	slices.Sort(names)
	return slices.Compact(names)
}
