/* Threads with a mutex and a condition variable: a producer hands numbers
   to two consumers. Replay must print the same interleaving. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int queue[64], head, tail, done;

static void *consumer(void *arg) {
	long id = (long)arg, sum = 0;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (head == tail && !done)
			pthread_cond_wait(&cv, &mu);
		if (head == tail && done) {
			pthread_mutex_unlock(&mu);
			break;
		}
		int v = queue[head++ % 64];
		pthread_mutex_unlock(&mu);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("consumer %ld got %d at %ld.%09ld\n", id, v, (long)ts.tv_sec, ts.tv_nsec);
		sum += v;
	}
	return (void *)sum;
}

int main(void) {
	pthread_t t[2];
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, consumer, (void *)i);
	for (int v = 1; v <= 40; v++) {
		pthread_mutex_lock(&mu);
		queue[tail++ % 64] = v;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	long total = 0;
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		total += (long)r;
	}
	printf("total %ld\n", total);
	return 0;
}
