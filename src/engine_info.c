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
		engine_cmd_error(e, 1, "info: expected one socket: an fd number or a connection name",
				 "for example: info 4, info c2, or info alone for the current connection");
		return -1;
	}
	if (arg && end && !*end && *arg != '-' && *arg != '+') {
		t->real = fd >= 0 && fd < SYS_MAX_FDS && e->sys.fds[fd].used && e->sys.fds[fd].tcp ? e->sys.fds[fd].real : -1;
		if (t->real < 0) {
			engine_cmd_error(e, 0, "info: that fd is not an open TCP socket",
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
			engine_cmd_error(e, 0, "info: no such socket or connection",
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

/* One line of `state info`: "c2 fd 5: ESTABLISHED Open, cwnd 10, ..." */
static void summary_line(struct engine *e, const struct target *t)
{
	uint8_t buf[INFO_MAX];
	size_t len;
	struct sb line = SB_INIT, why = SB_INIT;
	sb_add(&line, INDENT);
	if (t->conn >= 0)
		sb_addf(&line, "c%d%s", t->conn + 1, t->fd >= 0 ? " " : "");
	if (t->fd >= 0)
		sb_addf(&line, "fd %d", t->fd);
	sb_add(&line, ": ");
	if (read_info(e, t, buf, &len, &why) == 0)
		tcpinfo_summary((const struct tcp_info *)buf, len, &line);
	else
		sb_add(&line, sb_str(&why));
	sb_addc(&line, '\n');
	engine_print(e, sb_str(&line));
	sb_free(&line);
	sb_free(&why);
}

void engine_state_info(struct engine *e)
{
	engine_print(e, INDENT "tcp_info ('info FD' or 'info NAME' says it in words):\n");
	for (size_t i = 0; i < e->conns.n; i++) {
		if (e->conns.v[i].unopened)
			continue;
		struct target t = {fd_of_conn(e, &e->conns.v[i]), -1, (int)i};
		t.real = t.fd >= 0 ? e->sys.fds[t.fd].real : -1;
		summary_line(e, &t);
	}
	for (int fd = 0; fd < SYS_MAX_FDS; fd++) { /* listeners and sockets of no connection */
		if (!e->sys.fds[fd].used || !e->sys.fds[fd].tcp || conn_of_fd(e, e->sys.fds[fd].real) >= 0)
			continue;
		struct target t = {fd, e->sys.fds[fd].real, -1};
		summary_line(e, &t);
	}
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
