/*
 * engine_wire: segments in and out. Injects typed segments through the TUN
 * device, prints every captured segment (both directions, kernel
 * timestamps), feeds the connection model, and checks expectation lines
 * against the kernel's segments.
 *
 * In the shell an expectation is forgiving: it is checked against the
 * kernel's segments not yet matched, and passes if any of them matches, so
 * a student need not write an expectation for every ACK.
 */
#include "engine_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "annot.h"
#include "codec.h"
#include "explain.h"
#include "consts.h"
#include "match.h"
#include "sandbox.h"

static void on_capture(void *ctx, int fd, short revents);
static void on_tun(void *ctx, int fd, short revents);

int wire_open(struct engine *e, struct sb *err)
{
	struct tun_cfg tc;
	tun_cfg_default(&tc);
	tc.family = e->cfg.family;
	tc.local_ip = e->cfg.local_ip;
	tc.remote_ip = e->cfg.remote_ip;
	tc.gateway_ip = e->cfg.gateway_ip;
	tc.prefixlen = e->cfg.prefixlen;
	tc.mtu = e->cfg.mtu;
	tc.tso = e->cfg.tso;
	tc.family = e->cfg.family == 6 ? 6 : 4; /* ipv4-mapped-ipv6 (46) is IPv4 on the wire */
	if (tun_open(&e->tun, &tc, err))
		return -1;
	/* IPv6 on an IPv4 session would only add router solicitations to the wire. */
	struct sb key = SB_INIT, ignored = SB_INIT;
	sb_addf(&key, "net.ipv6.conf.%s.disable_ipv6", e->tun.name);
	if (e->cfg.family != 6)
		sandbox_sysctl_set(sb_str(&key), "1", &ignored);
	sb_free(&key);
	sb_free(&ignored);
	e->cap = capture_open_ring(e->tun.name, err);
	if (!e->cap)
		return -1;
	if (e->cfg.pcap_path && (e->cfg.pcap_append ? capture_dump_append(e->cap, e->cfg.pcap_path, err)
						    : capture_dump_open(e->cap, e->cfg.pcap_path, err)))
		return -1;
	e->diag = sockdiag_open(err);
	if (!e->diag)
		return -1;
	e->td = view_tcpdump_new();
	e->annot = annot_new();
	e->outq = xcalloc(ENGINE_OUTQ_MAX, sizeof(*e->outq));
	loop_add(e->loop, capture_fd(e->cap), POLLIN, on_capture, e);
	loop_add(e->loop, e->tun.fd, POLLIN, on_tun, e);
	return 0;
}

void wire_close(struct engine *e)
{
	if (e->cap) {
		wire_drain(e);
		loop_del(e->loop, capture_fd(e->cap));
		capture_close(e->cap);
	}
	if (e->tun.fd >= 0) {
		loop_del(e->loop, e->tun.fd);
		tun_release(&e->tun); /* the namespace is about to vanish with us */
	}
	if (e->diag)
		sockdiag_close(e->diag);
	view_tcpdump_free(e->td);
	annot_free(e->annot);
	free(e->outq);
	for (size_t i = 0; i < ENGINE_LONG_KEPT; i++)
		sb_free(&e->long_pkts[i]);
}

/* Expert annotations go after the line: "   (retransmission, RTO 0.2 s)", or in
 * packetdrill notation a comment, so the line can still be pasted into a script. */
static void add_annotations(struct engine *e, const struct annot_out *ann, struct sb *line)
{
	if (!ann->n)
		return;
	sb_add(line, e->cfg.format == ENGINE_FMT_PACKETDRILL ? "   // " : "   (");
	annot_out_join(ann, line);
	if (e->cfg.format != ENGINE_FMT_PACKETDRILL)
		sb_addc(line, ')');
}

