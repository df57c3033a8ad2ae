/*
 * worker: one thread per blocking system call (see worker.h). Threads are
 * rare (a blocked accept or read) and short-lived, so no pool.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdatomic.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKER_STACK (256 * 1024)

struct worker {
	pthread_t tid;
	struct sys_job *job;
	int notify_fd;
	atomic_bool done; /* the call has returned (set before the notification) */
	atomic_int ktid;  /* the kernel's id of the thread, for its state in /proc */
	struct timespec returned; /* CLOCK_MONOTONIC, when the call returned */
};

static void on_sigusr1(int sig)
{
	(void)sig; /* only here to interrupt the blocked call */
}

int worker_init_signals(struct sb *err)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1; /* no SA_RESTART: the call returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		sb_addf(err, "sigaction(SIGUSR1): %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	atomic_store(&w->ktid, (int)gettid());
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	sys_job_run(w->job);
	clock_gettime(CLOCK_MONOTONIC, &w->returned);
	atomic_store(&w->done, true);
	ssize_t n;
	do
		n = write(w->notify_fd, &w, sizeof(w));
	while (n < 0 && errno == EINTR);
	return NULL;
}

struct worker *worker_start(struct sys_job *job, int notify_fd, struct sb *err)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	w->job = job;
	w->notify_fd = notify_fd;
	/* A small stack: the thread only makes one system call, and with memory
	 * locked (tcpsh run) a default 8 MiB stack is faulted in at creation,
	 * milliseconds that would delay the call. */
	pthread_attr_t attr;
	int r = pthread_attr_init(&attr);
	if (!r)
		r = pthread_attr_setstacksize(&attr, WORKER_STACK);
	if (!r)
		r = pthread_create(&w->tid, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (r) {
		sb_addf(err, "cannot start a thread for %s: %s", sys_job_name(job), strerror(r));
		free(w);
		return NULL;
	}
	return w;
}

void worker_interrupt(struct worker *w)
{
	pthread_kill(w->tid, SIGUSR1);
}

void worker_join(struct worker *w)
{
	pthread_join(w->tid, NULL);
	free(w);
}

/* Is the thread asleep in the kernel (state S or D in /proc)? */
static bool asleep(int tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	return p && p[1] == ' ' && (p[2] == 'S' || p[2] == 'D');
}

bool worker_settle(struct worker *w, double max_seconds)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int tid = atomic_load(&w->ktid);
		if (atomic_load(&w->done) || (tid && asleep(tid)))
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9 > max_seconds)
			return false;
		sched_yield();
	}
}

bool worker_done(struct worker *w)
{
	return atomic_load(&w->done);
}

double worker_returned(struct worker *w)
{
	return (double)w->returned.tv_sec + (double)w->returned.tv_nsec / 1e9;
}

struct sys_job *worker_job(const struct worker *w)
{
	return w->job;
}
