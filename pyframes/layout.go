package pyframes

import (
	"errors"
	"fmt"
	"strings"
)

//go:generate go run ./gen -python python3.11 -o layout_311.go
//go:generate go run ./gen -python $HOME/.pyenv/versions/3.12.1/bin/python3.12 -o layout_312.go
//go:generate go run ./gen -python $HOME/.pyenv/versions/3.13.0/bin/python3.13 -o layout_313.go

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
type UnsupportedVersionError struct {
	// Version is the version found; only Major and Minor are known of a
	// CPython older than 3.11, and nothing (zero) of one older than all
	// of versionMarkers.
	Version Version
	// FreeThreaded is a build without the GIL (3.13t), which rrpy's
	// reading of objects and frames does not know.
	FreeThreaded bool
}

func (e *UnsupportedVersionError) Error() string {
	v := e.Version
	switch {
	case v == Version{}:
		return fmt.Sprintf("CPython older than 3.%d is not supported (rrpy supports %s)", oldestMinor, SupportedVersions())
	case e.FreeThreaded:
		return fmt.Sprintf("CPython %d.%d free-threaded (no GIL) is not supported (rrpy supports %s with the GIL)", v.Major, v.Minor, SupportedVersions())
	case v.Major == 3 && v.Minor > newestMinor:
		return fmt.Sprintf("CPython %d.%d is not supported yet (rrpy supports %s)", v.Major, v.Minor, SupportedVersions())
	}
	return fmt.Sprintf("CPython %d.%d is not supported (rrpy supports %s)", v.Major, v.Minor, SupportedVersions())
}

// Is makes errors.Is(err, ErrUnsupportedVersion) hold.
func (e *UnsupportedVersionError) Is(target error) bool { return target == ErrUnsupportedVersion }

// layouts are the generated tables, by minor version of CPython 3.
var layouts = map[int]*Layout{11: &layout311, 12: &layout312, 13: &layout313}

// debugTables are the generated entries of _Py_DebugOffsets, by minor
// version (empty before 3.13).
var debugTables = map[int][]debugOffset{11: debugOffsets311, 12: debugOffsets312, 13: debugOffsets313}

// debugOffset says where in _Py_DebugOffsets CPython publishes the value
// of a Layout field.
type debugOffset struct {
	Field string // the Layout field
	At    uint64 // the entry's offset in _Py_DebugOffsets
}

// The minor versions rrpy supports, oldest and newest.
const oldestMinor, newestMinor = 11, 13

// SupportedVersions names the CPython versions rrpy reads: "3.11, 3.12, 3.13".
func SupportedVersions() string {
	var s []string
	for m := oldestMinor; m <= newestMinor; m++ {
		s = append(s, fmt.Sprintf("3.%d", m))
	}
	return strings.Join(s, ", ")
}

// LayoutFor returns the layout of a CPython minor version, with the
// version's dialect: chosen here once, for every reader of the process.
func LayoutFor(v Version) (*Layout, error) {
	table, ok := layouts[v.Minor]
	if v.Major != 3 || !ok {
		return nil, &UnsupportedVersionError{Version: v}
	}
	l := *table // a copy: callers may not change the table
	l.dialect = dialects[v.Minor]
	return &l, nil
}