static void print_segment(struct engine *e, const struct timespec *ts, const struct pkt *p, const uint8_t *payload,
			  const struct conn *c, enum conn_dir dir, const struct annot_out *ann, const char *why)
{
	if (e->cfg.json) {
		struct sb td = SB_INIT;
		view_tcpdump_line_data(e->td, p, payload, &td);
		view_json_segment(e, ts, p, dir == CONN_OUT, sb_str(&td), ann, why);
		sb_free(&td);
		return;
	}
	struct sb line = SB_INIT;
	sb_add(&line, view_color(e, dir == CONN_IN ? VIEW_PEER : VIEW_KERNEL));
	view_time(e, ts, &line);
	struct sb td = SB_INIT;
	view_tcpdump_line_data(e->td, p, payload, &td); /* always: it keeps tcpdump's numbering memory */
	if (e->cfg.format == ENGINE_FMT_PACKETDRILL) {
		struct view_pd_isn isn = {0};
		if (c) {
			struct conn_rel rel;
			conn_rel_isn(c, dir, &rel);
			isn = (struct view_pd_isn){rel.has_seq_isn, rel.has_ack_isn, rel.seq_isn, rel.ack_isn};
		}
		view_pd_line(dir == CONN_IN ? '<' : '>', p, &isn, &line);
		if (c && e->conns.n > 1) /* a comment, so the line still pastes into a script */
			sb_addf(&line, "  // c%zu", (size_t)(c - e->conns.v) + 1);
	} else {
		sb_addn(&line, td.buf ? td.buf : "", td.len);
	}
	add_annotations(e, ann, &line);
	sb_add(&line, view_color(e, VIEW_RESET));
	sb_addc(&line, '\n');
	if (!e->cfg.present) /* the presenter shows segments from the journal, in its own time */
		engine_print(e, sb_str(&line));
	sb_free(&line);
	sb_free(&td);
}

static void remember_outbound(struct engine *e, const struct pkt *p, const struct conn *c, double t)
{
	if (e->noutq == ENGINE_OUTQ_MAX) {
		memmove(e->outq, e->outq + 1, (ENGINE_OUTQ_MAX - 1) * sizeof(*e->outq));
		e->noutq--;
	}
	e->outq[e->noutq].p = *p;
	e->outq[e->noutq].conn = (size_t)(c - e->conns.v);
	e->outq[e->noutq].t = t;
	e->noutq++;
}

static void try_expect(struct engine *e, bool final);

static uint32_t random_isn(void)
{
	uint32_t isn = 0;
	if (getrandom(&isn, sizeof(isn), 0) != sizeof(isn))
		isn = (uint32_t)engine_now() * 2654435761u;
	return isn;
}


/* A packet we inject beyond the capture's snapshot length (a segment larger
 * than the MTU: the kernel takes it) is seen by the capture cut short. Keep
 * it whole until then. */
static void keep_long(struct engine *e, const struct sb *bytes)
{
	if (!e->cap || bytes->len <= (size_t)capture_snaplen(e->cap))
		return;
	if (e->nlong == ENGINE_LONG_KEPT) { /* the capture lost the oldest: forget it */
		sb_reset(&e->long_pkts[e->long_first]);
		e->long_first = (e->long_first + 1) % ENGINE_LONG_KEPT;
		e->nlong--;
	}
	struct sb *slot = &e->long_pkts[(e->long_first + e->nlong++) % ENGINE_LONG_KEPT];
	sb_reset(slot);
	sb_addn(slot, bytes->buf, bytes->len);
}

/* The whole packet for one the capture cut short (at its snapshot length,
 * or a little before: the kernel cuts to what fits in a ring frame), when it
 * is the oldest long one we injected (the same first bytes); else as is. */
static void restore_long(struct engine *e, const uint8_t **bytes, size_t *len)
{
	if (!e->nlong)
		return;
	struct sb *first = &e->long_pkts[e->long_first];
	if (first->len <= *len || memcmp(first->buf, *bytes, *len) != 0)
		return;
	*bytes = (const uint8_t *)first->buf;
	*len = first->len;
	e->long_first = (e->long_first + 1) % ENGINE_LONG_KEPT; /* the buffer stays valid until reused */
	e->nlong--;
}

