package pyframes

import (
	"fmt"
)

// module prints a module as importlib's _module_repr does (3.11 to 3.13): from
// its __spec__ when it has one ("<module 'os' (frozen)>", "<module
// 'json' from '/usr/lib/python3.11/json/__init__.py'>"), else from
// __name__ and __file__ (the main script: "<module '__main__' from
// 'x.py'>").
func (p *printer) module(obj uint64, _ typeInfo, _ int) error {
	r := p.r
	dict, err := r.u64(obj + r.l.ModuleDict)
	if err != nil {
		return fmt.Errorf("read the dict of the module at %#x: %w", obj, err)
	}
	spec, err := r.dictGet(dict, "__spec__")
	if err != nil {
		return fmt.Errorf("read the dict of the module at %#x: %w", obj, err)
	}
	if spec != 0 && !r.isNone(spec) {
		s, err := r.specRepr(spec)
		if err != nil {
			return fmt.Errorf("read the spec of the module at %#x: %w", obj, err)
		}
		p.b.WriteString(s)
		return nil
	}
	name := "'?'"
	if n, err := r.dictGet(dict, "__name__"); err == nil && n != 0 {
		if name, err = r.Repr(n); err != nil {
			return err
		}
	}
	file, err := r.dictGet(dict, "__file__")
	if err != nil {
		return err
	}
	if file == 0 {
		fmt.Fprintf(&p.b, "<module %s>", name)
		return nil
	}
	f, err := r.Repr(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(&p.b, "<module %s from %s>", name, f)
	return nil
}

// specRepr is _module_repr_from_spec.
func (r *Reader) specRepr(spec uint64) (string, error) {
	attrs := map[string]uint64{}
	for _, a := range []string{"name", "origin", "loader", "_set_fileattr"} {
		v, err := r.instanceAttr(spec, a)
		if err != nil {
			return "", err
		}
		attrs[a] = v
	}
	name := "'?'"
	if v := attrs["name"]; v != 0 && !r.isNone(v) {
		var err error
		if name, err = r.Repr(v); err != nil {
			return "", err
		}
	}
	origin := attrs["origin"]
	if origin == 0 || r.isNone(origin) {
		loader := attrs["loader"]
		if loader == 0 || r.isNone(loader) {
			return fmt.Sprintf("<module %s>", name), nil
		}
		l, err := r.Repr(loader)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("<module %s (%s)>", name, l), nil
	}
	// has_location is the property that returns _set_fileattr.
	hasLocation, err := r.Repr(attrs["_set_fileattr"])
	if err != nil {
		return "", err
	}
	if hasLocation == "True" {
		o, err := r.Repr(origin)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("<module %s from %s>", name, o), nil
	}
	o, err := r.str(origin)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("<module %s (%s)>", name, o), nil
}

// isNone reports whether obj is None, by its type's name.
func (r *Reader) isNone(obj uint64) bool {
	name, err := r.TypeName(obj)
	return err == nil && name == "NoneType"
}

// instanceAttr looks a name up in an object's own __dict__ (not its
// class's), 0 when absent.
func (r *Reader) instanceAttr(obj uint64, name string) (uint64, error) {
	items, err := r.instanceItems(obj, maxCount)
	if err != nil {
		return 0, err
	}
	return r.lookup(items, name), nil
}

// instanceItems returns up to limit entries of an object's own __dict__.
// A class without __slots__ gets Py_TPFLAGS_MANAGED_DICT: its instances
// keep their attributes as values keyed by the class's shared keys
// (ht_cached_keys) until something asks for a real dict; where the values
// and that dict sit is the version's dialect. Other objects have their
// dict at tp_dictoffset (none, or one at a negative offset rrpy does not
// follow: no items).
func (r *Reader) instanceItems(obj uint64, limit int) ([]dictItem, error) {
	l := r.l
	t, err := r.typeOf(obj)
	if err != nil {
		return nil, err
	}
	flags, err := r.u64(t + l.TypeFlags)
	if err != nil {
		return nil, fmt.Errorf("read tp_flags of the type at %#x: %w", t, err)
	}
	if flags&l.TPFlagsManagedDict == 0 {
		off, err := r.u64(t + l.TypeDictoffset)
		if err != nil {
			return nil, fmt.Errorf("read tp_dictoffset of the type at %#x: %w", t, err)
		}
		if int64(off) <= 0 || off > 1<<20 {
			return nil, nil
		}
		dict, err := r.u64(obj + off)
		if err != nil {
			return nil, fmt.Errorf("read the dict of the object at %#x: %w", obj, err)
		}
		return r.dictOrNone(dict, limit)
	}
	dict, values, err := l.dialect.managedAttrs(r, obj, flags)
	if err != nil || (dict == 0 && values == 0) {
		return nil, err
	}
	if dict != 0 {
		return r.dictOrNone(dict, limit)
	}
	keys, err := r.u64(t + l.HeapTypeCachedKeys)
	if err != nil {
		return nil, fmt.Errorf("read the shared keys of the type at %#x: %w", t, err)
	}
	k, err := r.dictKeys(keys)
	if err != nil {
		return nil, err
	}
	return r.splitItems(k, values, limit)
}

// dictOrNone returns a dict's items, none for a NULL dict.
func (r *Reader) dictOrNone(dict uint64, limit int) ([]dictItem, error) {
	if dict == 0 {
		return nil, nil
	}
	items, _, err := r.dictItems(dict, limit)
	return items, err
}

// lookup finds a str key among dict items, 0 when absent. It compares
// keys instead of hashing: the dicts rrpy searches (a class's, a
// module's, an object's) are small enough.
func (r *Reader) lookup(items []dictItem, key string) uint64 {
	want := uint64(len([]rune(key)))
	for _, it := range items {
		// Check the length before reading the characters: most keys differ.
		if n, err := r.u64(it.key + r.l.UnicodeLength); err != nil || n != want {
			continue
		}
		if !r.isStr(it.key) {
			continue
		}
		if k, err := r.str(it.key); err == nil && k == key {
			return it.value
		}
	}
	return 0
}
