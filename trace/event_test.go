package trace

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
)

// sampleEvents returns one event of every kind, with extreme values and a
// 1 MiB write, as the recorder would produce them.
func sampleEvents() []*Event {
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>11)
	}
	return []*Event{
		{Kind: KindExec, Tid: 1234, Blob: strings.Repeat("ab", 32), Path: "/usr/bin/python3",
			Regs:   []uint64{0, 1, math.MaxUint64, 0x7ffd12345678, 59},
			Writes: []MemWrite{{Addr: 0x7ffd00000000, Data: big}}},
		{Kind: KindTick, Tid: 1235, Time: 1 << 40},
		{Kind: KindSyscall, Tid: 1234, Nr: 0, Args: [6]uint64{3, 0x5555000, 4096, 0, 0, math.MaxUint64},
			Result: 5, Writes: []MemWrite{{Addr: 0x5555000, Data: []byte("hello")}, {Addr: 1, Data: []byte{0}}}},
		{Kind: KindSyscall, Tid: 1234, Nr: 9, Args: [6]uint64{0, 8192, 5, 2, 3, 0},
			Result: 0x7f0000000000, Blob: strings.Repeat("cd", 32), Path: "/lib/libc.so.6"},
		{Kind: KindSyscall, Tid: math.MaxInt32, Nr: 2, Result: -2},
		{Kind: KindSyscall, Tid: math.MinInt32, Nr: math.MinInt32, Result: math.MinInt64},
		{Kind: KindInstruction, Tid: 1234, Regs: []uint64{0x1234, 0x5678, 0}},
		{Kind: KindSignal, Tid: 1234, Nr: 2},
		{Kind: KindExit, Tid: 1234, Status: 256},
		{Kind: KindExit, Status: -1},
	}
}

func TestEventRoundTrip(t *testing.T) {
	for _, ev := range sampleEvents() {
		enc := appendEvent(nil, ev)
		got, n, err := decodeEvent(enc)
		if err != nil {
			t.Fatalf("decode %s: %v", ev.Kind, err)
		}
		if n != len(enc) {
			t.Errorf("decode %s used %d of %d bytes", ev.Kind, n, len(enc))
		}
		if !reflect.DeepEqual(got, ev) {
			t.Errorf("decode %s: got %+v, want %+v", ev.Kind, got, ev)
		}
	}
}

func TestEventEncodingIsCompact(t *testing.T) {
	// A typical syscall without outputs should cost a handful of bytes.
	ev := &Event{Kind: KindSyscall, Tid: 100, Nr: 39, Result: 100}
	if n := len(appendEvent(nil, ev)); n > 8 {
		t.Errorf("getpid event encodes to %d bytes, want <= 8", n)
	}
}

func TestDecodeEventRejects(t *testing.T) {
	valid := appendEvent(nil, sampleEvents()[1])
	cases := map[string][]byte{
		"empty":         nil,
		"kind zero":     {0, 0, 0, 0},
		"kind too big":  {byte(KindShared) + 1, 0, 0, 0},
		"time missing":  {1, flagTime, 0, 0},
		"truncated":     valid[:len(valid)-1],
		"tid too big":   {1, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0},
		"huge count":    {1, flagWrites, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge data len": {1, flagBlob, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f, 'a'},
		"overflow":      {1, flagResult, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	}
	for name, b := range cases {
		if ev, _, err := decodeEvent(b); err == nil {
			t.Errorf("%s: decoded %+v, want error", name, ev)
		}
	}
}

func TestEventKindString(t *testing.T) {
	want := map[EventKind]string{KindSyscall: "syscall", KindExec: "exec", KindInstruction: "instruction",
		KindSignal: "signal", KindExit: "exit", 0: "EventKind(0)", 200: "EventKind(200)"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("EventKind(%d).String() = %q, want %q", uint8(k), k.String(), s)
		}
	}
}

// FuzzDecodeEvent checks that decoding arbitrary bytes never panics and
// that whatever decodes re-encodes to an event that decodes the same.
func FuzzDecodeEvent(f *testing.F) {
	for _, ev := range sampleEvents() {
		enc := appendEvent(nil, ev)
		if len(enc) > 4096 {
			continue // keep the corpus small; the big write adds nothing
		}
		f.Add(enc)
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0x7f, 0, 0})
	f.Add([]byte{2, flagWrites, 0, 0, 2, 0, 3, 'a', 'b'})
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, n, err := decodeEvent(data)
		if err != nil {
			return
		}
		if n < 2 || n > len(data) {
			t.Fatalf("decode used %d of %d bytes", n, len(data))
		}
		again, m, err := decodeEvent(appendEvent(nil, ev))
		if err != nil {
			t.Fatalf("re-decode of %+v: %v", ev, err)
		}
		if !reflect.DeepEqual(again, ev) {
			t.Fatalf("re-decode: got %+v, want %+v", again, ev)
		}
		if m > n {
			t.Fatalf("re-encoding grew from %d to %d bytes", n, m)
		}
	})
}
