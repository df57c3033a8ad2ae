/*
 * engine_state: the state of every socket, from the kernel (sockdiag), and
 * of the peer, from the connection model; printed as a line whenever it
 * changes. A connection's line names the kernel socket's state and what kind
 * of socket holds it (a request socket, a child not yet accepted, an fd, an
 * orphan after close) and the student's inferred state.
 */
#include "engine_int.h"

#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint32_t fd_inode(int real)
{
	struct stat st;
	return fstat(real, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

int state_script_fd(const struct engine *e, uint32_t ino)
{
	if (!ino)
		return -1;
	for (int i = 0; i < SYS_MAX_FDS; i++)
		if (e->sys.fds[i].used && e->sys.fds[i].tcp && fd_inode(e->sys.fds[i].real) == ino)
			return i;
	return -1;
}

static const struct sockdiag_sock *find_tuple(const struct sockdiag_sock *s, size_t n, const struct conn *c)
{
	size_t al = c->family == 6 ? 16 : 4;
	for (size_t i = 0; i < n; i++)
		if (s[i].sport == c->kport && s[i].dport == c->pport && !memcmp(s[i].src, c->kaddr, al) &&
		    !memcmp(s[i].dst, c->paddr, al))
			return &s[i];
	return NULL;
}

static void snap_add(struct snap *sn, const char *key, const char *state, const char *text)
{
	sn->v = xrealloc(sn->v, (sn->n + 1) * sizeof(*sn->v));
	sn->v[sn->n].key = xstrdup(key);
	sn->v[sn->n].state = xstrdup(state);
	sn->v[sn->n].text = xstrdup(text);
	sn->n++;
}

static void snap_clear(struct snap *sn)
{
	for (size_t i = 0; i < sn->n; i++) {
		free(sn->v[i].key);
		free(sn->v[i].state);
		free(sn->v[i].text);
	}
	free(sn->v);
	sn->v = NULL;
	sn->n = 0;
}

static const struct snap_item *snap_get(const struct snap *sn, const char *key)
{
	for (size_t i = 0; i < sn->n; i++)
		if (!strcmp(sn->v[i].key, key))
			return &sn->v[i];
	return NULL;
}

/* "SYN_RECV (request socket, no fd yet)", "ESTABLISHED (fd 4)", ... */
static void kernel_words(const struct engine *e, struct conn *c, const struct sockdiag_sock *s, struct sb *out)
{
	if (!s) {
		sb_add(out, "CLOSED (no socket)");
		return;
	}
	sb_add(out, sockdiag_state_name(s->state));
	int fd = state_script_fd(e, s->inode);
	if (fd >= 0) {
		c->kernel_had_fd = true;
		sb_addf(out, " (fd %d)", fd);
	} else if (s->state == TCP_SYN_RECV && !s->inode) {
		sb_add(out, " (request socket, no fd yet)");
	} else if (s->state == TCP_TIME_WAIT) {
		sb_add(out, " (no fd)");
	} else if (c->kernel_had_fd) {
		sb_add(out, " (orphaned: its fd is closed)");
	} else {
		sb_add(out, " (not yet accepted)");
	}
}

static void conn_items(struct engine *e, const struct sockdiag_sock *s, size_t n, struct snap *sn)
{
	for (size_t i = 0; i < e->conns.n; i++) {
		struct conn *c = &e->conns.v[i];
		if (c->unopened) /* `conn new`: nothing on the wire yet */
			continue;
		const struct sockdiag_sock *k = find_tuple(s, n, c);
		struct sb key = SB_INIT, text = SB_INIT, kw = SB_INIT;
		sb_addf(&key, "c%zu", i);
		kernel_words(e, c, k, &kw);
		ejournal_conn_state(e, i, k ? sockdiag_state_name(k->state) : "CLOSED", conn_state_name(c->peer));
		if (e->conns.n > 1)
			sb_addf(&text, "c%zu %u%s%u  ", i + 1, c->pport, engine_sym(e, "↔", "<->"), c->kport);
		sb_addf(&text, "kernel %s %s you %s", sb_str(&kw), engine_sym(e, "·", "|"), conn_state_name(c->peer));
		snap_add(sn, sb_str(&key), sb_str(&text), sb_str(&text));
		sb_free(&key);
		sb_free(&text);
		sb_free(&kw);
	}
}

static bool inode_on_conn(const struct engine *e, const struct sockdiag_sock *s, size_t n, uint32_t ino)
{
	for (size_t i = 0; i < e->conns.n; i++) {
		const struct sockdiag_sock *k = find_tuple(s, n, &e->conns.v[i]);
		if (k && k->inode == ino)
			return true;
	}
	return false;
}

static void fd_items(struct engine *e, const struct sockdiag_sock *s, size_t n, struct snap *sn)
{
	for (int fd = 0; fd < SYS_MAX_FDS; fd++) {
		if (!e->sys.fds[fd].used || !e->sys.fds[fd].tcp)
			continue;
		uint32_t ino = fd_inode(e->sys.fds[fd].real);
		if (inode_on_conn(e, s, n, ino))
			continue;
		const char *state = "CLOSE"; /* an unbound, unconnected socket is in no table */
		for (size_t i = 0; i < n; i++)
			if (s[i].inode == ino)
				state = sockdiag_state_name(s[i].state);
		ejournal_fd_state(e, fd, state);
		struct sb key = SB_INIT, text = SB_INIT;
		sb_addf(&key, "fd%d", fd);
		sb_addf(&text, "fd %d %s", fd, state);
		snap_add(sn, sb_str(&key), state, sb_str(&text));
		sb_free(&key);
		sb_free(&text);
	}
}

static void print_state_line(struct engine *e, const struct snap_item *now, const struct snap_item *before)
{
	if (e->cfg.present) /* the presenter shows states from the journal */
		return;
	if (before && !strncmp(now->key, "fd", 2))
		engine_printf(e, "       state: %s %s %s\n", before->text, engine_sym(e, "→", "->"), now->state);
	else
		engine_printf(e, "       state: %s\n", now->text);
}

static int take_snapshot(struct engine *e, struct snap *sn)
{
	struct sockdiag_sock *s = NULL;
	size_t n = 0;
	struct sb err = SB_INIT;
	if (sockdiag_dump(e->diag, &s, &n, &err)) {
		engine_printf(e, "tcpsh: socket states: %s\n", sb_str(&err));
		sb_free(&err);
		return -1;
	}
	sb_free(&err);
	conn_items(e, s, n, sn);
	fd_items(e, s, n, sn);
	free(s);
	return 0;
}

void state_refresh(struct engine *e)
{
	struct snap now = {0};
	if (e->cfg.quiet) /* nobody would see the state lines */
		return;
	if (take_snapshot(e, &now))
		return;
	for (size_t i = 0; i < now.n; i++) {
		const struct snap_item *before = snap_get(&e->prev, now.v[i].key);
		if (!before || strcmp(before->text, now.v[i].text))
			print_state_line(e, &now.v[i], before);
	}
	snap_clear(&e->prev);
	e->prev = now;
}

void state_show_all(struct engine *e)
{
	state_refresh(e);
	if (!e->prev.n)
		engine_print(e, "       no sockets yet\n");
	for (size_t i = 0; i < e->prev.n; i++)
		engine_printf(e, "       %s\n", e->prev.v[i].text);
}

void state_free(struct engine *e)
{
	snap_clear(&e->prev);
}

bool state_anything_alive(const struct engine *e)
{
	return e->prev.n > 0;
}
