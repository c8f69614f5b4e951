package pyframes

import (
	"fmt"
	"strconv"
)

// Children returns the parts of an object that a variables view expands,
// up to limit, and whether there were more: the items of a list, tuple,
// set or frozenset, named by their index; the entries of a dict, named by
// their key's repr; then the attributes in the object's own __dict__ (an
// instance's, a module's), named by name. Each comes with its repr.
func (r *Reader) Children(obj uint64, limit int) ([]Var, bool, error) {
	base, err := r.layoutBase(obj)
	if err != nil {
		return nil, false, err
	}
	vars, more, err := r.itemChildren(obj, base, limit)
	if err != nil || more {
		return vars, more, err
	}
	attrs, err := r.attributeChildren(obj, base, limit-len(vars))
	if err != nil {
		return nil, false, err
	}
	vars = append(vars, attrs...)
	r.readReprs(vars)
	return vars, len(vars) >= limit, nil
}

// HasChildren tells whether Children would list anything.
func (r *Reader) HasChildren(obj uint64) bool {
	vars, _, err := r.Children(obj, 1)
	return err == nil && len(vars) > 0
}

// layoutBase names the builtin type whose memory layout an object has:
// its type's, or for a class the first static type of its MRO (a
// subclass of list holds a list's items).
func (r *Reader) layoutBase(obj uint64) (string, error) {
	t, err := r.typeOf(obj)
	if err != nil {
		return "", err
	}
	ti, err := r.typeInfo(t)
	if err != nil || !ti.heap(r.l) {
		return ti.name, err
	}
	mroAddr, err := r.u64(t + r.l.TypeMro)
	if err != nil || mroAddr == 0 {
		return "", err
	}
	mro, err := r.tupleItems(mroAddr)
	if err != nil {
		return "", fmt.Errorf("read tp_mro of %s: %w", ti.name, err)
	}
	for _, m := range mro {
		mt, err := r.typeInfo(m)
		if err != nil {
			return "", err
		}
		if !mt.heap(r.l) {
			return mt.name, nil
		}
	}
	return "object", nil
}

// itemChildren lists a container's items.
func (r *Reader) itemChildren(obj uint64, base string, limit int) ([]Var, bool, error) {
	var elems []uint64
	var more bool
	var err error
	switch base {
	case "list", "tuple":
		elems, more, err = r.sequenceItems(obj, base, limit)
	case "set", "frozenset":
		elems, more, err = r.setItems(obj, limit)
	case "dict":
		items, more, err := r.dictItems(obj, limit)
		if err != nil {
			return nil, false, err
		}
		vars := make([]Var, len(items))
		for i, it := range items {
			name, err := r.Repr(it.key)
			if err != nil {
				name = fmt.Sprintf("<key at %#x>", it.key)
			}
			vars[i] = Var{Name: name, Addr: it.value, Path: "[" + name + "]"}
		}
		return vars, more, nil
	default:
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	vars := make([]Var, len(elems))
	for i, e := range elems {
		vars[i] = Var{Name: strconv.Itoa(i), Addr: e}
		if base == "list" || base == "tuple" {
			vars[i].Path = "[" + vars[i].Name + "]" // a set's elements have no index
		}
	}
	return vars, more, nil
}

// sequenceItems reads up to limit items of a list or a tuple.
func (r *Reader) sequenceItems(obj uint64, base string, limit int) ([]uint64, bool, error) {
	n, err := r.size(obj+r.l.VarObjectSize, maxCount)
	if err != nil {
		return nil, false, fmt.Errorf("read the size of the %s at %#x: %w", base, obj, err)
	}
	items := obj + r.l.TupleItem
	if base == "list" {
		if items, err = r.u64(obj + r.l.ListItem); err != nil {
			return nil, false, fmt.Errorf("read the items of the list at %#x: %w", obj, err)
		}
	}
	shown := min(n, limit)
	elems, err := r.ptrs(items, shown)
	if err != nil {
		return nil, false, fmt.Errorf("read the items of the %s at %#x: %w", base, obj, err)
	}
	return elems, shown < n, nil
}

// attributeChildren lists what an object's own __dict__ holds: a
// module's globals, an instance's attributes.
func (r *Reader) attributeChildren(obj uint64, base string, limit int) ([]Var, error) {
	if limit <= 0 {
		return nil, nil
	}
	var items []dictItem
	var err error
	if base == "module" {
		dict, derr := r.u64(obj + r.l.ModuleDict)
		if derr != nil {
			return nil, fmt.Errorf("read the dict of the module at %#x: %w", obj, derr)
		}
		items, err = r.dictOrNone(dict, limit)
	} else {
		items, err = r.instanceItems(obj, limit)
	}
	if err != nil {
		return nil, err
	}
	vars := make([]Var, 0, len(items))
	for _, it := range items {
		if name, err := r.str(it.key); err == nil {
			vars = append(vars, Var{Name: name, Addr: it.value, Path: "." + name})
		}
	}
	return vars, nil
}
