/*
 * engine_info: the shell's `info [FD|NAME]` command: which socket is meant,
 * its tcp_info from the kernel (getsockopt(TCP_INFO) on the socket when an
 * fd holds it, sock_diag for a connection no fd holds: a child not yet
 * accepted, an orphan after close), printed in words by tcpinfo_describe.
 * Not the %{ }% blocks (engine_code.c), which read the same tcp_info.
 */
#include "engine_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "tcpinfo.h" /* <linux/tcp.h>: TCP_INFO and struct tcp_info */

#define INFO_MAX 512 /* room for newer kernels' tcp_info fields */
#define INDENT "       "
#define SOCK_LISTEN 10 /* TCP_LISTEN, which <linux/tcp.h> (for tcp_info) does not define */

/* The socket `info` describes: a script fd, a connection, or both. */
struct target {
	int fd;   /* script fd, or -1 */
	int real; /* its real fd, or -1 */
	int conn; /* connection index, or -1 */
};

/* Whether the socket at real is connection c's kernel end. */
static bool holds(int real, const struct conn *c)
{
	struct sockaddr_storage local, peer;
	socklen_t ll = sizeof(local), pl = sizeof(peer);
	return !getsockname(real, (struct sockaddr *)&local, &ll) && !getpeername(real, (struct sockaddr *)&peer, &pl) &&
	       code_same_addr(&local, c->kaddr, c->kport) && code_same_addr(&peer, c->paddr, c->pport);
}

static int fd_of_conn(const struct engine *e, const struct conn *c)
{
	for (int fd = 0; fd < SYS_MAX_FDS; fd++)
		if (e->sys.fds[fd].used && e->sys.fds[fd].tcp && holds(e->sys.fds[fd].real, c))
			return fd;
	return -1;
}

static int conn_of_fd(const struct engine *e, int real)
{
	for (size_t i = e->conns.n; i-- > 0;)
		if (!e->conns.v[i].unopened && holds(real, &e->conns.v[i]))
			return (int)i;
	return -1;
}

static int script_fd_of_real(const struct engine *e, int real)
{
	for (int fd = 0; fd < SYS_MAX_FDS; fd++)
		if (e->sys.fds[fd].used && e->sys.fds[fd].real == real)
			return fd;
	return -1;
}

/* Fills t from the command's argument (none: the current connection, else
 * the socket under test). 0, or -1 after reporting what is wrong. */
static int resolve(struct engine *e, const struct syn_command *c, struct target *t)
{
	t->fd = t->real = t->conn = -1;
	const char *arg = c->nargs ? c->args[0] : NULL;
	char *end = NULL;
	long fd = arg ? strtol(arg, &end, 10) : -1;
	if (c->nargs > 1) {
		engine_command_error(e, engine_arg_col(e, 1), "info: expected one socket: an fd number or a connection name",
				 "for example: info 4, info c2, or info alone for the current connection");
		return -1;
	}
	if (arg && end && !*end && *arg != '-' && *arg != '+') {
		t->real = fd >= 0 && fd < SYS_MAX_FDS && e->sys.fds[fd].used && e->sys.fds[fd].tcp ? e->sys.fds[fd].real : -1;
		if (t->real < 0) {
			engine_command_error(e, engine_arg_col(e, 0), "info: that fd is not an open TCP socket",
					 "the TCP sockets are in 'state'; a connection's name (c1, c2...) works too");
			return -1;
		}
		t->fd = (int)fd;
		t->conn = conn_of_fd(e, t->real);
		return 0;
	}
	if (arg) {
		const char *name = arg[0] == '@' ? arg + 1 : arg;
		t->conn = conn_lookup(&e->conns, name);
		if (t->conn < 0) {
			engine_command_error(e, engine_arg_col(e, 0), "info: no such socket or connection",
					 "expected an fd number (info 4) or a connection name (info c2); 'conn' lists them");
			return -1;
		}
	} else if (e->conns.current >= 0 && !e->conns.v[e->conns.current].unopened) {
		t->conn = e->conns.current;
	}
	if (t->conn >= 0) {
		t->fd = fd_of_conn(e, &e->conns.v[t->conn]);
		t->real = t->fd >= 0 ? e->sys.fds[t->fd].real : -1;
		return 0;
	}
	t->real = code_socket_under_test(e);
	t->fd = t->real >= 0 ? script_fd_of_real(e, t->real) : -1;
	if (t->real < 0) {
		engine_print(e, INDENT "info: no TCP socket yet (socket() makes one)\n");
		return -1;
	}
	return 0;
}

