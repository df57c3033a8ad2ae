/*
 * syscalls: the language's system calls on real sockets (see syscalls.h).
 * This file holds the table (one row per call), the descriptor map, the
 * blocking forecasts and the result checks. The rows' prepare, run and check
 * functions live in one file per family (syscalls_int.h lists them); adding
 * a call is one row here and, where its arguments are special, one prepare
 * function there.
 */
#include "syscalls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "consts.h"

/* Every call of the language; consts.c's table holds the same names with
 * their argument counts, which the parser has already checked. */
static const struct sys_row rows[] = {
	/* name, prepare, run, blocks, flags argument, descriptors, check */
	{"socket", sys_prep_socket, sys_run_socket, SYS_NEVER, -1, SYS_FDS_NEW, NULL},
	{"bind", sys_prep_bind, sys_run_bind, SYS_NEVER, -1, SYS_FDS_KEEP, NULL},
	{"listen", sys_prep_fd_ints, sys_run_listen, SYS_NEVER, -1, SYS_FDS_KEEP, NULL},
	{"accept", sys_prep_accept, sys_run_accept, SYS_ON_IN, -1, SYS_FDS_TAKE, sys_check_accept},
	{"accept4", sys_prep_accept, sys_run_accept, SYS_ON_IN, -1, SYS_FDS_TAKE, sys_check_accept},
	{"connect", sys_prep_connect, sys_run_connect, SYS_ON_CONNECT, -1, SYS_FDS_KEEP, NULL},
	{"getsockname", sys_prep_sockname, sys_run_getsockname, SYS_NEVER, -1, SYS_FDS_KEEP, sys_check_sockname},
	{"getpeername", sys_prep_sockname, sys_run_getpeername, SYS_NEVER, -1, SYS_FDS_KEEP, sys_check_sockname},
	{"shutdown", sys_prep_fd_ints, sys_run_shutdown, SYS_NEVER, -1, SYS_FDS_KEEP, NULL},
	{"close", sys_prep_close, sys_run_close, SYS_ON_CLOSE, -1, SYS_FDS_CLOSE, NULL},
	{"read", sys_prep_rw, sys_run_read, SYS_ON_IN, -1, SYS_FDS_KEEP, NULL},
	{"recv", sys_prep_rw, sys_run_recv, SYS_ON_IN, 3, SYS_FDS_KEEP, NULL},
	{"recvfrom", sys_prep_recvfrom, sys_run_recvfrom, SYS_ON_IN, 3, SYS_FDS_KEEP, NULL},
	{"readv", sys_prep_rwv, sys_run_readv, SYS_ON_IN, -1, SYS_FDS_KEEP, NULL},
	{"recvmsg", sys_prep_recvmsg, sys_run_recvmsg, SYS_ON_IN, 2, SYS_FDS_KEEP, sys_check_recvmsg},
	{"write", sys_prep_rw, sys_run_write, SYS_ON_OUT, -1, SYS_FDS_KEEP, NULL},
	{"send", sys_prep_rw, sys_run_send, SYS_ON_OUT, 3, SYS_FDS_KEEP, NULL},
	{"sendto", sys_prep_sendto, sys_run_sendto, SYS_ON_OUT, 3, SYS_FDS_KEEP, NULL},
	{"writev", sys_prep_rwv, sys_run_writev, SYS_ON_OUT, -1, SYS_FDS_KEEP, NULL},
	{"sendmsg", sys_prep_sendmsg, sys_run_sendmsg, SYS_ON_OUT, 2, SYS_FDS_KEEP, NULL},
	{"setsockopt", sys_prep_setsockopt, sys_run_setsockopt, SYS_NEVER, -1, SYS_FDS_KEEP, NULL},
	{"getsockopt", sys_prep_getsockopt, sys_run_getsockopt, SYS_NEVER, -1, SYS_FDS_KEEP, sys_check_getsockopt},
	{"fcntl", sys_prep_fcntl, sys_run_fcntl, SYS_NEVER, -1, SYS_FDS_KEEP, sys_check_fcntl},
	{"ioctl", sys_prep_ioctl, sys_run_ioctl, SYS_NEVER, -1, SYS_FDS_KEEP, sys_check_ioctl},
	{"poll", sys_prep_poll, sys_run_poll, SYS_ON_POLL, -1, SYS_FDS_KEEP, sys_check_poll},
	{"epoll_create", sys_prep_epoll_create, sys_run_epoll_create, SYS_NEVER, -1, SYS_FDS_NEW, NULL},
	{"epoll_create1", sys_prep_epoll_create, sys_run_epoll_create1, SYS_NEVER, -1, SYS_FDS_NEW, NULL},
	{"epoll_ctl", sys_prep_epoll_ctl, sys_run_epoll_ctl, SYS_NEVER, -1, SYS_FDS_KEEP, NULL},
	{"epoll_wait", sys_prep_epoll_wait, sys_run_epoll_wait, SYS_ON_POLL, -1, SYS_FDS_KEEP, sys_check_epoll_wait},
	{"pipe", sys_prep_pipe, sys_run_pipe, SYS_NEVER, -1, SYS_FDS_PIPE, NULL},
	{"splice", sys_prep_splice, sys_run_splice, SYS_ON_SPLICE, -1, SYS_FDS_KEEP, NULL},
	{"sendfile", sys_prep_sendfile, sys_run_sendfile, SYS_ON_OUT, -1, SYS_FDS_KEEP, NULL},
	{"open", sys_prep_open, sys_run_open, SYS_NEVER, -1, SYS_FDS_NEW, NULL},
};

