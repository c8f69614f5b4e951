package pyframes

import (
	"fmt"
	"unicode"
)

// dialect is what a CPython minor version does differently that offsets
// alone cannot say: how an int's header packs its sign and size, where an
// instance keeps its attributes, how split dict values record their
// insertion order. LayoutFor picks one with the version's Layout, once per
// process; the rest of the package asks the dialect, never the version.
type dialect interface {
	// intSize decodes an int's header word (Layout.LongTag).
	intSize(tag uint64, l *Layout) (neg bool, digits uint64)
	// managedAttrs locates the attributes of an object whose type has
	// Py_TPFLAGS_MANAGED_DICT: its dict, else its split values (both 0:
	// none yet).
	managedAttrs(r *Reader, obj, typeFlags uint64) (dict, values uint64, err error)
	// valuesOrder returns the entry indices of split values, in the
	// order they were inserted.
	valuesOrder(r *Reader, values uint64) ([]byte, error)
	// disputedChars are the characters this version's Unicode database
	// and Go's (15.0) disagree on: printable to one, not the other.
	disputedChars() *unicode.RangeTable
}

// dialects by minor version.
var dialects = map[int]dialect{11: v311{}, 12: v312{}, 13: v313{}}

// v311 is CPython 3.11.
type v311 struct{}

// intSize: ob_size is the digit count, negative for a negative int.
func (v311) intSize(tag uint64, _ *Layout) (bool, uint64) {
	if n := int64(tag); n < 0 {
		return true, uint64(-n)
	}
	return false, tag
}

// managedAttrs: the values pointer, NULL once a real dict was made, and
// the dict pointer are two words before the object.
func (v311) managedAttrs(r *Reader, obj, _ uint64) (uint64, uint64, error) {
	values, err := r.u64(obj + uint64(r.l.ManagedValuesOffset))
	if err != nil {
		return 0, 0, fmt.Errorf("read the values of the object at %#x: %w", obj, err)
	}
	if values != 0 {
		return 0, values, nil
	}
	dict, err := r.u64(obj + uint64(r.l.ManagedDictOffset))
	if err != nil {
		return 0, 0, fmt.Errorf("read the dict of the object at %#x: %w", obj, err)
	}
	return dict, 0, nil
}

// disputedChars: 3.11's Unicode is 14.0.
func (v311) disputedChars() *unicode.RangeTable { return newInUnicode15 }

// valuesOrder reads the prefix before the values, described only in a
// comment of pycore_dict.h ([-1] prefix size, [-2] count, [-3-i] the
// index of the i-th inserted value) and _PyDictValues_AddToInsertionOrder,
// so no offsetof can state it. 3.12 keeps it.
func (v311) valuesOrder(r *Reader, values uint64) ([]byte, error) {
	var sizes [2]byte
	if err := r.read(values-2, sizes[:]); err != nil {
		return nil, fmt.Errorf("read the size of dict values at %#x: %w", values, err)
	}
	n := int(sizes[0])
	if n == 0 {
		return nil, nil
	}
	prefix := make([]byte, n)
	if err := r.read(values-2-uint64(n), prefix); err != nil {
		return nil, fmt.Errorf("read the insertion order of dict values at %#x: %w", values, err)
	}
	order := make([]byte, n)
	for i := range order {
		order[i] = prefix[n-1-i] // prefix[n-1] is at values-3: the first inserted
	}
	return order, nil
}

// v312 is CPython 3.12.
type v312 struct{ v311 }

// intSize: lv_tag holds the digit count above two sign bits (0 positive,
// 1 zero, 2 negative) and a reserved one.
func (v312) intSize(tag uint64, l *Layout) (bool, uint64) {
	const signMask, negative = 3, 2
	return tag&signMask == negative, tag >> l.LongNonSizeBits
}

// disputedChars: 3.12's Unicode is Go's, 15.0.
func (v312) disputedChars() *unicode.RangeTable { return &unicode.RangeTable{} }

// managedAttrs: one word before the object holds the dict, or the values
// pointer minus one, its bit 0 set (PyDictOrValues).
func (v312) managedAttrs(r *Reader, obj, _ uint64) (uint64, uint64, error) {
	word, err := r.u64(obj + uint64(r.l.ManagedDictOffset))
	if err != nil {
		return 0, 0, fmt.Errorf("read the dict or values of the object at %#x: %w", obj, err)
	}
	if word&1 != 0 {
		return 0, word + 1, nil
	}
	return word, 0, nil
}

// v313 is CPython 3.13.
type v313 struct{ v312 }

// managedAttrs: the dict pointer before the object once a dict was made;
// until then, for a type with Py_TPFLAGS_INLINE_VALUES, the values right
// after the object's header while their valid flag is set.
func (v313) managedAttrs(r *Reader, obj, typeFlags uint64) (uint64, uint64, error) {
	l := r.l
	dict, err := r.u64(obj + uint64(l.ManagedDictOffset))
	if err != nil {
		return 0, 0, fmt.Errorf("read the dict of the object at %#x: %w", obj, err)
	}
	if dict != 0 || typeFlags&l.TPFlagsInlineValues == 0 {
		return dict, 0, nil
	}
	values := obj + uint64(l.ManagedValuesOffset)
	var valid [1]byte
	if err := r.read(values+uint64(l.DictValuesValid), valid[:]); err != nil {
		return 0, 0, fmt.Errorf("read the inline values of the object at %#x: %w", obj, err)
	}
	if valid[0] == 0 {
		return 0, 0, nil
	}
	return 0, values, nil
}

// disputedChars: 3.13's Unicode is 15.1.
func (v313) disputedChars() *unicode.RangeTable { return newInUnicode151 }

// valuesOrder: the values' header says how many there are and their
// capacity; the insertion order follows the capacity's values.
func (v313) valuesOrder(r *Reader, values uint64) ([]byte, error) {
	l := r.l
	hdr := make([]byte, l.DictValuesValues)
	if err := r.read(values, hdr); err != nil {
		return nil, fmt.Errorf("read the header of dict values at %#x: %w", values, err)
	}
	capacity, size := uint64(hdr[l.DictValuesCapacity]), int(hdr[l.DictValuesSize])
	if uint64(size) > capacity {
		return nil, fmt.Errorf("dict values at %#x hold %d of %d", values, size, capacity)
	}
	order := make([]byte, size)
	if size == 0 {
		return order, nil
	}
	if err := r.read(values+l.DictValuesValues+8*capacity, order); err != nil {
		return nil, fmt.Errorf("read the insertion order of dict values at %#x: %w", values, err)
	}
	return order, nil
}
