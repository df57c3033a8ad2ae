/*
 * syscalls: the language's system calls on real sockets (see syscalls.h).
 * Adding a call is one row in `rows` and, where its arguments are special,
 * one prepare function.
 */
#include "syscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "consts.h"

/* A script fd that is not open maps to this, so the kernel answers EBADF. */
#define SYS_BAD_FD (1 << 29)

enum blocks { NEVER, ON_IN, ON_OUT, ON_CONNECT };

struct sys_job;
typedef int (*prep_fn)(struct sys_env *, struct sys_job *, struct sb *, int *);
typedef long long (*run_fn)(struct sys_job *);

struct sys_row {
	const char *name;
	prep_fn prep;
	run_fn run;
	enum blocks blocks;
	bool makes_fd;
	bool closes_fd;
};

struct sys_job {
	const struct sys_row *row;
	const struct syn_syscall *call;
	int script_fd;
	int fd;              /* real fd of the first argument */
	long long a[6];      /* integer arguments, by position */
	void *buf;           /* data or option buffer */
	size_t buflen;
	socklen_t optlen;
	int out_int;         /* getsockopt/ioctl integer output */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool nonblock;       /* the fd is O_NONBLOCK or the call says MSG_DONTWAIT */
	long long ret;
	int err;
};

/* ---- argument helpers ---- */

static int bad_arg(struct sb *err, int *col, const struct syn_expr *e, const char *fmt, const char *name)
{
	sb_addf(err, fmt, name);
	*col = e->col;
	return -1;
}

static bool is_int(const struct syn_expr *e)
{
	return e->kind == SYN_E_INT || e->kind == SYN_E_SYMBOL || e->kind == SYN_E_OR;
}

static int int_arg(struct sys_job *j, int i, struct sb *err, int *col)
{
	const struct syn_expr *e = j->call->args[i];
	if (e->kind == SYN_E_ELLIPSIS) {
		j->a[i] = 0;
		return 0;
	}
	if (!is_int(e))
		return bad_arg(err, col, e, "%s: expected a number or a constant here", j->row->name);
	j->a[i] = e->num;
	return 0;
}

static int fd_arg(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	const struct syn_expr *e = j->call->args[0];
	if (!is_int(e))
		return bad_arg(err, col, e, "%s: expected a file descriptor (3, 4, ...) as the first argument",
			       j->row->name);
	j->script_fd = (int)e->num;
	int real = sys_real_fd(env, j->script_fd);
	j->fd = real >= 0 ? real : SYS_BAD_FD;
	return 0;
}

static int ints_from(struct sys_job *j, int first, struct sb *err, int *col)
{
	for (int i = first; i < j->call->nargs && i < 6; i++)
		if (int_arg(j, i, err, col))
			return -1;
	return 0;
}

static bool fd_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK);
}

/* ---- prepare functions ---- */

static int prep_socket(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (ints_from(j, 0, err, col))
		return -1;
	if (j->call->args[0]->kind == SYN_E_ELLIPSIS)
		j->a[0] = env->family;
	return 0;
}

static int prep_fd_ints(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col) || ints_from(j, 1, err, col))
		return -1;
	j->nonblock = fd_nonblocking(j->fd);
	return 0;
}

static int addr_arg(struct sys_job *j, const struct sockaddr_storage *ss, socklen_t len, struct sb *err,
		    int *col)
{
	const struct syn_expr *e = j->call->args[1];
	if (e->kind != SYN_E_ELLIPSIS)
		return bad_arg(err, col, e,
			       "%s: only ... is supported as the address (the kernel's address for bind, "
			       "the peer's for connect)",
			       j->row->name);
	j->addr = *ss;
	j->addrlen = len;
	return 0;
}

static int prep_bind(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col))
		return -1;
	return addr_arg(j, &env->local, env->addrlen, err, col);
}