static const struct sys_row *row_find(const char *name)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* ---- the environment ---- */

static void fill_addr(struct sockaddr_storage *ss, int mode, const uint8_t *addr, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (mode == SYS_MODE_IPV4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, addr, 4);
		return;
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (mode == SYS_MODE_IPV6) {
		memcpy(&s6->sin6_addr, addr, 16);
	} else { /* ::ffff:a.b.c.d */
		s6->sin6_addr.s6_addr[10] = 0xff;
		s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], addr, 4);
	}
}

void sys_env_init_mode(struct sys_env *env, int mode, const uint8_t *kaddr, uint16_t kport,
		       const uint8_t *paddr, uint16_t pport)
{
	memset(env, 0, sizeof(*env));
	if (mode != SYS_MODE_IPV6 && mode != SYS_MODE_IPV4_MAPPED)
		mode = SYS_MODE_IPV4;
	env->mode = mode;
	env->family = mode == SYS_MODE_IPV4 ? AF_INET : AF_INET6;
	fill_addr(&env->local, mode, kaddr, kport);
	fill_addr(&env->remote, mode, paddr, pport);
	env->addrlen = env->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (clock_gettime(CLOCK_REALTIME, &env->t0_real))
		memset(&env->t0_real, 0, sizeof(env->t0_real));
	env->tolerance_usecs = 4000;
}

void sys_env_init(struct sys_env *env, int family, const uint8_t *kaddr, uint16_t kport, const uint8_t *paddr,
		  uint16_t pport)
{
	sys_env_init_mode(env, family == AF_INET6 ? SYS_MODE_IPV6 : SYS_MODE_IPV4, kaddr, kport, paddr, pport);
}

void sys_env_set_clock(struct sys_env *env, const struct timespec *t0_real, long tolerance_usecs)
{
	env->t0_real = *t0_real;
	env->tolerance_usecs = tolerance_usecs;
}

void sys_env_close_all(struct sys_env *env)
{
	for (int i = 0; i < SYS_MAX_FDS; i++) {
		if (env->fds[i].used)
			close(env->fds[i].real);
		env->fds[i].used = false;
	}
	for (int i = 0; i < env->nhidden; i++)
		close(env->hidden[i]);
	env->nhidden = 0;
}

int sys_real_fd(const struct sys_env *env, int script_fd)
{
	if (script_fd < 0 || script_fd >= SYS_MAX_FDS || !env->fds[script_fd].used)
		return -1;
	return env->fds[script_fd].real;
}

/* ---- prepare ---- */

