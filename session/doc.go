// Package session holds rrpy's two session types over the same ptrace
// primitives: a recorder, which runs a program and writes every
// nondeterministic input into a trace, and a replayer, which re-executes
// the program from that trace without asking the world again.
//
// Replay runs the tracee under PTRACE_SYSEMU: the kernel skips every
// syscall, and the replayer writes back the recorded result and output
// bytes. The few syscalls whose effect lives in the process itself
// (memory layout, signal dispositions) are injected again for real, as
// the syscalls table says. Any difference between what the tracee does
// and what the trace says is a divergence, reported with its event number.
package session
