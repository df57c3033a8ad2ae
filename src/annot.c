/*
 * annot: expert annotations on segment lines (see annot.h).
 *
 * Each flow keeps, per direction, the highest sequence number sent, the last
 * ACK and window, and a log of the transmissions that carried sequence space.
 * A segment is judged against that state *before* it is recorded: its
 * sequence space against its own side (retransmission, out-of-order, a gap),
 * its ACK and window against its own side's previous ones (duplicate ACK,
 * window update), and against the other side (window full, probe replies).
 * The kernel's retransmissions are timed against the earlier transmission of
 * the same bytes: the gap is the retransmission timeout the kernel used, and
 * its growth is the exponential backoff (RFC 6298 section 5.5).
 */
#include "annot.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TX_MAX 256        /* transmissions remembered per side */
#define RTO_MIN_SEEN 0.19 /* Linux never times out sooner than 200 ms (TCP_RTO_MIN), less a tick */

struct annot_tx {
	uint32_t seq, end;
	double t;         /* the latest transmission */
	double first_gap; /* the first retransmission's timeout */
	int tries;        /* retransmissions so far */
};

struct annot {
	struct annot_flow *v;
	size_t n, cap;
};

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

struct annot *annot_new(void)
{
	return xcalloc(1, sizeof(struct annot));
}

static void side_reset(struct annot_side *s)
{
	free(s->tx);
	memset(s, 0, sizeof(*s));
	s->wscale = -1;
}

void annot_free(struct annot *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		side_reset(&a->v[i].kernel);
		side_reset(&a->v[i].peer);
	}
	free(a->v);
	free(a);
}

static size_t alen(int family)
{
	return family == 6 ? 16 : 4;
}

/* The kernel's and the peer's address and port of p. */
static void endpoints(const struct pkt *p, bool from_kernel, const uint8_t **ka, uint16_t *kp, const uint8_t **pa,
		      uint16_t *pp)
{
	*ka = from_kernel ? p->src : p->dst;
	*kp = from_kernel ? p->sport : p->dport;
	*pa = from_kernel ? p->dst : p->src;
	*pp = from_kernel ? p->dport : p->sport;
}

static struct annot_flow *find(const struct annot *a, const struct pkt *p, bool from_kernel)
{
	const uint8_t *ka, *pa;
	uint16_t kp, pp;
	endpoints(p, from_kernel, &ka, &kp, &pa, &pp);
	for (size_t i = a->n; i-- > 0;) {
		struct annot_flow *f = &a->v[i];
		if (f->family == p->family && f->kport == kp && f->pport == pp && !memcmp(f->kaddr, ka, alen(f->family)) &&
		    !memcmp(f->paddr, pa, alen(f->family)))
			return f;
	}
	return NULL;
}

const struct annot_flow *annot_find(const struct annot *a, const struct pkt *p, bool from_kernel)
{
	return find(a, p, from_kernel);
}

static struct annot_flow *flow_add(struct annot *a, const struct pkt *p, bool from_kernel)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 8;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	struct annot_flow *f = &a->v[a->n++];
	memset(f, 0, sizeof(*f));
	const uint8_t *ka, *pa;
	endpoints(p, from_kernel, &ka, &f->kport, &pa, &f->pport);
	f->family = p->family;
	memcpy(f->kaddr, ka, alen(p->family));
	memcpy(f->paddr, pa, alen(p->family));
	f->kernel.wscale = f->peer.wscale = -1;
	return f;
}

bool annot_synchronized(const struct annot_flow *f)
{
	return f->kernel.syn && f->peer.syn && f->kernel_syn_acked && f->kernel.has_ack &&
	       seq_lt(f->peer.isn, f->kernel.ack);
}

static bool flow_over(const struct annot_flow *f)
{
	return f->kernel.rst || f->peer.rst || (f->kernel.fin && f->peer.fin);
}

static uint32_t seq_len(const struct pkt *p)
{
	return p->payload_len + ((p->flags & TCPF_SYN) ? 1 : 0) + ((p->flags & TCPF_FIN) ? 1 : 0);
}

static void add(struct annot_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct annot_out *o, const char *fmt, ...)
{
	if (o->n == ANNOT_MAX)
		return;
	struct sb s = SB_INIT;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&s, fmt, ap);
	va_end(ap);
	o->item[o->n++] = sb_detach(&s);
}

/* Seconds as a person reads a timer: 0.2, 1.0, 0.012. */
static void secs(struct sb *s, double x)
{
	sb_addf(s, x >= 0.1 ? "%.1f" : "%.3f", x);
}

