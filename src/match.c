/*
 * match: expectation lines against the kernel's segments (see match.h).
 * Which fields are checked follows packetdrill: flags, the sequence range and
 * ack always; win, urg, options and ECN only when the line gives them; in
 * options, TS val is not compared (the kernel's clock is its own), TS ecr is.
 */
#include "match.h"

#include <stdarg.h>
#include <string.h>

#include "view.h"

struct field_check {
	const struct match_rules *rules;
	const struct syn_packet *exp;
	const struct pkt *p;
	struct conn_rel rel;
	uint32_t pbase;
	struct sb *explain;
	int ndiff;
};

static void differ(struct field_check *fc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void differ(struct field_check *fc, const char *fmt, ...)
{
	fc->ndiff++;
	if (!fc->explain)
		return;
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(fc->explain, fmt, ap);
	va_end(ap);
	sb_addc(fc->explain, '\n');
}

static void flag_words(uint16_t flags, struct sb *out)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} names[] = {{TCPF_SYN, "SYN"}, {TCPF_FIN, "FIN"}, {TCPF_RST, "RST"}, {TCPF_PSH, "PSH"},
		     {TCPF_ACK, "ACK"}, {TCPF_URG, "URG"}, {TCPF_ECE, "ECE"}, {TCPF_CWR, "CWR"},
		     {TCPF_AE, "AE"}};
	const char *sep = "";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			sb_addf(out, "%s%s", sep, names[i].name);
			sep = " ";
		}
	}
	if (!*sep)
		sb_add(out, "no flags");
}

static void check_flags(struct field_check *fc)
{
	if (fc->exp->flags == fc->p->flags)
		return;
	struct sb e = SB_INIT, a = SB_INIT, ew = SB_INIT, aw = SB_INIT;
	view_pd_flags(fc->exp->flags, &e);
	view_pd_flags(fc->p->flags, &a);
	flag_words(fc->exp->flags, &ew);
	flag_words(fc->p->flags, &aw);
	differ(fc, "flags: expected %s (%s), the kernel sent %s (%s)", sb_str(&e), sb_str(&ew), sb_str(&a),
	       sb_str(&aw));
	sb_free(&e);
	sb_free(&a);
	sb_free(&ew);
	sb_free(&aw);
}

/* In a script a SYN's seq defines the kernel's ISN, as in packetdrill: it
 * cannot differ, and its ack counts from the peer's base, not its ISN. */
static bool script_syn(const struct field_check *fc)
{
	return fc->rules && fc->rules->strict && (fc->p->flags & TCPF_SYN);
}

static void check_seq(struct field_check *fc)
{
	const struct syn_packet *x = fc->exp;
	uint32_t start = fc->p->seq - (fc->rel.has_seq_isn ? fc->rel.seq_isn : 0);
	uint32_t len = fc->p->payload_len;
	if (script_syn(fc))
		start = x->seq_start;
	if (start == x->seq_start && len == x->len)
		return;
	const char *why = "";
	if (start == x->seq_start && len != x->len)
		why = len > x->len ? " (more data than expected)" : " (less data than expected)";
	else if (start != x->seq_start && len == x->len)
		why = " (a different part of the byte stream)";
	differ(fc, "sequence: expected %u:%u(%u), the kernel sent %u:%u(%u)%s", x->seq_start, x->seq_end, x->len,
	       start, start + len, len, why);
}

static void check_ack(struct field_check *fc)
{
	const struct syn_packet *x = fc->exp;
	if (!(x->flags & TCPF_ACK) || !(fc->p->flags & TCPF_ACK) || !x->has_ack)
		return;
	uint32_t ack = fc->p->ack - (fc->rel.has_ack_isn ? fc->rel.ack_isn : 0);
	if (script_syn(fc))
		ack = fc->p->ack - fc->pbase;
	if (ack == x->ack)
		return;
	differ(fc, "ack: expected %u, the kernel sent ack %u (the next sequence number it expects from you)", x->ack,
	       ack);
}

static void check_win_urg(struct field_check *fc)
{
	const struct syn_packet *x = fc->exp;
	if (x->has_win && x->win != fc->p->win)
		differ(fc, "win: expected %u, the kernel advertised %u", x->win, fc->p->win);
	if (x->has_urg && x->urg != fc->p->urg)
		differ(fc, "urg: expected %u, the kernel sent %u", x->urg, fc->p->urg);
}

static void check_ecn(struct field_check *fc)
{
	int ecn = fc->exp->ecn;
	int got = fc->p->tos & 3;
	if (ecn == SYN_ECN_UNSPEC)
		return;
	bool ok = ecn == SYN_ECN_ECT01 ? (got == PKT_ECT0 || got == PKT_ECT1) : got == ecn;
	if (!ok) {
		static const char *const names[] = {"noecn", "ect1", "ect0", "ce", "ect01"};
		differ(fc, "ECN: expected [%s], the kernel sent [%s]", names[ecn], names[got]);
	}
}

