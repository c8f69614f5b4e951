package linux_amd64 //nolint:revive,stylecheck

import "testing"

func TestDecodeTimeInstruction(t *testing.T) {
	cases := []struct {
		name string
		code []byte
		want TimeInstruction
		ok   bool
	}{
		{"rdtsc", []byte{0x0f, 0x31, 0x90}, TimeInstruction{Len: 2}, true},
		{"rdtscp", []byte{0x0f, 0x01, 0xf9}, TimeInstruction{Len: 3, WithAux: true}, true},
		{"syscall", []byte{0x0f, 0x05}, TimeInstruction{}, false},
		{"garbage", []byte{0xff}, TimeInstruction{}, false},
	}
	for _, c := range cases {
		got, ok := DecodeTimeInstruction(c.code)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: got %+v %v, want %+v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestReadTSCAdvances(t *testing.T) {
	a := ReadTSC()
	b := ReadTSC()
	if b < a {
		t.Fatalf("TSC went back: %d then %d", a, b)
	}
}
