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
 *
 * The semantics are packetdrill's: `...` is "the obvious" (the kernel's
 * address for bind, the peer's for connect, sendto and sendmsg, a zeroed
 * buffer of the given size), output arguments given in the line ([N] for an
 * int, revents, epoll events, msg_flags, cmsgs) are compared with what the
 * kernel wrote, and a difference is explained in one line of sys_outcome.why.
 */
#ifndef TCPSH_SYSCALLS_H
#define TCPSH_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "sb.h"
#include "syntax.h"

#define SYS_MAX_FDS 1024

struct sys_fd {
	bool used;
	int real;
	bool tcp; /* a TCP socket, whose state tcpsh shows */
};

/* Address modes, as packetdrill's --ip_version names them. */
enum {
	SYS_MODE_IPV4 = 4,        /* AF_INET sockets, 4-byte addresses */
	SYS_MODE_IPV6 = 6,        /* AF_INET6 sockets, 16-byte addresses */
	SYS_MODE_IPV4_MAPPED = 46 /* AF_INET6 sockets, addresses ::ffff:a.b.c.d */
};

struct sys_env {
	int mode;                      /* SYS_MODE_* */
	int family;                    /* AF_INET or AF_INET6: what `...` means in socket() */
	struct sockaddr_storage local; /* bind(..., ...): the kernel's address and bind port */
	struct sockaddr_storage remote;/* connect(..., ...): the peer's address and connect port */
	socklen_t addrlen;
	struct timespec t0_real;       /* CLOCK_REALTIME of script time 0 (SCM_TIMESTAMPING checks) */
	long tolerance_usecs;          /* how far a kernel timestamp may be from the script's */
	struct sys_fd fds[SYS_MAX_FDS];/* indexed by script fd */
	/* Real fds whose script number an accept took over (packetdrill lets
	 * accept reuse a number): still open, closed with the rest. */
	int hidden[SYS_MAX_FDS];
	int nhidden;
};

struct sys_job; /* opaque: one prepared call */

/* family AF_INET means mode 4, AF_INET6 mode 6; kaddr and paddr hold 4 or
 * 16 bytes accordingly. */
void sys_env_init(struct sys_env *env, int family, const uint8_t *kaddr, uint16_t kport, const uint8_t *paddr,
		  uint16_t pport);
/* mode is SYS_MODE_*: 4 and 46 take 4-byte addresses (46 maps them into
 * ::ffff:0:0/96), 6 takes 16-byte ones. Script time 0 is set to now and the
 * tolerance to 4000 us until sys_env_set_clock says otherwise. */
void sys_env_init_mode(struct sys_env *env, int mode, const uint8_t *kaddr, uint16_t kport,
		       const uint8_t *paddr, uint16_t pport);
/* Script time 0 as CLOCK_REALTIME, and the timing tolerance, for the
 * timestamps that recvmsg's SCM_TIMESTAMPING cmsgs are checked against. */
void sys_env_set_clock(struct sys_env *env, const struct timespec *t0_real, long tolerance_usecs);
void sys_env_close_all(struct sys_env *env);

/* Checks and converts the arguments. Returns NULL with err (and *err_col, the
 * column of the offending argument) on a semantic error; nothing has run. */
struct sys_job *sys_prepare(struct sys_env *env, const struct syn_syscall *call, struct sb *err, int *err_col);
/* Would the call block if run now? (A blocking socket with nothing to accept
 * or read, a connect to make, a write bigger than the room in the send
 * buffer, a poll with a timeout and no event yet...) Errs on the side of
 * "yes": a call said not to block must not. */
bool sys_job_would_block(const struct sys_job *job);
/* Could a call blocked in the kernel return now (its fd readable, writable,
 * connected or in error)? For settling after each line; errs on the side
 * of "no". */
bool sys_job_ready(const struct sys_job *job);
/* Performs the system call. Safe on a worker thread. */
void sys_job_run(struct sys_job *job);

struct sys_outcome {
	long long ret;    /* what the script sees: a script fd for calls that make fds */
	int err;          /* errno when ret == -1 */
	bool checked;     /* the line gave "= ..." */
	bool ok;          /* every check passed (true when nothing was checked) */
	struct sb detail; /* extra output ("flags O_RDWR|O_NONBLOCK", "revents POLLIN") */
	struct sb why;    /* the failed checks, one per line */
	int new_fd;       /* script fd created by the call (pipe: the read end), or -1 */
	int closed_fd;    /* script fd closed by the call, or -1 */
};

/* Maps new fds, checks the result, errno and outputs against the line. */
void sys_job_finish(struct sys_env *env, struct sys_job *job, struct sys_outcome *out);
void sys_outcome_free(struct sys_outcome *out);
void sys_job_free(struct sys_job *job);
/* The call's name and script fd (the first descriptor argument: poll's first
 * pollfd), for messages; -1 when the call has none. */
const char *sys_job_name(const struct sys_job *job);
int sys_job_fd(const struct sys_job *job);

/* Real fd of a script fd, or -1. */
int sys_real_fd(const struct sys_env *env, int script_fd);

#endif
