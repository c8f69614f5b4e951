package shell

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// ANSI colours of Python's tokens on a terminal: few, and in the
// terminal's own palette, so that they suit its theme.
const (
	ansiKeyword  = "\x1b[35m" // magenta
	ansiString   = "\x1b[32m" // green
	ansiComment  = "\x1b[90m" // bright black
	ansiNumber   = "\x1b[36m" // cyan
	ansiDef      = "\x1b[34m" // blue: the name a def or class defines
	ansiBuiltin  = "\x1b[33m" // yellow
	ansiReset    = "\x1b[0m"
	pythonLexer  = "python"
	maxHighlight = 1 << 20 // a source larger than this is shown plain
)

// colourOf is the colour of a token type, "" for none.
func colourOf(t chroma.TokenType) string {
	switch {
	case t.InCategory(chroma.Keyword), t == chroma.OperatorWord:
		return ansiKeyword
	case t.InSubCategory(chroma.LiteralString):
		return ansiString
	case t.InCategory(chroma.Comment):
		return ansiComment
	case t.InSubCategory(chroma.LiteralNumber):
		return ansiNumber
	case t == chroma.NameFunction, t == chroma.NameClass:
		return ansiDef
	case t == chroma.NameBuiltin, t == chroma.NameBuiltinPseudo, t == chroma.NameException:
		return ansiBuiltin
	}
	return ""
}

// highlight colours a Python file's lines for a terminal. The source is
// lexed whole, so that a string or a comment over several lines keeps
// its colour, and each line closes its colours; lines it cannot colour
// are returned as they are.
func highlight(lines []string) []string {
	text := strings.Join(lines, "\n")
	lexer := lexers.Get(pythonLexer)
	if lexer == nil || len(text) > maxHighlight {
		return lines
	}
	tokens, err := chroma.Tokenise(lexer, nil, text+"\n")
	if err != nil {
		return lines
	}
	out := make([]string, 0, len(lines))
	var line strings.Builder
	current := "" // the colour open on the line
	paint := func(colour string) {
		if colour == current {
			return
		}
		if current != "" {
			line.WriteString(ansiReset)
		}
		line.WriteString(colour)
		current = colour
	}
	for _, tok := range tokens {
		for i, part := range strings.Split(tok.Value, "\n") {
			if i > 0 {
				paint("")
				out = append(out, line.String())
				line.Reset()
			}
			if part != "" {
				paint(colourOf(tok.Type))
				line.WriteString(part)
			}
		}
	}
	paint("")
	if line.Len() > 0 {
		out = append(out, line.String())
	}
	if len(out) != len(lines) {
		return lines // the lexer saw other lines than the file's: plain is right
	}
	return out
}
