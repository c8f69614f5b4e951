package pyframes

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// Repr renders an object as Python's repr would, for the builtin types
// rrpy decodes (int, float, str, bytes, bool, None, list, tuple, dict,
// set, frozenset, functions, classes, modules, code objects) and their
// subclasses that keep the builtin repr. Instances of other classes read
// "<module.QualName object at 0x...>", as object.__repr__ prints them,
// even when their class defines its own __repr__: running it needs the
// process (rrpy's evaluation does that). Nesting deeper than MaxDepth
// prints as "[...]", containers are cut after MaxItems elements with
// "...", and a self-containing container prints as Python's "[...]".
func (r *Reader) Repr(obj uint64) (string, error) {
	p := &printer{r: r, active: map[uint64]bool{}}
	if err := p.repr(obj, 0); err != nil {
		return "", fmt.Errorf("repr of the object at %#x: %w", obj, err)
	}
	return p.b.String(), nil
}

// printer renders one repr.
type printer struct {
	r      *Reader
	b      strings.Builder
	active map[uint64]bool // containers being printed (Py_ReprEnter)
	// objects counts the objects printed: wide nesting multiplies
	// MaxItems by itself at each level, so the whole repr has a budget.
	objects int
}

// maxReprObjects is the budget of objects in one repr; past it the
// containers being printed end with "...".
const maxReprObjects = 10_000

// typeInfo is what repr needs of a type.
type typeInfo struct {
	addr  uint64
	name  string // tp_name
	flags uint64
}

func (t typeInfo) heap(l *Layout) bool { return t.flags&l.TPFlagsHeapType != 0 }

func (r *Reader) typeInfo(t uint64) (typeInfo, error) {
	name, err := r.tpName(t)
	if err != nil {
		return typeInfo{}, err
	}
	flags, err := r.u64(t + r.l.TypeFlags)
	if err != nil {
		return typeInfo{}, fmt.Errorf("read tp_flags of the type at %#x: %w", t, err)
	}
	return typeInfo{addr: t, name: name, flags: flags}, nil
}

// decoder returns the printer of a builtin type repr knows, by tp_name.
// Only static (non-heap) types are looked up here, so a user class named
// "int" is never taken for int.
func decoder(name string) func(p *printer, obj uint64, t typeInfo, depth int) error {
	switch name {
	case "int":
		return (*printer).int
	case "bool":
		return (*printer).bool
	case "float":
		return (*printer).float
	case "str":
		return (*printer).str
	case "bytes":
		return (*printer).bytes
	case "list":
		return (*printer).list
	case "tuple":
		return (*printer).tuple
	case "dict":
		return (*printer).dict
	case "set", "frozenset":
		return (*printer).set
	case "NoneType":
		return constant("None")
	case "ellipsis":
		return constant("Ellipsis")
	case "NotImplementedType":
		return constant("NotImplemented")
	case "type":
		return (*printer).class
	case "function":
		return (*printer).function
	case "builtin_function_or_method":
		return (*printer).builtin
	case "module":
		return (*printer).module
	case "code":
		return (*printer).code
	}
	return nil
}

func constant(s string) func(p *printer, obj uint64, t typeInfo, depth int) error {
	return func(p *printer, _ uint64, _ typeInfo, _ int) error {
		p.b.WriteString(s)
		return nil
	}
}

func (p *printer) repr(obj uint64, depth int) error {
	p.objects++
	if obj == 0 {
		p.b.WriteString("<NULL>")
		return nil
	}
	tAddr, err := p.r.typeOf(obj)
	if err != nil {
		return err
	}
	t, err := p.r.typeInfo(tAddr)
	if err != nil {
		return err
	}
	base, err := p.r.reprBase(t)
	if err != nil {
		return err
	}
	if dec := decoder(base); dec != nil {
		return dec(p, obj, t, depth)
	}
	return p.object(obj, t)
}

