/*
 * engine_conn: several connections in one shell session. Which connection a
 * typed segment belongs to is the current one; the `conn` command lists the
 * connections, makes one current (by name c1, c2... or port) or opens a new
 * passive one from the next peer port, and a line may start with @NAME to
 * say which connection it is for (sticky: that connection stays current).
 * '@' starts no packetdrill line, so the prefix cannot be mistaken for one;
 * it exists only at the prompt (engine_submit), never in `tcpsh run`.
 * Not the connection model itself (conn.c) nor the capture (engine_wire.c),
 * which attributes the kernel's segments by their 4-tuple.
 */
#include "engine_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int sel_prefix(const char *text, size_t len, size_t *name_off, size_t *name_len)
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i >= len || text[i] != '@')
		return 0;
	size_t start = ++i;
	while (i < len && name_char(text[i]))
		i++;
	if (i == start || (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\n'))
		return -1;
	*name_off = start;
	*name_len = i - start;
	return (int)i;
}

/* "c2" for the connection at index i. */
static void conn_name(size_t i, struct sb *out)
{
	sb_addf(out, "c%zu", i + 1);
}

static void addr_text(const struct conn *c, const uint8_t *addr, uint16_t port, struct sb *out)
{
	char buf[INET6_ADDRSTRLEN];
	const char *a = inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf));
	sb_addf(out, c->family == 6 ? "[%s]:%u" : "%s:%u", a ? a : "?", port);
}

/* "c2 (you 192.0.2.1:40001, kernel 192.168.0.1:8080, passive open)" */
void engine_conn_describe(const struct engine *e, size_t i, struct sb *out)
{
	const struct conn *c = &e->conns.v[i];
	conn_name(i, out);
	sb_add(out, " (you ");
	addr_text(c, c->paddr, c->pport, out);
	sb_add(out, ", kernel ");
	addr_text(c, c->kaddr, c->kport, out);
	sb_addf(out, ", %s)", c->unopened ? "not opened yet" : c->active ? "the kernel connected" : "you connected");
}

static void say_current(struct engine *e)
{
	struct sb s = SB_INIT;
	engine_conn_describe(e, (size_t)e->conns.current, &s);
	engine_printf(e, "       current connection: %s\n", sb_str(&s));
	sb_free(&s);
}

static void no_such(struct engine *e, const struct qitem *q, int col, const char *name)
{
	struct sb msg = SB_INIT, hint = SB_INIT;
	sb_addf(&msg, "no connection '%s'", name);
	if (!e->conns.n)
		sb_add(&hint, "there is no connection yet; 'conn new' opens one, or send a SYN");
	else
		sb_addf(&hint, "the connections are c1 to c%zu ('conn' lists them); 'conn new PORT' opens one from PORT",
			e->conns.n);
	engine_error_at(e, q, col, sb_str(&msg), sb_str(&hint));
	sb_free(&msg);
	sb_free(&hint);
}

static struct conn *open_passive(struct engine *e, uint16_t port)
{
	return conn_open_passive(&e->conns, e->cfg.family == 6 ? 6 : 4, e->kaddr, e->cfg.bind_port, e->paddr,
				 port);
}

int sel_apply(struct engine *e, struct qitem *q)
{
	int i = conn_lookup(&e->conns, q->sel);
	uint16_t port;
	bool inject = q->ev.kind == SYN_PACKET && q->ev.u.pkt.dir == '<';
	if (i < 0 && inject && conn_name_is_port(q->sel, &port)) {
		open_passive(e, port); /* @40001 < S ...: a new peer from that port */
		i = e->conns.current;
	}
	if (i < 0) {
		const char *at = strchr(q->text, '@');
		no_such(e, q, at ? (int)(at - q->text) + 1 : 1, q->sel);
		return -1;
	}
	bool changed = e->conns.current != i;
	e->conns.current = i;
	q->has_sel_conn = true;
	q->sel_conn = (size_t)i;
	if (changed && q->ev.kind == SYN_EMPTY)
		say_current(e);
	return 0;
}

void engine_conn_label(const struct engine *e, struct sb *out)
{
	if (e->conns.n >= 2 && e->conns.current >= 0)
		conn_name((size_t)e->conns.current, out);
}

size_t engine_conn_count(const struct engine *e)
{
	return e->conns.n;
}

static void list(struct engine *e)
{
	if (!e->conns.n) {
		engine_print(e, "       no connections yet: a SYN you send (or one the kernel sends after connect()) opens one\n");
		return;
	}
	for (size_t i = 0; i < e->conns.n; i++) {
		struct sb s = SB_INIT;
		engine_conn_describe(e, i, &s);
		engine_printf(e, "     %s %s: you %s\n", (int)i == e->conns.current ? "*" : " ", sb_str(&s),
			      conn_state_name(e->conns.v[i].peer));
		sb_free(&s);
	}
}

void engine_conn_command(struct engine *e, const struct syn_command *c)
{
	uint16_t port = 0;
	if (c->nargs == 0) {
		list(e);
		return;
	}
	if (!strcmp(c->args[0], "new") && c->nargs <= 2) {
		if (c->nargs == 2 && !conn_name_is_port(c->args[1], &port)) {
			engine_command_error(e, engine_arg_col(e, 1), "conn new: expected a peer port number from 1 to 65535",
					 "for example: conn new 40005; without a number, the next free port");
			return;
		}
		if (port && conn_lookup(&e->conns, c->args[1]) >= 0 &&
		    e->conns.v[conn_lookup(&e->conns, c->args[1])].pport == port) {
			engine_command_error(e, engine_arg_col(e, 1), "conn new: a connection from that port exists already",
					 "'conn PORT' makes it current; choose another port for a new one");
			return;
		}
		struct conn *cur = conn_current(&e->conns);
		if (cur && cur->unopened && (!port || cur->pport == port)) { /* `conn new` twice: one is enough */
			say_current(e);
			engine_print(e, "       it is new already: the next segment you send opens it\n");
			return;
		}
		open_passive(e, port);
		say_current(e);
		engine_print(e, "       the next segment you send opens it (a SYN, as a new client would)\n");
		return;
	}
	if (c->nargs == 1) {
		int i = conn_lookup(&e->conns, c->args[0]);
		if (i < 0) {
			no_such(e, e->cmd_item, c->arg_cols[0], c->args[0]);
			return;
		}
		e->conns.current = i;
		say_current(e);
		return;
	}
	engine_command_error(e, engine_arg_col(e, c->nargs > 1 ? 1 : 0), "conn: expected 'conn', 'conn NAME' or 'conn new [PORT]'",
			 "NAME is c1, c2... or a port; 'help conn' explains");
}
