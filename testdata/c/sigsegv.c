/* A synchronous signal: a SIGSEGV handler that recovers from a fault. It
   recurs by itself on replay and must not be delivered twice. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile int faults;

static void on_segv(int sig) {
	faults++;
	siglongjmp(env, 1);
}

int main(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < 3; i++) {
		if (sigsetjmp(env, 1) == 0) {
			volatile int *p = (int *)16;
			*p = i;
		}
		printf("recovered from fault %d\n", faults);
	}
	return faults;
}