static int prep_connect(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col))
		return -1;
	j->nonblock = fd_nonblocking(j->fd);
	return addr_arg(j, &env->remote, env->addrlen, err, col);
}

static int prep_accept(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col))
		return -1;
	if (j->call->nargs > 3 && int_arg(j, 3, err, col))
		return -1;
	j->nonblock = fd_nonblocking(j->fd) || (j->a[3] & SOCK_NONBLOCK);
	return 0;
}

/* read(fd, buf, n), write(fd, buf, n), send/recv(fd, buf, n, flags) */
static int prep_data(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col) || int_arg(j, 2, err, col))
		return -1;
	if (j->call->nargs > 3 && int_arg(j, 3, err, col))
		return -1;
	const struct syn_expr *b = j->call->args[1];
	if (b->kind != SYN_E_ELLIPSIS && b->kind != SYN_E_STRING && b->kind != SYN_E_NULL)
		return bad_arg(err, col, b, "%s: the buffer must be ... (or a \"string\")", j->row->name);
	if (j->a[2] < 0 || j->a[2] > (1 << 26))
		return bad_arg(err, col, j->call->args[2], "%s: the length must be between 0 and 67108864",
			       j->row->name);
	j->buflen = (size_t)j->a[2];
	j->buf = xcalloc(1, j->buflen);
	if (b->kind == SYN_E_STRING)
		memcpy(j->buf, b->name, (size_t)b->num < j->buflen ? (size_t)b->num : j->buflen);
	j->nonblock = fd_nonblocking(j->fd) || (j->a[3] & MSG_DONTWAIT);
	return 0;
}

/* The option value of setsockopt: [int], {l_onoff=.., l_linger=..}, "string", int. */
static int optval_arg(struct sys_job *j, const struct syn_expr *v, struct sb *err, int *col)
{
	if (v->kind == SYN_E_LIST && v->nitems == 1 && is_int(v->items[0])) {
		int x = (int)v->items[0]->num;
		j->buf = xmalloc(sizeof(x));
		memcpy(j->buf, &x, sizeof(x));
		j->buflen = sizeof(x);
	} else if (is_int(v)) {
		int x = (int)v->num;
		j->buf = xmalloc(sizeof(x));
		memcpy(j->buf, &x, sizeof(x));
		j->buflen = sizeof(x);
	} else if (v->kind == SYN_E_STRUCT && v->nitems == 2) {
		struct linger l = {(int)v->items[0]->left->num, (int)v->items[1]->left->num};
		j->buf = xmalloc(sizeof(l));
		memcpy(j->buf, &l, sizeof(l));
		j->buflen = sizeof(l);
	} else if (v->kind == SYN_E_STRING) {
		j->buf = xstrndup(v->name, (size_t)v->num);
		j->buflen = (size_t)v->num;
	} else {
		return bad_arg(err, col, v, "%s: the option value must be [N], N, {l_onoff=N, l_linger=N} or \"text\"",
			       j->row->name);
	}
	return 0;
}

static int optlen_arg(struct sys_job *j, const struct syn_expr *l, struct sb *err, int *col)
{
	if (l->kind == SYN_E_ELLIPSIS) {
		j->optlen = (socklen_t)j->buflen;
		return 0;
	}
	const struct syn_expr *n = l->kind == SYN_E_LIST && l->nitems == 1 ? l->items[0] : l;
	if (!is_int(n))
		return bad_arg(err, col, l, "%s: the option length must be a number, [N] or ...", j->row->name);
	j->optlen = (socklen_t)n->num;
	return 0;
}

static int prep_setsockopt(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col) || int_arg(j, 1, err, col) || int_arg(j, 2, err, col))
		return -1;
	if (optval_arg(j, j->call->args[3], err, col))
		return -1;
	return optlen_arg(j, j->call->args[4], err, col);
}