struct sys_job *sys_prepare(struct sys_env *env, const struct syn_syscall *call, struct sb *err, int *err_col)
{
	const struct sys_row *row = row_find(call->name);
	*err_col = call->name_col;
	if (!row) {
		sb_addf(err, "%s: this system call is not supported yet", call->name);
		return NULL;
	}
	const struct consts_syscall *sc = consts_syscall_lookup(call->name);
	if (sc && (call->nargs < sc->min_args || call->nargs > sc->max_args)) {
		sb_addf(err, "%s: takes %d to %d arguments, not %d", call->name, sc->min_args, sc->max_args,
			call->nargs);
		return NULL;
	}
	struct sys_job *j = xcalloc(1, sizeof(*j));
	j->row = row;
	j->call = call;
	j->script_fd = j->script_fd2 = -1;
	j->fd = j->fd2 = -1;
	j->pipefd[0] = j->pipefd[1] = -1;
	if (row->prep(env, j, err, err_col)) {
		sys_job_free(j);
		return NULL;
	}
	return j;
}

/* ---- blocking forecasts ---- */

/* poll(2) of one fd without waiting: its revents, 0 when nothing is ready. */
static short poll_now(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};
	return poll(&p, 1, 0) > 0 ? p.revents : 0;
}

static int ioctl_int(int fd, unsigned long req)
{
	int v = 0;
	return ioctl(fd, req, &v) ? -1 : v;
}

/* The notsent limit of a TCP socket: its TCP_NOTSENT_LOWAT, else the sysctl. */
static unsigned long long notsent_lowat(int fd)
{
	unsigned int v = 0;
	socklen_t l = sizeof(v);
	if (!getsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, &l) && v)
		return v;
	unsigned long long sys = ~0ULL;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_notsent_lowat", "r");
	if (f) {
		if (fscanf(f, "%llu", &sys) != 1)
			sys = ~0ULL;
		fclose(f);
	}
	return sys;
}

/* Would `len` more bytes fit in a pipe now? */
static bool pipe_room(int fd, size_t len)
{
	int size = fcntl(fd, F_GETPIPE_SZ), used = ioctl_int(fd, FIONREAD);
	return size < 0 || (used >= 0 && (size_t)used + len <= (size_t)size);
}

/*
 * Would `len` more bytes fit in the send buffer now? The kernel counts an
 * skb's overhead too, so the estimate adds an eighth and a page; on a TCP
 * socket unsent bytes beyond the notsent limit also make a writer wait. A
 * pipe has its own size; a file never waits.
 */
static bool send_room(int fd, size_t len)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t l = sizeof(mem);
	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &l))
		return errno == ENOTSOCK && pipe_room(fd, len);
	if (l < sizeof(uint32_t) * (SK_MEMINFO_WMEM_QUEUED + 1))
		return false;
	unsigned long long cost = (unsigned long long)len + len / 8 + 4096;
	if (mem[SK_MEMINFO_WMEM_QUEUED] + cost > mem[SK_MEMINFO_SNDBUF])
		return false;
	if (sys_tcp_state(fd) < 0)
		return true;
	int nsd = ioctl_int(fd, SIOCOUTQNSD);
	return nsd >= 0 && (unsigned long long)nsd + len <= notsent_lowat(fd);
}

/* The MSG_* flags the call passes, 0 for calls without them. */
static long long msg_flags(const struct sys_job *j)
{
	return j->row->flags_arg >= 0 ? j->a[j->row->flags_arg] : 0;
}

static bool out_would_block(const struct sys_job *j)
{
	int st = sys_tcp_state(j->fd);
	if (st == TCP_SYN_SENT)
		return true; /* waits for the handshake */
	if (st == TCP_CLOSE)
		return msg_flags(j) & MSG_FASTOPEN; /* a Fast Open connect, or EPIPE at once */
	if (st >= 0 && st != TCP_ESTABLISHED && st != TCP_CLOSE_WAIT && st != TCP_SYN_RECV)
		return false; /* an error at once */
	short re = poll_now(j->fd, POLLOUT);
	if (re & (POLLERR | POLLHUP | POLLNVAL))
		return false;
	return !(re & POLLOUT) || !send_room(j->fd, j->want);
}

