package pyframes

import (
	"fmt"
	"strings"
)

// Var is one variable: its name, the object it names and that object's repr.
type Var struct {
	Name string
	Addr uint64
	Repr string
	// Path is how a part of an object is reached from it, as Python
	// writes it: ".value", "[0]", "['a']" (Children's; "" for a variable).
	Path string
	// Arg says the variable is a parameter of the frame's function
	// (pdb's args lists them).
	Arg bool
}

// Locals returns a frame's variables. For a function (an optimized code
// object) these are its fast locals in co_localsplusnames order, cells and
// free variables dereferenced, unbound ones left out. For other frames
// (module level, class bodies) they are the entries of the f_locals dict,
// except dunder names (__name__, __builtins__...). A value whose repr
// cannot be read gets an "<unreadable ...>" repr rather than failing the
// whole list.
func (r *Reader) Locals(f Frame) ([]Var, error) {
	l := r.l
	fr, err := r.interpFrame(f.Addr)
	if err != nil {
		return nil, err
	}
	codeAddr := fr.ptr(l.InterpFrameCode)
	h, err := r.codeHeader(codeAddr)
	if err != nil {
		return nil, fmt.Errorf("read code object at %#x of frame %#x: %w", codeAddr, f.Addr, err)
	}
	var vars []Var
	if uint64(le32(h, l.CodeFlags))&l.COOptimized != 0 {
		vars, err = r.fastLocals(f.Addr, codeAddr, h)
	} else {
		vars, err = r.dictLocals(fr.ptr(l.InterpFrameLocals))
	}
	if err != nil {
		return nil, fmt.Errorf("locals of frame %#x: %w", f.Addr, err)
	}
	r.readReprs(vars)
	return vars, nil
}

// Globals returns the module globals a frame sees, as dictLocals lists a
// dict: dunder names left out, reprs read.
func (r *Reader) Globals(f Frame) ([]Var, error) {
	globals, err := r.u64(f.Addr + r.l.InterpFrameGlobals)
	if err != nil {
		return nil, fmt.Errorf("read the globals of frame %#x: %w", f.Addr, err)
	}
	vars, err := r.dictLocals(globals)
	if err != nil {
		return nil, fmt.Errorf("globals of frame %#x: %w", f.Addr, err)
	}
	r.readReprs(vars)
	return vars, nil
}

// fastLocals reads localsplus, named by co_localsplusnames.
func (r *Reader) fastLocals(frame, codeAddr uint64, h codeHeader) ([]Var, error) {
	l := r.l
	n := int(int32(le32(h, l.CodeNlocalsplus)))
	if n < 0 || n > maxCount {
		return nil, fmt.Errorf("code object at %#x has %d locals", codeAddr, n)
	}
	names, err := r.tupleItems(le64(h, l.CodeLocalsplusnames))
	if err != nil {
		return nil, fmt.Errorf("read co_localsplusnames of code object at %#x: %w", codeAddr, err)
	}
	kinds, err := r.bytesData(le64(h, l.CodeLocalspluskinds))
	if err != nil {
		return nil, fmt.Errorf("read co_localspluskinds of code object at %#x: %w", codeAddr, err)
	}
	if len(names) != n || len(kinds) != n {
		return nil, fmt.Errorf("code object at %#x has %d locals but %d names and %d kinds", codeAddr, n, len(names), len(kinds))
	}
	values, err := r.ptrs(frame+l.InterpFrameLocalsplus, n)
	if err != nil {
		return nil, fmt.Errorf("read localsplus: %w", err)
	}
	args := argCount(h, l)
	var vars []Var
	for i, v := range values {
		if uint64(kinds[i])&(l.COFastCell|l.COFastFree) != 0 && v != 0 {
			if v, err = r.cellContents(v); err != nil {
				return nil, fmt.Errorf("local %d: %w", i, err)
			}
		}
		if v == 0 {
			continue // unbound
		}
		name, err := r.str(names[i])
		if err != nil {
			return nil, fmt.Errorf("read the name of local %d: %w", i, err)
		}
		vars = append(vars, Var{Name: name, Addr: v, Arg: i < args})
	}
	return vars, nil
}

