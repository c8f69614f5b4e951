// rrpy's stop-point probe: a C trace function for CPython, installed with
// PyEval_SetTrace(probe, NULL) at a fixed address in the tracee. It counts
// stop points (line starts and returns) and executes int3 only when a
// condition rrpy wrote into the data block holds, so Python runs at
// native speed between the moments rrpy cares about.
//
// Called as int probe(PyObject *obj, PyFrameObject *frame, int what,
// PyObject *arg): rsi = frame, edx = what, rcx = arg. It keeps rsi, rdx
// and rcx intact so rrpy reads them at a trap, and uses only registers a
// callee may clobber.
//
// Assembled by gen.go (go generate) into probe_amd64.bin. The entry
// points and the data block sit at fixed offsets (.org), mirrored by the
// constants in probe.go.


#define TRAP_CALLS  1
#define DEPTH       2
#define RECORD_ONLY 4


	.text
probe:
	cmp $2, %edx               // PyTrace_LINE
	je stop_point
	cmp $3, %edx               // PyTrace_RETURN (arg NULL when by exception)
	je stop_point
	test %edx, %edx            // PyTrace_CALL
	jne ret0

	// A call: trap for every call (rrpy looks for the main script), or for
	// calls of code objects whose first line is in CALLS (breakpoints).
	testq $TRAP_CALLS, flags(%rip)
	jnz trap
	mov ncalls(%rip), %r8
	test %r8, %r8
	jz ret0
	mov off_f_frame(%rip), %rax
	mov (%rsi,%rax), %r9
	mov off_code(%rip), %rax
	mov (%r9,%rax), %r9
	mov off_first(%rip), %rax
	movslq (%r9,%rax), %r9
	lea calls(%rip), %r10
1:	cmp (%r10), %r9
	je trap
	add $8, %r10
	dec %r8
	jnz 1b
	jmp ret0

stop_point:
	mov time(%rip), %rax
	inc %rax
	mov %rax, time(%rip)
	cmp target(%rip), %rax
	jae trap

	// Watched words (watchpoints): trap at a stop point where one differs
	// from the value rrpy wrote beside it. rrpy lists them in the order
	// it read them, each address taken from words before it, so the first
	// that changed traps before a stale address is followed.
	mov nwords(%rip), %r8
	test %r8, %r8
	jz switch_check
	lea words(%rip), %r10
1:	mov (%r10), %r9
	mov (%r9), %r9
	cmp 8(%r10), %r9
	jne trap
	add $16, %r10
	dec %r8
	jnz 1b

	// Thread switches (nthread, bthread): a stop point of a thread other
	// than OTHER_THAN's (its glibc thread pointer).
switch_check:
	mov other_than(%rip), %rax
	test %rax, %rax
	jz lines_check
	cmp %fs:0x10, %rax
	jne match

	// Line breakpoints: trap at a line start whose number is in LINES;
	// rrpy checks the file.
lines_check:
	cmp $2, %edx
	jne depth
	mov nlines(%rip), %r8
	test %r8, %r8
	jz depth
	mov off_lineno(%rip), %rax
	movslq (%rsi,%rax), %r9
	lea lines(%rip), %r10
1:	cmp (%r10), %r9
	je trap
	add $8, %r10
	dec %r8
	jnz 1b

	// Depth condition (next, finish and their backward forms): in one
	// thread (its glibc thread pointer, 0 for any), a stop point whose
	// frame chain is shorter than DEPTH_LIMIT, or as long with an event
	// in DEPTH_MASK.
depth:
	testq $DEPTH, flags(%rip)
	jz ret0
	mov thread(%rip), %rax
	test %rax, %rax
	jz 2f
	cmp %fs:0x10, %rax
	jne ret0
2:	mov off_f_frame(%rip), %rax
	mov (%rsi,%rax), %r9
	mov off_prev(%rip), %r10
	xor %r8, %r8
3:	test %r9, %r9
	jz 4f
	inc %r8
	mov (%r9,%r10), %r9
	jmp 3b
4:	cmp depth_limit(%rip), %r8
	jb match
	ja ret0
	mov depth_mask(%rip), %rax
	bt %rdx, %rax
	jnc ret0
match:
	testq $RECORD_ONLY, flags(%rip)
	jz trap
	mov time(%rip), %rax
	mov %rax, last_match(%rip)
	jmp ret0

trap:
	int3
ret0:
	xor %eax, %eax
	ret

	// Where rrpy resumes the probe when reading a watched word faulted
	// (its page was unmapped): a trap, then the normal return.
	.org 0x7e8
fault_trap:
	int3
	xor %eax, %eax
	ret

	// Where an injected function call returns to.
	.org 0x7f0
call_return:
	int3
	// Where rrpy injects syscalls (checkpoint forks).
	.org 0x7f8
do_syscall:
	syscall
	int3

	// The data block, at fixed offsets from the page start.
	.org 0x800
time:
	.org 0x808
target:
	.org 0x810
flags:
	.org 0x818
thread:
	.org 0x820
depth_limit:
	.org 0x828
depth_mask:
	.org 0x830
last_match:
	.org 0x838
nlines:
	.org 0x840
lines:
	.org 0x8c0
ncalls:
	.org 0x8c8
calls:
	.org 0x948
off_f_frame:
	.org 0x950
off_lineno:
	.org 0x958
off_prev:
	.org 0x960
off_code:
	.org 0x968
off_first:
	.org 0x970
nwords:
	.org 0x978
other_than:
	.org 0x980
	// From the second page on: the watched words, (address, value) pairs.
	.org 0x1000
words:
