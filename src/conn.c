/*
 * conn: connections, ISNs and the peer's inferred RFC 9293 state (see conn.h).
 *
 * The peer's state moves when the peer *acts*: a state that RFC 9293 enters on
 * receiving a segment that must be acknowledged (SYN-ACK in SYN-SENT, a FIN)
 * is entered here when the student's acknowledgement goes out, because the
 * student sends that ACK by hand and the state shown should match what they
 * have done. Receipts that need no answer (an ACK of our FIN, of our SYN-ACK)
 * move the state at once.
 */
#include "conn.h"

#include <stdlib.h>
#include <string.h>

#include "sb.h"

void conn_table_init(struct conn_table *t, uint16_t first_pport)
{
	memset(t, 0, sizeof(*t));
	t->current = -1;
	t->next_pport = first_pport;
}

void conn_table_free(struct conn_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
	t->current = -1;
}

struct conn *conn_current(struct conn_table *t)
{
	return t->current >= 0 ? &t->v[t->current] : NULL;
}

static size_t addr_len(int family)
{
	return family == 6 ? 16 : 4;
}

static struct conn *conn_add(struct conn_table *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	struct conn *c = &t->v[t->n];
	memset(c, 0, sizeof(*c));
	c->peer = CONN_CLOSED;
	c->peer_win = 65535;
	c->listen_gen = t->listen_gen;
	t->current = (int)t->n;
	t->n++;
	return c;
}

struct conn *conn_find(struct conn_table *t, const struct pkt *p, enum conn_dir *dir)
{
	size_t al = addr_len(p->family);
	for (size_t i = t->n; i-- > 0;) {
		struct conn *c = &t->v[i];
		if (c->family != p->family)
			continue;
		if (c->pport == p->sport && c->kport == p->dport && !memcmp(c->paddr, p->src, al) &&
		    !memcmp(c->kaddr, p->dst, al)) {
			*dir = CONN_IN;
			return c;
		}
		if (c->kport == p->sport && c->pport == p->dport && !memcmp(c->kaddr, p->src, al) &&
		    !memcmp(c->paddr, p->dst, al)) {
			*dir = CONN_OUT;
			return c;
		}
	}
	return NULL;
}

/* The next peer port for a passive open that no connection uses yet (a
 * port given by hand to conn_open_passive may have taken one). */
static uint16_t next_free_port(struct conn_table *t)
{
	for (;;) {
		uint16_t p = t->next_pport++;
		if (t->next_pport == 0)
			t->next_pport = 1024;
		bool used = false;
		for (size_t i = 0; i < t->n && !used; i++)
			used = t->v[i].pport == p;
		if (!used)
			return p;
	}
}

static bool conn_over(const struct conn *c)
{
	return c->peer == CONN_CLOSED || c->peer == CONN_TIME_WAIT;
}

struct conn *conn_for_inject(struct conn_table *t, const struct syn_packet *sp, int family, const uint8_t *kaddr,
			     uint16_t kport, const uint8_t *paddr, uint32_t isn)
{
	struct conn *cur = conn_current(t);
	if (cur && cur->unopened) { /* made by conn_open_passive: this segment opens it */
		cur->unopened = false;
		cur->pbase = isn;
		cur->pisn = isn + sp->seq_start;
		cur->pisn_known = true;
		return cur;
	}
	bool fresh_syn = (sp->flags & TCPF_SYN) && !(sp->flags & TCPF_ACK);
	if (cur && !(fresh_syn && (conn_over(cur) || cur->listen_gen != t->listen_gen)))
		return cur;
	struct conn *c = conn_add(t);
	c->family = family;
	memcpy(c->kaddr, kaddr, addr_len(family));
	memcpy(c->paddr, paddr, addr_len(family));
	c->kport = kport;
	c->pport = next_free_port(t);
	c->pbase = isn;
	c->pisn = isn + sp->seq_start;
	c->pisn_known = true;
	return c;
}

/* The peer acknowledges everything before end with p. */
static bool acks(const struct pkt *p, uint32_t end)
{
	return (p->flags & TCPF_ACK) && conn_seq_geq(p->ack, end);
}

static uint32_t seg_end(const struct pkt *p)
{
	uint32_t end = p->seq + p->payload_len;
	if (p->flags & TCPF_SYN)
		end++;
	if (p->flags & TCPF_FIN)
		end++;
	return end;
}