static int prep_getsockopt(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (fd_arg(env, j, err, col) || int_arg(j, 1, err, col) || int_arg(j, 2, err, col))
		return -1;
	if (optlen_arg(j, j->call->args[4], err, col))
		return -1;
	if (j->optlen > 4096)
		return bad_arg(err, col, j->call->args[4], "%s: the option length must be at most 4096", j->row->name);
	j->buflen = j->optlen ? j->optlen : sizeof(int);
	j->buf = xcalloc(1, j->buflen);
	return 0;
}

static int prep_ioctl(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	return fd_arg(env, j, err, col) || int_arg(j, 1, err, col) ? -1 : 0;
}

static int prep_sockname(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	j->addrlen = sizeof(j->addr);
	return fd_arg(env, j, err, col);
}

/* ---- run functions: only the system call, safe on a worker thread ---- */

static long long run_socket(struct sys_job *j)
{
	return socket((int)j->a[0], (int)j->a[1], (int)j->a[2]);
}
static long long run_bind(struct sys_job *j)
{
	return bind(j->fd, (struct sockaddr *)&j->addr, j->addrlen);
}
static long long run_listen(struct sys_job *j)
{
	return listen(j->fd, (int)j->a[1]);
}
static long long run_accept(struct sys_job *j)
{
	return accept4(j->fd, NULL, NULL, (int)j->a[3]);
}
static long long run_connect(struct sys_job *j)
{
	return connect(j->fd, (struct sockaddr *)&j->addr, j->addrlen);
}
static long long run_read(struct sys_job *j)
{
	return read(j->fd, j->buf, j->buflen);
}
static long long run_write(struct sys_job *j)
{
	return write(j->fd, j->buf, j->buflen);
}
static long long run_recv(struct sys_job *j)
{
	return recv(j->fd, j->buf, j->buflen, (int)j->a[3]);
}
static long long run_send(struct sys_job *j)
{
	return send(j->fd, j->buf, j->buflen, (int)j->a[3]);
}
static long long run_shutdown(struct sys_job *j)
{
	return shutdown(j->fd, (int)j->a[1]);
}
static long long run_close(struct sys_job *j)
{
	return close(j->fd);
}
static long long run_fcntl(struct sys_job *j)
{
	return fcntl(j->fd, (int)j->a[1], (long)j->a[2]);
}
static long long run_setsockopt(struct sys_job *j)
{
	return setsockopt(j->fd, (int)j->a[1], (int)j->a[2], j->buf, j->optlen);
}
static long long run_getsockopt(struct sys_job *j)
{
	socklen_t len = (socklen_t)j->buflen;
	int r = getsockopt(j->fd, (int)j->a[1], (int)j->a[2], j->buf, &len);
	j->optlen = len;
	return r;
}
static long long run_getsockname(struct sys_job *j)
{
	return getsockname(j->fd, (struct sockaddr *)&j->addr, &j->addrlen);
}
static long long run_getpeername(struct sys_job *j)
{
	return getpeername(j->fd, (struct sockaddr *)&j->addr, &j->addrlen);
}
static long long run_ioctl(struct sys_job *j)
{
	return ioctl(j->fd, (unsigned long)j->a[1], &j->out_int);
}

static const struct sys_row rows[] = {
	{"socket", prep_socket, run_socket, NEVER, true, false},
	{"bind", prep_bind, run_bind, NEVER, false, false},
	{"listen", prep_fd_ints, run_listen, NEVER, false, false},
	{"accept", prep_accept, run_accept, ON_IN, true, false},
	{"accept4", prep_accept, run_accept, ON_IN, true, false},
	{"connect", prep_connect, run_connect, ON_CONNECT, false, false},
	{"read", prep_data, run_read, ON_IN, false, false},
	{"recv", prep_data, run_recv, ON_IN, false, false},
	{"write", prep_data, run_write, ON_OUT, false, false},
	{"send", prep_data, run_send, ON_OUT, false, false},
	{"shutdown", prep_fd_ints, run_shutdown, NEVER, false, false},
	{"close", prep_fd_ints, run_close, NEVER, false, true},
	{"fcntl", prep_fd_ints, run_fcntl, NEVER, false, false},
	{"setsockopt", prep_setsockopt, run_setsockopt, NEVER, false, false},
	{"getsockopt", prep_getsockopt, run_getsockopt, NEVER, false, false},
	{"getsockname", prep_sockname, run_getsockname, NEVER, false, false},
	{"getpeername", prep_sockname, run_getpeername, NEVER, false, false},
	{"ioctl", prep_ioctl, run_ioctl, NEVER, false, false},
};

