/*
 * syscalls_sock: sockets and their addresses: socket, bind, listen, accept,
 * accept4, connect, shutdown, close, getsockname, getpeername. An address
 * argument is `...` (the kernel's address and bind port for bind, the peer's
 * for connect, sendto and sendmsg), NULL, a bare family (AF_UNSPEC: connect's
 * disconnect, Fast Open's error case) or a struct
 * {sa_family=AF_INET, sin_port=8080, sin_addr="192.0.2.1"}.
 */
#include "syscalls_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

/* ---- addresses ---- */

static const char *const addr_fields[] = {"sa_family", "sin_family", "sin6_family", "sin_port",
					  "sin6_port", "sin_addr",   "sin6_addr",   NULL};

/* One field of a sockaddr struct, under either family's name. */
static const struct syn_expr *addr_field(const struct syn_expr *st, const char *v4, const char *v6)
{
	const struct syn_expr *e = sys_field(st, v4);
	return e ? e : sys_field(st, v6);
}

static int struct_family(const struct sys_env *env, const struct syn_expr *st)
{
	const struct syn_expr *fam = sys_field(st, "sa_family");
	if (!fam)
		fam = addr_field(st, "sin_family", "sin6_family");
	if (fam && sys_is_int(fam))
		return (int)fam->num;
	if (sys_field(st, "sin6_addr") || sys_field(st, "sin6_port") || sys_field(st, "sin6_family"))
		return AF_INET6;
	const struct syn_expr *host = addr_field(st, "sin_addr", "sin6_addr");
	if (host && host->kind == SYN_E_STRING && strchr(host->name, ':'))
		return AF_INET6;
	return env->family;
}

/* The host part: a v4 string in a v6 struct becomes ::ffff:a.b.c.d. */
static int struct_host(const struct syn_expr *host, struct sockaddr_storage *ss, struct sb *err, int *col)
{
	if (host->kind != SYN_E_STRING)
		return sys_fail(err, col, host,
				"the address must be a \"string\" such as \"192.0.2.1\" or \"fd3d::1\"");
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct in_addr v4;
	if (ss->ss_family == AF_INET && inet_pton(AF_INET, host->name, &s4->sin_addr) == 1)
		return 0;
	if (ss->ss_family == AF_INET6 && inet_pton(AF_INET6, host->name, &s6->sin6_addr) == 1)
		return 0;
	if (ss->ss_family == AF_INET6 && inet_pton(AF_INET, host->name, &v4) == 1) {
		s6->sin6_addr.s6_addr[10] = s6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6->sin6_addr.s6_addr[12], &v4, 4);
		return 0;
	}
	return sys_fail(err, col, host, "\"%s\" is no %s address", host->name,
			ss->ss_family == AF_INET ? "IPv4" : "IPv6");
}

/* Builds the sockaddr a struct describes; *has_port and *has_host say which
 * parts it gave (what a check compares). */
static int addr_struct(const struct sys_env *env, const struct syn_expr *st, struct sockaddr_storage *ss,
		       socklen_t *len, bool *has_port, bool *has_host, struct sb *err, int *col)
{
	if (sys_fields_known(st, addr_fields, "sockaddr", err, col))
		return -1;
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)struct_family(env, st);
	*len = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	const struct syn_expr *port = addr_field(st, "sin_port", "sin6_port");
	const struct syn_expr *host = addr_field(st, "sin_addr", "sin6_addr");
	*has_port = port != NULL;
	*has_host = host != NULL;
	if (port && (!sys_is_int(port) || port->num < 0 || port->num > 65535))
		return sys_fail(err, col, port, "the port must be a number from 0 to 65535");
	if (port && ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port->num);
	else if (port)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port->num);
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return sys_fail(err, col, st, "sockaddr: the family must be AF_INET or AF_INET6");
	return host ? struct_host(host, ss, err, col) : 0;
}

int sys_addr_expr(const struct sys_env *env, struct sys_job *j, const struct syn_expr *e,
		  const struct sockaddr_storage *def, struct sb *err, int *col)
{
	bool port, host;
	j->addr_ptr = (struct sockaddr *)&j->addr;
	if (e->kind == SYN_E_ELLIPSIS) {
		j->addr = *def;
		j->addrlen = env->addrlen;
	} else if (e->kind == SYN_E_NULL) {
		j->addr_ptr = NULL;
		j->addrlen = 0;
	} else if (sys_is_int(e)) { /* a bare family: AF_UNSPEC */
		memset(&j->addr, 0, sizeof(j->addr));
		j->addr.ss_family = (sa_family_t)e->num;
		j->addrlen = sizeof(j->addr);
	} else if (e->kind != SYN_E_STRUCT) {
		return sys_fail(err, col, e,
				"%s: the address must be ..., NULL, a family (AF_UNSPEC) or "
				"{sa_family=AF_INET, sin_port=N, sin_addr=\"a.b.c.d\"}",
				j->row->name);
	} else if (addr_struct(env, e, &j->addr, &j->addrlen, &port, &host, err, col)) {
		return -1;
	}
	return 0;
}

int sys_addr_arg(const struct sys_env *env, struct sys_job *j, int i, const struct sockaddr_storage *def,
		 struct sb *err, int *col)
{
	if (sys_addr_expr(env, j, j->call->args[i], def, err, col))
		return -1;
	if (i + 1 >= j->call->nargs)
		return 0;
	const struct syn_expr *len = j->call->args[i + 1];
	if (sys_is_int(len))
		j->addrlen = (socklen_t)len->num;
	else if (len->kind != SYN_E_ELLIPSIS)
		return sys_fail(err, col, len, "%s: the address length must be a number or ...", j->row->name);
	return 0;
}

