/*
 * syscalls_int: what the system-call executor's files share. syscalls.c has
 * the table, the descriptor map, blocking, and result checks; each
 * syscalls_<family>.c has the prepare, run and check functions of one family
 * (sock: sockets and addresses; data: read/write and their kin; msg:
 * sendmsg/recvmsg and cmsgs; opt: socket options, fcntl, ioctl; poll: poll
 * and epoll; file: pipe, splice, sendfile, open). Not for other modules.
 */
#ifndef TCPSH_SYSCALLS_INT_H
#define TCPSH_SYSCALLS_INT_H

#include <poll.h>
#include <sys/epoll.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "syscalls.h"

/* A script fd that is not open maps to this, so the kernel answers EBADF. */
#define SYS_BAD_FD (1 << 29)
#define SYS_MAX_BUF (1 << 26) /* bytes in one data argument */
#define SYS_MAX_VEC 1024      /* iovecs, pollfds, epoll events in one call */

/* When a call can wait in the kernel, and on what. */
enum sys_blocks {
	SYS_NEVER,
	SYS_ON_IN,      /* data or a connection to take: accept, read, recv, recvmsg */
	SYS_ON_OUT,     /* room in the send buffer, or the handshake: write, send, sendmsg */
	SYS_ON_CONNECT, /* the handshake: connect */
	SYS_ON_POLL,    /* an event, up to the timeout: poll, epoll_wait */
	SYS_ON_CLOSE,   /* a close with SO_LINGER waits for its FIN to be acked */
	SYS_ON_SPLICE,  /* data in and room out */
};

/* What a successful call does to the descriptor map. */
enum sys_fds {
	SYS_FDS_KEEP,
	SYS_FDS_NEW,   /* returns a new fd: numbered as the line's result says */
	SYS_FDS_TAKE,  /* the same, and the number may be taken from an open fd (accept) */
	SYS_FDS_PIPE,  /* makes two fds: numbered as its [r, w] argument says */
	SYS_FDS_CLOSE, /* closes its first argument */
};