static const struct sys_row *row_find(const char *name)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* ---- the environment ---- */

static void fill_addr(struct sockaddr_storage *ss, int family, const uint8_t *addr, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, addr, 16);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr, 4);
	}
}

void sys_env_init(struct sys_env *env, int family, const uint8_t *kaddr, uint16_t kport, const uint8_t *paddr,
		  uint16_t pport)
{
	memset(env, 0, sizeof(*env));
	env->family = family;
	fill_addr(&env->local, family, kaddr, kport);
	fill_addr(&env->remote, family, paddr, pport);
	env->addrlen = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

void sys_env_close_all(struct sys_env *env)
{
	for (int i = 0; i < SYS_MAX_FDS; i++) {
		if (env->fds[i].used)
			close(env->fds[i].real);
		env->fds[i].used = false;
	}
}

int sys_real_fd(const struct sys_env *env, int script_fd)
{
	if (script_fd < 0 || script_fd >= SYS_MAX_FDS || !env->fds[script_fd].used)
		return -1;
	return env->fds[script_fd].real;
}

/* ---- prepare / would-block / finish ---- */

struct sys_job *sys_prepare(struct sys_env *env, const struct syn_syscall *call, struct sb *err, int *err_col)
{
	const struct sys_row *row = row_find(call->name);
	*err_col = call->name_col;
	if (!row) {
		sb_addf(err, "%s: this system call is not supported yet", call->name);
		return NULL;
	}
	struct sys_job *j = xcalloc(1, sizeof(*j));
	j->row = row;
	j->call = call;
	j->script_fd = -1;
	j->fd = -1;
	if (call->nargs < 1 && row->prep != prep_socket) {
		sb_addf(err, "%s: missing arguments", call->name);
		sys_job_free(j);
		return NULL;
	}
	if (row->prep(env, j, err, err_col)) {
		sys_job_free(j);
		return NULL;
	}
	return j;
}

bool sys_job_would_block(const struct sys_job *j)
{
	if (j->row->blocks == NEVER || j->nonblock)
		return false;
	if (j->row->blocks == ON_CONNECT)
		return true;
	struct pollfd p = {.fd = j->fd, .events = j->row->blocks == ON_IN ? POLLIN : POLLOUT};
	int n = poll(&p, 1, 0);
	return n == 0;
}

bool sys_job_ready(const struct sys_job *j)
{
	short ev = j->row->blocks == ON_IN ? POLLIN : POLLOUT;
	struct pollfd p = {.fd = j->fd, .events = ev};
	return j->row->blocks != NEVER && poll(&p, 1, 0) > 0;
}

void sys_job_run(struct sys_job *j)
{
	errno = 0;
	j->ret = j->row->run(j);
	j->err = j->ret < 0 ? errno : 0;
}

static int lowest_free_fd(const struct sys_env *env)
{
	for (int i = 3; i < SYS_MAX_FDS; i++)
		if (!env->fds[i].used)
			return i;
	return -1;
}

static bool tcp_socket(int fd)
{
	int type = 0, proto = 0;
	socklen_t l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) || type != SOCK_STREAM)
		return false;
	l = sizeof(proto);
	return !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) && proto == IPPROTO_TCP;
}