// Layout holds the offsets, sizes and constants rrpy needs for one CPython
// minor version. Each field's `c` tag is the C expression that gen/ compiles
// against that version's headers (with Py_BUILD_CORE) to fill it in: the
// tables (layout_3XX.go) are generated, never typed in. A field is named
// after its struct and member: FrameObjectFrame is PyFrameObject.f_frame.
// Offsets are in bytes from the start of the struct.
//
// From 3.13 CPython publishes some offsets itself, in _Py_DebugOffsets at
// the start of _PyRuntime; a field's `debug` tag names its entry there,
// and Find compares them with the table (checkDebugOffsets).
type Layout struct {
	dialect dialect // what the offsets cannot say; set by LayoutFor

	// _Py_DebugOffsets: where its version and free_threaded words are
	// (-1: before 3.13, none).
	DebugOffsetsVersion      int64 `c:"-1" c313:"offsetof(_Py_DebugOffsets, version)"`
	DebugOffsetsFreeThreaded int64 `c:"-1" c313:"offsetof(_Py_DebugOffsets, free_threaded)"`

	// PyObject, PyVarObject.
	ObjectType    uint64 `c:"offsetof(PyObject, ob_type)" debug:"pyobject.ob_type"`
	ObjectSize    uint64 `c:"sizeof(PyObject)" debug:"pyobject.size"`
	VarObjectSize uint64 `c:"offsetof(PyVarObject, ob_size)"`

	// PyTypeObject and PyHeapTypeObject.
	TypeName           uint64 `c:"offsetof(PyTypeObject, tp_name)" debug:"type_object.tp_name"`
	TypeFlags          uint64 `c:"offsetof(PyTypeObject, tp_flags)" debug:"type_object.tp_flags"`
	TypeDict           uint64 `c:"offsetof(PyTypeObject, tp_dict)"`
	TypeSubclasses     uint64 `c:"offsetof(PyTypeObject, tp_subclasses)"`
	TypeMro            uint64 `c:"offsetof(PyTypeObject, tp_mro)"`
	TypeBasicsize      uint64 `c:"offsetof(PyTypeObject, tp_basicsize)"`
	TypeDictoffset     uint64 `c:"offsetof(PyTypeObject, tp_dictoffset)"`
	HeapTypeQualname   uint64 `c:"offsetof(PyHeapTypeObject, ht_qualname)"`
	HeapTypeCachedKeys uint64 `c:"offsetof(PyHeapTypeObject, ht_cached_keys)"`
	TPFlagsHeapType    uint64 `c:"Py_TPFLAGS_HEAPTYPE"`
	TPFlagsManagedDict uint64 `c:"Py_TPFLAGS_MANAGED_DICT"`
	TPFlagsStrSubclass uint64 `c:"Py_TPFLAGS_UNICODE_SUBCLASS"`
	// From 3.12 a static builtin type (object, int, list...) keeps its
	// dict in the interpreter, not in tp_dict (NULL): in the state at
	// index tp_subclasses-1 of the interpreter's array (typeDict).
	TPFlagsStaticBuiltin    uint64 `c:"0" c312:"_Py_TPFLAGS_STATIC_BUILTIN"`
	InterpStateBuiltinTypes int64  `c:"-1" c312:"offsetof(PyInterpreterState, types.builtins)" c313:"offsetof(PyInterpreterState, types.builtins.initialized)"`
	StaticTypeStateSize     uint64 `c:"0" c312:"sizeof(static_builtin_state)" c313:"sizeof(managed_static_type_state)"`
	StaticTypeStateDict     uint64 `c:"0" c312:"offsetof(static_builtin_state, tp_dict)" c313:"offsetof(managed_static_type_state, tp_dict)"`
	// 3.13: an object of a type with this flag keeps its attributes'
	// values inline, right after its PyObject header.
	TPFlagsInlineValues uint64 `c:"0" c313:"Py_TPFLAGS_INLINE_VALUES"`
	// Where an object whose type has Py_TPFLAGS_MANAGED_DICT keeps its
	// dict, before the object at a negative offset. 3.11 keeps its split
	// values in the word before that; 3.12 has one word, the dict or the
	// values tagged with bit 0 (PyDictOrValues); 3.13 has the dict there
	// and the values inline (TPFlagsInlineValues).
	ManagedDictOffset   int64 `c:"(char *)_PyObject_ManagedDictPointer((PyObject *)probe_object) - probe_object" c312:"(char *)_PyObject_DictOrValuesPointer((PyObject *)probe_object) - probe_object" c313:"MANAGED_DICT_OFFSET"`
	ManagedValuesOffset int64 `c:"(char *)_PyObject_ValuesPointer((PyObject *)probe_object) - probe_object" c312:"(char *)_PyObject_DictOrValuesPointer((PyObject *)probe_object) - probe_object" c313:"sizeof(PyObject)"`

	// PyFrameObject: what a C trace function receives.
	FrameObjectFrame  uint64 `c:"offsetof(PyFrameObject, f_frame)"`
	FrameObjectLineno uint64 `c:"offsetof(PyFrameObject, f_lineno)"`

	// _PyInterpreterFrame. Its code is f_code, 3.13's f_executable (a
	// code object in every frame rrpy lists). Its instruction pointer is
	// prev_instr, 3.13's instr_ptr: either way the line is that of the
	// code unit it points at (_PyInterpreterFrame_LASTI).
	InterpFrameLocals     uint64 `c:"offsetof(_PyInterpreterFrame, f_locals)"`
	InterpFrameGlobals    uint64 `c:"offsetof(_PyInterpreterFrame, f_globals)"`
	InterpFrameCode       uint64 `c:"offsetof(_PyInterpreterFrame, f_code)" c313:"offsetof(_PyInterpreterFrame, f_executable)" debug:"interpreter_frame.executable"`
	InterpFrameFrameObj   uint64 `c:"offsetof(_PyInterpreterFrame, frame_obj)"`
	InterpFramePrevious   uint64 `c:"offsetof(_PyInterpreterFrame, previous)" debug:"interpreter_frame.previous"`
	InterpFrameInstr      uint64 `c:"offsetof(_PyInterpreterFrame, prev_instr)" c313:"offsetof(_PyInterpreterFrame, instr_ptr)" debug:"interpreter_frame.instr_ptr"`
	InterpFrameOwner      uint64 `c:"offsetof(_PyInterpreterFrame, owner)" debug:"interpreter_frame.owner"`
	InterpFrameLocalsplus uint64 `c:"offsetof(_PyInterpreterFrame, localsplus)" debug:"interpreter_frame.localsplus"`
	FrameOwnedByGenerator uint64 `c:"FRAME_OWNED_BY_GENERATOR"`
	// From 3.12 the interpreter pushes a shim frame owned by the C stack
	// where C calls into Python (3.11 marks the entry frame instead):
	// no Python code of the program's runs in it. -1: none in 3.11.
	FrameOwnedByCstack int64 `c:"-1" c312:"FRAME_OWNED_BY_CSTACK"`

	// PyCodeObject.
	CodeFlags           uint64 `c:"offsetof(PyCodeObject, co_flags)"`
	CodeArgcount        uint64 `c:"offsetof(PyCodeObject, co_argcount)"`
	CodeKwonlyargcount  uint64 `c:"offsetof(PyCodeObject, co_kwonlyargcount)"`
	CodeFirstlineno     uint64 `c:"offsetof(PyCodeObject, co_firstlineno)" debug:"code_object.firstlineno"`
	CodeNlocalsplus     uint64 `c:"offsetof(PyCodeObject, co_nlocalsplus)"`
	CodeLocalsplusnames uint64 `c:"offsetof(PyCodeObject, co_localsplusnames)" debug:"code_object.localsplusnames"`
	CodeLocalspluskinds uint64 `c:"offsetof(PyCodeObject, co_localspluskinds)" debug:"code_object.localspluskinds"`
	CodeFilename        uint64 `c:"offsetof(PyCodeObject, co_filename)" debug:"code_object.filename"`
	CodeName            uint64 `c:"offsetof(PyCodeObject, co_name)" debug:"code_object.name"`
	CodeQualname        uint64 `c:"offsetof(PyCodeObject, co_qualname)" debug:"code_object.qualname"`
	CodeLinetable       uint64 `c:"offsetof(PyCodeObject, co_linetable)" debug:"code_object.linetable"`
	CodeFirsttraceable  uint64 `c:"offsetof(PyCodeObject, _co_firsttraceable)"`
	CodeCodeAdaptive    uint64 `c:"offsetof(PyCodeObject, co_code_adaptive)" debug:"code_object.co_code_adaptive"` // _PyCode_CODE
	CodeUnitSize        uint64 `c:"sizeof(_Py_CODEUNIT)"`
	COOptimized         uint64 `c:"CO_OPTIMIZED"`
	COFastCell          uint64 `c:"CO_FAST_CELL"`
	COFastFree          uint64 `c:"CO_FAST_FREE"`
	COVarargs           uint64 `c:"CO_VARARGS"`
	COVarkeywords       uint64 `c:"CO_VARKEYWORDS"`

	// PyThreadState and _PyCFrame. A thread's innermost frame is
	// tstate->cframe->current_frame, 3.13's tstate->current_frame: there
	// ThreadStateCframe is -1 and CFrameCurrentFrame is the offset in the
	// thread state (currentFrameOf follows either).
	ThreadStateNext           uint64 `c:"offsetof(PyThreadState, next)" debug:"thread_state.next"`
	ThreadStateCframe         int64  `c:"offsetof(PyThreadState, cframe)" c313:"-1"`
	CFrameCurrentFrame        uint64 `c:"offsetof(_PyCFrame, current_frame)" c313:"offsetof(PyThreadState, current_frame)" debug:"thread_state.current_frame"`
	ThreadStateCTracefunc     uint64 `c:"offsetof(PyThreadState, c_tracefunc)"`
	ThreadStateNativeThreadID uint64 `c:"offsetof(PyThreadState, native_thread_id)" debug:"thread_state.native_thread_id"`

	// PyInterpreterState and _PyRuntimeState.
	InterpStateThreadsHead  uint64 `c:"offsetof(PyInterpreterState, threads.head)" debug:"interpreter_state.threads_head"`
	RuntimeInterpretersHead uint64 `c:"offsetof(_PyRuntimeState, interpreters.head)" debug:"runtime_state.interpreters_head"`
	RuntimeInterpretersMain uint64 `c:"offsetof(_PyRuntimeState, interpreters.main)"`
	RuntimeFinalizing       uint64 `c:"offsetof(_PyRuntimeState, _finalizing)" debug:"runtime_state.finalizing"` // the thread state finalizing, 0 before
	// Audit hooks: the C ones (PySys_AddAuditHook) in the runtime, the
	// Python ones (sys.addaudithook) in the interpreter.
	RuntimeAuditHooks     uint64 `c:"offsetof(_PyRuntimeState, audit_hook_head)" c312:"offsetof(_PyRuntimeState, audit_hooks.head)"`
	InterpStateAuditHooks uint64 `c:"offsetof(PyInterpreterState, audit_hooks)"`

	// The GIL (struct _gil_runtime_state): 3.11 has one, in the runtime;
	// from 3.12 each interpreter points to its own. -1: not this version's.
	RuntimeGil     int64  `c:"offsetof(_PyRuntimeState, ceval.gil)" c312:"-1"`
	InterpStateGil int64  `c:"-1" c312:"offsetof(PyInterpreterState, ceval.gil)" debug:"interpreter_state.ceval_gil"`
	GilLastHolder  uint64 `c:"offsetof(struct _gil_runtime_state, last_holder)"`
	GilLocked      uint64 `c:"offsetof(struct _gil_runtime_state, locked)"` // an int: whether a thread holds it

	// sys.monitoring (3.12+): the interpreter's callables, by tool and
	// event. -1: none in 3.11.
	InterpStateMonitoringCallables int64  `c:"-1" c312:"offsetof(PyInterpreterState, monitoring_callables)"`
	MonitoringEvents               uint64 `c:"0" c312:"_PY_MONITORING_EVENTS"`
	InterpStateMonitors            int64  `c:"-1" c312:"offsetof(PyInterpreterState, monitors)"` // a byte per event: its tools
	// The events rrpy's clock registers for (their numbers; -1: none).
	EventPyStart  int64 `c:"-1" c312:"PY_MONITORING_EVENT_PY_START"`
	EventPyReturn int64 `c:"-1" c312:"PY_MONITORING_EVENT_PY_RETURN"`
	EventPyYield  int64 `c:"-1" c312:"PY_MONITORING_EVENT_PY_YIELD"`
	EventLine     int64 `c:"-1" c312:"PY_MONITORING_EVENT_LINE"`
	EventJump     int64 `c:"-1" c312:"PY_MONITORING_EVENT_JUMP"`
	EventPyUnwind int64 `c:"-1" c312:"PY_MONITORING_EVENT_PY_UNWIND"`

	// str: PyASCIIObject, PyCompactUnicodeObject, PyUnicodeObject. The
	// state bitfield has no offsetof: gen/ finds each member's mask by
	// setting it to all ones in a zeroed struct.
	ASCIIObjectSize          uint64 `c:"sizeof(PyASCIIObject)" debug:"unicode_object.asciiobject_size"`
	CompactUnicodeObjectSize uint64 `c:"sizeof(PyCompactUnicodeObject)"`
	UnicodeLength            uint64 `c:"offsetof(PyASCIIObject, length)" debug:"unicode_object.length"`
	UnicodeState             uint64 `c:"offsetof(PyASCIIObject, state)" debug:"unicode_object.state"`
	UnicodeStateKindMask     uint64 `c:"state_mask(STATE_KIND)"`
	UnicodeStateCompactMask  uint64 `c:"state_mask(STATE_COMPACT)"`
	UnicodeStateASCIIMask    uint64 `c:"state_mask(STATE_ASCII)"`
	UnicodeStateReadyMask    uint64 `c:"state_mask(STATE_READY)"` // 0 from 3.12: every str is ready
	UnicodeDataAny           uint64 `c:"offsetof(PyUnicodeObject, data.any)"`

	// int: a header with the sign and the digit count (3.11: ob_size,
	// negative for a negative int; 3.12: lv_tag, the count shifted left by
	// LongNonSizeBits over a sign of 0, 1 for zero or 2 for negative), then
	// digits of PyLong_SHIFT bits.
	LongTag         uint64 `c:"offsetof(PyVarObject, ob_size)" c312:"offsetof(PyLongObject, long_value.lv_tag)" debug:"long_object.lv_tag"`
	LongNonSizeBits uint64 `c:"0" c312:"_PyLong_NON_SIZE_BITS"`
	LongDigit       uint64 `c:"offsetof(PyLongObject, ob_digit)" c312:"offsetof(PyLongObject, long_value.ob_digit)" debug:"long_object.ob_digit"`
	LongShift       uint64 `c:"PyLong_SHIFT"`
	DigitSize       uint64 `c:"sizeof(digit)"`

	FloatFval      uint64 `c:"offsetof(PyFloatObject, ob_fval)" debug:"float_object.ob_fval"`
	BytesSval      uint64 `c:"offsetof(PyBytesObject, ob_sval)" debug:"bytes_object.ob_sval"`
	ListItem       uint64 `c:"offsetof(PyListObject, ob_item)" debug:"list_object.ob_item"`
	TupleItem      uint64 `c:"offsetof(PyTupleObject, ob_item)" debug:"tuple_object.ob_item"`
	CellRef        uint64 `c:"offsetof(PyCellObject, ob_ref)"`
	FuncQualname   uint64 `c:"offsetof(PyFunctionObject, func_qualname)"`
	CFunctionMl    uint64 `c:"offsetof(PyCFunctionObject, m_ml)"`
	CFunctionSelf  uint64 `c:"offsetof(PyCFunctionObject, m_self)"`
	MethodDefName  uint64 `c:"offsetof(PyMethodDef, ml_name)"`
	MethodDefMeth  uint64 `c:"offsetof(PyMethodDef, ml_meth)"`
	MethodDefFlags uint64 `c:"offsetof(PyMethodDef, ml_flags)"`
	MethodDefSize  uint64 `c:"sizeof(PyMethodDef)"`
	MethFastcall   uint64 `c:"METH_FASTCALL"`
	ModuleDict     uint64 `c:"offsetof(PyModuleObject, md_dict)"`

	// dict: PyDictObject, PyDictKeysObject and its two entry kinds.
	DictUsed   uint64 `c:"offsetof(PyDictObject, ma_used)"`
	DictKeys   uint64 `c:"offsetof(PyDictObject, ma_keys)" debug:"dict_object.ma_keys"`
	DictValues uint64 `c:"offsetof(PyDictObject, ma_values)" debug:"dict_object.ma_values"`
	// PyDictValues: 3.13 puts capacity, size and flags before the
	// values, and the insertion order after them.
	DictValuesValues       uint64 `c:"offsetof(PyDictValues, values)"`
	DictValuesCapacity     int64  `c:"-1" c313:"offsetof(PyDictValues, capacity)"`
	DictValuesSize         int64  `c:"-1" c313:"offsetof(PyDictValues, size)"`
	DictValuesValid        int64  `c:"-1" c313:"offsetof(PyDictValues, valid)"`
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