struct sys_job;
typedef int (*sys_prep_fn)(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
typedef long long (*sys_run_fn)(struct sys_job *j);
typedef void (*sys_check_fn)(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);

struct sys_row {
	const char *name;
	sys_prep_fn prep;   /* engine thread: arguments into the job */
	sys_run_fn run;     /* any thread: the system call and nothing else */
	enum sys_blocks blocks;
	int flags_arg;      /* which argument holds MSG_* flags (j->a[flags_arg]), or -1 */
	enum sys_fds fds;
	sys_check_fn check; /* engine thread, after a successful call: outputs and detail; or NULL */
};

/* The control buffer of a msghdr: what the line says, built as the kernel
 * would write it. */
struct sys_cmsgs {
	void *buf;
	size_t len;
};

/*
 * One prepared call. Each family uses the fields it needs; sys_job_free
 * frees every pointer here.
 */
struct sys_job {
	const struct sys_row *row;
	const struct syn_syscall *call;
	int script_fd, fd;   /* the first descriptor argument; -1 when none */
	int script_fd2, fd2; /* a second one: sendfile's in, splice's out, epoll_ctl's target */
	long long a[6];      /* integer arguments, by position */
	bool nonblock;       /* O_NONBLOCK, MSG_DONTWAIT, MSG_ERRQUEUE, a zero timeout... */
	size_t want;         /* bytes the call asks to move (blocking estimates) */
	/* data, option value, or NULL for a NULL argument */
	void *buf;
	size_t buflen;
	socklen_t optlen;
	int out_int; /* ioctl's int argument */
	/* an address argument: addr_ptr is &addr, or NULL for a NULL argument */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct sockaddr *addr_ptr;
	socklen_t *addrlen_ptr;
	/* iovecs (readv, writev, sendmsg, recvmsg) and the msghdr */
	struct iovec *iov;
	int iovcnt;
	struct msghdr msg;
	struct sys_cmsgs want_cmsgs; /* recvmsg: the cmsgs the line expects */
	/* poll and epoll */
	struct pollfd *pfd;
	int npfd;
	struct epoll_event *ev;
	int nev;
	int timeout;
	/* pipe, splice, sendfile, open */
	int pipefd[2];
	loff_t off_in, off_out;
	loff_t *off_in_ptr, *off_out_ptr;
	char *path;
	/* the result */
	long long ret;
	int err;
};

/* ---- shared argument helpers (syscalls.c) ---- */

/* Adds a "name: message" error at e's column; returns -1. */
int sys_fail(struct sb *err, int *col, const struct syn_expr *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool sys_is_int(const struct syn_expr *e);
/* Argument i as an integer into j->a[i] (`...` is 0). */
int sys_int_arg(struct sys_job *j, int i, struct sb *err, int *col);
/* Arguments first.. up to 6 as integers. */
int sys_int_args(struct sys_job *j, int first, struct sb *err, int *col);
/* Argument i as a script fd: its number and real fd (SYS_BAD_FD when not open). */
int sys_fd_arg(const struct sys_env *env, const struct sys_job *j, int i, int *script, int *real, struct sb *err,
	       int *col);
/* The real fd of a script fd, SYS_BAD_FD when it is not open. */
int sys_map_fd(const struct sys_env *env, long long script_fd);
/* The script fd of a real one, or -1. */
int sys_script_fd(const struct sys_env *env, int real);
bool sys_fd_nonblocking(int fd);
/* [N]: the single integer of a one-item list. */
bool sys_list_int(const struct syn_expr *e, long long *v);
/* The value of field `name` in a {struct}, or NULL. */
const struct syn_expr *sys_field(const struct syn_expr *st, const char *name);
/* Every field of st is named and in names (NULL-terminated); else an error naming them. */
int sys_fields_known(const struct syn_expr *st, const char *const *names, const char *what, struct sb *err,
		     int *col);

/* ---- shared output helpers (syscalls.c) ---- */

struct sys_flag {
	const char *name;
	unsigned long long bit;
};
extern const struct sys_flag sys_poll_flags[], sys_epoll_flags[], sys_msg_flags[], sys_open_flags[];
/* "POLLIN|POLLOUT", "0" for none, unknown bits in hex. */
void sys_flags_text(struct sb *out, const struct sys_flag *names, unsigned long long v);
/* "192.0.2.1:8080" or "[fd3d::1]:8080". */
void sys_addr_text(struct sb *out, const struct sockaddr_storage *ss);
/* Compares [N] in the line with what the kernel wrote; `...` and other forms are not checked. */
void sys_check_int(struct sys_outcome *out, const struct syn_expr *e, long long got, const char *what);
/* Adds one explanation line to out->why. */
void sys_why(struct sys_outcome *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The kernel's TCP state of fd (TCP_ESTABLISHED...), or -1 when it is no TCP socket. */
int sys_tcp_state(int fd);

/* ---- the families: prepare, run and check functions for the table ---- */

/* syscalls_sock.c */
int sys_prep_socket(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_fd_ints(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_bind(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_connect(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_accept(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_sockname(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_close(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
long long sys_run_socket(struct sys_job *j);
long long sys_run_bind(struct sys_job *j);
long long sys_run_listen(struct sys_job *j);
long long sys_run_accept(struct sys_job *j);
long long sys_run_connect(struct sys_job *j);
long long sys_run_shutdown(struct sys_job *j);
long long sys_run_close(struct sys_job *j);
long long sys_run_getsockname(struct sys_job *j);
long long sys_run_getpeername(struct sys_job *j);
void sys_check_accept(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);
void sys_check_sockname(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);
/* An address argument: `...` (def), NULL, a family constant (AF_UNSPEC) or
 * {sa_family=AF_INET, sin_port=8080, sin_addr="192.0.2.1"}. */
int sys_addr_arg(const struct sys_env *env, struct sys_job *j, int i, const struct sockaddr_storage *def,
		 struct sb *err, int *col);
/* The same for an address given as an expression (msg_name=...), without a length. */
int sys_addr_expr(const struct sys_env *env, struct sys_job *j, const struct syn_expr *e,
		  const struct sockaddr_storage *def, struct sb *err, int *col);

/* syscalls_data.c */
int sys_prep_rw(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_sendto(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_recvfrom(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_rwv(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
long long sys_run_read(struct sys_job *j);
long long sys_run_write(struct sys_job *j);
long long sys_run_recv(struct sys_job *j);
long long sys_run_send(struct sys_job *j);
long long sys_run_sendto(struct sys_job *j);
long long sys_run_recvfrom(struct sys_job *j);
long long sys_run_readv(struct sys_job *j);
long long sys_run_writev(struct sys_job *j);
/* [{..., 1000}, {..., 20}]: zeroed buffers into j->iov; count is the number the line gives, or -1. */
int sys_iov_arg(struct sys_job *j, const struct syn_expr *list, long long count, struct sb *err, int *col);

/* syscalls_msg.c */
int sys_prep_sendmsg(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_recvmsg(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
long long sys_run_sendmsg(struct sys_job *j);
long long sys_run_recvmsg(struct sys_job *j);
void sys_check_recvmsg(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);

/* syscalls_opt.c */
int sys_prep_setsockopt(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_getsockopt(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_fcntl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_ioctl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
long long sys_run_setsockopt(struct sys_job *j);
long long sys_run_getsockopt(struct sys_job *j);
long long sys_run_fcntl(struct sys_job *j);
long long sys_run_ioctl(struct sys_job *j);
void sys_check_getsockopt(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);
void sys_check_fcntl(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);
void sys_check_ioctl(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);

/* syscalls_poll.c */
int sys_prep_poll(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_epoll_create(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_epoll_ctl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_epoll_wait(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
long long sys_run_poll(struct sys_job *j);
long long sys_run_epoll_create(struct sys_job *j);
long long sys_run_epoll_create1(struct sys_job *j);
long long sys_run_epoll_ctl(struct sys_job *j);
long long sys_run_epoll_wait(struct sys_job *j);
void sys_check_poll(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);
void sys_check_epoll_wait(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out);
/* Would poll or epoll_wait return at once (an event is there)? */
bool sys_poll_ready(const struct sys_job *j);

/* syscalls_file.c */
int sys_prep_pipe(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_splice(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_sendfile(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
int sys_prep_open(struct sys_env *env, struct sys_job *j, struct sb *err, int *col);
long long sys_run_pipe(struct sys_job *j);
long long sys_run_splice(struct sys_job *j);
long long sys_run_sendfile(struct sys_job *j);
long long sys_run_open(struct sys_job *j);
/* pipe([5, 6]): the script numbers the line wants, -1 where it gives none. */
void sys_pipe_wanted(const struct sys_job *j, int want[2]);

#endif