/* Gives the new real fd a script number: the one the line expects if free. */
static void number_new_fd(struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_syscall *c = j->call;
	int want = c->has_result && c->result && c->result->kind == SYN_E_INT ? (int)c->result->num : -1;
	int sfd = want >= 3 && want < SYS_MAX_FDS && !env->fds[want].used ? want : lowest_free_fd(env);
	if (want >= 3 && sfd != want)
		sb_addf(&out->why, "fd %d is already in use in this session, so the new descriptor is %d\n", want, sfd);
	if (sfd < 0) {
		close((int)j->ret);
		j->ret = -1;
		j->err = EMFILE;
		return;
	}
	env->fds[sfd].used = true;
	env->fds[sfd].real = (int)j->ret;
	env->fds[sfd].tcp = tcp_socket((int)j->ret);
	out->new_fd = sfd;
	j->ret = sfd;
}

static void check_result(struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_syscall *c = j->call;
	if (!c->has_result || !c->result || c->result->kind == SYN_E_ELLIPSIS)
		return;
	out->checked = true;
	long long want = c->result->num;
	int want_err = c->errno_name ? consts_errno_lookup(c->errno_name) : 0;
	if (out->ret == want && (want != -1 || !want_err || out->err == want_err))
		return;
	sb_addf(&out->why, "expected = %lld", want);
	if (want == -1 && c->errno_name)
		sb_addf(&out->why, " %s", c->errno_name);
	sb_addf(&out->why, ", the kernel returned %lld", out->ret);
	if (out->ret == -1)
		sb_addf(&out->why, " %s (%s)", consts_errno_name(out->err) ? consts_errno_name(out->err) : "?",
			strerror(out->err));
	sb_addc(&out->why, '\n');
}

/* getsockopt(..., [V], [L]) and ioctl(..., [V]) check the values written. */
static void check_int_output(const struct syn_expr *e, int got, const char *what, struct sys_outcome *out)
{
	if (!e || e->kind != SYN_E_LIST || e->nitems != 1 || !is_int(e->items[0]))
		return;
	out->checked = true;
	if (e->items[0]->num != got)
		sb_addf(&out->why, "%s: expected [%lld], the kernel wrote [%d]\n", what, e->items[0]->num, got);
}

static void check_outputs(struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_syscall *c = j->call;
	if (j->ret < 0)
		return;
	if (j->row->run == run_getsockopt && j->buflen >= sizeof(int)) {
		int v;
		memcpy(&v, j->buf, sizeof(v));
		check_int_output(c->args[3], v, "option value", out);
		check_int_output(c->args[4], (int)j->optlen, "option length", out);
		sb_addf(&out->detail, "value %d", v);
	} else if (j->row->run == run_ioctl && c->nargs > 2) {
		check_int_output(c->args[2], j->out_int, "value", out);
		sb_addf(&out->detail, "value %d", j->out_int);
	}
}

void sys_job_finish(struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	memset(out, 0, sizeof(*out));
	sb_init(&out->detail);
	sb_init(&out->why);
	out->new_fd = -1;
	out->closed_fd = -1;
	if (j->row->makes_fd && j->ret >= 0)
		number_new_fd(env, j, out);
	if (j->row->closes_fd && j->ret == 0 && sys_real_fd(env, j->script_fd) >= 0) {
		env->fds[j->script_fd].used = false;
		out->closed_fd = j->script_fd;
	}
	out->ret = j->ret;
	out->err = j->err;
	check_result(j, out);
	check_outputs(j, out);
	out->ok = out->why.len == 0;
}

void sys_outcome_free(struct sys_outcome *out)
{
	sb_free(&out->detail);
	sb_free(&out->why);
}

void sys_job_free(struct sys_job *j)
{
	if (!j)
		return;
	free(j->buf);
	free(j);
}

const char *sys_job_name(const struct sys_job *j)
{
	return j->row->name;
}

int sys_job_fd(const struct sys_job *j)
{
	return j->script_fd;
}
