/* One thread spins on a flag that another sets after a sleep: no syscall
   from the spinner, and no Python probe to stop it at. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile int flag;

static void *setter(void *arg) {
	(void)arg;
	usleep(100000);
	flag = 1;
	return NULL;
}

int main(void) {
	pthread_t t;
	pthread_create(&t, NULL, setter, NULL);
	while (!flag)
		;
	pthread_join(t, NULL);
	puts("flag seen");
	return 0;
}