/* TS val in script space is within the tick tolerance of the expected one. */
static bool ts_val_ok(const struct match_rules *r, uint32_t want, uint32_t live)
{
	if (!r || !r->ts_tick_usecs || !r->ts_first_known)
		return true;
	uint32_t got = r->ts_first_script + (live - r->ts_first_live);
	int64_t ticks = (int32_t)(got - want);
	if (ticks < 0)
		ticks = -ticks;
	return ticks * (int64_t)r->ts_tick_usecs <= (int64_t)r->tolerance_usecs;
}

static bool opt_equal(const struct match_rules *r, const struct pkt_opt *e, const struct pkt_opt *a,
		      uint32_t ack_isn)
{
	if (e->kind != a->kind)
		return false;
	switch (e->kind) {
	case TCPOPT_MSS:
		return e->u.mss == a->u.mss;
	case TCPOPT_WSCALE:
		return e->u.wscale == a->u.wscale;
	case TCPOPT_TS:
		if (r && r->strict) /* packetdrill compares TS val only, and only with a tick */
			return ts_val_ok(r, e->u.ts.val, a->u.ts.val);
		return e->u.ts.ecr == a->u.ts.ecr;
	case TCPOPT_SACK:
		if (e->u.sack.n != a->u.sack.n)
			return false;
		for (int i = 0; i < e->u.sack.n; i++)
			if (e->u.sack.blk[i].left != a->u.sack.blk[i].left - ack_isn ||
			    e->u.sack.blk[i].right != a->u.sack.blk[i].right - ack_isn)
				return false;
		return true;
	case TCPOPT_EOL:
	case TCPOPT_NOP:
	case TCPOPT_SACKOK:
		return true;
	default:
		return e->u.raw.n == a->u.raw.n && !memcmp(e->u.raw.data, a->u.raw.data, e->u.raw.n);
	}
}

static void check_opts(struct field_check *fc)
{
	const struct syn_packet *x = fc->exp;
	bool strict = fc->rules && fc->rules->strict;
	if (x->opts_any || (!x->has_opts && !strict))
		return;
	uint32_t isn = fc->rel.has_ack_isn ? fc->rel.ack_isn : 0;
	bool same = x->nopts == fc->p->nopts;
	for (int i = 0; same && i < x->nopts; i++)
		same = opt_equal(fc->rules, &x->opts[i], &fc->p->opts[i], isn);
	if (same)
		return;
	struct pkt ep;
	memset(&ep, 0, sizeof(ep));
	ep.nopts = x->nopts;
	if (x->nopts) /* opts is NULL when there are none */
		memcpy(ep.opts, x->opts, sizeof(ep.opts[0]) * x->nopts);
	struct sb e = SB_INIT, a = SB_INIT;
	view_pd_opts(&ep, true, 0, &e);
	view_pd_opts(fc->p, fc->rel.has_ack_isn, isn, &a);
	differ(fc, "options: expected <%s>, the kernel sent <%s>", sb_str(&e), sb_str(&a));
	sb_free(&e);
	sb_free(&a);
}

int match_packet(const struct syn_packet *exp, const struct pkt *p, const struct conn *c, struct sb *explain)
{
	return match_packet_rules(exp, p, c, NULL, explain);
}

int match_packet_rules(const struct syn_packet *exp, const struct pkt *p, const struct conn *c,
		       const struct match_rules *rules, struct sb *explain)
{
	struct field_check fc = {.rules = rules, .exp = exp, .p = p, .explain = explain};
	if (c) {
		conn_rel_isn(c, CONN_OUT, &fc.rel);
		fc.pbase = c->pbase;
	}
	check_flags(&fc);
	check_seq(&fc);
	check_ack(&fc);
	check_win_urg(&fc);
	check_opts(&fc);
	check_ecn(&fc);
	return fc.ndiff;
}

void match_expect_text(const struct syn_packet *exp, struct sb *out)
{
	struct pkt ep;
	memset(&ep, 0, sizeof(ep));
	ep.flags = exp->flags;
	ep.seq = exp->seq_start;
	ep.payload_len = exp->len;
	ep.ack = exp->ack;
	sb_addf(out, "%c ", exp->dir);
	view_pd_flags(exp->flags, out);
	sb_addf(out, " %u:%u(%u)", exp->seq_start, exp->seq_end, exp->len);
	if (exp->has_ack)
		sb_addf(out, " ack %u", exp->ack);
	if (exp->has_win)
		sb_addf(out, " win %u", exp->win);
	if (exp->has_urg)
		sb_addf(out, " urg %u", exp->urg);
	if (exp->opts_any) {
		sb_add(out, " <...>");
	} else if (exp->has_opts) {
		ep.nopts = exp->nopts;
		if (exp->nopts)
			memcpy(ep.opts, exp->opts, sizeof(ep.opts[0]) * exp->nopts);
		sb_add(out, " <");
		view_pd_opts(&ep, true, 0, out);
		sb_addc(out, '>');
	}
}