// reprBase names the builtin type whose repr an object of type t gets: t
// itself when it is static; for a class, the first static type of its MRO
// unless a class before it defines __repr__ ("" then: the repr is Python
// code rrpy cannot run, and the object prints as object.__repr__ would).
func (r *Reader) reprBase(t typeInfo) (string, error) {
	l := r.l
	if !t.heap(l) {
		return t.name, nil
	}
	mroAddr, err := r.u64(t.addr + l.TypeMro)
	if err != nil {
		return "", fmt.Errorf("read tp_mro of %s: %w", t.name, err)
	}
	if mroAddr == 0 {
		return "", nil // a class under construction
	}
	mro, err := r.tupleItems(mroAddr)
	if err != nil {
		return "", fmt.Errorf("read tp_mro of %s: %w", t.name, err)
	}
	for _, m := range mro {
		mt, err := r.typeInfo(m)
		if err != nil {
			return "", err
		}
		if !mt.heap(l) {
			return mt.name, nil
		}
		dict, err := r.typeDict(m)
		if err != nil {
			return "", fmt.Errorf("read tp_dict of %s: %w", mt.name, err)
		}
		if v, err := r.dictGet(dict, "__repr__"); err != nil || v != 0 {
			return "", err
		}
	}
	return "", nil
}

// dictGet returns the value of a str key in a dict, 0 when absent.
func (r *Reader) dictGet(dict uint64, key string) (uint64, error) {
	if dict == 0 {
		return 0, nil
	}
	items, _, err := r.dictItems(dict, maxCount)
	if err != nil {
		return 0, err
	}
	return r.lookup(items, key), nil
}

// object prints what object.__repr__ prints: the class's module (its
// __module__, unless builtins) and qualified name, and the address.
func (p *printer) object(obj uint64, t typeInfo) error {
	name, err := p.r.className(t)
	if err != nil {
		return err
	}
	fmt.Fprintf(&p.b, "<%s object at %#x>", name, obj)
	return nil
}

// className is the name repr shows for a class: tp_name for a static type
// (it holds the module already), "module.QualName" for a heap type with
// the module from its __module__, left out when it is builtins.
func (r *Reader) className(t typeInfo) (string, error) {
	if !t.heap(r.l) {
		return t.name, nil
	}
	qualAddr, err := r.u64(t.addr + r.l.HeapTypeQualname)
	if err != nil {
		return "", fmt.Errorf("read the qualified name of %s: %w", t.name, err)
	}
	qual, err := r.str(qualAddr)
	if err != nil {
		return "", fmt.Errorf("read the qualified name of %s: %w", t.name, err)
	}
	dict, err := r.typeDict(t.addr)
	if err != nil {
		return "", fmt.Errorf("read tp_dict of %s: %w", t.name, err)
	}
	modAddr, err := r.dictGet(dict, "__module__")
	if err != nil || modAddr == 0 {
		return qual, err
	}
	mod, err := r.str(modAddr)
	if err != nil || mod == "builtins" {
		return qual, nil // __module__ may be anything; then Python shows only the name
	}
	return mod + "." + qual, nil
}

func (p *printer) int(obj uint64, _ typeInfo, _ int) error {
	s, err := p.r.intString(obj)
	if err != nil {
		return err
	}
	p.b.WriteString(p.r.cut(s))
	return nil
}

// intSize reads an int's sign and digit count from its header, which the
// version's dialect decodes.
func (r *Reader) intSize(obj uint64) (neg bool, digits uint64, err error) {
	tag, err := r.u64(obj + r.l.LongTag)
	if err != nil {
		return false, 0, fmt.Errorf("read the size of the int at %#x: %w", obj, err)
	}
	neg, digits = r.l.dialect.intSize(tag, r.l)
	return neg, digits, nil
}

// SmallInt reads an int object that fits one digit (a tool id, a line
// number); any other object is an error.
func (r *Reader) SmallInt(obj uint64) (int64, error) {
	if err := r.checkType(obj, "int"); err != nil {
		return 0, err
	}
	neg, n, err := r.intSize(obj)
	if err != nil || n == 0 {
		return 0, err
	}
	if n > 1 {
		return 0, fmt.Errorf("the int at %#x has %d digits", obj, n)
	}
	d, err := r.u32(obj + r.l.LongDigit)
	if err != nil {
		return 0, fmt.Errorf("read the int at %#x: %w", obj, err)
	}
	if neg {
		return -int64(d), nil
	}
	return int64(d), nil
}

