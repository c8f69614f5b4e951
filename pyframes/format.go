package pyframes

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// floatRepr formats a float as Python's repr does (float_repr_style
// "short"): the shortest digits that read back to the same float, which
// are the digits strconv's -1 precision gives too; positional notation
// with at least one decimal ("2.5", "1000000000000000.0") while the
// decimal point falls between 4 places left of the first digit and 16
// right of it, else an exponent of at least two digits ("1e+16", "1e-05").
func floatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // "-1.2345e+16"
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	mant, exp, _ := strings.Cut(s, "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	decpt := e + 1 // the value is 0.DIGITS * 10**decpt
	if decpt <= -4 || decpt > 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		esign := "+"
		if e < 0 {
			esign, e = "-", -e
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, esign, e)
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt < len(digits):
		return sign + digits[:decpt] + "." + digits[decpt:]
	default:
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	}
}

// quoteFor picks repr's quote: ' unless the text holds ' and no ".
func quoteFor(hasSingle, hasDouble bool) byte {
	if hasSingle && !hasDouble {
		return '"'
	}
	return '\''
}

// strRepr quotes a str as unicode_repr does: the quote and backslash
// escaped, \t \n \r, \xHH for other controls and DEL, printable non-ASCII
// characters kept as they are ('café'), the others as \xHH, \uHHHH or
// \UHHHHHHHH. Printability is Go's unicode.IsPrint, which matches
// Py_UNICODE_ISPRINTABLE except where their Unicode versions differ.
func strRepr(s []rune) string {
	var single, double bool
	for _, c := range s {
		single = single || c == '\''
		double = double || c == '"'
	}
	q := rune(quoteFor(single, double))
	var b strings.Builder
	b.WriteRune(q)
	for _, c := range s {
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c < 0x7f:
			b.WriteRune(c)
		case c <= unicode.MaxRune && (c < 0xd800 || c > 0xdfff) && unicode.IsPrint(c):
			b.WriteRune(c)
		case c <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, c)
		case c <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			fmt.Fprintf(&b, `\U%08x`, uint32(c))
		}
	}
	b.WriteRune(q)
	return b.String()
}

// bytesRepr quotes bytes as bytes_repr does: b'...' with the quote and
// backslash escaped, \t \n \r, printable ASCII as is, the rest \xhh.
func bytesRepr(data []byte) string {
	q := quoteFor(strings.IndexByte(string(data), '\'') >= 0, strings.IndexByte(string(data), '"') >= 0)
	var b strings.Builder
	b.WriteByte('b')
	b.WriteByte(q)
	for _, c := range data {
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < ' ' || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}
