/*
 * syscalls_args: the helpers every family of system calls shares: reading
 * parsed arguments (numbers, descriptors, [N], {struct} fields), mapping
 * descriptors both ways, and writing outputs (flag names, addresses, the
 * one-line explanations of a mismatch).
 */
#include "syscalls_int.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <string.h>

int sys_fail(struct sb *err, int *col, const struct syn_expr *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(err, fmt, ap);
	va_end(ap);
	if (e)
		*col = e->col;
	return -1;
}

bool sys_is_int(const struct syn_expr *e)
{
	return e->kind == SYN_E_INT || e->kind == SYN_E_SYMBOL || e->kind == SYN_E_OR;
}

/* NULL is the integer 0 wherever a number goes, as in packetdrill. */
int sys_int_arg(struct sys_job *j, int i, struct sb *err, int *col)
{
	const struct syn_expr *e = j->call->args[i];
	if (e->kind == SYN_E_ELLIPSIS || e->kind == SYN_E_NULL) {
		j->a[i] = 0;
		return 0;
	}
	if (!sys_is_int(e))
		return sys_fail(err, col, e, "%s: expected a number or a constant as argument %d", j->row->name, i + 1);
	j->a[i] = e->num;
	return 0;
}

int sys_int_args(struct sys_job *j, int first, struct sb *err, int *col)
{
	for (int i = first; i < j->call->nargs && i < 6; i++)
		if (sys_int_arg(j, i, err, col))
			return -1;
	return 0;
}

int sys_map_fd(const struct sys_env *env, long long script_fd)
{
	int real = script_fd >= 0 && script_fd < SYS_MAX_FDS ? sys_real_fd(env, (int)script_fd) : -1;
	return real >= 0 ? real : SYS_BAD_FD;
}

int sys_script_fd(const struct sys_env *env, int real)
{
	for (int i = 0; i < SYS_MAX_FDS; i++)
		if (env->fds[i].used && env->fds[i].real == real)
			return i;
	return -1;
}

int sys_fd_arg(const struct sys_env *env, const struct sys_job *j, int i, int *script, int *real, struct sb *err,
	       int *col)
{
	const struct syn_expr *e = j->call->args[i];
	if (!sys_is_int(e))
		return sys_fail(err, col, e, "%s: expected a file descriptor (3, 4, ...) as argument %d", j->row->name,
				i + 1);
	*script = e->num >= -1 && e->num < SYS_MAX_FDS ? (int)e->num : -1;
	*real = sys_map_fd(env, e->num);
	return 0;
}

bool sys_fd_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK);
}

bool sys_list_int(const struct syn_expr *e, long long *v)
{
	if (!e || e->kind != SYN_E_LIST || e->nitems != 1 || !sys_is_int(e->items[0]))
		return false;
	*v = e->items[0]->num;
	return true;
}

const struct syn_expr *sys_field(const struct syn_expr *st, const char *name)
{
	if (!st || st->kind != SYN_E_STRUCT)
		return NULL;
	for (int i = 0; i < st->nitems; i++)
		if (st->items[i]->name && !strcmp(st->items[i]->name, name))
			return st->items[i]->left;
	return NULL;
}

int sys_fields_known(const struct syn_expr *st, const char *const *names, const char *what, struct sb *err,
		     int *col)
{
	for (int i = 0; i < st->nitems; i++) {
		const struct syn_expr *f = st->items[i];
		bool known = false;
		for (const char *const *n = names; f->name && *n && !known; n++)
			known = !strcmp(*n, f->name);
		if (known)
			continue;
		if (f->name)
			sb_addf(err, "%s: unknown field '%s'; expected ", what, f->name);
		else
			sb_addf(err, "%s: expected name=value fields: ", what);
		for (const char *const *n = names; *n; n++)
			sb_addf(err, "%s%s", n == names ? "" : ", ", *n);
		*col = f->col;
		return -1;
	}
	return 0;
}