/* A listener waits for a connection to accept; any other TCP socket for
 * data, unless it is listening or the call is accept (errors at once). */
static bool in_would_block(const struct sys_job *j)
{
	bool accepts = j->row->fds == SYS_FDS_TAKE;
	int st = sys_tcp_state(j->fd);
	if (st >= 0 && (st == TCP_LISTEN) != accepts)
		return false;
	short re = poll_now(j->fd, POLLIN);
	if (!re)
		return true;
	if (!(msg_flags(j) & MSG_WAITALL) || (re & (POLLERR | POLLHUP | POLLRDHUP)))
		return false;
	int inq = ioctl_int(j->fd, SIOCINQ);
	return inq >= 0 && (size_t)inq < j->want;
}

/* A close with SO_LINGER on and a linger time waits for its FIN's ACK,
 * O_NONBLOCK or not. */
static bool close_would_block(const struct sys_job *j)
{
	struct linger l = {0, 0};
	socklen_t len = sizeof(l);
	if (getsockopt(j->fd, SOL_SOCKET, SO_LINGER, &l, &len) || !l.l_onoff || !l.l_linger)
		return false;
	int st = sys_tcp_state(j->fd);
	return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT || st == TCP_SYN_RECV || st == TCP_FIN_WAIT1 ||
	       st == TCP_CLOSING || st == TCP_LAST_ACK;
}

/* A socket at its urgent mark is not readable, yet splice returns 0 at once. */
static bool splice_would_block(const struct sys_job *j)
{
	bool in_wait = !sys_fd_nonblocking(j->fd) && !poll_now(j->fd, POLLIN) && ioctl_int(j->fd, SIOCATMARK) != 1;
	bool out_wait = !sys_fd_nonblocking(j->fd2) && !(j->a[5] & SPLICE_F_NONBLOCK) && !poll_now(j->fd2, POLLOUT);
	return in_wait || out_wait;
}

bool sys_job_would_block(const struct sys_job *j)
{
	switch (j->row->blocks) {
	case SYS_NEVER:
		return false;
	case SYS_ON_CLOSE:
		return close_would_block(j);
	case SYS_ON_POLL:
		return j->timeout != 0 && !sys_poll_ready(j);
	case SYS_ON_SPLICE:
		return splice_would_block(j);
	default:
		break;
	}
	if (j->nonblock)
		return false;
	if (j->row->blocks == SYS_ON_CONNECT) {
		int st = sys_tcp_state(j->fd);
		return j->addr.ss_family != AF_UNSPEC && (st == TCP_CLOSE || st == TCP_SYN_SENT);
	}
	return j->row->blocks == SYS_ON_IN ? in_would_block(j) : out_would_block(j);
}

bool sys_job_ready(const struct sys_job *j)
{
	short re;
	switch (j->row->blocks) {
	case SYS_ON_IN:
		return poll_now(j->fd, POLLIN) != 0 && !in_would_block(j);
	case SYS_ON_CONNECT:
		return poll_now(j->fd, POLLOUT) != 0;
	case SYS_ON_OUT:
		re = poll_now(j->fd, POLLOUT);
		if (re & (POLLERR | POLLHUP | POLLNVAL))
			return true;
		return (re & POLLOUT) && sys_tcp_state(j->fd) != TCP_SYN_SENT && send_room(j->fd, j->want);
	case SYS_ON_POLL:
		return sys_poll_ready(j);
	case SYS_ON_SPLICE:
		return poll_now(j->fd, POLLIN) && poll_now(j->fd2, POLLOUT);
	default:
		return false; /* a lingering close: its fd is gone, nothing to ask */
	}
}

void sys_job_run(struct sys_job *j)
{
	errno = 0;
	j->ret = j->row->run(j);
	j->err = j->ret < 0 ? errno : 0;
}

/* ---- finishing: descriptors, the result, the outputs ---- */

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

/* Gives a new real fd a script number: `want` if it is free, else the lowest
 * free one (and says so). Returns the number, or -1 (real closed) when the
 * map is full. */