/* The peer sent p. */
static void peer_sends(struct conn *c, const struct pkt *p)
{
	uint16_t f = p->flags;
	if (f & TCPF_RST) {
		c->peer = CONN_CLOSED;
		return;
	}
	bool acks_syn = c->has_kisn && c->kernel_syn_seen && acks(p, c->kisn + 1);
	if (acks_syn) {
		c->kernel_syn_seen = false;
		c->kernel_syn_acked = true;
	}
	if (f & TCPF_SYN) {
		/* A SYN opens only from CLOSED or LISTEN (or repeats in SYN-SENT); on a
		 * synchronized connection it opens nothing: the kernel answers it with a
		 * challenge ACK (RFC 5961 section 4) and both ends stay as they were. */
		bool opening = c->peer == CONN_CLOSED || c->peer == CONN_LISTEN || c->peer == CONN_SYN_SENT;
		if (!(f & TCPF_ACK) && opening)
			c->peer = c->kernel_syn_seen ? CONN_SYN_RECEIVED : CONN_SYN_SENT;
		else if (c->peer == CONN_LISTEN || c->peer == CONN_CLOSED || c->peer == CONN_SYN_SENT)
			c->peer = CONN_SYN_RECEIVED;
		return;
	}
	if (acks_syn && c->peer == CONN_SYN_SENT)
		c->peer = CONN_ESTABLISHED;
	if (c->kernel_fin_seen && acks(p, c->kernel_fin_end)) {
		c->kernel_fin_seen = false;
		if (c->peer == CONN_ESTABLISHED)
			c->peer = CONN_CLOSE_WAIT;
		else if (c->peer == CONN_FIN_WAIT_1)
			c->peer = CONN_CLOSING;
		else if (c->peer == CONN_FIN_WAIT_2)
			c->peer = CONN_TIME_WAIT;
	}
	if (f & TCPF_FIN) {
		c->peer_fin_sent = true;
		c->peer_fin_end = seg_end(p);
		if (c->peer == CONN_ESTABLISHED || c->peer == CONN_SYN_RECEIVED)
			c->peer = CONN_FIN_WAIT_1;
		else if (c->peer == CONN_CLOSE_WAIT)
			c->peer = CONN_LAST_ACK;
	}
}

/* The kernel sent p. */
static void kernel_sends(struct conn *c, const struct pkt *p)
{
	uint16_t f = p->flags;
	if (f & TCPF_RST) {
		c->peer = CONN_CLOSED;
		return;
	}
	if ((f & TCPF_SYN) && !c->kernel_syn_acked) {
		c->kernel_syn_seen = true;
		if (!(f & TCPF_ACK) && c->peer == CONN_CLOSED)
			c->peer = CONN_LISTEN;
	}
	if (acks(p, c->pisn + 1) && c->peer == CONN_SYN_RECEIVED && c->kernel_syn_acked)
		c->peer = CONN_ESTABLISHED;
	if (c->peer_fin_sent && acks(p, c->peer_fin_end)) {
		c->peer_fin_sent = false;
		if (c->peer == CONN_FIN_WAIT_1)
			c->peer = CONN_FIN_WAIT_2;
		else if (c->peer == CONN_CLOSING)
			c->peer = CONN_TIME_WAIT;
		else if (c->peer == CONN_LAST_ACK)
			c->peer = CONN_CLOSED;
	}
	if (f & TCPF_FIN) {
		c->kernel_fin_seen = true;
		c->kernel_fin_end = seg_end(p);
	}
}

static bool kernel_opens(const struct pkt *p)
{
	return (p->flags & TCPF_SYN) && !(p->flags & TCPF_ACK);
}

struct conn *conn_observe(struct conn_table *t, const struct pkt *p, uint32_t new_isn, bool *changed)
{
	enum conn_dir dir;
	struct conn *c = conn_find(t, p, &dir);
	*changed = false;
	if (!c) {
		/* A kernel SYN to a new 4-tuple is an active open (connect()). */
		if (!kernel_opens(p))
			return NULL;
		c = conn_add(t);
		c->family = p->family;
		memcpy(c->kaddr, p->src, addr_len(p->family));
		memcpy(c->paddr, p->dst, addr_len(p->family));
		c->kport = p->sport;
		c->pport = p->dport;
		c->pbase = c->pisn = new_isn;
		c->active = true;
		dir = CONN_OUT;
	}
	enum conn_state before = c->peer;
	if (dir == CONN_OUT) {
		/* The kernel's ISN: from its SYN; a bare RST before any SYN (to a
		 * closed port) starts its numbering at its own sequence number. */
		if ((p->flags & TCPF_SYN) || !c->has_kisn) {
			c->kisn = p->seq;
			c->has_kisn = true;
		}
		kernel_sends(c, p);
	} else {
		peer_sends(c, p);
		c->peer_win = p->win;
	}
	*changed = before != c->peer;
	return c;
}

