/*
 * timerfloor: the floor for figure 3. Sleeps through the gaps given on stdin
 * (seconds, one a line) with an absolute CLOCK_MONOTONIC timerfd, as tcpsh's
 * event loop does, and prints how late each wake-up was, in seconds. What
 * this shows is the machine's own wake-up latency, not tcpsh's.
 */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (fd < 0) {
		perror("timerfd_create");
		return 2;
	}
	double gap, due = now();
	while (scanf("%lf", &gap) == 1) {
		due += gap;
		struct itimerspec its = {{0, 0}, {(time_t)due, (long)((due - (double)(time_t)due) * 1e9)}};
		if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL)) {
			perror("timerfd_settime");
			return 2;
		}
		struct pollfd p = {fd, POLLIN, 0};
		uint64_t n;
		if (poll(&p, 1, -1) < 0 || read(fd, &n, sizeof(n)) < 0) {
			perror("timerfd");
			return 2;
		}
		printf("%.6f\n", now() - due);
	}
	return 0;
}
