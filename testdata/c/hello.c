/* Two builds of one program, alike in layout: with -DOTHER it asks its
   parent's pid where the default build asks its own. Replaying a recording
   of one with the other must diverge at that syscall. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
#ifdef OTHER
	int id = getppid();
#else
	int id = getpid();
#endif
	printf("hello %d\n", id > 0);
	return 0;
}
