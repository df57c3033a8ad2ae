/*
 * engine_code: %{ }% blocks. The kernel's TCP_INFO for the socket under
 * test is taken at the block's time; in a script the blocks are evaluated
 * after the last event, in order, as packetdrill does (so an assertion
 * failure is reported after every event ran); in the shell at once, with
 * print() output shown.
 */
#include "engine_int.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcpinfo.h"

#define TI_MAX 512 /* room for newer kernels' tcp_info fields */

struct code_snap {
	struct qitem *q;
	uint8_t ti[TI_MAX];
	size_t ti_len;
};

struct code_state {
	struct tcpinfo_env *env;
	struct code_snap *v;
	size_t n;
};

static struct code_state *code_state(struct engine *e)
{
	if (!e->code) {
		e->code = xcalloc(1, sizeof(*e->code));
		e->code->env = tcpinfo_env_new();
	}
	return e->code;
}

void code_free(struct engine *e)
{
	if (!e->code)
		return;
	for (size_t i = 0; i < e->code->n; i++)
		qitem_free(e->code->v[i].q);
	free(e->code->v);
	tcpinfo_env_free(e->code->env);
	free(e->code);
	e->code = NULL;
}

bool code_same_addr(const struct sockaddr_storage *ss, const uint8_t *addr, uint16_t port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		return ntohs(s4->sin_port) == port && !memcmp(&s4->sin_addr, addr, 4);
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		const uint8_t *a = s6->sin6_addr.s6_addr;
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (ntohs(s6->sin6_port) != port)
			return false;
		return !memcmp(a, addr, 16) || (!memcmp(a, mapped, 12) && !memcmp(a + 12, addr, 4));
	}
	return false;
}

/* The real fd of the socket under test: as packetdrill, the newest socket()
 * or accept() still open; else the one connected to the current
 * connection's peer, else the newest TCP socket. -1 when there is none. */
int code_socket_under_test(const struct engine *e)
{
	int sut = sys_real_fd(&e->sys, e->sut_fd);
	if (sut >= 0)
		return sut;
	const struct conn *c = e->conns.current >= 0 ? &e->conns.v[e->conns.current] : NULL;
	int newest = -1;
	for (int fd = SYS_MAX_FDS - 1; fd >= 0; fd--) {
		const struct sys_fd *f = &e->sys.fds[fd];
		if (!f->used || !f->tcp)
			continue;
		if (newest < 0)
			newest = f->real;
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		if (c && !getpeername(f->real, (struct sockaddr *)&ss, &len) && code_same_addr(&ss, c->paddr, c->pport))
			return f->real;
	}
	return newest;
}

static void snapshot(const struct engine *e, struct code_snap *s)
{
	int fd = code_socket_under_test(e);
	socklen_t len = TI_MAX;
	memset(s->ti, 0, sizeof(s->ti));
	s->ti_len = fd >= 0 && !getsockopt(fd, IPPROTO_TCP, TCP_INFO, s->ti, &len) ? len : 0;
}

/* Evaluates one block; reports a failure at its line. Returns 0 if it held. */
static int evaluate(struct engine *e, struct code_snap *s)
{
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	const struct syn_event *ev = &s->q->ev;
	int r = tcpinfo_eval(code_state(e)->env, ev->u.str.text, strlen(ev->u.str.text),
			     (const struct tcp_info *)s->ti, s->ti_len, &out, &err);
	if (r == 1 && out.len) { /* the last line is the assert's message, shown with the failure below */
		sb_truncate(&out, out.len - 1);
		char *nl = strrchr(out.buf, '\n');
		sb_truncate(&out, nl ? (size_t)(nl - out.buf) + 1 : 0);
	}
	if (out.len && (!e->scr || r == 0))
		engine_print(e, sb_str(&out));
	if (r != 0) {
		const char *what = r > 0 ? "assertion failed" : "error in %{ }% block";
		if (e->scr)
			script_fail(e, s->q, "%s: %s%s%s", what, sb_str(&err.msg), err.hint.len ? "; " : "",
				    sb_str(&err.hint));
		else
			engine_printf(e, "       %s %s: %s\n", engine_sym(e, "✗", "FAIL:"), what, sb_str(&err.msg));
		if (!e->scr)
			e->failures++;
	}
	sb_free(&out);
	syntax_error_free(&err);
	return r;
}

void code_exec(struct engine *e, struct qitem *q)
{
	struct code_state *cs = code_state(e);
	struct code_snap s = {.q = q};
	snapshot(e, &s);
	if (!e->scr) {
		evaluate(e, &s);
		qitem_free(q);
		return;
	}
	cs->v = xrealloc(cs->v, (cs->n + 1) * sizeof(*cs->v));
	cs->v[cs->n++] = s;
}

int code_finish(struct engine *e)
{
	if (!e->code)
		return 0;
	for (size_t i = 0; i < e->code->n && !script_failed(e); i++)
		if (evaluate(e, &e->code->v[i]))
			return -1;
	return 0;
}