static int number_fd(struct sys_env *env, int want, int real, struct sys_outcome *out)
{
	int sfd = want >= 3 && want < SYS_MAX_FDS && !env->fds[want].used ? want : lowest_free_fd(env);
	if (want >= 3 && sfd != want)
		sys_why(out, "fd %d is already in use in this session, so the new descriptor is %d", want, sfd);
	if (sfd < 0) {
		close(real);
		return -1;
	}
	env->fds[sfd].used = true;
	env->fds[sfd].real = real;
	env->fds[sfd].tcp = tcp_socket(real);
	if (out->new_fd < 0)
		out->new_fd = sfd;
	return sfd;
}

/*
 * accept may give a number that names an open fd, as packetdrill allows: the
 * number moves to the new connection and the earlier fd stays open, nameless.
 */
static void take_number(struct sys_env *env, int want, struct sys_outcome *out)
{
	if (want < 3 || want >= SYS_MAX_FDS || !env->fds[want].used || env->nhidden >= SYS_MAX_FDS)
		return;
	env->hidden[env->nhidden++] = env->fds[want].real;
	env->fds[want].used = false;
	sb_addf(&out->detail, "fd %d now names this connection; the earlier fd %d stays open, unnamed", want, want);
}

static void number_new_fd(struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_syscall *c = j->call;
	int want = c->has_result && c->result && c->result->kind == SYN_E_INT ? (int)c->result->num : -1;
	if (j->row->fds == SYS_FDS_TAKE)
		take_number(env, want, out);
	int sfd = number_fd(env, want, (int)j->ret, out);
	if (sfd < 0) {
		j->ret = -1;
		j->err = EMFILE;
		return;
	}
	j->ret = sfd;
}

static void number_pipe(struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	int want[2];
	sys_pipe_wanted(j, want);
	int sfd[2];
	for (int i = 0; i < 2; i++)
		sfd[i] = number_fd(env, want[i], j->pipefd[i], out);
	if (sfd[0] >= 0 && sfd[1] >= 0) {
		sb_addf(&out->detail, "fds [%d, %d]", sfd[0], sfd[1]);
		return;
	}
	for (int i = 0; i < 2; i++) { /* the map is full: neither end stays */
		if (sfd[i] >= 0) {
			env->fds[sfd[i]].used = false;
			close(j->pipefd[i]);
		}
	}
	j->ret = -1;
	j->err = EMFILE;
}

static void check_result(struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_syscall *c = j->call;
	if (!c->has_result || !c->result || c->result->kind == SYN_E_ELLIPSIS)
		return;
	out->checked = true;
	long long want = c->result->num;
	int want_err = c->errno_name ? consts_errno_lookup(c->errno_name) : 0;
	if (out->ret == want && (want != -1 || want_err <= 0 || out->err == want_err))
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

void sys_job_finish(struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	memset(out, 0, sizeof(*out));
	sb_init(&out->detail);
	sb_init(&out->why);
	out->new_fd = -1;
	out->closed_fd = -1;
	if (j->ret >= 0 && (j->row->fds == SYS_FDS_NEW || j->row->fds == SYS_FDS_TAKE))
		number_new_fd(env, j, out);
	else if (j->ret >= 0 && j->row->fds == SYS_FDS_PIPE)
		number_pipe(env, j, out);
	else if (j->ret == 0 && j->row->fds == SYS_FDS_CLOSE && sys_real_fd(env, j->script_fd) >= 0) {
		env->fds[j->script_fd].used = false;
		out->closed_fd = j->script_fd;
	}
	out->ret = j->ret;
	out->err = j->err;
	check_result(j, out);
	if (j->ret >= 0 && j->row->check)
		j->row->check(env, j, out);
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
	for (int i = 0; j->iov && i < j->iovcnt; i++)
		free(j->iov[i].iov_base);
	free(j->iov);
	free(j->msg.msg_control);
	free(j->want_cmsgs.buf);
	free(j->pfd);
	free(j->ev);
	free(j->path);
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