static struct annot_tx *tx_find(struct annot_side *s, uint32_t seq, uint32_t end)
{
	struct annot_tx *overlap = NULL;
	for (size_t i = s->ntx; i-- > 0;) {
		struct annot_tx *x = &s->tx[i];
		if (x->seq == seq)
			return x;
		if (!overlap && seq_lt(seq, x->end) && seq_lt(x->seq, end))
			overlap = x;
	}
	return overlap;
}

static void tx_add(struct annot_side *s, uint32_t seq, uint32_t end, double t)
{
	if (s->ntx == TX_MAX) {
		memmove(s->tx, s->tx + 1, (TX_MAX - 1) * sizeof(*s->tx));
		s->ntx--;
	}
	if (s->ntx == s->captx) {
		s->captx = s->captx ? s->captx * 2 : 16;
		s->tx = xrealloc(s->tx, s->captx * sizeof(*s->tx));
	}
	s->tx[s->ntx++] = (struct annot_tx){seq, end, t, 0, 0};
}

/* The nearest power of two to x (at least 1): the backoff multiplier. */
static unsigned backoff(double x)
{
	unsigned k = 1;
	while (k < 1024 && x > k * 1.5)
		k *= 2;
	return k;
}

/* A segment carrying sequence space that some earlier one carried too. */
static void retransmission(const struct annot_flow *f, const struct annot_side *me, const struct annot_side *other,
			   struct annot_tx *x, const struct pkt *p, bool from_kernel, double t, struct annot_out *o)
{
	double gap = t - x->t;
	/* The kernel answers a repeated SYN with its SYN-ACK again, at once: no timer. */
	bool answers_syn = from_kernel && (p->flags & TCPF_SYN) && f->has_last_in && (f->last_in_flags & TCPF_SYN) &&
			   f->last_in_t >= x->t && t - f->last_in_t < RTO_MIN_SEEN;
	x->tries++;
	if (!answers_syn && !x->first_gap)
		x->first_gap = gap; /* the first timeout, which later ones back off from */
	x->t = t;
	uint32_t end = p->seq + seq_len(p);
	if (seq_lt(x->end, end))
		x->end = end;
	struct sb s = SB_INIT;
	if (other->dupacks >= 2 && other->has_ack && p->seq == other->ack && !(p->flags & TCPF_SYN)) {
		sb_addf(&s, "fast retransmission, after %d duplicate ACKs", other->dupacks);
	} else {
		sb_add(&s, "retransmission");
		if (x->tries > 1)
			sb_addf(&s, " #%d", x->tries);
		if (answers_syn) {
			sb_add(&s, ", answering a repeated SYN");
		} else if (from_kernel && gap < RTO_MIN_SEEN && end == me->nxt) {
			sb_add(&s, ", tail loss probe after ");
			secs(&s, gap);
			sb_add(&s, " s");
		} else if (from_kernel) {
			sb_add(&s, ", RTO ");
			secs(&s, gap);
			sb_add(&s, " s");
			if (x->tries > 1 && x->first_gap > 0 && x->first_gap < gap)
				sb_addf(&s, ", backed off x%u", backoff(gap / x->first_gap));
		}
	}
	add(o, "%s", sb_str(&s));
	sb_free(&s);
}

/* Keep-alives and zero-window probes: one byte behind, no new data. */
static bool is_probe(const struct annot_side *me, const struct pkt *p)
{
	return me->has_nxt && (p->flags & TCPF_ACK) && !(p->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) &&
	       p->payload_len <= 1 && p->seq == me->nxt - 1;
}

/* What the segment's sequence space is: new, a gap, a retransmission, out of order. */
static void judge_seq(const struct annot_flow *f, struct annot_side *me, const struct annot_side *other,
		      const struct pkt *p, bool from_kernel, double t, struct annot_out *o)
{
	uint32_t len = seq_len(p);
	if (is_probe(me, p)) {
		bool zero = other->has_ack && other->raw_win == 0;
		add(o, zero ? "zero window probe" : "keep-alive");
		me->probe_pending = true;
		me->probe_zero = zero;
		return;
	}
	if (!len || !me->has_nxt || ((p->flags & TCPF_SYN) && annot_synchronized(f)))
		return; /* a SYN on a live connection is no retransmission: the kernel's answer says what it is */
	if (seq_lt(me->nxt, p->seq) && !(p->flags & TCPF_SYN)) {
		add(o, "previous segment not seen");
		return;
	}
	struct annot_tx *x = tx_find(me, p->seq, p->seq + len);
	if (x)
		retransmission(f, me, other, x, p, from_kernel, t, o);
	else if (seq_lt(p->seq, me->nxt))
		add(o, "out-of-order");
}

