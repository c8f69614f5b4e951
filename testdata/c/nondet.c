/* Prints every kind of nondeterminism a C program can meet; replay must print the same bytes. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

int main(int argc, char **argv) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("clock_gettime %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	printf("gettimeofday %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
	printf("time %ld\n", (long)time(NULL));
	unsigned int aux;
	printf("rdtsc %llu rdtscp %llu\n", (unsigned long long)__rdtsc(), (unsigned long long)__rdtscp(&aux));
	printf("pid %d ppid %d\n", getpid(), getppid());
	unsigned char buf[16];
	getrandom(buf, sizeof buf, 0);
	for (int i = 0; i < 16; i++) printf("%02x", buf[i]);
	printf(" getrandom\n");
	int fd = open("/dev/urandom", O_RDONLY);
	read(fd, buf, sizeof buf);
	close(fd);
	for (int i = 0; i < 16; i++) printf("%02x", buf[i]);
	printf(" urandom\n");
	printf("stack canary-ish %p\n", (void *)&ts);
	printf("heap %p\n", malloc(100));
	struct utsname u;
	uname(&u);
	printf("uname %s %s\n", u.sysname, u.release);
	struct stat st;
	if (argc > 1 && stat(argv[1], &st) == 0) {
		printf("stat size %ld mtime %ld\n", (long)st.st_size, (long)st.st_mtime);
		FILE *f = fopen(argv[1], "r");
		char line[256] = {0};
		fgets(line, sizeof line, f);
		fclose(f);
		printf("file %s", line);
		char link[256] = {0};
		readlink("/proc/self/exe", link, sizeof link - 1);
		printf("exe %s\n", link);
		DIR *d = opendir(".");
		int n = 0;
		while (readdir(d)) n++;
		closedir(d);
		printf("entries %d\n", n);
	}
	char *env = getenv("RRPY_DEMO_VALUE");
	printf("env %s\n", env ? env : "(unset)");
	return 3;
}
