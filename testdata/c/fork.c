/* fork, a pipe, waitpid and the child's exit code. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	int fds[2];
	pipe(fds);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		const char *msg = "hello through the pipe";
		write(fds[1], msg, strlen(msg));
		_exit(42);
	}
	close(fds[1]);
	char buf[64] = {0};
	read(fds[0], buf, sizeof buf - 1);
	int status;
	waitpid(pid, &status, 0);
	printf("child said '%s' and exited %d\n", buf, WEXITSTATUS(status));
	return 0;
}