// argCount is how many of a code object's first locals are its
// parameters, as pdb's args counts them: positional and keyword-only
// ones, then *args and **kwargs where the function has them.
func argCount(h codeHeader, l *Layout) int {
	n := int(int32(le32(h, l.CodeArgcount))) + int(int32(le32(h, l.CodeKwonlyargcount)))
	flags := uint64(le32(h, l.CodeFlags))
	if flags&l.COVarargs != 0 {
		n++
	}
	if flags&l.COVarkeywords != 0 {
		n++
	}
	return n
}

// cellContents dereferences a cell. A slot of kind CO_FAST_CELL holds the
// plain value until MAKE_CELL runs at the start of the function, so a
// value that is not a cell is returned as it is.
func (r *Reader) cellContents(v uint64) (uint64, error) {
	t, err := r.typeOf(v)
	if err != nil {
		return 0, err
	}
	name, err := r.tpName(t)
	if err != nil {
		return 0, err
	}
	if name != "cell" {
		return v, nil
	}
	ref, err := r.u64(v + r.l.CellRef)
	if err != nil {
		return 0, fmt.Errorf("read the cell at %#x: %w", v, err)
	}
	return ref, nil
}

// dictLocals lists a locals dict but its dunder names.
func (r *Reader) dictLocals(dict uint64) ([]Var, error) {
	if dict == 0 {
		return nil, nil
	}
	items, _, err := r.dictItems(dict, maxCount)
	if err != nil {
		return nil, err
	}
	var vars []Var
	for _, it := range items {
		var name string
		var err error
		if r.isStr(it.key) {
			name, err = r.str(it.key)
		} else {
			// A non-str key (possible in a namespace that exec or a
			// metaclass made): name it by its repr.
			name, err = r.Repr(it.key)
		}
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__") {
			continue
		}
		vars = append(vars, Var{Name: name, Addr: it.value})
	}
	return vars, nil
}

type dictItem struct{ key, value uint64 }

// dictItems returns up to limit items of a dict in insertion order, and
// whether there were more.
func (r *Reader) dictItems(dict uint64, limit int) ([]dictItem, bool, error) {
	l := r.l
	hdr := make([]byte, l.DictValues+8)
	if err := r.readPastRefcnt(dict, hdr); err != nil {
		return nil, false, fmt.Errorf("read dict at %#x: %w", dict, err)
	}
	used := int64(le64(hdr, l.DictUsed))
	keys, values := le64(hdr, l.DictKeys), le64(hdr, l.DictValues)
	if used < 0 || used > 1<<40 {
		return nil, false, fmt.Errorf("dict at %#x has %d items", dict, used)
	}
	if used == 0 {
		return nil, false, nil
	}
	k, err := r.dictKeys(keys)
	if err != nil {
		return nil, false, fmt.Errorf("dict at %#x: %w", dict, err)
	}
	var items []dictItem
	if values != 0 {
		items, err = r.splitItems(k, values, limit)
	} else {
		items, err = r.combinedItems(k, limit)
	}
	if err != nil {
		return nil, false, fmt.Errorf("dict at %#x: %w", dict, err)
	}
	return items, int64(len(items)) < used, nil
}

// dictKeys is the part of a PyDictKeysObject that locates its entries.
type dictKeys struct {
	addr      uint64
	entries   uint64 // DK_ENTRIES / DK_UNICODE_ENTRIES
	nentries  int
	entrySize uint64
	keyOff    uint64
	valueOff  uint64
}

func (r *Reader) dictKeys(keys uint64) (dictKeys, error) {
	l := r.l
	hdr := make([]byte, l.DictKeysIndices)
	if err := r.readPastRefcnt(keys, hdr); err != nil {
		return dictKeys{}, fmt.Errorf("read dict keys at %#x: %w", keys, err)
	}
	log2Size, log2IndexBytes := hdr[l.DictKeysLog2Size], hdr[l.DictKeysLog2IndexBytes]
	nentries := int64(le64(hdr, l.DictKeysNentries))
	if log2Size > 40 || log2IndexBytes > 43 || nentries < 0 || nentries > int64(1)<<log2Size || nentries > maxTableSlots {
		return dictKeys{}, fmt.Errorf("dict keys at %#x: log2 size %d, log2 index bytes %d, %d entries",
			keys, log2Size, log2IndexBytes, nentries)
	}
	// The entries follow the hash index, whose size in bytes is
	// 1<<dk_log2_index_bytes (the DK_ENTRIES macro: no offsetof for it).
	k := dictKeys{addr: keys, entries: keys + l.DictKeysIndices + uint64(1)<<log2IndexBytes, nentries: int(nentries)}
	if uint64(hdr[l.DictKeysKind]) == l.DictKeysGeneral {
		k.entrySize, k.keyOff, k.valueOff = l.DictKeyEntrySize, l.DictKeyEntryKey, l.DictKeyEntryValue
	} else {
		k.entrySize, k.keyOff, k.valueOff = l.DictUnicodeEntrySize, l.DictUnicodeEntryKey, l.DictUnicodeEntryValue
	}
	return k, nil
}

// combinedItems walks the entries of a combined table, whose order is the
// insertion order; deleted entries have a NULL value.
func (r *Reader) combinedItems(k dictKeys, limit int) ([]dictItem, error) {
	var items []dictItem
	const chunk = 256
	buf := make([]byte, chunk*k.entrySize)
	for i := 0; i < k.nentries && len(items) < limit; i += chunk {
		n := min(chunk, k.nentries-i)
		if err := r.read(k.entries+uint64(i)*k.entrySize, buf[:uint64(n)*k.entrySize]); err != nil {
			return nil, fmt.Errorf("read the entries of dict keys at %#x: %w", k.addr, err)
		}
		for j := 0; j < n && len(items) < limit; j++ {
			e := buf[uint64(j)*k.entrySize:]
			if key, value := le64(e, k.keyOff), le64(e, k.valueOff); key != 0 && value != 0 {
				items = append(items, dictItem{key, value})
			}
		}
	}
	return items, nil
}

// splitItems walks a split table: the keys are shared with other
// instances of a class, the values are the object's own, in the order the
// version's dialect reads.
func (r *Reader) splitItems(k dictKeys, values uint64, limit int) ([]dictItem, error) {
	order, err := r.l.dialect.valuesOrder(r, values)
	if err != nil {
		return nil, err
	}
	array := values + r.l.DictValuesValues
	var items []dictItem
	for _, ix := range order {
		if len(items) >= limit {
			break
		}
		if int(ix) >= k.nentries {
			return nil, fmt.Errorf("dict values at %#x name entry %d of %d", values, ix, k.nentries)
		}
		value, err := r.u64(array + 8*uint64(ix))
		if err != nil {
			return nil, fmt.Errorf("read dict values at %#x: %w", values, err)
		}
		key, err := r.u64(k.entries + uint64(ix)*k.entrySize + k.keyOff)
		if err != nil {
			return nil, fmt.Errorf("read the entries of dict keys at %#x: %w", k.addr, err)
		}
		if key != 0 && value != 0 {
			items = append(items, dictItem{key, value})
		}
	}
	return items, nil
}

// readReprs reads each variable's repr: one that cannot be read gets an
// "<unreadable ...>" repr rather than failing the whole list.
func (r *Reader) readReprs(vars []Var) {
	for i := range vars {
		var err error
		if vars[i].Repr, err = r.Repr(vars[i].Addr); err != nil {
			vars[i].Repr = fmt.Sprintf("<unreadable object at %#x: %v>", vars[i].Addr, err)
		}
	}
}