// intString reads an int: a sign and a count of digits, little-endian,
// PyLong_SHIFT bits each.
func (r *Reader) intString(obj uint64) (string, error) {
	l := r.l
	neg, n, err := r.intSize(obj)
	if err != nil {
		return "", err
	}
	if n > maxIntDigits || l.DigitSize != 4 {
		return "", fmt.Errorf("the int at %#x has %d digits of %d bytes", obj, n, l.DigitSize)
	}
	buf := make([]byte, n*4)
	if n > 0 {
		if err := r.read(obj+l.LongDigit, buf); err != nil {
			return "", fmt.Errorf("read the digits of the int at %#x: %w", obj, err)
		}
	}
	v, d := new(big.Int), new(big.Int)
	for i := int(n) - 1; i >= 0; i-- {
		v.Lsh(v, uint(l.LongShift))
		v.Or(v, d.SetUint64(uint64(binary.LittleEndian.Uint32(buf[4*i:]))))
	}
	if neg {
		v.Neg(v)
	}
	return v.String(), nil
}

// bool: True and False are ints, 1 and 0 digits long.
func (p *printer) bool(obj uint64, _ typeInfo, _ int) error {
	_, digits, err := p.r.intSize(obj)
	if err != nil {
		return fmt.Errorf("read the bool at %#x: %w", obj, err)
	}
	if digits != 0 {
		p.b.WriteString("True")
	} else {
		p.b.WriteString("False")
	}
	return nil
}

func (p *printer) float(obj uint64, _ typeInfo, _ int) error {
	bits, err := p.r.u64(obj + p.r.l.FloatFval)
	if err != nil {
		return fmt.Errorf("read the float at %#x: %w", obj, err)
	}
	p.b.WriteString(floatRepr(math.Float64frombits(bits)))
	return nil
}

func (p *printer) str(obj uint64, _ typeInfo, _ int) error {
	runes, err := p.r.strForRepr(obj)
	if err != nil {
		return err
	}
	p.b.WriteString(p.r.cut(strRepr(runes)))
	return nil
}

// strForRepr reads a str, or for a long one only its two ends: cut keeps
// no more than MaxString characters of the repr anyway.
func (r *Reader) strForRepr(obj uint64) ([]rune, error) {
	return r.strEnds(obj, max(r.MaxString, 8))
}

func (p *printer) bytes(obj uint64, _ typeInfo, _ int) error {
	n, err := p.r.u64(obj + p.r.l.VarObjectSize)
	if err != nil {
		return fmt.Errorf("read the size of the bytes at %#x: %w", obj, err)
	}
	var data []byte
	keep := uint64(max(p.r.MaxString, 8))
	if n <= 2*keep {
		if data, err = p.r.bytesData(obj); err != nil {
			return err
		}
	} else {
		// Only the two ends of a long one: cut drops the middle.
		data = make([]byte, 2*keep)
		if err := p.r.read(obj+p.r.l.BytesSval, data[:keep]); err != nil {
			return fmt.Errorf("read the bytes at %#x: %w", obj, err)
		}
		if err := p.r.read(obj+p.r.l.BytesSval+n-keep, data[keep:]); err != nil {
			return fmt.Errorf("read the bytes at %#x: %w", obj, err)
		}
	}
	p.b.WriteString(p.r.cut(bytesRepr(data)))
	return nil
}

// cut shortens a repr longer than MaxString characters in its middle,
// as reprlib does.
func (r *Reader) cut(s string) string {
	runes := []rune(s)
	if r.MaxString <= 0 || len(runes) <= r.MaxString {
		return s
	}
	i := max(0, (r.MaxString-3)/2)
	j := max(0, r.MaxString-3-i)
	return string(runes[:i]) + "..." + string(runes[len(runes)-j:])
}

// enter marks a container as being printed and reports whether it already
// was (a container holding itself), as Py_ReprEnter does.
func (p *printer) enter(obj uint64) bool {
	if p.active[obj] {
		return true
	}
	p.active[obj] = true
	return false
}

func (p *printer) leave(obj uint64) { delete(p.active, obj) }

// items prints elements between open and close, cut after MaxItems.
func (p *printer) items(elems []uint64, more bool, depth int, open, close string) error {
	p.b.WriteString(open)
	for i, e := range elems {
		if p.objects >= maxReprObjects {
			elems, more = elems[:i], true
			break
		}
		if i > 0 {
			p.b.WriteString(", ")
		}
		if err := p.repr(e, depth+1); err != nil {
			return err
		}
	}
	if more {
		if len(elems) > 0 {
			p.b.WriteString(", ")
		}
		p.b.WriteString("...")
	}
	p.b.WriteString(close)
	return nil
}

func (p *printer) list(obj uint64, _ typeInfo, depth int) error {
	if depth >= p.r.MaxDepth || p.enter(obj) {
		p.b.WriteString("[...]")
		return nil
	}
	defer p.leave(obj)
	n, err := p.r.size(obj+p.r.l.VarObjectSize, maxCount)
	if err != nil {
		return fmt.Errorf("read the size of the list at %#x: %w", obj, err)
	}
	items, err := p.r.u64(obj + p.r.l.ListItem)
	if err != nil {
		return fmt.Errorf("read the items of the list at %#x: %w", obj, err)
	}
	shown := min(n, p.r.MaxItems)
	elems, err := p.r.ptrs(items, shown)
	if err != nil {
		return fmt.Errorf("read the items of the list at %#x: %w", obj, err)
	}
	return p.items(elems, shown < n, depth, "[", "]")
}

func (p *printer) tuple(obj uint64, _ typeInfo, depth int) error {
	if depth >= p.r.MaxDepth || p.enter(obj) {
		p.b.WriteString("(...)")
		return nil
	}
	defer p.leave(obj)
	n, err := p.r.size(obj+p.r.l.VarObjectSize, maxCount)
	if err != nil {
		return fmt.Errorf("read the size of the tuple at %#x: %w", obj, err)
	}
	shown := min(n, p.r.MaxItems)
	elems, err := p.r.ptrs(obj+p.r.l.TupleItem, shown)
	if err != nil {
		return fmt.Errorf("read the items of the tuple at %#x: %w", obj, err)
	}
	if n == 1 {
		return p.items(elems, false, depth, "(", ",)")
	}
	return p.items(elems, shown < n, depth, "(", ")")
}

func (p *printer) dict(obj uint64, _ typeInfo, depth int) error {
	if depth >= p.r.MaxDepth || p.enter(obj) {
		p.b.WriteString("{...}")
		return nil
	}
	defer p.leave(obj)
	items, more, err := p.r.dictItems(obj, p.r.MaxItems)
	if err != nil {
		return err
	}
	p.b.WriteString("{")
	for i, it := range items {
		if p.objects >= maxReprObjects {
			items, more = items[:i], true
			break
		}
		if i > 0 {
			p.b.WriteString(", ")
		}
		if err := p.repr(it.key, depth+1); err != nil {
			return err
		}
		p.b.WriteString(": ")
		if err := p.repr(it.value, depth+1); err != nil {
			return err
		}
	}
	if more {
		if len(items) > 0 {
			p.b.WriteString(", ")
		}
		p.b.WriteString("...")
	}
	p.b.WriteString("}")
	return nil
}

// set prints a set or frozenset as set_repr does: "{1, 2}" for a set,
// "frozenset({1, 2})" for a frozenset or any subclass, with its name;
// "set()" when empty.
func (p *printer) set(obj uint64, t typeInfo, depth int) error {
	wrap := t.name != "set" || t.heap(p.r.l)
	name := t.name
	if depth >= p.r.MaxDepth || p.enter(obj) {
		fmt.Fprintf(&p.b, "%s(...)", name)
		return nil
	}
	defer p.leave(obj)
	elems, more, err := p.r.setItems(obj, p.r.MaxItems)
	if err != nil {
		return err
	}
	if len(elems) == 0 && !more {
		fmt.Fprintf(&p.b, "%s()", name)
		return nil
	}
	if wrap {
		fmt.Fprintf(&p.b, "%s(", name)
	}
	if err := p.items(elems, more, depth, "{", "}"); err != nil {
		return err
	}
	if wrap {
		p.b.WriteString(")")
	}
	return nil
}

