package probe

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The committed machine code is what probe_amd64.S assembles to.
func TestCodeMatchesSource(t *testing.T) {
	for _, tool := range []string{"gcc", "objcopy"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: cannot assemble probe_amd64.S", tool)
		}
	}
	dir := t.TempDir()
	obj, bin := filepath.Join(dir, "p.o"), filepath.Join(dir, "p.bin")
	for _, args := range [][]string{{"gcc", "-c", "probe_amd64.S", "-o", obj}, {"objcopy", "-O", "binary", "--only-section=.text", obj, bin}} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, code) {
		t.Errorf("probe_amd64.bin is stale: run go generate ./probe")
	}
}

// The page carries the code at its entry points and the clock where the
// machine code reads it.
func TestImage(t *testing.T) {
	page := Image(Clock{FrameObjectFrame: 24, FrameObjectLineno: 40, FramePrevious: 48, FrameCode: 32, CodeFirstLineno: 72,
		ThreadStateCframe: -1, LongDigit: 24})
	if len(page) != PageSize || page[CallReturn-Addr] != 0xcc || page[FaultTrap-Addr] != 0xcc || !bytes.Equal(page[Syscall-Addr:Syscall-Addr+3], []byte{0x0f, 0x05, 0xcc}) {
		t.Fatalf("entry points are not where probe.go says")
	}
	// Each door's first instruction is a jmp (e9 rel32 or eb rel8).
	for _, entry := range []uint64{TraceFunc, OnLine, OnStart, OnReturn, OnUnwind, OnJump} {
		if op := page[entry-Addr]; op != 0xe9 && op != 0xeb {
			t.Errorf("entry %#x starts with %#x, not a jmp", entry, op)
		}
	}
	word := func(off int) uint64 { return binary.LittleEndian.Uint64(page[off:]) }
	if word(offTarget) != ^uint64(0) || word(offClock) != 24 || word(offClock+32) != 72 || word(offClock+72) != ^uint64(0) || word(offClock+88) != 24 {
		t.Errorf("data block: target %#x, clock %d..%d, cframe %#x, digit %d", word(offTarget), word(offClock), word(offClock+32), word(offClock+72), word(offClock+88))
	}
	if offClock+8*len(Clock{}.words()) > offScratch {
		t.Errorf("the clock overruns the scratch space")
	}
}

// Conditions are laid out where the machine code reads them.
func TestConditionsEncoding(t *testing.T) {
	c := Conditions{Target: 7, TrapCalls: true, Lines: []int{12, 14}, Calls: []int{3},
		Depth: &Depth{Thread: 0x1234, Limit: 2, Events: []Event{Line, Return}, RecordOnly: true}}
	buf, err := c.encode()
	if err != nil {
		t.Fatal(err)
	}
	word := func(off int) uint64 { return binary.LittleEndian.Uint64(buf[off-offTarget:]) }
	checks := map[int]uint64{offTarget: 7, offFlags: flagTrapCalls | flagDepth | flagRecordOnly, offThread: 0x1234,
		offDepthLimit: 2, offDepthMask: 1<<Line | 1<<Return, offNLines: 2, offLines: 12, offLines + 8: 14, offNCalls: 1, offCalls: 3}
	for off, want := range checks {
		if got := word(off); got != want {
			t.Errorf("word at %#x = %#x, want %#x", off, got, want)
		}
	}
	if _, err := (Conditions{Lines: make([]int, MaxBreakLines+1)}).encode(); err != ErrTooMany {
		t.Errorf("17 lines: %v, want ErrTooMany", err)
	}
}

// Watched words go after the first page, their count (and the switch's
// thread) before the clock.
func TestWordsEncoding(t *testing.T) {
	c := Conditions{Words: []Word{{Addr: 0x1000, Value: 7}, {Addr: 0x2008, Value: 9}}, Switch: &Switch{From: 0x7000},
		ReturnOf: 0x5000, UnwindsIn: 0x6000}
	tail, table, err := c.encodeTail()
	if err != nil {
		t.Fatal(err)
	}
	word := func(off int) uint64 { return binary.LittleEndian.Uint64(tail[off-offNWords:]) }
	if word(offNWords) != 2 || word(offOtherThan) != 0x7000 || word(offReturnOf) != 0x5000 || word(offUnwindsIn) != 0x6000 || len(table) != 32 ||
		binary.LittleEndian.Uint64(table[16:]) != 0x2008 || binary.LittleEndian.Uint64(table[24:]) != 9 {
		t.Errorf("tail %x, table %x", tail, table)
	}
	if offWords+16*MaxWords != offLineIndex || offLineIndex+LineIndexBits/8 != offJumps || offUnwindsIn+8 > offClock {
		t.Errorf("the table and the index of lines do not fill the pages between the first and the jump cache")
	}
	if offJumps+256*32 != PageSize {
		t.Errorf("the jump cache (256 slots of 32 bytes) does not end the page")
	}
	if _, _, err := (Conditions{Words: make([]Word, MaxWords+1)}).encodeTail(); err != ErrTooManyWords {
		t.Errorf("%d words: %v, want ErrTooManyWords", MaxWords+1, err)
	}
}
