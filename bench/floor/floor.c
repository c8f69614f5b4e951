/*
 * floor: the least a ptrace recorder can do per syscall, for bench/run.sh's
 * getppid workload. It runs PROGRAM under PTRACE_SYSCALL and, at each
 * entry and exit stop, reads the registers (PTRACE_GETREGS) and nothing
 * else: what any recorder must pay before it records anything.
 *
 *   floor [-tsc] PROGRAM [ARGS...]
 *
 * -tsc traps rdtsc in PROGRAM as rrpy does (PR_SET_TSC), which makes every
 * switch between tracer and tracee toggle CR4.TSD; the tracer gives a
 * trapped rdtsc/rdtscp its own counter. Other signals are passed on;
 * threads and children are not followed (the workload has none).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

/* emulate_tsc gives a trapped rdtsc or rdtscp (the SIGSEGV PR_TSC_SIGSEGV
 * raises) the tracer's counter, and says whether it was one. */
static int emulate_tsc(pid_t pid)
{
	struct user_regs_struct regs;
	ptrace(PTRACE_GETREGS, pid, 0, &regs);
	long code = ptrace(PTRACE_PEEKTEXT, pid, regs.rip, 0);
	int len = (code & 0xffff) == 0x310f ? 2 : (code & 0xffffff) == 0xf9010f ? 3 : 0;
	if (!len)
		return 0;
	unsigned long long tsc = __rdtsc();
	regs.rax = tsc & 0xffffffff;
	regs.rdx = tsc >> 32;
	if (len == 3)
		regs.rcx = 0;
	regs.rip += len;
	ptrace(PTRACE_SETREGS, pid, 0, &regs);
	return 1;
}

int main(int argc, char **argv)
{
	int tsc = argc > 1 && strcmp(argv[1], "-tsc") == 0;
	char **prog = argv + 1 + tsc;
	if (!*prog) {
		fprintf(stderr, "usage: floor [-tsc] PROGRAM [ARGS...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		if (tsc)
			prctl(PR_SET_TSC, PR_TSC_SIGSEGV);
		execvp(prog[0], prog);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0); /* the exec's SIGTRAP */
	ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
	long stops = 0;
	int sig = 0;
	for (;;) {
		ptrace(PTRACE_SYSCALL, pid, 0, sig);
		sig = 0;
		if (waitpid(pid, &status, __WALL) < 0 || WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			struct user_regs_struct regs;
			ptrace(PTRACE_GETREGS, pid, 0, &regs);
			stops++;
		} else if (!(tsc && WSTOPSIG(status) == SIGSEGV && emulate_tsc(pid))) {
			sig = WSTOPSIG(status);
		}
	}
	fprintf(stderr, "floor: %ld syscall stops\n", stops);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