static void header(const struct engine *e, const struct target *t, struct sb *out)
{
	sb_add(out, INDENT "tcp_info of ");
	if (t->fd >= 0)
		sb_addf(out, "fd %d", t->fd);
	if (t->conn >= 0) {
		sb_add(out, t->fd >= 0 ? ", " : "");
		engine_conn_describe(e, (size_t)t->conn, out);
	}
	sb_add(out, ":\n");
}

/* tcp_info of a connection no fd holds, through sock_diag. 0, or -1 after
 * saying why there is none. */
static int info_by_tuple(struct engine *e, const struct target *t, uint8_t *buf, size_t *len)
{
	const struct conn *c = &e->conns.v[t->conn];
	struct sb err = SB_INIT, name = SB_INIT;
	sb_addf(&name, "c%d", t->conn + 1);
	int r = sockdiag_tcpinfo(e->diag, c->family, c->kaddr, c->kport, c->paddr, c->pport, buf, INFO_MAX, len, &err);
	if (r < 0)
		engine_printf(e, INDENT "info: %s\n", sb_str(&err));
	else if (r == 1)
		engine_printf(e, INDENT "info: %s has no tcp_info: the kernel keeps only a small record for it "
				     "(a SYN_RECV request socket until the handshake completes, or TIME_WAIT)\n",
			      sb_str(&name));
	else if (r == 2)
		engine_printf(e, INDENT "info: the kernel has no socket for %s (it is closed)\n", sb_str(&name));
	sb_free(&err);
	sb_free(&name);
	return r == 0 ? 0 : -1;
}

/* tcp_info of target t into buf: 0, or -1 (a line saying why is in why). */
static int read_info(struct engine *e, const struct target *t, uint8_t *buf, size_t *len, struct sb *why)
{
	memset(buf, 0, INFO_MAX);
	*len = 0;
	if (t->real >= 0) {
		socklen_t sl = INFO_MAX;
		if (getsockopt(t->real, IPPROTO_TCP, TCP_INFO, buf, &sl)) {
			sb_addf(why, "getsockopt(fd %d, TCP_INFO): %s", t->fd, strerror(errno));
			return -1;
		}
		*len = sl;
		return 0;
	}
	const struct conn *c = &e->conns.v[t->conn];
	int r = sockdiag_tcpinfo(e->diag, c->family, c->kaddr, c->kport, c->paddr, c->pport, buf, INFO_MAX, len, why);
	if (r == 1)
		sb_add(why, "no tcp_info (a request socket or TIME_WAIT)");
	else if (r == 2)
		sb_add(why, "no socket (closed)");
	return r == 0 ? 0 : -1;
}

static void endpoint(int family, const uint8_t *addr, uint16_t port, struct sb *out)
{
	char buf[INET6_ADDRSTRLEN];
	const char *a = inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf));
	size_t was = out->len;
	if (family == 6)
		sb_addf(out, "[%s]:", a ? a : "?");
	else
		sb_addf(out, "%s:", a ? a : "?");
	if (port)
		sb_addf(out, "%u", port);
	else
		sb_addc(out, '*');
	size_t w = out->len - was;
	sb_addf(out, "%*s", w < 22 ? (int)(22 - w) : 1, "");
}

static int conn_of_sock(const struct engine *e, const struct sockdiag_sock *k)
{
	size_t al = k->family == 6 ? 16 : 4;
	for (size_t i = 0; i < e->conns.n; i++) {
		const struct conn *c = &e->conns.v[i];
		if (!c->unopened && c->family == k->family && c->kport == k->sport && c->pport == k->dport &&
		    !memcmp(c->kaddr, k->src, al) && !memcmp(c->paddr, k->dst, al))
			return (int)i;
	}
	return -1;
}