/* ---- outputs ---- */

#define F(x) {#x, (unsigned long long)(x)}

const struct sys_flag sys_poll_flags[] = {
	F(POLLIN),   F(POLLPRI),    F(POLLOUT),    F(POLLERR),    F(POLLHUP),    F(POLLNVAL),
	F(POLLRDNORM), F(POLLRDBAND), F(POLLWRNORM), F(POLLWRBAND), F(POLLMSG), F(POLLRDHUP),
	{NULL, 0},
};

const struct sys_flag sys_epoll_flags[] = {
	F(EPOLLIN),     F(EPOLLPRI),     F(EPOLLOUT),    F(EPOLLERR),     F(EPOLLHUP),  F(EPOLLRDNORM),
	F(EPOLLRDBAND), F(EPOLLWRNORM),  F(EPOLLWRBAND), F(EPOLLMSG),     F(EPOLLRDHUP), F(EPOLLEXCLUSIVE),
	F(EPOLLWAKEUP), F(EPOLLONESHOT), F(EPOLLET),     {NULL, 0},
};

const struct sys_flag sys_msg_flags[] = {
	F(MSG_OOB),  F(MSG_PEEK),     F(MSG_DONTROUTE), F(MSG_CTRUNC),   F(MSG_TRUNC),    F(MSG_DONTWAIT),
	F(MSG_EOR),  F(MSG_WAITALL),  F(MSG_ERRQUEUE),  F(MSG_NOSIGNAL), F(MSG_MORE),     F(MSG_FASTOPEN),
	F(MSG_CMSG_CLOEXEC), F(MSG_ZEROCOPY), {NULL, 0},
};

/* The status flags F_GETFL shows, past the access mode (O_RDONLY, O_WRONLY,
 * O_RDWR are values, not bits). The kernel sets O_LARGEFILE (0100000) on
 * 64-bit opens though the C library defines it as 0. */
const struct sys_flag sys_open_flags[] = {
	F(O_APPEND),  F(O_NONBLOCK), F(O_ASYNC),     F(O_DIRECT),   F(O_DSYNC), F(O_SYNC),
	F(O_NOATIME), F(O_PATH),     F(O_DIRECTORY), F(O_NOFOLLOW), {"O_LARGEFILE", 0100000},
	{NULL, 0},
};

void sys_flags_text(struct sb *out, const struct sys_flag *names, unsigned long long v)
{
	size_t start = out->len;
	for (const struct sys_flag *f = names; f->name; f++) {
		if (!f->bit || (v & f->bit) != f->bit)
			continue;
		sb_addf(out, "%s%s", out->len > start ? "|" : "", f->name);
		v &= ~f->bit;
	}
	if (v)
		sb_addf(out, "%s%#llx", out->len > start ? "|" : "", v);
	else if (out->len == start)
		sb_addc(out, '0');
}

void sys_addr_text(struct sb *out, const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN];
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		if (inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf)))
			sb_addf(out, "%s:%u", buf, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		if (inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf)))
			sb_addf(out, "[%s]:%u", buf, ntohs(s6->sin6_port));
	} else {
		sb_addf(out, "family %u", ss->ss_family);
	}
}

void sys_why(struct sys_outcome *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&out->why, fmt, ap);
	va_end(ap);
	sb_addc(&out->why, '\n');
}

void sys_check_int(struct sys_outcome *out, const struct syn_expr *e, long long got, const char *what)
{
	long long want;
	if (!sys_list_int(e, &want))
		return;
	out->checked = true;
	/* 32-bit values, as the kernel writes them: [0xffffffff] is [-1] */
	if ((uint32_t)want != (uint32_t)got)
		sys_why(out, "%s: expected [%lld], the kernel wrote [%lld]", what, want, got);
}

int sys_tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t l = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l) || l < 1)
		return -1;
	return ti.tcpi_state;
}