// setItems returns up to limit elements of a set in table order, and
// whether there were more. Free slots have a NULL key; deleted ones the
// dummy key with hash -1, a hash no element has.
func (r *Reader) setItems(obj uint64, limit int) ([]uint64, bool, error) {
	l := r.l
	hdr := make([]byte, l.SetTable+8)
	if err := r.readPastRefcnt(obj, hdr); err != nil {
		return nil, false, fmt.Errorf("read the set at %#x: %w", obj, err)
	}
	used, mask, table := int64(le64(hdr, l.SetUsed)), le64(hdr, l.SetMask), le64(hdr, l.SetTable)
	if used < 0 || mask >= maxTableSlots || uint64(used) > mask+1 {
		return nil, false, fmt.Errorf("the set at %#x has %d elements in %d slots", obj, used, mask+1)
	}
	var elems []uint64
	const chunk = 256
	buf := make([]byte, chunk*l.SetEntrySize)
	for i := uint64(0); i <= mask && len(elems) < limit && int64(len(elems)) < used; i += chunk {
		n := min(chunk, mask+1-i)
		if err := r.read(table+i*l.SetEntrySize, buf[:n*l.SetEntrySize]); err != nil {
			return nil, false, fmt.Errorf("read the table of the set at %#x: %w", obj, err)
		}
		for j := uint64(0); j < n && len(elems) < limit; j++ {
			e := buf[j*l.SetEntrySize:]
			if key, hash := le64(e, l.SetEntryKey), int64(le64(e, l.SetEntryHash)); key != 0 && hash != -1 {
				elems = append(elems, key)
			}
		}
	}
	return elems, int64(len(elems)) < used, nil
}

// class prints a class as type_repr does: "<class 'module.QualName'>".
func (p *printer) class(obj uint64, _ typeInfo, _ int) error {
	t, err := p.r.typeInfo(obj)
	if err != nil {
		return err
	}
	name, err := p.r.className(t)
	if err != nil {
		return err
	}
	fmt.Fprintf(&p.b, "<class '%s'>", name)
	return nil
}

func (p *printer) function(obj uint64, _ typeInfo, _ int) error {
	qual, err := p.r.u64(obj + p.r.l.FuncQualname)
	if err != nil {
		return fmt.Errorf("read the function at %#x: %w", obj, err)
	}
	name, err := p.r.str(qual)
	if err != nil {
		return fmt.Errorf("read the name of the function at %#x: %w", obj, err)
	}
	fmt.Fprintf(&p.b, "<function %s at %#x>", name, obj)
	return nil
}

// builtin prints a C function: "<built-in function len>", or for a method
// bound to an object that is no module "<built-in method append of list
// object at 0x...>".
func (p *printer) builtin(obj uint64, _ typeInfo, _ int) error {
	l := p.r.l
	ml, err := p.r.u64(obj + l.CFunctionMl)
	if err != nil {
		return fmt.Errorf("read the built-in function at %#x: %w", obj, err)
	}
	namePtr, err := p.r.u64(ml + l.MethodDefName)
	if err != nil {
		return fmt.Errorf("read the method def of the built-in function at %#x: %w", obj, err)
	}
	name, err := p.r.cString(namePtr, 1024)
	if err != nil {
		return fmt.Errorf("read the name of the built-in function at %#x: %w", obj, err)
	}
	self, err := p.r.u64(obj + l.CFunctionSelf)
	if err != nil {
		return fmt.Errorf("read the built-in function at %#x: %w", obj, err)
	}
	if self != 0 {
		selfType, err := p.r.TypeName(self)
		if err != nil {
			return err
		}
		if selfType != "module" {
			fmt.Fprintf(&p.b, "<built-in method %s of %s object at %#x>", name, selfType, self)
			return nil
		}
	}
	fmt.Fprintf(&p.b, "<built-in function %s>", name)
	return nil
}

func (p *printer) code(obj uint64, _ typeInfo, _ int) error {
	c, err := p.r.Code(obj)
	if err != nil {
		return err
	}
	fmt.Fprintf(&p.b, "<code object %s at %#x, file \"%s\", line %d>", c.Name, obj, c.Filename, c.FirstLine)
	return nil
}