/* One socket of `state info`: an ss -tan line, then its tcp_info in one line. */
static void socket_lines(struct engine *e, const struct sockdiag_sock *k)
{
	struct target t = {state_script_fd(e, k->inode), -1, conn_of_sock(e, k)};
	t.real = t.fd >= 0 ? e->sys.fds[t.fd].real : -1;
	struct sb line = SB_INIT, why = SB_INIT;
	sb_addf(&line, INDENT "%-12s %6u %6u  ", sockdiag_state_name(k->state), k->rqueue, k->wqueue);
	endpoint(k->family, k->src, k->sport, &line);
	endpoint(k->family, k->dst, k->dport, &line);
	if (t.fd >= 0)
		sb_addf(&line, "fd %-4d", t.fd);
	else
		sb_add(&line, "no fd  ");
	if (t.conn >= 0)
		sb_addf(&line, " c%d", t.conn + 1);
	while (line.len && line.buf[line.len - 1] == ' ')
		sb_truncate(&line, line.len - 1);
	sb_addc(&line, '\n');
	if (k->state == SOCK_LISTEN) { /* its tcp_info says nothing more: the connections are its children */
		engine_print(e, sb_str(&line));
		sb_free(&line);
		sb_free(&why);
		return;
	}
	sb_add(&line, INDENT "  ");
	uint8_t buf[INFO_MAX];
	size_t len;
	if (t.real < 0 && t.conn < 0) { /* no fd, no connection of ours: ask by its own 4-tuple */
		int r = sockdiag_tcpinfo(e->diag, k->family, k->src, k->sport, k->dst, k->dport, buf, INFO_MAX, &len, &why);
		if (r == 0)
			tcpinfo_summary((const struct tcp_info *)buf, len, &line);
		else
			sb_add(&line, r == 1 ? "no tcp_info (a request socket or TIME_WAIT)" : sb_str(&why));
	} else if (read_info(e, &t, buf, &len, &why) == 0) {
		tcpinfo_summary((const struct tcp_info *)buf, len, &line);
	} else {
		sb_add(&line, sb_str(&why));
	}
	sb_addc(&line, '\n');
	engine_print(e, sb_str(&line));
	sb_free(&line);
	sb_free(&why);
}

void engine_state_info(struct engine *e)
{
	struct sockdiag_sock *s = NULL;
	size_t n = 0;
	struct sb err = SB_INIT;
	if (sockdiag_dump(e->diag, &s, &n, &err)) {
		engine_printf(e, INDENT "state info: %s\n", sb_str(&err));
		sb_free(&err);
		return;
	}
	sb_free(&err);
	engine_printf(e, INDENT "every TCP socket, as ss -tan shows them, each with its tcp_info ('help info'):\n"
			     INDENT "%-12s %6s %6s  %-22s%-22s%s\n",
		      "State", "Recv-Q", "Send-Q", "Local", "Peer", "fd      connection");
	for (size_t i = 0; i < n; i++)
		socket_lines(e, &s[i]);
	int unbound = 0; /* sockets in no table: made, not yet bound or connected */
	for (int fd = 0; fd < SYS_MAX_FDS; fd++) {
		if (!e->sys.fds[fd].used || !e->sys.fds[fd].tcp)
			continue;
		bool listed = false;
		for (size_t i = 0; i < n && !listed; i++)
			listed = state_script_fd(e, s[i].inode) == fd;
		if (!listed) {
			engine_printf(e, INDENT "%-12s %6u %6u  %-44sfd %d\n", "CLOSE", 0u, 0u, "(not bound)", fd);
			unbound++;
		}
	}
	if (!n && !unbound)
		engine_print(e, INDENT "no TCP sockets\n");
	free(s);
}

void engine_info_command(struct engine *e, const struct syn_command *c)
{
	struct target t;
	if (resolve(e, c, &t))
		return;
	uint8_t buf[INFO_MAX];
	size_t len = 0;
	if (t.real < 0 && t.conn >= 0) {
		if (info_by_tuple(e, &t, buf, &len))
			return;
	} else {
		struct sb why = SB_INIT;
		int r = read_info(e, &t, buf, &len, &why);
		if (r)
			engine_printf(e, INDENT "info: %s\n", sb_str(&why));
		sb_free(&why);
		if (r)
			return;
	}
	struct sb out = SB_INIT;
	header(e, &t, &out);
	tcpinfo_describe((const struct tcp_info *)buf, len, INDENT "  ", &out);
	engine_print(e, sb_str(&out));
	sb_free(&out);
}