/* What a pure ACK is: a probe's answer, a challenge, a window update, a duplicate. */
static void judge_ack(struct annot_flow *f, struct annot_side *me, struct annot_side *other, const struct pkt *p,
		      bool from_kernel, struct annot_out *o)
{
	bool pure = (p->flags & TCPF_ACK) && !(p->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) && !p->payload_len;
	if (!pure)
		return;
	if (other->probe_pending) { /* the answer may open the window too: go on */
		add(o, other->probe_zero ? "zero window probe ACK" : "keep-alive ACK");
		other->probe_pending = false;
		if (me->has_ack && p->ack == me->ack && p->win != me->raw_win)
			add(o, "window update");
		return;
	}
	if (from_kernel && f->has_last_in && f->last_in != ANNOT_IN_OK) {
		static const char *const why[] = {
			[ANNOT_IN_SYN_IN_SYNC] = "challenge ACK: a SYN on a synchronized connection, RFC 5961 section 4",
			[ANNOT_IN_RST_INEXACT] = "challenge ACK: the RST's seq is in the window but not the next expected"
						 " one, RFC 5961 section 3",
			[ANNOT_IN_ACK_BEYOND] = "challenge ACK: your ACK acknowledges data never sent, RFC 5961 section 5",
		};
		add(o, "%s", why[f->last_in]);
		f->last_in = ANNOT_IN_OK;
		return;
	}
	if (!me->has_ack || p->ack != me->ack)
		return;
	if (p->win != me->raw_win)
		add(o, "window update");
	else if (p->win && me->has_nxt && p->seq == me->nxt)
		add(o, "duplicate ACK #%d", me->dupacks + 1);
}

/* Why the kernel sent this RST, from the peer segment it answers and the state before it. */
static void rst_reason(const struct annot_flow *f, const struct pkt *p, struct annot_out *o)
{
	const struct annot_side *k = &f->kernel;
	bool in_syn = f->has_last_in && (f->last_in_flags & TCPF_SYN) && !(f->last_in_flags & TCPF_ACK);
	if (!k->active && in_syn)
		add(o, "RST: no socket listens on port %u", f->kport);
	else if (!k->active || k->rst)
		add(o, "RST: no socket has this connection, RFC 9293 section 3.10.7.1");
	else if (k->syn && !f->kernel_syn_acked && f->has_last_in && (f->last_in_flags & TCPF_ACK) &&
		 f->last_in_ack != k->isn + 1)
		add(o, "RST: bad ACK, it does not acknowledge the kernel's SYN, RFC 9293 section 3.10.7.3");
	else if (k->fin && f->has_last_in && f->last_in_len > 0 && !(p->flags & TCPF_ACK))
		add(o, "RST: data after the application closed the socket, RFC 1122 section 4.2.2.13");
	else if ((p->flags & TCPF_ACK) && k->has_nxt && p->seq == k->nxt)
		add(o, "RST: the application aborted: closed with unread data, or SO_LINGER 0");
	else
		add(o, "RST");
}

/* The peer's segment against the kernel's state: does it call for a challenge ACK? */
static enum annot_in judge_in(const struct annot_flow *f, const struct pkt *p)
{
	const struct annot_side *k = &f->kernel;
	if (!annot_synchronized(f))
		return ANNOT_IN_OK;
	if (p->flags & TCPF_RST)
		return p->seq != k->ack && seq_lt(k->ack, p->seq) && seq_lt(p->seq, k->ack + (k->win ? k->win : 1))
			       ? ANNOT_IN_RST_INEXACT
			       : ANNOT_IN_OK;
	if (p->flags & TCPF_SYN)
		return ANNOT_IN_SYN_IN_SYNC;
	if ((p->flags & TCPF_ACK) && k->has_nxt && seq_lt(k->nxt, p->ack))
		return ANNOT_IN_ACK_BEYOND;
	return ANNOT_IN_OK;
}

static int wscale_of(const struct pkt *p)
{
	for (int i = 0; i < p->nopts; i++)
		if (p->opts[i].kind == TCPOPT_WSCALE)
			return p->opts[i].u.wscale;
	return -1;
}

