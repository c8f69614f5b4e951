package linux_amd64 //nolint:revive,stylecheck

import "golang.org/x/arch/x86/x86asm"

// TimeInstruction is an instruction that faults under PR_TSC_SIGSEGV.
type TimeInstruction struct {
	Len     int  // bytes to skip once emulated
	WithAux bool // rdtscp: also sets ecx to TSC_AUX
}

// MaxInstructionLen is how many bytes DecodeTimeInstruction may look at.
const MaxInstructionLen = 15

// DecodeTimeInstruction reports whether code starts with rdtsc or rdtscp.
func DecodeTimeInstruction(code []byte) (TimeInstruction, bool) {
	inst, err := x86asm.Decode(code, 64)
	if err != nil {
		return TimeInstruction{}, false
	}
	switch inst.Op {
	case x86asm.RDTSC:
		return TimeInstruction{Len: inst.Len}, true
	case x86asm.RDTSCP:
		return TimeInstruction{Len: inst.Len, WithAux: true}, true
	}
	return TimeInstruction{}, false
}
