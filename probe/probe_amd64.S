// rrpy's stop-point probe: it counts stop points (line starts and
// returns) in a data block and executes int3 only when a condition rrpy
// wrote there holds, so Python runs at native speed between the moments
// rrpy cares about.
//
// Two front doors lead to the same counting, one per clock:
//  - 3.11: a C trace function, int probe(obj, frame, what, arg),
//    installed with PyEval_SetTrace;
//  - 3.12+: sys.monitoring callbacks, each a METH_FASTCALL C function,
//    PyObject *f(self, args, nargs), registered for one event. They find
//    the running frame through the GIL's holder, and make same-line
//    backward jumps line events, as sys.settrace does.
// Either way, at stop_point and at a trap: edx = the event (PyTrace_LINE
// or PyTrace_RETURN; PyTrace_CALL at calls), rcx = its arg (the return
// value; NULL for a return by exception), rdi = the line (0: unknown,
// rrpy reads it from the frame), r8 = the thread's innermost
// _PyInterpreterFrame, r9 = the code object at a call. rrpy reads them
// at a trap. Only registers a callee may clobber are used, except where
// the jump door saves its own.
//
// Assembled by gen.go (go generate) into probe_amd64.bin. The entry
// points and the data block sit at fixed offsets (.org), mirrored by the
// constants in probe.go.


#define TRAP_CALLS  1
#define DEPTH       2
#define RECORD_ONLY 4
#define LINE_INDEX  8

#define INDEX_BITS 16384

#define PYTRACE_CALL   0
#define PYTRACE_LINE   2
#define PYTRACE_RETURN 3

#define JUMP_SLOTS     256
#define JUMP_SLOT_SIZE 32


	.text
	// The entry points, one per 8 bytes (probe.go's Entry constants).
	jmp trace_function
	.org 0x08
	jmp on_line
	.org 0x10
	jmp on_start
	.org 0x18
	jmp on_return
	.org 0x20
	jmp on_unwind
	.org 0x28
	jmp on_jump

	// The trace function (3.11). The frame object's f_lineno is set
	// while CPython calls it.
	.org 0x40
trace_function:
	mov off_f_frame(%rip), %rax
	mov (%rsi,%rax), %r8
	cmp $PYTRACE_LINE, %edx
	je 1f
	cmp $PYTRACE_RETURN, %edx
	je 1f
	cmp $PYTRACE_CALL, %edx
	jne done
	mov off_code(%rip), %rax
	mov (%r8,%rax), %r9
	jmp call_event
1:	mov off_lineno(%rip), %rax
	movslq (%rsi,%rax), %rdi
	jmp stop_point

	// sys.monitoring's LINE (code, line).
on_line:
	call current_frame
	mov 8(%rsi), %rax
	mov off_digit(%rip), %rdi
	mov (%rax,%rdi), %edi      // the line, an int of one digit
	mov $PYTRACE_LINE, %edx
	xor %ecx, %ecx
	jmp stop_point

	// PY_RETURN and PY_YIELD (code, offset, value).
on_return:
	call current_frame
	mov 16(%rsi), %rcx
	jmp 1f
	// PY_UNWIND (code, offset, exception): a return by exception, whose
	// arg the trace function sees as NULL.
on_unwind:
	call current_frame
	xor %ecx, %ecx
1:	mov $PYTRACE_RETURN, %edx
	xor %edi, %edi
	jmp stop_point

	// PY_START (code, offset).
on_start:
	call current_frame
	mov (%rsi), %r9
	mov $PYTRACE_CALL, %edx
	jmp call_event

	// JUMP (code, from, to), offsets in bytes. A backward jump within one
	// line starts that line again (sys.settrace's rule); a forward jump,
	// or one to another line (whose LINE event counts it), is disabled
	// where it stands: CPython stops calling for it.
on_jump:
	mov off_digit(%rip), %r10
	mov 8(%rsi), %rax
	mov (%rax,%r10), %eax      // from
	mov 16(%rsi), %r9
	mov (%r9,%r10), %r9d       // to
	cmp %eax, %r9d
	ja disable
	mov (%rsi), %r10           // the code object
	// The jump's slot in the cache of same-line jumps.
	mov %r10, %r11
	shr $4, %r11
	xor %rax, %r11
	and $(JUMP_SLOTS-1), %r11
	shl $5, %r11
	lea jumps(%rip), %r8
	add %r11, %r8
	cmp (%r8), %r10
	jne jump_lines
	cmp 8(%r8), %eax
	jne jump_lines
	cmp 12(%r8), %r9d
	jne jump_lines
	movslq 16(%r8), %rdi
	jmp jump_stop

	// Not in the cache: ask CPython for both lines (PyCode_Addr2Line),
	// and remember the jump if it stays on its line.
jump_lines:
	push %rbx
	push %r12
	push %r13
	push %r14
	sub $8, %rsp               // calls need rsp 16-byte aligned
	mov %r10, %rbx
	mov %r8, %r12
	mov %eax, %r13d
	mov %r9d, %r14d
	mov %rbx, %rdi
	mov %r13d, %esi
	call *addr2line(%rip)
	mov %eax, (%rsp)
	mov %rbx, %rdi
	mov %r14d, %esi
	call *addr2line(%rip)
	cmp (%rsp), %eax
	jne 1f
	test %eax, %eax
	js 1f
	mov %rbx, (%r12)
	mov %r13d, 8(%r12)
	mov %r14d, 12(%r12)
	mov %eax, 16(%r12)
	movslq %eax, %rdi
	add $8, %rsp
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	jmp jump_stop
1:	add $8, %rsp
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
disable:
	mov disable_obj(%rip), %rax
	ret
