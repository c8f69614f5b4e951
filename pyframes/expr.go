package pyframes

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expr is a watch expression in one of the forms the Reader evaluates
// from memory. The grammar is a subset of Python's, with $N for the
// object the caller names N:
//
//	expr    = "not" expr | operand [cmp operand]
//	cmp     = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in" | "is" | "is" "not"
//	operand = "-" INT | primary
//	primary = atom {"." NAME | "[" expr "]"}
//	atom    = "$" N | INT | STR | "None" | "True" | "False" | "(" expr ")" | "len" "(" expr ")"
//
// INT is decimal; STR is '...' or "..." without backslashes. Chained
// comparisons (a < b < c) are left to Python: they are not (a < b) < c.
type Expr struct {
	src     string
	root    *node
	anchors []int
}

// node is one operation of an Expr.
type node struct {
	op   string // "$", "const", ".", "len", "[]", "not", or a cmp operator
	n    int    // the N of "$"
	name string // the attribute of "."
	c    value  // the value of "const"
	x, y *node
}

// ParseExpr parses src (Python syntax); ok is false when src is not one of
// the forms Expr describes (including any syntax it does not know) — the
// caller then runs Python.
func ParseExpr(src string) (e *Expr, ok bool) {
	toks, ok := lex(src)
	if !ok {
		return nil, false
	}
	p := &parser{toks: toks}
	root, ok := p.expr()
	if !ok || p.pos != len(toks) {
		return nil, false
	}
	slices.Sort(p.anchors)
	return &Expr{src: src, root: root, anchors: slices.Compact(p.anchors)}, true
}

// Anchors lists the $N numbers the expression uses, ascending, without repeats.
func (e *Expr) Anchors() []int { return slices.Clone(e.anchors) }

func (e *Expr) String() string { return e.src }

// token kinds.
const (
	tAnchor = '$'
	tInt    = '0'
	tStr    = '\''
	tName   = 'a'
	tOp     = '+'
)

type token struct {
	kind byte
	text string // digits, a name, an operator or a str literal's contents
}

// lex splits src into tokens, refusing what Python would read otherwise
// than the grammar: 1.5, 1e3, 0x1, 1_0, 01 (an error), 1if (a warning),
// prefixed and triple-quoted strings, escapes, non-ASCII names (Python
// normalizes them), a leading blank (compile's "unexpected indent").
func lex(src string) ([]token, bool) {
	var toks []token
	for i := 0; i < len(src); {
		var t token
		n := 0
		switch c := src[i]; {
		case (c == ' ' || c == '\t') && i > 0:
			i++
			continue
		case c == '$' || isDigit(c):
			t, n = lexNumber(src, i)
		case c == '\'' || c == '"':
			t, n = lexStr(src, i)
		case isNameByte(c):
			for n = 1; i+n < len(src) && (isNameByte(src[i+n]) || isDigit(src[i+n])); n++ {
			}
			t = token{tName, src[i : i+n]}
			if i+n < len(src) && src[i+n] >= utf8.RuneSelf {
				n = 0
			}
		default:
			for _, op := range []string{"==", "!=", "<=", ">=", "<", ">", "(", ")", "[", "]", ".", "-"} {
				if strings.HasPrefix(src[i:], op) {
					t, n = token{tOp, op}, len(op)
					break
				}
			}
		}
		if n == 0 {
			return nil, false
		}
		toks, i = append(toks, t), i+n
	}
	return toks, true
}

// lexNumber reads an int literal or $N at src[i:]; 0 bytes when refused.
// $N glued to a name (not$0) is refused too: what the caller puts for
// $N might merge with it.
func lexNumber(src string, i int) (token, int) {
	t, start := token{kind: tInt}, i
	if src[i] == '$' {
		if i > 0 && (isNameByte(src[i-1]) || isDigit(src[i-1])) {
			return t, 0
		}
		t.kind, start = tAnchor, i+1
	}
	j := start
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	t.text = src[start:j]
	if t.text == "" || len(t.text) > 1 && t.text[0] == '0' || len(t.text) > maxLiteralDigits ||
		j < len(src) && (isNameByte(src[j]) || src[j] >= utf8.RuneSelf || t.kind == tInt && src[j] == '.') {
		return t, 0
	}
	return t, j - i
}