static void on_packet(void *user, const struct timespec *ts, const uint8_t *bytes, size_t len)
{
	struct engine *e = user;
	restore_long(e, &bytes, &len);
	struct pkt p;
	struct sb err = SB_INIT;
	int r = codec_decode(bytes, len, &p, &err);
	if (r != 0) { /* UDP, ICMP, or bytes that do not decode: as tcpdump shows them */
		struct sb line = SB_INIT;
		double t = (double)(ts->tv_sec - e->t0_real.tv_sec) + (double)(ts->tv_nsec - e->t0_real.tv_nsec) / 1e9;
		sb_addf(&line, "%6.3f ", t);
		view_tcpdump_any(e->td, bytes, len, &line);
		sb_addc(&line, '\n');
		if (!e->cfg.present)
			engine_print(e, sb_str(&line));
		sb_free(&line);
		sb_free(&err);
		ejournal_packet(e, ts, bytes, len, NULL, NULL, CONN_OUT);
		return;
	}
	sb_free(&err);
	bool changed;
	struct conn *c = conn_observe(&e->conns, &p, e->scr ? 0 : random_isn(), &changed);
	enum conn_dir dir = CONN_OUT;
	if (c)
		conn_find(&e->conns, &p, &dir);
	else
		dir = memcmp(p.src, e->paddr, e->cfg.family == 6 ? 16 : 4) ? CONN_OUT : CONN_IN;
	/* Captured from a TUN device: no link padding, the payload ends the packet. */
	const uint8_t *payload = len >= p.payload_len ? bytes + len - p.payload_len : NULL;
	struct annot_out ann;
	struct sb why = SB_INIT;
	if (e->cfg.explain) /* judged on the state before this segment */
		explain_segment(annot_find(e->annot, &p, dir == CONN_OUT), &p, dir == CONN_OUT, &why);
	annot_segment(e->annot, &p, dir == CONN_OUT, engine_mono_of(e, ts), &ann);
	print_segment(e, ts, &p, payload, c, dir, &ann, sb_str(&why));
	if (!e->cfg.json)
		view_explain(e, sb_str(&why));
	annot_out_free(&ann);
	sb_free(&why);
	ejournal_packet(e, ts, bytes, len, &p, c, dir);
	if (c && dir == CONN_OUT)
		remember_outbound(e, &p, c, engine_mono_of(e, ts));
}

int wire_drain(struct engine *e)
{
	struct sb err = SB_INIT;
	int n = capture_dispatch(e->cap, on_packet, e, &err);
	if (n < 0)
		engine_printf(e, "tcpsh: capture: %s\n", sb_str(&err));
	sb_free(&err);
	/* Only a ring that filled up can have dropped: asking libpcap after
	 * every drain would read several sysfs files each time. */
	if (n >= CAPTURE_RING_FRAMES / 2) {
		unsigned dropped = capture_dropped(e->cap);
		if (dropped > e->cap_dropped)
			engine_printf(e, "tcpsh: the capture lost %u segment%s (its ring of %d was full): "
				      "the lines above miss %s\n", dropped - e->cap_dropped,
				      dropped - e->cap_dropped == 1 ? "" : "s", CAPTURE_RING_FRAMES,
				      dropped - e->cap_dropped == 1 ? "it" : "them");
		e->cap_dropped = dropped;
	}
	if (n > 0) {
		if (e->expect && e->scr)
			script_expect_deadline(e);
		else if (e->expect)
			try_expect(e, false);
		state_refresh(e);
	}
	return n;
}

static void on_capture(void *ctx, int fd, short revents)
{
	(void)fd;
	(void)revents;
	wire_drain(ctx);
	engine_pump(ctx); /* a segment may have released a waiting expectation */
}

