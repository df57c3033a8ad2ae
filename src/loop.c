/*
 * loop: poll() over registered descriptors (see loop.h). Callbacks may add or
 * remove registrations; a snapshot of the ready set is taken before any runs.
 */
#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "sb.h"

struct loop_entry {
	int fd;
	loop_cb cb;
	void *ctx;
};

struct loop {
	struct pollfd *pfd;
	struct loop_entry *ent;
	size_t n, cap;
};

struct loop *loop_new(void)
{
	return xcalloc(1, sizeof(struct loop));
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	free(l->pfd);
	free(l->ent);
	free(l);
}

void loop_add(struct loop *l, int fd, short events, loop_cb cb, void *ctx)
{
	loop_del(l, fd);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->pfd = xrealloc(l->pfd, l->cap * sizeof(*l->pfd));
		l->ent = xrealloc(l->ent, l->cap * sizeof(*l->ent));
	}
	l->pfd[l->n] = (struct pollfd){.fd = fd, .events = events};
	l->ent[l->n] = (struct loop_entry){fd, cb, ctx};
	l->n++;
}

void loop_del(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->pfd[i].fd != fd)
			continue;
		memmove(&l->pfd[i], &l->pfd[i + 1], (l->n - i - 1) * sizeof(*l->pfd));
		memmove(&l->ent[i], &l->ent[i + 1], (l->n - i - 1) * sizeof(*l->ent));
		l->n--;
		return;
	}
}

int loop_once(struct loop *l, int timeout_ms)
{
	int r = poll(l->pfd, l->n, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	size_t n = l->n, nready = 0;
	struct loop_entry *ready = xmalloc(n * sizeof(*ready));
	short *rev = xmalloc(n * sizeof(*rev));
	for (size_t i = 0; i < n; i++) {
		if (l->pfd[i].revents) {
			ready[nready] = l->ent[i];
			rev[nready++] = l->pfd[i].revents;
		}
	}
	for (size_t i = 0; i < nready; i++) {
		/* Skip fds a previous callback removed. */
		bool still = false;
		for (size_t k = 0; k < l->n && !still; k++)
			still = l->ent[k].fd == ready[i].fd && l->ent[k].cb == ready[i].cb;
		if (still)
			ready[i].cb(ready[i].ctx, ready[i].fd, rev[i]);
	}
	free(ready);
	free(rev);
	return (int)nready;
}

/* True when RLIMIT_MEMLOCK does not bind us: unlimited, or the privilege
 * (CAP_IPC_LOCK in the initial namespace) to lock more. Asked of the kernel
 * itself: lock, on fault only, a reserved but untouched range one page
 * larger than the limit. */
static bool can_lock_past_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		return false;
	if (rl.rlim_cur == RLIM_INFINITY)
		return true;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = ((size_t)rl.rlim_cur / page + 1) * page;
	void *p = mmap(NULL, n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	bool ok = mlock2(p, n, MLOCK_ONFAULT) == 0;
	munmap(p, n);
	return ok;
}

/*
 * Timing like packetdrill's: with more than one CPU, the lowest real-time
 * priority (round robin, so the machine stays usable) and memory locked in,
 * so a busy machine delays our events less. Best effort: without the
 * privilege, scripts still run, with more jitter. `tcpsh run` and the
 * shell both: the shell's timed lines keep to their schedule as a script's do.
 */
void loop_steady_timing(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		struct sched_param sp = {.sched_priority = sched_get_priority_min(SCHED_RR)};
		sched_setscheduler(0, SCHED_RR, &sp);
	}
	/* MCL_ONFAULT locks each page when it is first touched. Without it,
	 * mlockall read in and locked every page of every library mapped
	 * (libpcap's dependencies alone are megabytes, almost all unused) and
	 * the whole capture ring: a third of a short script's run time and
	 * 6 MiB of memory. Kernels before 4.4 lack the flag: then as before. */
	/* Future mappings too, but only where no limit can then refuse one:
	 * unprivileged (in a user namespace), MCL_FUTURE under an 8 MiB
	 * RLIMIT_MEMLOCK made the capture ring's mmap fail with EAGAIN. */
	int flags = MCL_CURRENT | MCL_ONFAULT | (can_lock_past_limit() ? MCL_FUTURE : 0);
	if (mlockall(flags) < 0 && errno == EINVAL)
		mlockall(flags & ~MCL_ONFAULT);
}

int loop_signal_fd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &set, NULL)) {
		perror("tcpsh: sigprocmask");
		return -1;
	}
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		perror("tcpsh: signalfd");
	return fd;
}
