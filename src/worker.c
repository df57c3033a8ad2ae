/*
 * worker: one thread per blocking system call (see worker.h). Threads are
 * rare (a blocked accept or read) and short-lived, so no pool.
 */
#include "worker.h"

#include <errno.h>
#include <stdatomic.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct worker {
	pthread_t tid;
	struct sys_job *job;
	int notify_fd;
	atomic_bool done; /* the call has returned (set before the notification) */
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
	int r = pthread_create(&w->tid, NULL, worker_main, w);
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
