package pyeval

import (
	"strconv"
	"strings"
)

// Rewrite turns the anchors $N of src into Python names (AnchorName),
// outside string literals and comments, and lists the N it met in order
// of first use.
func Rewrite(src string) (string, []int) {
	var b strings.Builder
	var used []int
	seen := map[int]bool{}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '#':
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			b.WriteString(src[i : i+end])
			i += end
		case c == '\'' || c == '"':
			end := stringEnd(src, i)
			b.WriteString(src[i:end])
			i = end
		case c == '$' && i+1 < len(src) && isDigit(src[i+1]):
			j := i + 1
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			n, err := strconv.Atoi(src[i+1 : j])
			if err != nil {
				b.WriteString(src[i:j]) // too large: Python refuses the $
				i = j
				continue
			}
			if !seen[n] {
				seen[n] = true
				used = append(used, n)
			}
			b.WriteString(AnchorName(n))
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), used
}

// stringEnd returns the index after the string literal that starts at
// i: single or triple quoted, with backslash escapes; an unterminated
// one runs to the end (Python reports it).
func stringEnd(src string, i int) int {
	quote := src[i : i+1]
	if strings.HasPrefix(src[i:], strings.Repeat(quote, 3)) {
		quote = strings.Repeat(quote, 3)
	}
	for j := i + len(quote); j < len(src); j++ {
		switch {
		case src[j] == '\\':
			j++
		case strings.HasPrefix(src[j:], quote):
			return j + len(quote)
		}
	}
	return len(src)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