static void record(struct annot_flow *f, struct annot_side *me, const struct pkt *p, double t)
{
	uint32_t len = seq_len(p), end = p->seq + len;
	me->active = true;
	if (p->flags & TCPF_RST) {
		/* A RST without ACK answers someone else's numbers (its seq is their
		 * ACK): it says nothing of this side's sequence space, and a bad ACK
		 * in the handshake does not end the connection. */
		if ((p->flags & TCPF_ACK) || (me->has_nxt && p->seq == me->nxt))
			me->rst = true;
		return;
	}
	if ((p->flags & TCPF_SYN) && annot_synchronized(f))
		return; /* the kernel ignores a SYN on a live connection (it answers a challenge ACK) */
	if (p->flags & TCPF_SYN) {
		me->syn = true;
		me->isn = p->seq;
		me->wscale = wscale_of(p);
	}
	if (!me->has_nxt || seq_lt(me->nxt, end)) {
		me->nxt = end;
		me->has_nxt = true;
	}
	if (p->flags & TCPF_FIN) {
		me->fin = true;
		me->fin_end = end;
	}
	if (len && !tx_find(me, p->seq, end))
		tx_add(me, p->seq, end, t);
	if (p->flags & TCPF_ACK) {
		bool pure = !(p->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) && !p->payload_len;
		if (!me->has_ack || p->ack != me->ack)
			me->dupacks = 0;
		else if (pure && p->win == me->raw_win)
			me->dupacks++;
		me->has_ack = true;
		me->ack = p->ack;
	}
	me->raw_win = p->win;
	bool scaled = !(p->flags & TCPF_SYN) && f->kernel.wscale >= 0 && f->peer.wscale >= 0;
	me->win = scaled ? (uint32_t)p->win << (me->wscale > 14 ? 14 : me->wscale) : p->win;
}

/* A SYN that starts over on a 4-tuple whose connection is gone. */
static void maybe_restart(struct annot_flow *f, struct annot_side *me, const struct pkt *p)
{
	if (!(p->flags & TCPF_SYN))
		return;
	if (!(p->flags & TCPF_ACK) && (flow_over(f) || (me->syn && me->isn != p->seq && !annot_synchronized(f)))) {
		side_reset(&f->kernel);
		side_reset(&f->peer);
		f->has_last_in = false;
		f->kernel_syn_acked = false;
	} else if (me->syn && me->isn != p->seq && !annot_synchronized(f)) {
		side_reset(me);
	}
}

void annot_segment(struct annot *a, const struct pkt *p, bool from_kernel, double t, struct annot_out *out)
{
	memset(out, 0, sizeof(*out));
	if (p->proto && p->proto != PKT_TCP)
		return;
	struct annot_flow *f = find(a, p, from_kernel);
	if (!f)
		f = flow_add(a, p, from_kernel);
	struct annot_side *me = from_kernel ? &f->kernel : &f->peer;
	struct annot_side *other = from_kernel ? &f->peer : &f->kernel;
	maybe_restart(f, me, p);
	if (p->flags & TCPF_RST) {
		if (from_kernel)
			rst_reason(f, p, out);
	} else if (!f->kernel.rst && !f->peer.rst) { /* after a RST only the next RST's reason matters */
		judge_seq(f, me, other, p, from_kernel, t, out);
		judge_ack(f, me, other, p, from_kernel, out);
		if (!p->win && !(p->flags & TCPF_SYN))
			add(out, "zero window");
		if (p->payload_len && other->has_ack && other->win && p->seq + seq_len(p) == other->ack + other->win)
			add(out, "window full");
	}
	if (!from_kernel) {
		f->last_in = judge_in(f, p);
		f->has_last_in = true;
		f->last_in_flags = p->flags;
		f->last_in_len = p->payload_len;
		f->last_in_ack = p->ack;
		f->last_in_t = t;
		if ((p->flags & TCPF_ACK) && f->kernel.syn && seq_lt(f->kernel.isn, p->ack) &&
		    (!f->kernel.has_nxt || seq_le(p->ack, f->kernel.nxt)))
			f->kernel_syn_acked = true;
	}
	record(f, me, p, t);
}

void annot_out_join(const struct annot_out *o, struct sb *out)
{
	for (size_t i = 0; i < o->n; i++) {
		if (i)
			sb_add(out, "; ");
		sb_add(out, o->item[i]);
	}
}

void annot_out_free(struct annot_out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->item[i]);
	o->n = 0;
}