void conn_make_pkt(struct conn *c, const struct syn_packet *sp, struct pkt *out)
{
	memset(out, 0, sizeof(*out));
	out->family = c->family;
	memcpy(out->src, c->paddr, sizeof(out->src));
	memcpy(out->dst, c->kaddr, sizeof(out->dst));
	out->sport = c->pport;
	out->dport = c->kport;
	out->ttl = 64;
	if ((sp->flags & TCPF_SYN) && (sp->flags & TCPF_ACK) && !c->pisn_known) {
		c->pisn = c->pbase + sp->seq_start; /* our first SYN-ACK to the kernel's SYN */
		c->pisn_known = true;
	}
	out->seq = (sp->flags & TCPF_SYN) ? c->pbase + sp->seq_start : c->pisn + sp->seq_start;
	out->ack = sp->has_ack ? (c->has_kisn ? c->kisn : 0) + sp->ack : 0;
	out->flags = sp->flags;
	out->win = sp->has_win ? sp->win : c->peer_win;
	out->urg = sp->has_urg ? sp->urg : 0;
	out->payload_len = sp->len;
	if (sp->ecn >= PKT_NOT_ECT && sp->ecn <= PKT_CE)
		out->tos = (uint8_t)sp->ecn;
	out->nopts = sp->opts_any ? 0 : sp->nopts;
	if (out->nopts) /* sp->opts is NULL when there are none */
		memcpy(out->opts, sp->opts, sizeof(out->opts[0]) * out->nopts);
	for (int i = 0; i < out->nopts; i++) {
		struct pkt_opt *o = &out->opts[i];
		if (o->kind != TCPOPT_SACK || !c->has_kisn)
			continue;
		for (int b = 0; b < o->u.sack.n; b++) {
			o->u.sack.blk[b].left += c->kisn;
			o->u.sack.blk[b].right += c->kisn;
		}
	}
}

void conn_rel_isn(const struct conn *c, enum conn_dir dir, struct conn_rel *rel)
{
	if (dir == CONN_IN) {
		rel->has_seq_isn = true;
		rel->seq_isn = c->pisn;
		rel->has_ack_isn = c->has_kisn;
		rel->ack_isn = c->kisn;
	} else {
		rel->has_seq_isn = c->has_kisn;
		rel->seq_isn = c->kisn;
		rel->has_ack_isn = true;
		rel->ack_isn = c->pisn;
	}
}

bool conn_name_is_port(const char *name, uint16_t *port)
{
	unsigned long v = 0;
	if (!*name)
		return false;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > 65535)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

int conn_lookup(const struct conn_table *t, const char *name)
{
	uint16_t port;
	if ((name[0] == 'c' || name[0] == 'C') && conn_name_is_port(name + 1, &port))
		return port <= t->n ? (int)port - 1 : -1;
	if (!conn_name_is_port(name, &port))
		return -1;
	for (size_t i = t->n; i-- > 0;)
		if (t->v[i].pport == port || t->v[i].kport == port)
			return (int)i;
	return -1;
}

struct conn *conn_open_passive(struct conn_table *t, int family, const uint8_t *kaddr, uint16_t kport,
			       const uint8_t *paddr, uint16_t pport)
{
	uint16_t port = pport ? pport : next_free_port(t);
	struct conn *c = conn_add(t);
	c->family = family;
	memcpy(c->kaddr, kaddr, addr_len(family));
	memcpy(c->paddr, paddr, addr_len(family));
	c->kport = kport;
	c->pport = port;
	c->unopened = true;
	return c;
}

const char *conn_state_name(enum conn_state s)
{
	static const char *const names[] = {
		[CONN_CLOSED] = "CLOSED",         [CONN_LISTEN] = "LISTEN",
		[CONN_SYN_SENT] = "SYN_SENT",     [CONN_SYN_RECEIVED] = "SYN_RECEIVED",
		[CONN_ESTABLISHED] = "ESTABLISHED", [CONN_FIN_WAIT_1] = "FIN_WAIT_1",
		[CONN_FIN_WAIT_2] = "FIN_WAIT_2", [CONN_CLOSE_WAIT] = "CLOSE_WAIT",
		[CONN_CLOSING] = "CLOSING",       [CONN_LAST_ACK] = "LAST_ACK",
		[CONN_TIME_WAIT] = "TIME_WAIT",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