jump_stop:
	call current_frame
	mov $PYTRACE_LINE, %edx
	xor %ecx, %ecx
	jmp stop_point

	// current_frame: r8 = the innermost frame of the thread holding the
	// GIL, the one whose callback runs (tstate->cframe->current_frame,
	// 3.13's tstate->current_frame: off_cframe < 0). Clobbers rax.
current_frame:
	mov gil_holder(%rip), %r8
	mov (%r8), %r8
	mov off_cframe(%rip), %rax
	test %rax, %rax
	js 1f
	mov (%r8,%rax), %r8
1:	mov off_current_frame(%rip), %rax
	mov (%r8,%rax), %r8
	ret

	// A call (r9 = its code): trap for every call (rrpy looks for the
	// main script), or for calls of code objects whose first line is in
	// CALLS (breakpoints).
call_event:
	testq $TRAP_CALLS, flags(%rip)
	jnz trap
	mov ncalls(%rip), %r10
	test %r10, %r10
	jz done
	mov off_first(%rip), %rax
	movslq (%r9,%rax), %rax
	lea calls(%rip), %r11
1:	cmp (%r11), %rax
	je trap
	add $8, %r11
	dec %r10
	jnz 1b
	jmp done

stop_point:
	// The index of lines run (rrpy's skip list for line breakpoints):
	// the bit of each line start's number, modulo INDEX_BITS, set in
	// LINE_INDEX, which rrpy reads and clears at the edges of stretches.
	testq $LINE_INDEX, flags(%rip)
	jz 1f
	cmp $PYTRACE_LINE, %edx
	jne 1f
	mov %edi, %r10d
	and $(INDEX_BITS-1), %r10d
	bts %r10, line_index(%rip)
1:	mov time(%rip), %rax
	inc %rax
	mov %rax, time(%rip)
	cmp target(%rip), %rax
	jae trap

	// Watched words (watchpoints): trap at a stop point where one differs
	// from the value rrpy wrote beside it. rrpy lists them in the order
	// it read them, each address taken from words before it, so the first
	// that changed traps before a stale address is followed.
	mov nwords(%rip), %r10
	test %r10, %r10
	jz switch_check
	lea words(%rip), %r11
1:	mov (%r11), %r9
	mov (%r9), %r9
	cmp 8(%r11), %r9
	jne trap
	add $16, %r11
	dec %r10
	jnz 1b

	// Thread switches (nthread, bthread): a stop point of a thread other
	// than OTHER_THAN's (its glibc thread pointer).
switch_check:
	mov other_than(%rip), %rax
	test %rax, %rax
	jz returns_check
	cmp %fs:0x10, %rax
	jne match

	// The return of one frame (the main script's end): a return whose
	// frame is RETURN_OF; and returns by exception in UNWINDS_IN's thread
	// (finding where an uncaught exception was raised).
returns_check:
	cmp $PYTRACE_RETURN, %edx
	jne lines_check
	cmp return_of(%rip), %r8
	je trap
	mov unwinds_in(%rip), %rax
	test %rax, %rax
	jz lines_check
	test %rcx, %rcx
	jnz lines_check
	cmp %fs:0x10, %rax
	je match

	// Line breakpoints: trap at a line start whose number is in LINES;
	// rrpy checks the file.
lines_check:
	cmp $PYTRACE_LINE, %edx
	jne depth
	mov nlines(%rip), %r10
	test %r10, %r10
	jz depth
	lea lines(%rip), %r11
1:	cmp (%r11), %rdi
	je trap
	add $8, %r11
	dec %r10
	jnz 1b

	// Depth condition (next, finish and their backward forms): in one
	// thread (its glibc thread pointer, 0 for any), a stop point whose
	// frame chain is shorter than DEPTH_LIMIT, or as long with an event
	// in DEPTH_MASK.
depth:
	testq $DEPTH, flags(%rip)
	jz done
	mov thread(%rip), %rax
	test %rax, %rax
	jz 2f
	cmp %fs:0x10, %rax
	jne done
2:	mov %r8, %r9
	mov off_prev(%rip), %r11
	xor %r10, %r10
3:	test %r9, %r9
	jz 4f
	inc %r10
	mov (%r9,%r11), %r9
	jmp 3b
4:	cmp depth_limit(%rip), %r10
	jb match
	ja done
	mov depth_mask(%rip), %rax
	bt %rdx, %rax
	jnc done
match:
	testq $RECORD_ONLY, flags(%rip)
	jz trap
	mov time(%rip), %rax
	mov %rax, last_match(%rip)
	jmp done

trap:
	int3
	// What the door returns: 0 from the trace function, None from a
	// callback.
done:
	mov ret_value(%rip), %rax
	ret

	// Where rrpy resumes the probe when reading a watched word faulted
	// (its page was unmapped): a trap, then the normal return.
	.org 0x7e8
fault_trap:
	int3
	jmp done

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
nwords:
	.org 0x950
other_than:
	.org 0x958
return_of:
	.org 0x960
unwinds_in:
	// The clock: written once, when the probe is installed.
	.org 0x980
off_f_frame:
	.org 0x988
off_lineno:
	.org 0x990
off_prev:
	.org 0x998
off_code:
	.org 0x9a0
off_first:
	.org 0x9a8
ret_value:
	.org 0x9b0
disable_obj:
	.org 0x9b8
addr2line:
	.org 0x9c0
gil_holder:
	.org 0x9c8
off_cframe:
	.org 0x9d0
off_current_frame:
	.org 0x9d8
off_digit:
	.org 0x9e0
	// From the second page on: the watched words, (address, value) pairs.
	.org 0x1000
words:
	// The lines run since rrpy last cleared them: INDEX_BITS bits.
	.org 0x3800
line_index:
	// Then the cache of same-line backward jumps: (code, from, to, line).
	.org 0x4000
jumps:
