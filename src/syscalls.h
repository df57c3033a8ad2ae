/*
 * syscalls: runs the language's system calls on real sockets. A system edge:
 * one table row per call (how to turn the parsed arguments into real ones,
 * whether it can block now, how to run it, what it outputs). Script file
 * descriptors (3, 4, ... as the script numbers them) are mapped to real ones
 * here; nothing else sees real descriptors.
 *
 * A call is prepared on the engine's thread (arguments checked, fds mapped,
 * buffers made), run on any thread (sys_job_run does only the system call),
 * and finished on the engine's thread (new fds numbered, outputs checked).
 */
#ifndef TCPSH_SYSCALLS_H
#define TCPSH_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sb.h"
#include "syntax.h"

#define SYS_MAX_FDS 1024

struct sys_fd {
	bool used;
	int real;
	bool tcp; /* a TCP socket, whose state tcpsh shows */
};

struct sys_env {
	int family;                    /* AF_INET or AF_INET6: what `...` means in socket() */
	struct sockaddr_storage local; /* bind(..., ...): the kernel's address and bind port */
	struct sockaddr_storage remote;/* connect(..., ...): the peer's address and connect port */
	socklen_t addrlen;
	struct sys_fd fds[SYS_MAX_FDS];/* indexed by script fd */
};

struct sys_job; /* opaque: one prepared call */

void sys_env_init(struct sys_env *env, int family, const uint8_t *kaddr, uint16_t kport, const uint8_t *paddr,
		  uint16_t pport);
void sys_env_close_all(struct sys_env *env);

/* Checks and converts the arguments. Returns NULL with err (and *err_col, the
 * column of the offending argument) on a semantic error; nothing has run. */
struct sys_job *sys_prepare(struct sys_env *env, const struct syn_syscall *call, struct sb *err, int *err_col);
/* Would the call block if run now? (A blocking socket with nothing to
 * accept or read, a connect in progress...) */
bool sys_job_would_block(const struct sys_job *job);
/* Could a call blocked in the kernel return now (its fd readable, writable,
 * connected or in error)? For settling after each line. */
bool sys_job_ready(const struct sys_job *job);
/* Performs the system call. Safe on a worker thread. */
void sys_job_run(struct sys_job *job);

struct sys_outcome {
	long long ret;    /* what the script sees: a script fd for calls that make fds */
	int err;          /* errno when ret == -1 */
	bool checked;     /* the line gave "= ..." */
	bool ok;          /* every check passed (true when nothing was checked) */
	struct sb detail; /* extra output ("flags O_RDWR|O_NONBLOCK", "read 2 bytes") */
	struct sb why;    /* the failed checks, one per line */
	int new_fd;       /* script fd created by the call, or -1 */
	int closed_fd;    /* script fd closed by the call, or -1 */
};

/* Maps new fds, checks the result, errno and outputs against the line. */
void sys_job_finish(struct sys_env *env, struct sys_job *job, struct sys_outcome *out);
void sys_outcome_free(struct sys_outcome *out);
void sys_job_free(struct sys_job *job);
/* The call's name and script fd (the first argument), for messages. */
const char *sys_job_name(const struct sys_job *job);
int sys_job_fd(const struct sys_job *job);

/* Real fd of a script fd, or -1. */
int sys_real_fd(const struct sys_env *env, int script_fd);

#endif
