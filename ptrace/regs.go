package ptrace

// Regs is the x86-64 user_regs_struct, field for field, so that it converts
// directly to and from the kernel's layout.
type Regs struct {
	R15      uint64
	R14      uint64
	R13      uint64
	R12      uint64
	Rbp      uint64
	Rbx      uint64
	R11      uint64
	R10      uint64
	R9       uint64
	R8       uint64
	Rax      uint64
	Rcx      uint64
	Rdx      uint64
	Rsi      uint64
	Rdi      uint64
	Orig_rax uint64 //nolint:revive // the kernel's name
	Rip      uint64
	Cs       uint64
	Eflags   uint64
	Rsp      uint64
	Ss       uint64
	Fs_base  uint64 //nolint:revive // the kernel's name
	Gs_base  uint64 //nolint:revive // the kernel's name
	Ds       uint64
	Es       uint64
	Fs       uint64
	Gs       uint64
}

// regsWords is the number of 64-bit words in Regs.
const regsWords = 27

// Words flattens the registers in kernel order, for storing in a trace.
func (r *Regs) Words() []uint64 {
	return []uint64{r.R15, r.R14, r.R13, r.R12, r.Rbp, r.Rbx, r.R11, r.R10, r.R9, r.R8,
		r.Rax, r.Rcx, r.Rdx, r.Rsi, r.Rdi, r.Orig_rax, r.Rip, r.Cs, r.Eflags, r.Rsp,
		r.Ss, r.Fs_base, r.Gs_base, r.Ds, r.Es, r.Fs, r.Gs}
}

// RegsFromWords is the inverse of Words; ok is false when w has the wrong length.
func RegsFromWords(w []uint64) (r Regs, ok bool) {
	if len(w) != regsWords {
		return r, false
	}
	r = Regs{w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9],
		w[10], w[11], w[12], w[13], w[14], w[15], w[16], w[17], w[18], w[19],
		w[20], w[21], w[22], w[23], w[24], w[25], w[26]}
	return r, true
}

// Args returns the six syscall argument registers in ABI order.
func (r *Regs) Args() [6]uint64 {
	return [6]uint64{r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9}
}

// SetArgs sets the six syscall argument registers in ABI order.
func (r *Regs) SetArgs(a [6]uint64) {
	r.Rdi, r.Rsi, r.Rdx, r.R10, r.R8, r.R9 = a[0], a[1], a[2], a[3], a[4], a[5]
}

// Result is rax read as a signed syscall result.
func (r *Regs) Result() int64 { return int64(r.Rax) }