static void on_tun(void *ctx, int fd, short revents)
{
	(void)fd;
	(void)revents;
	struct engine *e = ctx;
	tun_drain(&e->tun);
}

/*
 * `< icmp TYPE [CODE] [mtu N] [[start:end(len)]]`: an ICMP error from the
 * peer about a segment the kernel sent (seq relative to the kernel's ISN).
 */
static int build_icmp(struct engine *e, struct conn *c, const struct syn_packet *sp, struct sb *bytes,
		      struct sb *err)
{
	struct pkt inner, outer;
	memset(&inner, 0, sizeof(inner));
	inner.family = c->family;
	memcpy(inner.src, c->kaddr, sizeof(inner.src));
	memcpy(inner.dst, c->paddr, sizeof(inner.dst));
	inner.sport = c->kport;
	inner.dport = c->pport;
	inner.ttl = 64;
	inner.proto = PKT_TCP;
	inner.seq = (c->has_kisn ? c->kisn : 0) + (sp->icmp_has_seq ? sp->seq_start : 0);
	inner.flags = TCPF_ACK;
	inner.payload_len = sp->icmp_has_seq ? sp->len : 0;
	struct sb quote = SB_INIT;
	int r = codec_build_quote(&inner, &quote, err);
	if (!r) {
		memset(&outer, 0, sizeof(outer));
		outer.family = c->family;
		memcpy(outer.src, c->paddr, sizeof(outer.src));
		memcpy(outer.dst, c->kaddr, sizeof(outer.dst));
		outer.ttl = 64;
		outer.proto = c->family == 6 ? PKT_ICMP6 : PKT_ICMP;
		const struct consts_icmp *t = sp->icmp_type, *k = sp->icmp_code;
		outer.icmp_type = (uint8_t)(c->family == 6 ? t->v6 : t->v4);
		outer.icmp_code = k ? (uint8_t)(c->family == 6 ? k->v6 : k->v4) : 0;
		outer.icmp_mtu = sp->icmp_mtu > 0 ? (uint16_t)sp->icmp_mtu : 0;
		r = codec_build_icmp(&outer, (const uint8_t *)quote.buf, quote.len, bytes, err);
	}
	sb_free(&quote);
	(void)e;
	return r;
}

/* Wire bytes of a typed packet line on connection c. */
static int build_injected(struct engine *e, struct conn *c, const struct qitem *q, struct sb *bytes, struct sb *err)
{
	const struct syn_packet *sp = &q->ev.u.pkt;
	if (sp->proto == SYN_PROTO_ICMP)
		return build_icmp(e, c, sp, bytes, err);
	struct pkt p;
	conn_make_pkt(c, sp, &p);
	if (sp->proto == SYN_PROTO_UDP) {
		p.proto = PKT_UDP;
		p.nopts = 0;
	} else if (e->scr && script_map_inbound(e, &p, q)) {
		return 1;
	}
	return codec_build(&p, NULL, bytes, err);
}

void wire_inject(struct engine *e, struct qitem *q)
{
	const struct syn_packet *sp = &q->ev.u.pkt;
	struct conn *c = conn_for_inject(&e->conns, sp, e->cfg.family == 6 ? 6 : 4, e->kaddr, e->cfg.bind_port,
					 e->paddr, e->scr ? 0 : random_isn());
	struct sb bytes = SB_INIT, err = SB_INIT;
	int r = build_injected(e, c, q, &bytes, &err);
	if (r == 0 && tun_write(&e->tun, bytes.buf, bytes.len, &err))
		r = -1;
	if (r == 0)
		keep_long(e, &bytes);
	if (r < 0 && e->scr)
		script_fail(e, q, "cannot inject this packet: %s", sb_str(&err));
	else if (r < 0)
		engine_error_at(e, q, sp->opts_col ? sp->opts_col : 1, sb_str(&err), NULL);
	sb_free(&bytes);
	sb_free(&err);
	qitem_free(q);
	wire_drain(e);
}