/* accept, getsockname, recvfrom: an address the kernel writes, `...` or NULL. */
static int out_addr_arg(struct sys_job *j, int i, struct sb *err, int *col)
{
	const struct syn_expr *a = j->call->args[i];
	const struct syn_expr *l = i + 1 < j->call->nargs ? j->call->args[i + 1] : NULL;
	if (a->kind == SYN_E_NULL || (sys_is_int(a) && a->num == 0)) {
		j->addr_ptr = NULL;
		j->addrlen_ptr = NULL;
		return 0;
	}
	if (a->kind != SYN_E_ELLIPSIS && a->kind != SYN_E_STRUCT)
		return sys_fail(err, col, a, "%s: the address must be ..., NULL or a sockaddr {struct} to compare",
				j->row->name);
	j->addr_ptr = (struct sockaddr *)&j->addr;
	j->addrlen = sizeof(j->addr);
	j->addrlen_ptr = &j->addrlen;
	long long n;
	if (l && sys_list_int(l, &n) && n >= 0 && n <= (long long)sizeof(j->addr))
		j->addrlen = (socklen_t)n;
	else if (l && l->kind != SYN_E_ELLIPSIS && !sys_list_int(l, &n))
		return sys_fail(err, col, l, "%s: the address length must be ... or [N]", j->row->name);
	return 0;
}

/* ---- prepare ---- */

int sys_prep_socket(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_int_args(j, 0, err, col))
		return -1;
	if (j->call->nargs > 0 && j->call->args[0]->kind == SYN_E_ELLIPSIS)
		j->a[0] = env->family;
	return 0;
}

int sys_prep_fd_ints(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	return sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || sys_int_args(j, 1, err, col) ? -1 : 0;
}

int sys_prep_close(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	return sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col);
}

int sys_prep_bind(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col))
		return -1;
	return sys_addr_arg(env, j, 1, &env->local, err, col);
}

int sys_prep_connect(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col))
		return -1;
	j->nonblock = sys_fd_nonblocking(j->fd);
	return sys_addr_arg(env, j, 1, &env->remote, err, col);
}

/* accept4's SOCK_NONBLOCK is for the new socket: the call itself blocks as
 * the listener's O_NONBLOCK says. */
int sys_prep_accept(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col) || out_addr_arg(j, 1, err, col))
		return -1;
	if (j->call->nargs > 3 && sys_int_arg(j, 3, err, col))
		return -1;
	j->nonblock = sys_fd_nonblocking(j->fd);
	return 0;
}

int sys_prep_sockname(struct sys_env *env, struct sys_job *j, struct sb *err, int *col)
{
	if (sys_fd_arg(env, j, 0, &j->script_fd, &j->fd, err, col))
		return -1;
	return out_addr_arg(j, 1, err, col);
}

/* ---- run ---- */

long long sys_run_socket(struct sys_job *j)
{
	return socket((int)j->a[0], (int)j->a[1], (int)j->a[2]);
}

long long sys_run_bind(struct sys_job *j)
{
	return bind(j->fd, j->addr_ptr, j->addrlen);
}

long long sys_run_listen(struct sys_job *j)
{
	return listen(j->fd, (int)j->a[1]);
}

long long sys_run_accept(struct sys_job *j)
{
	return accept4(j->fd, j->addr_ptr, j->addrlen_ptr, (int)j->a[3]);
}

long long sys_run_connect(struct sys_job *j)
{
	return connect(j->fd, j->addr_ptr, j->addrlen);
}

long long sys_run_shutdown(struct sys_job *j)
{
	return shutdown(j->fd, (int)j->a[1]);
}

long long sys_run_close(struct sys_job *j)
{
	return close(j->fd);
}

long long sys_run_getsockname(struct sys_job *j)
{
	return getsockname(j->fd, j->addr_ptr, j->addrlen_ptr);
}

long long sys_run_getpeername(struct sys_job *j)
{
	return getpeername(j->fd, j->addr_ptr, j->addrlen_ptr);
}

/* ---- check ---- */

static uint16_t addr_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a, *b4 = (const struct sockaddr_in *)b;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a, *b6 = (const struct sockaddr_in6 *)b;
	if (a->ss_family == AF_INET)
		return !memcmp(&a4->sin_addr, &b4->sin_addr, sizeof(a4->sin_addr));
	return !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
}

/* A sockaddr struct in the line is compared with the address the kernel
 * wrote: the family, and the port and host where the struct gives them. */
static void check_addr(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	const struct syn_expr *e = j->call->args[1];
	struct sockaddr_storage want;
	socklen_t len;
	bool port, host;
	struct sb ignored = SB_INIT;
	int col = 0;
	if (e->kind != SYN_E_STRUCT || !j->addr_ptr || addr_struct(env, e, &want, &len, &port, &host, &ignored, &col)) {
		sb_free(&ignored);
		return;
	}
	sb_free(&ignored);
	out->checked = true;
	if (want.ss_family == j->addr.ss_family && (!port || addr_port(&want) == addr_port(&j->addr)) &&
	    (!host || same_host(&want, &j->addr)))
		return;
	sb_add(&out->why, "address: expected ");
	sys_addr_text(&out->why, &want);
	sb_add(&out->why, ", the kernel wrote ");
	sys_addr_text(&out->why, &j->addr);
	sb_addc(&out->why, '\n');
}

void sys_check_accept(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	check_addr(env, j, out);
}

void sys_check_sockname(const struct sys_env *env, struct sys_job *j, struct sys_outcome *out)
{
	if (j->addr_ptr)
		sys_addr_text(&out->detail, &j->addr);
	check_addr(env, j, out);
}
