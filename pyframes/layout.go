package pyframes

import (
	"errors"
	"fmt"
)

//go:generate go run ./gen -python python3.11 -o layout_311.go

// Version is a CPython version.
type Version struct{ Major, Minor, Micro int }

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Micro) }

// versionFromHex decodes PY_VERSION_HEX (major<<24 | minor<<16 | micro<<8 |
// release level<<4 | serial).
func versionFromHex(hex uint64) Version {
	return Version{Major: int(hex >> 24 & 0xff), Minor: int(hex >> 16 & 0xff), Micro: int(hex >> 8 & 0xff)}
}

// ErrUnsupportedVersion is matched (errors.Is) by every UnsupportedVersionError.
var ErrUnsupportedVersion = errors.New("unsupported CPython version")

// UnsupportedVersionError is returned for a CPython without a Layout.
type UnsupportedVersionError struct{ Version Version }

func (e *UnsupportedVersionError) Error() string {
	v := e.Version
	if v.Major == 3 && v.Minor > 11 {
		return fmt.Sprintf("CPython %d.%d is not supported yet (rrpy knows 3.11)", v.Major, v.Minor)
	}
	return fmt.Sprintf("CPython %d.%d is not supported (rrpy knows 3.11)", v.Major, v.Minor)
}

// Is makes errors.Is(err, ErrUnsupportedVersion) hold.
func (e *UnsupportedVersionError) Is(target error) bool { return target == ErrUnsupportedVersion }

// LayoutFor returns the layout of a CPython minor version.
func LayoutFor(v Version) (*Layout, error) {
	if v.Major == 3 && v.Minor == 11 {
		l := layout311 // a copy: callers may not change the table
		return &l, nil
	}
	return nil, &UnsupportedVersionError{Version: v}
}

