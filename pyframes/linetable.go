package pyframes

// The location table of 3.11 to 3.13 (co_linetable, Objects/locations.md): a sequence
// of entries, each covering 1 to 8 code units. An entry's first byte has
// its top bit set, a 4-bit code in bits 3-6 and the number of code units
// minus one in bits 0-2; the code says what follows:
//
//	0-9    short form: same line, one byte of columns
//	10-12  one-line form: line += code-10, start and end column bytes
//	13     no columns: line += signed varint
//	14     long form: line += signed varint, then end line, start and end
//	       column varints
//	15     no location: the instructions have no line (-1)
//
// Varints are little-endian 6-bit chunks, bit 6 meaning "more follows";
// a signed varint keeps its sign in the lowest bit.
const (
	locationNoColumns = 13
	locationLong      = 14
	locationNone      = 15
)

// addr2line returns the line of the instruction at index unit (in code
// units) of a code object whose first line is firstLine, as
// PyCode_Addr2Line does: the first line for a negative index (a frame that
// has not started), -1 for an instruction without a line or past the
// table's end.
func addr2line(table []byte, firstLine int, unit int) int {
	if unit < 0 {
		return firstLine
	}
	line, end := firstLine, 0
	for i := 0; i < len(table); {
		head := table[i]
		code := int(head>>3) & 15
		units := int(head&7) + 1
		switch code {
		case locationNoColumns, locationLong:
			delta, _ := signedVarint(table, i+1)
			line += delta
		case 10, 11, 12:
			line += code - 10
		}
		end += units
		if unit < end {
			if code == locationNone {
				return -1
			}
			return line
		}
		// The next entry starts at the next byte with the top bit set.
		for i++; i < len(table) && table[i]&0x80 == 0; i++ {
		}
	}
	return -1
}

// varint decodes an unsigned varint at table[i:], returning the value and
// the index after it; a truncated one ends at the table's end.
func varint(table []byte, i int) (int, int) {
	v, shift := 0, 0
	for i < len(table) && shift < 60 {
		b := table[i]
		i++
		v |= int(b&63) << shift
		if b&64 == 0 {
			break
		}
		shift += 6
	}
	return v, i
}

func signedVarint(table []byte, i int) (int, int) {
	v, next := varint(table, i)
	if v&1 != 0 {
		return -(v >> 1), next
	}
	return v >> 1, next
}