// lexStr reads a str literal at src[i:]; 0 bytes when refused.
func lexStr(src string, i int) (token, int) {
	q := src[i]
	j := i + 1
	for j < len(src) && src[j] != q {
		if src[j] == '\\' || src[j] < ' ' || src[j] == 0x7f {
			return token{}, 0
		}
		j++
	}
	if j == len(src) || !utf8.ValidString(src[i+1:j]) || j == i+1 && j+1 < len(src) && src[j+1] == q {
		return token{}, 0 // unterminated, not UTF-8, or triple-quoted
	}
	return token{tStr, src[i+1 : j]}, j + 1 - i
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isNameByte(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// Bounds of what ParseExpr accepts. Python rejects int literals of more
// than sys.get_int_max_str_digits() digits, which is at least 640.
const (
	maxLiteralDigits = 600
	maxExprDepth     = 100
)

// keywords are Python 3.11's reserved words, which are no attribute names.
var keywords = strings.Fields(`False None True and as assert async await break class continue def del
	elif else except finally for from global if import in is lambda nonlocal not or pass raise return
	try while with yield`)

type parser struct {
	toks    []token
	pos     int
	depth   int
	anchors []int
}

func (p *parser) peek(ahead int) token {
	if p.pos+ahead < len(p.toks) {
		return p.toks[p.pos+ahead]
	}
	return token{}
}

func (p *parser) accept(kind byte, text string) bool {
	if t := p.peek(0); t.kind == kind && t.text == text {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expr() (*node, bool) {
	if p.depth++; p.depth > maxExprDepth {
		return nil, false
	}
	defer func() { p.depth-- }()
	if p.accept(tName, "not") {
		x, ok := p.expr()
		return &node{op: "not", x: x}, ok
	}
	x, ok := p.operand()
	op := p.cmp()
	if !ok || op == "" {
		return x, ok
	}
	y, ok := p.operand()
	// Python warns (an error under -W error) about "is" with a literal.
	if !ok || p.cmp() != "" || strings.HasPrefix(op, "is") && (isLiteral(x) || isLiteral(y)) {
		return nil, false
	}
	return &node{op: op, x: x, y: y}, true
}

func isLiteral(n *node) bool {
	return n.op == "const" && (n.c.kind == intKind || n.c.kind == strKind)
}

// cmp consumes a comparison operator, "" when there is none.
func (p *parser) cmp() string {
	t := p.peek(0)
	switch {
	case t.kind == tOp && strings.ContainsAny(t.text[:1], "=!<>"):
	case t.kind == tName && t.text == "in":
	case t.kind == tName && t.text == "is" && p.peek(1) == token{tName, "not"}:
		p.pos += 2
		return "is not"
	case t.kind == tName && t.text == "is":
	case t.kind == tName && t.text == "not" && p.peek(1) == token{tName, "in"}:
		p.pos += 2
		return "not in"
	default:
		return ""
	}
	p.pos++
	return t.text
}

func (p *parser) operand() (*node, bool) {
	if !p.accept(tOp, "-") {
		return p.primary()
	}
	t := p.peek(0)
	if t.kind != tInt {
		return nil, false
	}
	p.pos++
	// -5[0] and -5 .real apply the minus last: refused rather than modelled.
	if next := p.peek(0); next.kind == tOp && (next.text == "." || next.text == "[") {
		return nil, false
	}
	i, _ := new(big.Int).SetString("-"+t.text, 10)
	return &node{op: "const", c: value{kind: intKind, i: i}}, true
}

func (p *parser) primary() (*node, bool) {
	x, ok := p.atom()
	for ok {
		switch {
		case p.accept(tOp, "."):
			t := p.peek(0)
			if t.kind != tName || slices.Contains(keywords, t.text) {
				return nil, false
			}
			p.pos++
			x = &node{op: ".", name: t.text, x: x}
		case p.accept(tOp, "["):
			var k *node
			k, ok = p.expr()
			x = &node{op: "[]", x: x, y: k}
			ok = ok && p.accept(tOp, "]")
		default:
			return x, true
		}
	}
	return nil, false
}

func (p *parser) atom() (*node, bool) {
	t := p.peek(0)
	p.pos++
	switch {
	case t.kind == tAnchor:
		var n int
		if _, err := fmt.Sscan(t.text, &n); err != nil {
			return nil, false
		}
		p.anchors = append(p.anchors, n)
		return &node{op: "$", n: n}, true
	case t.kind == tInt:
		i, _ := new(big.Int).SetString(t.text, 10)
		return &node{op: "const", c: value{kind: intKind, i: i}}, true
	case t.kind == tStr:
		return &node{op: "const", c: value{kind: strKind, s: []rune(t.text)}}, true
	case t == token{tName, "None"}:
		return &node{op: "const", c: value{kind: noneKind}}, true
	case t == token{tName, "True"}, t == token{tName, "False"}:
		return &node{op: "const", c: boolValue(t.text == "True")}, true
	case t == token{tName, "len"} && p.accept(tOp, "("):
		x, ok := p.expr()
		return &node{op: "len", x: x}, ok && p.accept(tOp, ")")
	case t == token{tOp, "("}:
		x, ok := p.expr()
		return x, ok && p.accept(tOp, ")")
	}
	return nil, false
}

// errUndecided stops an evaluation whose result memory cannot tell.
var errUndecided = errors.New("undecided from memory")

// Eval evaluates e in the process: anchor(n) gives the object address of
// $N (0 for none). It returns the repr Python would print for the value;
// decided is false when memory alone cannot tell (an exception would be
// raised, a type or method that could be overridden, an object the reader
// cannot decode...). err is for unreadable memory.
//
// len is taken to be the builtin: the caller evaluates watch expressions
// in a namespace of their own, not in a frame of the program.
func (r *Reader) Eval(e *Expr, anchor func(n int) uint64) (repr string, decided bool, err error) {
	ev := &evaluator{r: r, anchor: anchor, types: map[uint64]typeInfo{}, plain: map[uint64]bool{}}
	v, err := ev.eval(e.root)
	if err == nil {
		repr, err = ev.repr(v)
	}
	if errors.Is(err, errUndecided) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("evaluate %s: %w", e.src, err)
	}
	return repr, true, nil
}

// ExactRepr returns obj's repr when the reader prints it exactly as
// Python's repr would (exact builtin scalars and containers of them,
// instances printed by object.__repr__), exact false otherwise: a user's
// __repr__ runs only in Python.
func (r *Reader) ExactRepr(obj uint64) (repr string, exact bool, err error) {
	ev := &evaluator{r: r, types: map[uint64]typeInfo{}, plain: map[uint64]bool{}}
	repr, err = ev.exactRepr(obj)
	if errors.Is(err, errUndecided) {
		return "", false, nil
	}
	return repr, err == nil, err
}

// vkind is what Eval knows how to compare: the exact builtin scalars.
type vkind uint8

const (
	otherKind vkind = iota
	intKind
	boolKind
	floatKind
	strKind
	noneKind
)

// value is an object of the process (addr set), or a value Eval made (a
// literal, a length, a comparison), whose contents are then in i or s.
type value struct {
	addr uint64
	t    typeInfo
	kind vkind
	i    *big.Int // an int, or a bool as 0 or 1
	s    []rune
}

func boolValue(b bool) value {
	v := value{kind: boolKind, i: big.NewInt(0)}
	if b {
		v.i.SetInt64(1)
	}
	return v
}

func intValue(n int) value { return value{kind: intKind, i: big.NewInt(int64(n))} }

// evaluator is one evaluation. The process is stopped meanwhile, so what
// it learns of types holds until it ends.
type evaluator struct {
	r      *Reader
	anchor func(n int) uint64
	types  map[uint64]typeInfo
	plain  map[uint64]bool // heap types whose instances print as object.__repr__ does
}

func (ev *evaluator) eval(n *node) (value, error) {
	switch n.op {
	case "$":
		if addr := ev.anchor(n.n); addr != 0 {
			return ev.object(addr)
		}
		return value{}, errUndecided
	case "const":
		return n.c, nil
	}
	x, err := ev.eval(n.x)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case "not":
		t, err := ev.truth(x)
		return boolValue(!t), err
	case ".":
		return ev.attr(x, n.name)
	case "len":
		n, err := ev.length(x)
		return intValue(n), err
	}
	y, err := ev.eval(n.y)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case "[]":
		return ev.item(x, y)
	case "in", "not in":
		found, err := ev.contains(y, x)
		return boolValue(found == (n.op == "in")), err
	case "is", "is not":
		same, err := ev.identical(x, y)
		return boolValue(same == (n.op == "is")), err
	}
	b, err := ev.compare(n.op, x, y)
	return boolValue(b), err
}

// object classifies the object at addr by its type.
func (ev *evaluator) object(addr uint64) (value, error) {
	t, err := ev.r.typeOf(addr)
	if err != nil {
		return value{}, err
	}
	info, err := ev.typeInfo(t)
	if err != nil {
		return value{}, err
	}
	v := value{addr: addr, t: info}
	switch ev.builtin(v) {
	case "int":
		v.kind = intKind
	case "bool":
		v.kind = boolKind
	case "float":
		v.kind = floatKind
	case "str":
		v.kind = strKind
	case "NoneType":
		v.kind = noneKind
	}
	return v, nil
}

func (ev *evaluator) typeInfo(t uint64) (typeInfo, error) {
	info, ok := ev.types[t]
	if !ok {
		var err error
		if info, err = ev.r.typeInfo(t); err != nil {
			return typeInfo{}, err
		}
		ev.types[t] = info
	}
	return info, nil
}

// builtin names the type of an object of an exact builtin type (no
// subclass: those may override anything), "" for any other value.
func (ev *evaluator) builtin(v value) string {
	if v.addr == 0 || v.t.heap(ev.r.l) {
		return ""
	}
	return v.t.name
}

func (ev *evaluator) intOf(v value) (*big.Int, error) {
	if v.addr == 0 {
		return v.i, nil
	}
	s, err := ev.r.intString(v.addr)
	if err != nil {
		return nil, err
	}
	i, _ := new(big.Int).SetString(s, 10)
	return i, nil
}

func (ev *evaluator) runesOf(v value) ([]rune, error) {
	if v.addr == 0 {
		return v.s, nil
	}
	data, kind, n, err := ev.r.strData(v.addr)
	if err != nil {
		return nil, err
	}
	if int(kind)*n > maxStringBytes {
		return nil, errUndecided
	}
	return ev.r.chars(v.addr, data, kind, 0, n)
}

// length is len() of an exact builtin sized type.
func (ev *evaluator) length(v value) (int, error) {
	l := ev.r.l
	if v.addr == 0 && v.kind == strKind {
		return len(v.s), nil
	}
	var off uint64
	switch ev.builtin(v) {
	case "list", "tuple", "bytes":
		off = l.VarObjectSize
	case "str":
		off = l.UnicodeLength
	case "dict":
		off = l.DictUsed
	case "set", "frozenset":
		off = l.SetUsed
	default:
		return 0, errUndecided
	}
	n, err := ev.r.size(v.addr+off, 1<<40)
	if err != nil {
		return 0, fmt.Errorf("len of the %s at %#x: %w", v.t.name, v.addr, err)
	}
	return n, nil
}

func (ev *evaluator) truth(v value) (bool, error) {
	switch v.kind {
	case intKind, boolKind:
		i, err := ev.intOf(v)
		return err == nil && i.Sign() != 0, err
	case floatKind:
		f, nan, err := ev.number(v)
		return err == nil && (nan || f.Sign() != 0), err
	case noneKind:
		return false, nil
	}
	n, err := ev.length(v)
	return n > 0, err
}

// attr follows PyObject_GenericGetAttr for an instance of a class whose
// MRO is heap types then object, none defining __getattribute__ or
// __getattr__ (then tp_getattro is object's): a data descriptor of the
// class, the instance's own dict, the class attribute. Only class
// attributes whose type surely has no __get__ or __set__ (builtin values)
// are followed: anything else might run code.
func (ev *evaluator) attr(v value, name string) (value, error) {
	l := ev.r.l
	if ev.builtin(v) == "module" {
		return ev.moduleAttr(v, name)
	}
	if v.addr == 0 || !v.t.heap(l) {
		return value{}, errUndecided
	}
	descr, err := ev.classAttr(v.t, name, true)
	if err != nil {
		return value{}, err
	}
	own, err := ev.ownAttr(v, name)
	if err != nil {
		return value{}, err
	}
	d := value{}
	if descr != 0 {
		if d, err = ev.object(descr); err != nil {
			return value{}, err
		}
	}
	switch {
	case own != 0 && (descr == 0 || plainValue(ev.builtin(d)) || ev.builtin(d) == "function"):
		return ev.object(own) // functions are non-data descriptors: the instance wins
	case descr != 0 && plainValue(ev.builtin(d)):
		return d, nil
	}
	return value{}, errUndecided
}

func plainValue(builtin string) bool {
	switch builtin {
	case "int", "bool", "float", "str", "bytes", "NoneType", "tuple", "list", "dict", "set", "frozenset":
		return true
	}
	return false
}

// classAttr looks name up along the MRO of t, as _PyType_Lookup does.
// With generic set, it fails as undecided unless t's instances get
// object's tp_getattro.
func (ev *evaluator) classAttr(t typeInfo, name string, generic bool) (uint64, error) {
	l := ev.r.l
	mroAddr, err := ev.r.u64(t.addr + l.TypeMro)
	if err != nil || mroAddr == 0 {
		return 0, orUndecided(err)
	}
	mro, err := ev.r.tupleItems(mroAddr)
	if err != nil {
		return 0, fmt.Errorf("read tp_mro of %s: %w", t.name, err)
	}
	var found uint64
	for i, m := range mro {
		mt, err := ev.typeInfo(m)
		if err != nil {
			return 0, err
		}
		dict, err := ev.r.typeDict(m)
		if err != nil {
			return 0, fmt.Errorf("read tp_dict of %s: %w", mt.name, err)
		}
		items, _, err := ev.r.dictItems(dict, maxCount)
		if err != nil {
			return 0, fmt.Errorf("read tp_dict of %s: %w", mt.name, err)
		}
		hits := ev.lookupNames(items, name, "__getattribute__", "__getattr__")
		if generic && (mt.heap(l) && (hits[1] != 0 || hits[2] != 0) || !mt.heap(l) && (i != len(mro)-1 || mt.name != "object")) {
			return 0, errUndecided
		}
		if found == 0 {
			found = hits[0]
		}
	}
	return found, nil
}

// lookupNames is lookup for several ASCII names at once, faster: one
// read of each key's header tells most keys apart. A key too small to
// hold a str header (an int's) may fail that read: it is no str then.
func (ev *evaluator) lookupNames(items []dictItem, names ...string) []uint64 {
	l := ev.r.l
	found := make([]uint64, len(names))
	hdr := make([]byte, l.ASCIIObjectSize)
	for _, it := range items {
		if ev.r.readPastRefcnt(it.key, hdr) != nil {
			continue
		}
		n := le64(hdr, l.UnicodeLength)
		for i, name := range names {
			if found[i] == 0 && n == uint64(len(name)) && ev.keyIs(it.key, hdr, name) {
				found[i] = it.value
			}
		}
	}
	return found
}

// keyIs compares a key with name, given the key's header.
func (ev *evaluator) keyIs(key uint64, hdr []byte, name string) bool {
	l := ev.r.l
	t, err := ev.typeInfo(le64(hdr, l.ObjectType))
	if err != nil || t.flags&l.TPFlagsStrSubclass == 0 {
		return false
	}
	state := uint64(le32(hdr, l.UnicodeState))
	if state&l.UnicodeStateCompactMask == 0 || state&l.UnicodeStateASCIIMask == 0 {
		s, err := ev.r.str(key)
		return err == nil && s == name
	}
	data := make([]byte, len(name))
	return ev.r.read(key+l.ASCIIObjectSize, data) == nil && string(data) == name
}

// ownAttr is name in the instance's dict, 0 when absent. A dict at a
// negative tp_dictoffset, which instanceAttr does not follow, is no
// proof of absence.
func (ev *evaluator) ownAttr(v value, name string) (uint64, error) {
	l := ev.r.l
	if v.t.flags&l.TPFlagsManagedDict == 0 {
		off, err := ev.r.u64(v.t.addr + l.TypeDictoffset)
		if err != nil {
			return 0, fmt.Errorf("read tp_dictoffset of %s: %w", v.t.name, err)
		}
		if int64(off) < 0 {
			return 0, errUndecided
		}
	}
	return ev.r.instanceAttr(v.addr, name)
}

// moduleAttr reads a module's global. A name its type defines (__dict__,
// __class__, __doc__...) and a missing one (module __getattr__) are left
// to Python.
func (ev *evaluator) moduleAttr(v value, name string) (value, error) {
	if descr, err := ev.classAttr(v.t, name, false); err != nil || descr != 0 {
		return value{}, orUndecided(err)
	}
	dict, err := ev.r.u64(v.addr + ev.r.l.ModuleDict)
	if err != nil {
		return value{}, fmt.Errorf("read the dict of the module at %#x: %w", v.addr, err)
	}
	items, _, err := ev.r.dictItems(dict, maxCount)
	if err != nil {
		return value{}, err
	}
	if a := ev.lookupNames(items, name)[0]; a != 0 {
		return ev.object(a)
	}
	return value{}, errUndecided
}

// item is x[k] for an exact list, tuple or dict. A dict is searched only
// when all its keys are scalars: any other key might have k's hash and
// an __eq__ of its own.
func (ev *evaluator) item(x, k value) (value, error) {
	switch ev.builtin(x) {
	case "list", "tuple":
		if k.kind != intKind && k.kind != boolKind {
			return value{}, errUndecided
		}
		items, err := ev.elements(x)
		if err != nil {
			return value{}, err
		}
		i, err := ev.intOf(k)
		if err != nil || !i.IsInt64() {
			return value{}, orUndecided(err)
		}
		idx := i.Int64()
		if idx < 0 {
			idx += int64(len(items))
		}
		if idx < 0 || idx >= int64(len(items)) {
			return value{}, errUndecided
		}
		return ev.object(items[idx])
	case "dict":
		elems, err := ev.elements(x)
		if err != nil {
			return value{}, err
		}
		i, err := ev.find(keysOf(elems), k)
		if err != nil || i < 0 {
			return value{}, orUndecided(err) // KeyError
		}
		return ev.object(elems[2*i+1])
	}
	return value{}, errUndecided
}

// orUndecided keeps a memory error, and makes the absence of one an
// undecided result.
func orUndecided(err error) error {
	if err != nil {
		return err
	}
	return errUndecided
}

// elements lists the items of an exact list, tuple, set or frozenset, or a
// dict's keys and values, alternating.
func (ev *evaluator) elements(v value) ([]uint64, error) {
	r := ev.r
	switch ev.builtin(v) {
	case "tuple":
		return r.tupleItems(v.addr)
	case "list":
		var items uint64
		var elems []uint64
		n, err := r.size(v.addr+r.l.VarObjectSize, maxCount)
		if err == nil {
			items, err = r.u64(v.addr + r.l.ListItem)
		}
		if err == nil {
			elems, err = r.ptrs(items, n)
		}
		if err != nil {
			return nil, fmt.Errorf("read the items of the list at %#x: %w", v.addr, err)
		}
		return elems, nil
	case "set", "frozenset":
		elems, more, err := r.setItems(v.addr, maxCount)
		if err != nil || more {
			return nil, orUndecided(err)
		}
		return elems, nil
	case "dict":
		items, more, err := r.dictItems(v.addr, maxCount)
		if err != nil || more {
			return nil, orUndecided(err)
		}
		elems := make([]uint64, 0, 2*len(items))
		for _, it := range items {
			elems = append(elems, it.key, it.value)
		}
		return elems, nil
	}
	return nil, errUndecided
}

// keysOf picks a dict's keys out of its elements.
func keysOf(elems []uint64) []uint64 {
	keys := make([]uint64, 0, len(elems)/2)
	for i := 0; i < len(elems); i += 2 {
		keys = append(keys, elems[i])
	}
	return keys
}

// find is the index of the element equal to k in a hashed container (a
// set's elements, a dict's keys), -1 for none. It decides only when k and
// every element are scalars: any other element might share k's hash and
// run an __eq__ of its own.
func (ev *evaluator) find(elems []uint64, k value) (int, error) {
	if k.kind == otherKind {
		return -1, errUndecided
	}
	vals := make([]value, len(elems))
	for i, e := range elems {
		v, err := ev.object(e)
		if err != nil || v.kind == otherKind {
			return -1, orUndecided(err)
		}
		vals[i] = v
	}
	for i, v := range vals {
		if v.addr == k.addr {
			return i, nil // identity first, as set and dict lookups do (NaN)
		}
		if eq, err := ev.compare("==", v, k); err != nil || eq {
			return i, err
		}
	}
	return -1, nil
}

// contains is a in c. A list or tuple is compared in order, as
// list_contains does, so an element that might run code decides nothing
// only when it comes before a match.
func (ev *evaluator) contains(c, a value) (bool, error) {
	elems, err := ev.elements(c)
	if err != nil {
		return false, err
	}
	switch ev.builtin(c) {
	case "dict":
		elems = keysOf(elems)
		fallthrough
	case "set", "frozenset":
		i, err := ev.find(elems, a)
		return i >= 0, err
	}
	for _, e := range elems {
		if a.addr != 0 && e == a.addr {
			return true, nil
		}
		v, err := ev.object(e)
		if err != nil {
			return false, err
		}
		if eq, err := ev.compare("==", v, a); err != nil || eq {
			return eq, err
		}
	}
	return false, nil
}

// identical is a is b. None, True and False are singletons, so a value
// Eval made of them is the object; other made values have no address.
func (ev *evaluator) identical(a, b value) (bool, error) {
	singleton := func(k vkind) bool { return k == noneKind || k == boolKind }
	switch {
	case singleton(a.kind) || singleton(b.kind):
		if a.kind != b.kind || a.kind == noneKind {
			return a.kind == b.kind, nil
		}
		return ev.compare("==", a, b)
	case a.addr == 0 || b.addr == 0:
		return false, errUndecided
	}
	return a.addr == b.addr, nil
}

// category groups the scalars that compare with each other.
func category(k vkind) int {
	switch k {
	case intKind, boolKind, floatKind:
		return 1
	case strKind:
		return 2
	case noneKind:
		return 3
	}
	return 0
}

// compare applies a comparison operator to two scalars. Between
// categories only == and != are defined (False and True: neither type
// knows the other); ordering None raises.
func (ev *evaluator) compare(op string, a, b value) (bool, error) {
	ca, cb := category(a.kind), category(b.kind)
	switch {
	case ca == 0 || cb == 0:
		return false, errUndecided
	case ca != cb || ca == 3:
		if op != "==" && op != "!=" {
			return false, errUndecided
		}
		return (ca == cb) == (op == "=="), nil
	}
	var c int
	if ca == 1 {
		x, nanX, err := ev.number(a)
		if err != nil {
			return false, err
		}
		y, nanY, err := ev.number(b)
		if err != nil {
			return false, err
		}
		if nanX || nanY {
			return op == "!=", nil
		}
		c = x.Cmp(y)
	} else {
		x, err := ev.runesOf(a)
		if err != nil {
			return false, err
		}
		y, err := ev.runesOf(b)
		if err != nil {
			return false, err
		}
		c = slices.Compare(x, y) // code point order, as unicode_compare
	}
	switch op {
	case "==":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	}
	return c >= 0, nil
}

// number reads an int, bool or float exactly (Python compares floats
// with ints exactly too); nan reports a NaN.
func (ev *evaluator) number(v value) (f *big.Float, nan bool, err error) {
	if v.kind != floatKind {
		i, err := ev.intOf(v)
		if err != nil {
			return nil, false, err
		}
		return new(big.Float).SetInt(i), false, nil
	}
	bits, err := ev.r.u64(v.addr + ev.r.l.FloatFval)
	if err != nil {
		return nil, false, fmt.Errorf("read the float at %#x: %w", v.addr, err)
	}
	if x := math.Float64frombits(bits); !math.IsNaN(x) {
		return new(big.Float).SetFloat64(x), false, nil
	}
	return nil, true, nil
}

func (ev *evaluator) repr(v value) (string, error) {
	if v.addr != 0 {
		return ev.exactRepr(v.addr)
	}
	switch v.kind {
	case intKind:
		return v.i.String(), nil
	case boolKind:
		if v.i.Sign() != 0 {
			return "True", nil
		}
		return "False", nil
	case noneKind:
		return "None", nil
	case strKind:
		if ev.r.reprAgrees(v.s) {
			return strRepr(v.s), nil
		}
	}
	return "", errUndecided
}

// Bounds within which Repr, given room, prints an object whole.
const (
	maxExactDepth   = 16      // nesting of containers
	maxExactObjects = 5_000   // objects in one repr, under maxReprObjects
	maxExactChars   = 1 << 16 // characters of a str or bytes
	// 30-bit digits of an int: about 540 decimal digits, under the 640
	// sys.set_int_max_str_digits allows at least (str() raises past it).
	maxExactIntDigits = 60
)

// exactRepr is Repr, when it prints obj as Python's repr does.
func (ev *evaluator) exactRepr(obj uint64) (string, error) {
	budget := maxExactObjects
	ok, err := ev.reprable(obj, 0, map[uint64]bool{}, &budget)
	if err != nil || !ok {
		return "", orUndecided(err)
	}
	whole := *ev.r // nothing cut: reprable checked the bounds
	whole.MaxDepth, whole.MaxItems, whole.MaxString = maxExactDepth, maxCount, 16*maxExactChars
	return whole.Repr(obj)
}

// reprable reports whether Repr prints obj exactly as Python's repr: an
// exact builtin scalar, a str whose characters Go and Python agree to
// print or escape, bytes, exact containers of those, and instances that
// print as object.__repr__, within the bounds above.
func (ev *evaluator) reprable(obj uint64, depth int, active map[uint64]bool, budget *int) (bool, error) {
	if *budget--; *budget < 0 {
		return false, nil
	}
	v, err := ev.object(obj)
	if err != nil {
		return false, err
	}
	if v.t.heap(ev.r.l) {
		return ev.plainInstance(v.t)
	}
	switch v.t.name {
	case "NoneType", "bool", "float":
		return true, nil
	case "int":
		_, n, err := ev.r.intSize(obj)
		return err == nil && n <= maxExactIntDigits, err
	case "bytes":
		n, err := ev.length(v)
		return err == nil && n <= maxExactChars, err
	case "str":
		if n, err := ev.length(v); err != nil || n > maxExactChars {
			return false, err
		}
		s, err := ev.runesOf(v)
		return err == nil && ev.r.reprAgrees(s), err
	case "list", "tuple", "dict", "set", "frozenset":
		if active[obj] {
			return true, nil // "[...]", as Py_ReprEnter makes Python print
		}
		elems, err := ev.elements(v)
		if err != nil || depth >= maxExactDepth || len(elems) > *budget {
			return false, err
		}
		active[obj] = true
		defer delete(active, obj)
		for _, e := range elems {
			if ok, err := ev.reprable(e, depth+1, active, budget); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	return false, nil
}

// plainInstance reports whether instances of the heap type t print as
// object.__repr__ does, in the form Repr renders: no __repr__ before
// object in the MRO, and a str __module__ other than builtins (else
// object_repr prints tp_name, not the qualified name).
func (ev *evaluator) plainInstance(t typeInfo) (bool, error) {
	if ok, seen := ev.plain[t.addr]; seen {
		return ok, nil
	}
	if base, err := ev.r.reprBase(t); err != nil || base != "object" {
		return false, err
	}
	dict, err := ev.r.typeDict(t.addr)
	if err != nil {
		return false, fmt.Errorf("read tp_dict of %s: %w", t.name, err)
	}
	mod, err := ev.r.dictGet(dict, "__module__")
	if err != nil || mod == 0 {
		return false, err
	}
	qual, err := ev.r.u64(t.addr + ev.r.l.HeapTypeQualname)
	if err != nil {
		return false, fmt.Errorf("read the qualified name of %s: %w", t.name, err)
	}
	var names []string
	for _, s := range []uint64{mod, qual} {
		v, err := ev.object(s)
		if err != nil || ev.builtin(v) != "str" {
			return false, err
		}
		runes, err := ev.runesOf(v)
		if err != nil || slices.ContainsFunc(runes, isSurrogate) {
			return false, err // Repr would print U+FFFD
		}
		names = append(names, string(runes))
	}
	ok := names[0] != "builtins"
	ev.plain[t.addr] = ok
	return ok, nil
}

func isSurrogate(c rune) bool { return 0xd800 <= c && c <= 0xdfff }

// reprAgrees reports whether strRepr quotes s as this CPython does. Both
// keep printable characters and escape the others, but by their own
// Unicode tables: Go's (15.0) and the version's (3.11: 14.0, 3.12: 15.0,
// 3.13: 15.1) disagree on the characters the dialect names.
func (r *Reader) reprAgrees(s []rune) bool {
	disputed := r.l.dialect.disputedChars()
	for _, c := range s {
		if c >= utf8.RuneSelf && (unicode.Version != "15.0.0" || unicode.Is(disputed, c)) {
			return false
		}
	}
	return true
}

// newInUnicode15 are the characters Unicode 15.0 assigned (all printable).
var newInUnicode15 = func() *unicode.RangeTable {
	t := &unicode.RangeTable{R16: []unicode.Range16{{Lo: 0x0cf3, Hi: 0x0cf3, Stride: 1}, {Lo: 0x0ece, Hi: 0x0ece, Stride: 1}}}
	for _, r := range [][2]uint32{
		{0x10efd, 0x10eff}, {0x1123f, 0x11241}, {0x11b00, 0x11b09}, {0x11f00, 0x11f10}, {0x11f12, 0x11f3a},
		{0x11f3e, 0x11f59}, {0x1342f, 0x1342f}, {0x13440, 0x13455}, {0x1b132, 0x1b132}, {0x1b155, 0x1b155},
		{0x1d2c0, 0x1d2d3}, {0x1df25, 0x1df2a}, {0x1e030, 0x1e06d}, {0x1e08f, 0x1e08f}, {0x1e4d0, 0x1e4f9},
		{0x1f6dc, 0x1f6dc}, {0x1f774, 0x1f776}, {0x1f77b, 0x1f77f}, {0x1f7d9, 0x1f7d9}, {0x1fa75, 0x1fa77},
		{0x1fa87, 0x1fa88}, {0x1faad, 0x1faaf}, {0x1fabb, 0x1fabd}, {0x1fabf, 0x1fabf}, {0x1face, 0x1facf},
		{0x1fada, 0x1fadb}, {0x1fae8, 0x1fae8}, {0x1faf7, 0x1faf8}, {0x2b739, 0x2b739}, {0x31350, 0x323af},
	} {
		t.R32 = append(t.R32, unicode.Range32{Lo: r[0], Hi: r[1], Stride: 1})
	}
	return t
}()

// newInUnicode151 are the characters Unicode 15.1 assigned (all
// printable): CJK Extension I, four ideographic description characters
// and a stroke.
var newInUnicode151 = &unicode.RangeTable{
	R16: []unicode.Range16{{Lo: 0x2ffc, Hi: 0x2fff, Stride: 1}, {Lo: 0x31ef, Hi: 0x31ef, Stride: 1}},
	R32: []unicode.Range32{{Lo: 0x2ebf0, Hi: 0x2ee5d, Stride: 1}},
}