// Layout holds the offsets, sizes and constants rrpy needs for one CPython
// minor version. Each field's `c` tag is the C expression that gen/ compiles
// against that version's headers (with Py_BUILD_CORE) to fill it in: the
// tables (layout_3XX.go) are generated, never typed in. A field is named
// after its struct and member: FrameObjectFrame is PyFrameObject.f_frame.
// Offsets are in bytes from the start of the struct.
type Layout struct {
	// PyObject, PyVarObject.
	ObjectRefcnt  uint64 `c:"offsetof(PyObject, ob_refcnt)"`
	ObjectType    uint64 `c:"offsetof(PyObject, ob_type)"`
	VarObjectSize uint64 `c:"offsetof(PyVarObject, ob_size)"`

	// PyTypeObject and PyHeapTypeObject.
	TypeName            uint64 `c:"offsetof(PyTypeObject, tp_name)"`
	TypeFlags           uint64 `c:"offsetof(PyTypeObject, tp_flags)"`
	TypeDict            uint64 `c:"offsetof(PyTypeObject, tp_dict)"`
	TypeMro             uint64 `c:"offsetof(PyTypeObject, tp_mro)"`
	TypeBasicsize       uint64 `c:"offsetof(PyTypeObject, tp_basicsize)"`
	TypeDictoffset      uint64 `c:"offsetof(PyTypeObject, tp_dictoffset)"`
	HeapTypeQualname    uint64 `c:"offsetof(PyHeapTypeObject, ht_qualname)"`
	HeapTypeCachedKeys  uint64 `c:"offsetof(PyHeapTypeObject, ht_cached_keys)"`
	TPFlagsHeapType     uint64 `c:"Py_TPFLAGS_HEAPTYPE"`
	TPFlagsManagedDict  uint64 `c:"Py_TPFLAGS_MANAGED_DICT"`
	TPFlagsTypeSubclass uint64 `c:"Py_TPFLAGS_TYPE_SUBCLASS"`
	TPFlagsStrSubclass  uint64 `c:"Py_TPFLAGS_UNICODE_SUBCLASS"`
	// Where an object whose type has Py_TPFLAGS_MANAGED_DICT keeps its
	// dict and its split values: before the object, at a negative offset
	// (_PyObject_ManagedDictPointer, _PyObject_ValuesPointer).
	ManagedDictOffset   int64 `c:"(char *)_PyObject_ManagedDictPointer((PyObject *)probe_object) - probe_object"`
	ManagedValuesOffset int64 `c:"(char *)_PyObject_ValuesPointer((PyObject *)probe_object) - probe_object"`

	// PyFrameObject: what a C trace function receives.
	FrameObjectFrame  uint64 `c:"offsetof(PyFrameObject, f_frame)"`
	FrameObjectLineno uint64 `c:"offsetof(PyFrameObject, f_lineno)"`

	// _PyInterpreterFrame.
	InterpFrameFunc       uint64 `c:"offsetof(_PyInterpreterFrame, f_func)"`
	InterpFrameGlobals    uint64 `c:"offsetof(_PyInterpreterFrame, f_globals)"`
	InterpFrameLocals     uint64 `c:"offsetof(_PyInterpreterFrame, f_locals)"`
	InterpFrameCode       uint64 `c:"offsetof(_PyInterpreterFrame, f_code)"`
	InterpFrameFrameObj   uint64 `c:"offsetof(_PyInterpreterFrame, frame_obj)"`
	InterpFramePrevious   uint64 `c:"offsetof(_PyInterpreterFrame, previous)"`
	InterpFramePrevInstr  uint64 `c:"offsetof(_PyInterpreterFrame, prev_instr)"`
	InterpFrameOwner      uint64 `c:"offsetof(_PyInterpreterFrame, owner)"`
	InterpFrameLocalsplus uint64 `c:"offsetof(_PyInterpreterFrame, localsplus)"`
	FrameOwnedByGenerator uint64 `c:"FRAME_OWNED_BY_GENERATOR"`

	// PyCodeObject.
	CodeFlags           uint64 `c:"offsetof(PyCodeObject, co_flags)"`
	CodeFirstlineno     uint64 `c:"offsetof(PyCodeObject, co_firstlineno)"`
	CodeNlocalsplus     uint64 `c:"offsetof(PyCodeObject, co_nlocalsplus)"`
	CodeLocalsplusnames uint64 `c:"offsetof(PyCodeObject, co_localsplusnames)"`
	CodeLocalspluskinds uint64 `c:"offsetof(PyCodeObject, co_localspluskinds)"`
	CodeFilename        uint64 `c:"offsetof(PyCodeObject, co_filename)"`
	CodeName            uint64 `c:"offsetof(PyCodeObject, co_name)"`
	CodeQualname        uint64 `c:"offsetof(PyCodeObject, co_qualname)"`
	CodeLinetable       uint64 `c:"offsetof(PyCodeObject, co_linetable)"`
	CodeFirsttraceable  uint64 `c:"offsetof(PyCodeObject, _co_firsttraceable)"`
	CodeCodeAdaptive    uint64 `c:"offsetof(PyCodeObject, co_code_adaptive)"` // _PyCode_CODE
	CodeUnitSize        uint64 `c:"sizeof(_Py_CODEUNIT)"`
	COOptimized         uint64 `c:"CO_OPTIMIZED"`
	COFastLocal         uint64 `c:"CO_FAST_LOCAL"`
	COFastCell          uint64 `c:"CO_FAST_CELL"`
	COFastFree          uint64 `c:"CO_FAST_FREE"`

	// PyThreadState and _PyCFrame.
	ThreadStateNext           uint64 `c:"offsetof(PyThreadState, next)"`
	ThreadStateInterp         uint64 `c:"offsetof(PyThreadState, interp)"`
	ThreadStateCframe         uint64 `c:"offsetof(PyThreadState, cframe)"`
	ThreadStateCTracefunc     uint64 `c:"offsetof(PyThreadState, c_tracefunc)"`
	ThreadStateCTraceobj      uint64 `c:"offsetof(PyThreadState, c_traceobj)"`
	ThreadStateTracing        uint64 `c:"offsetof(PyThreadState, tracing)"`
	ThreadStateThreadID       uint64 `c:"offsetof(PyThreadState, thread_id)"`
	ThreadStateNativeThreadID uint64 `c:"offsetof(PyThreadState, native_thread_id)"`
	CFrameUseTracing          uint64 `c:"offsetof(_PyCFrame, use_tracing)"`
	CFrameCurrentFrame        uint64 `c:"offsetof(_PyCFrame, current_frame)"`

	// PyInterpreterState and _PyRuntimeState.
	InterpStateThreadsHead  uint64 `c:"offsetof(PyInterpreterState, threads.head)"`
	RuntimeInterpretersHead uint64 `c:"offsetof(_PyRuntimeState, interpreters.head)"`
	RuntimeInterpretersMain uint64 `c:"offsetof(_PyRuntimeState, interpreters.main)"`
	RuntimeGilstateCurrent  uint64 `c:"offsetof(_PyRuntimeState, gilstate.tstate_current)"` // the thread state holding the GIL

	// str: PyASCIIObject, PyCompactUnicodeObject, PyUnicodeObject. The
	// state bitfield has no offsetof: gen/ finds each member's mask by
	// setting it to all ones in a zeroed struct.
	ASCIIObjectSize          uint64 `c:"sizeof(PyASCIIObject)"`
	CompactUnicodeObjectSize uint64 `c:"sizeof(PyCompactUnicodeObject)"`
	UnicodeLength            uint64 `c:"offsetof(PyASCIIObject, length)"`
	UnicodeState             uint64 `c:"offsetof(PyASCIIObject, state)"`
	UnicodeStateKindMask     uint64 `c:"state_mask(STATE_KIND)"`
	UnicodeStateCompactMask  uint64 `c:"state_mask(STATE_COMPACT)"`
	UnicodeStateASCIIMask    uint64 `c:"state_mask(STATE_ASCII)"`
	UnicodeStateReadyMask    uint64 `c:"state_mask(STATE_READY)"`
	UnicodeDataAny           uint64 `c:"offsetof(PyUnicodeObject, data.any)"`

	// int: PyLongObject is ob_size (sign and digit count) then digits of
	// PyLong_SHIFT bits.
	LongDigit uint64 `c:"offsetof(PyLongObject, ob_digit)"`
	LongShift uint64 `c:"PyLong_SHIFT"`
	DigitSize uint64 `c:"sizeof(digit)"`

	FloatFval     uint64 `c:"offsetof(PyFloatObject, ob_fval)"`
	BytesSval     uint64 `c:"offsetof(PyBytesObject, ob_sval)"`
	ListItem      uint64 `c:"offsetof(PyListObject, ob_item)"`
	TupleItem     uint64 `c:"offsetof(PyTupleObject, ob_item)"`
	CellRef       uint64 `c:"offsetof(PyCellObject, ob_ref)"`
	FuncQualname  uint64 `c:"offsetof(PyFunctionObject, func_qualname)"`
	CFunctionMl   uint64 `c:"offsetof(PyCFunctionObject, m_ml)"`
	CFunctionSelf uint64 `c:"offsetof(PyCFunctionObject, m_self)"`
	MethodDefName uint64 `c:"offsetof(PyMethodDef, ml_name)"`
	ModuleDict    uint64 `c:"offsetof(PyModuleObject, md_dict)"`

	// dict: PyDictObject, PyDictKeysObject and its two entry kinds.
	DictUsed               uint64 `c:"offsetof(PyDictObject, ma_used)"`
	DictKeys               uint64 `c:"offsetof(PyDictObject, ma_keys)"`
	DictValues             uint64 `c:"offsetof(PyDictObject, ma_values)"`
	DictKeysLog2Size       uint64 `c:"offsetof(PyDictKeysObject, dk_log2_size)"`
	DictKeysLog2IndexBytes uint64 `c:"offsetof(PyDictKeysObject, dk_log2_index_bytes)"`
	DictKeysKind           uint64 `c:"offsetof(PyDictKeysObject, dk_kind)"`
	DictKeysNentries       uint64 `c:"offsetof(PyDictKeysObject, dk_nentries)"`
	DictKeysIndices        uint64 `c:"offsetof(PyDictKeysObject, dk_indices)"`
	DictKeysGeneral        uint64 `c:"DICT_KEYS_GENERAL"`
	DictKeyEntrySize       uint64 `c:"sizeof(PyDictKeyEntry)"`
	DictKeyEntryKey        uint64 `c:"offsetof(PyDictKeyEntry, me_key)"`
	DictKeyEntryValue      uint64 `c:"offsetof(PyDictKeyEntry, me_value)"`
	DictUnicodeEntrySize   uint64 `c:"sizeof(PyDictUnicodeEntry)"`
	DictUnicodeEntryKey    uint64 `c:"offsetof(PyDictUnicodeEntry, me_key)"`
	DictUnicodeEntryValue  uint64 `c:"offsetof(PyDictUnicodeEntry, me_value)"`

	// set and frozenset: PySetObject and setentry.
	SetUsed      uint64 `c:"offsetof(PySetObject, used)"`
	SetMask      uint64 `c:"offsetof(PySetObject, mask)"`
	SetTable     uint64 `c:"offsetof(PySetObject, table)"`
	SetEntrySize uint64 `c:"sizeof(setentry)"`
	SetEntryKey  uint64 `c:"offsetof(setentry, key)"`
	SetEntryHash uint64 `c:"offsetof(setentry, hash)"`
}
