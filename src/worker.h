/*
 * worker: runs one blocking system call on its own thread, so the shell's
 * thread never waits on the kernel. When the call returns, the worker writes
 * its own pointer to a notify pipe that the event loop watches. Ctrl-C
 * interrupts it with SIGUSR1 (installed without SA_RESTART, so the call
 * returns EINTR).
 */
#ifndef TCPSH_WORKER_H
#define TCPSH_WORKER_H

#include <stdbool.h>

#include "sb.h"
#include "syscalls.h"

struct worker; /* opaque */

/* Installs the SIGUSR1 handler; call once before starting workers. */
int worker_init_signals(struct sb *err);
struct worker *worker_start(struct sys_job *job, int notify_fd, struct sb *err);
void worker_interrupt(struct worker *w);
/* Waits until the call is asleep in the kernel or has returned (at most
 * max_seconds), as packetdrill does before its next event: what the call
 * sends before it blocks (a SYN) is then on the wire. */
bool worker_settle(struct worker *w, double max_seconds);
/* Joins the thread (after its notification arrived) and frees w. */
void worker_join(struct worker *w);
struct sys_job *worker_job(const struct worker *w);
/* The call has returned (its notification is written or about to be). */
bool worker_done(struct worker *w);
/* When the call returned (CLOCK_MONOTONIC seconds); valid once done. */
double worker_returned(struct worker *w);

#endif