static void report_match(struct engine *e, const struct qitem *q, const struct outpkt *o)
{
	struct sb exp = SB_INIT;
	match_expect_text(&q->ev.u.pkt, &exp);
	engine_printf(e, "       %s %s\n", engine_sym(e, "✓", "OK:"), sb_str(&exp));
	(void)o;
	sb_free(&exp);
}

static void report_mismatch(struct engine *e, const struct qitem *q, const struct outpkt *o)
{
	struct sb exp = SB_INIT, got = SB_INIT, why = SB_INIT;
	match_expect_text(&q->ev.u.pkt, &exp);
	engine_printf(e, "%s       %s expected %s%s\n", view_color(e, VIEW_FAIL), engine_sym(e, "✗", "FAIL:"),
		      sb_str(&exp), view_color(e, VIEW_RESET));
	if (!o) {
		engine_printf(e, "         the kernel sent no segment within %.1f s\n", e->cfg.expect_wait);
	} else {
		const struct conn *c = &e->conns.v[o->conn];
		struct conn_rel rel;
		conn_rel_isn(c, CONN_OUT, &rel);
		struct view_pd_isn isn = {rel.has_seq_isn, rel.has_ack_isn, rel.seq_isn, rel.ack_isn};
		view_pd_line('>', &o->p, &isn, &got);
		match_packet(&q->ev.u.pkt, &o->p, c, &why);
		engine_printf(e, "         the kernel sent %s\n", sb_str(&got));
		for (char *line = why.buf, *nl; line && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl)
				break;
			engine_printf(e, "         %.*s\n", (int)(nl - line), line);
		}
	}
	e->failures++;
	sb_free(&exp);
	sb_free(&got);
	sb_free(&why);
}

/*
 * Decides the waiting expectation if it can: a match among the unmatched
 * segments passes (they are consumed up to it); otherwise, when segments are
 * there or when final, it fails against the closest one.
 */
/* Whether the waiting expectation q may be checked against segment o: any
 * segment, unless an @NAME prefix named its connection. */
static bool candidate(const struct qitem *q, const struct outpkt *o)
{
	return !q->has_sel_conn || o->conn == q->sel_conn;
}

/* Forgets the candidate segments of q up to index last (inclusive); the
 * other connections' segments stay for their own expectations. */
static void consume(struct engine *e, const struct qitem *q, size_t last)
{
	size_t kept = 0;
	for (size_t i = 0; i < e->noutq; i++)
		if (i > last || !candidate(q, &e->outq[i]))
			e->outq[kept++] = e->outq[i];
	e->noutq = kept;
}

static void try_expect(struct engine *e, bool final)
{
	struct qitem *q = e->expect;
	size_t best = 0, n = 0;
	int best_diff = -1;
	for (size_t i = 0; i < e->noutq; i++) {
		if (!candidate(q, &e->outq[i]))
			continue;
		n++;
		int d = match_packet(&q->ev.u.pkt, &e->outq[i].p, &e->conns.v[e->outq[i].conn], NULL);
		if (d == 0) {
			report_match(e, q, &e->outq[i]);
			consume(e, q, i);
			goto done;
		}
		if (best_diff < 0 || d <= best_diff) {
			best_diff = d;
			best = i;
		}
	}
	if (!final && n == 0)
		return;
	report_mismatch(e, q, n ? &e->outq[best] : NULL);
	if (e->noutq)
		consume(e, q, e->noutq - 1);
done:
	qitem_free(q);
	e->expect = NULL;
}

void wire_expect(struct engine *e, struct qitem *q)
{
	if (e->scr) {
		script_expect(e, q);
		return;
	}
	wire_drain(e);
	e->expect = q;
	e->expect_deadline = engine_now() + e->cfg.expect_wait;
	try_expect(e, false);
}

void wire_expect_deadline(struct engine *e)
{
	wire_drain(e);
	if (e->expect && e->scr)
		script_expect_deadline(e);
	else if (e->expect)
		try_expect(e, true);
}
