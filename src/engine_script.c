/*
 * engine_script: packetdrill's semantics, for `tcpsh run`. The shell is
 * forgiving; a script is a test, so here:
 *  - a relative time counts from when the previous event finished, except
 *    between two injected packets, where it counts from the previous one's
 *    scheduled time (so consecutive injections do not accumulate drift);
 *  - each expectation must match the next segment the kernel sent on the
 *    connection under test, field by field, within the time tolerance;
 *  - TS ecr of an injected segment is mapped from the script's value to the
 *    kernel's live TS val it echoes;
 *  - the first failure stops the script (--non_fatal makes packet
 *    mismatches warnings).
 */
#include "engine_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

#define EXPECT_GRACE 1.0 /* seconds past an expectation's window to wait for a late segment */

struct ts_pair {
	uint32_t script, live;
};

struct script_state {
	bool failed;
	bool prev_inbound;
	double prev_due;
	bool seen_event;
	bool prev_abs;
	double prev_abs_t;
	struct ts_pair *ts;
	size_t nts;
	bool ts_first;
	uint32_t ts_first_script, ts_first_live;
};

void script_new(struct engine *e)
{
	e->scr = xcalloc(1, sizeof(*e->scr));
}

void script_free(struct engine *e)
{
	if (!e->scr)
		return;
	free(e->scr->ts);
	free(e->scr);
	e->scr = NULL;
}

bool script_failed(const struct engine *e)
{
	return e->scr && e->scr->failed;
}

double engine_mono_of(const struct engine *e, const struct timespec *ts)
{
	return e->t0_mono + (double)(ts->tv_sec - e->t0_real.tv_sec) + (double)(ts->tv_nsec - e->t0_real.tv_nsec) / 1e9;
}

static bool is_inbound(const struct qitem *q)
{
	return q->ev.kind == SYN_PACKET && q->ev.u.pkt.dir == '<';
}

static bool is_outbound(const struct qitem *q)
{
	return q->ev.kind == SYN_PACKET && q->ev.u.pkt.dir == '>';
}

double script_due(struct engine *e, struct qitem *q)
{
	struct script_state *s = e->scr;
	const struct syn_time *t = &q->ev.time;
	double now = engine_now();
	if (t->kind == SYN_TIME_ABS)
		q->offset = e->t0_mono;
	else if (s->seen_event && s->prev_inbound && is_inbound(q))
		q->offset = s->prev_due;
	else
		q->offset = now;
	q->due = q->offset + (t->kind == SYN_TIME_ABS || t->kind == SYN_TIME_REL ? t->t : 0);
	q->due_end = t->end_kind != SYN_TIME_NONE ? q->offset + t->end : q->due;
	s->prev_inbound = is_inbound(q);
	s->prev_due = q->due;
	return q->due;
}

void script_stop(struct engine *e)
{
	if (!e->scr)
		return;
	e->scr->failed = true;
	engine_drop_queue(e);
}

void script_fail(struct engine *e, const struct qitem *q, const char *fmt, ...)
{
	struct sb msg = SB_INIT;
	sb_addf(&msg, "%s:%d: ", e->cfg.file ? e->cfg.file : "<script>", q ? q->ev.line : 0);
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (msg.len && msg.buf[msg.len - 1] != '\n')
		sb_addc(&msg, '\n');
	if (e->cfg.json) /* one object for the whole report */
		view_json_event(e, "failure", sb_str(&msg));
	else
		e->io.print(e->io.ctx, sb_str(&msg)); /* always shown, even when quiet */
	sb_free(&msg);
	e->failures++;
	if (e->scr) {
		e->scr->failed = true;
		engine_drop_queue(e);
	}
}

/* packetdrill's tolerance: the fixed one, or a percentage of the time since
 * the previous event when that is larger. */
static double tolerance(const struct engine *e, double span)
{
	double tol = e->cfg.tolerance_usecs / 1e6;
	double dyn = e->cfg.tolerance_percent / 100.0 * span;
	return dyn > tol ? dyn : tol;
}

/* Did something the script timed at [due, due_end] happen at `when`? */
static bool time_ok(const struct engine *e, const struct qitem *q, double when, struct sb *why)
{
	if (q->ev.time.kind == SYN_TIME_ANY)
		return true;
	double tol = tolerance(e, q->due - q->offset);
	if (when >= q->due - tol && when <= q->due_end + tol)
		return true;
	if (q->due_end > q->due)
		sb_addf(why, "expected in %.6f~%.6f s but happened at %.6f s", q->due - e->t0_mono,
			q->due_end - e->t0_mono, when - e->t0_mono);
	else
		sb_addf(why, "expected at %.6f s but happened at %.6f s (tolerance %.6f s)", q->due - e->t0_mono,
			when - e->t0_mono, tol);
	return false;
}

bool script_check_start(struct engine *e, const struct qitem *q)
{
	struct script_state *s = e->scr;
	const struct syn_time *t = &q->ev.time;
	if (!s->seen_event && t->kind == SYN_TIME_ABS && t->t != 0) {
		script_fail(e, q, "the first event must be at time 0 (this one is at %.6f)", t->t);
		return false;
	}
	if (t->kind == SYN_TIME_ABS && s->prev_abs && t->t < s->prev_abs_t) {
		script_fail(e, q, "time goes backward: %.6f s after %.6f s", t->t, s->prev_abs_t);
		return false;
	}
	s->seen_event = true;
	if (t->kind == SYN_TIME_ABS) {
		s->prev_abs = true;
		s->prev_abs_t = t->t;
	}
	if (is_outbound(q))
		return true; /* checked against the segment's own timestamp */
	struct sb why = SB_INIT;
	bool ok = time_ok(e, q, engine_now(), &why);
	if (!ok)
		script_fail(e, q, "timing error: %s", sb_str(&why));
	sb_free(&why);
	return ok;
}

/* ---- expectations ---- */

static void rules_of(const struct engine *e, struct match_rules *r)
{
	const struct script_state *s = e->scr;
	memset(r, 0, sizeof(*r));
	r->strict = true;
	r->ts_tick_usecs = e->cfg.ts_tick_usecs;
	r->tolerance_usecs = e->cfg.tolerance_usecs;
	r->ts_first_known = s->ts_first;
	r->ts_first_script = s->ts_first_script;
	r->ts_first_live = s->ts_first_live;
}

static const struct pkt_opt *find_ts(const struct pkt_opt *o, int n)
{
	for (int i = 0; i < n; i++)
		if (o[i].kind == TCPOPT_TS)
			return &o[i];
	return NULL;
}

/* Remembers which live TS val the script's TS val stood for. */
static void learn_ts(struct engine *e, const struct syn_packet *x, const struct pkt *p)
{
	struct script_state *s = e->scr;
	const struct pkt_opt *want = find_ts(x->opts, x->nopts), *got = find_ts(p->opts, p->nopts);
	if (!want || !got)
		return;
	s->ts = xrealloc(s->ts, (s->nts + 1) * sizeof(*s->ts));
	s->ts[s->nts++] = (struct ts_pair){want->u.ts.val, got->u.ts.val};
	if (!s->ts_first) {
		s->ts_first = true;
		s->ts_first_script = want->u.ts.val;
		s->ts_first_live = got->u.ts.val;
	}
}

static void describe_actual(struct engine *e, const struct outpkt *o, struct sb *out)
{
	const struct conn *c = &e->conns.v[o->conn];
	struct conn_rel rel;
	conn_rel_isn(c, CONN_OUT, &rel);
	struct view_pd_isn isn = {rel.has_seq_isn, rel.has_ack_isn, rel.seq_isn, rel.ack_isn};
	if (o->p.flags & TCPF_SYN) /* a SYN's ack is compared from the peer's base (see match.c) */
		isn.ack_isn = c->pbase;
	view_pd_line('>', &o->p, &isn, out);
}

/*
 * packetdrill aggregates: when the script expects more payload than the next
 * segment holds (a TSO super-segment the kernel sized differently), the
 * following segments of the connection that continue it are joined until
 * the length is reached. Returns how many segments from idx on make the
 * answer, and in *ready whether they are all there (or more will not help).
 */
static size_t gather(const struct engine *e, size_t idx, uint32_t want, bool *ready)
{
	const struct outpkt *first = &e->outq[idx];
	uint32_t have = first->p.payload_len;
	size_t n = 1;
	*ready = true;
	if (!(first->p.proto == 0 || first->p.proto == PKT_TCP) || have >= want || !have)
		return 1;
	const struct outpkt *prev = first;
	for (size_t i = idx + 1; i < e->noutq && have < want; i++) {
		const struct outpkt *o = &e->outq[i];
		if (o->conn != first->conn)
			continue;
		if (o->p.seq != prev->p.seq + prev->p.payload_len || !o->p.payload_len)
			return n; /* no continuation: judge what we have */
		have += o->p.payload_len;
		prev = o;
		n++;
	}
	*ready = have >= want;
	return n;
}

/* Removes the n segments of the connection from idx on, joined into one. */
static struct outpkt take(struct engine *e, size_t idx, size_t n)
{
	struct outpkt joined = e->outq[idx];
	size_t conn = joined.conn, k = idx, taken = 0;
	uint32_t payload = 0;
	while (taken < n && k < e->noutq) {
		if (e->outq[k].conn != conn) {
			k++;
			continue;
		}
		payload += e->outq[k].p.payload_len;
		if (taken > 0) { /* headers and time of the last, seq and CWR of the first */
			uint32_t seq = joined.p.seq;
			bool cwr = joined.p.flags & TCPF_CWR;
			joined = e->outq[k];
			joined.p.seq = seq;
			joined.p.flags = (uint16_t)((joined.p.flags & ~TCPF_CWR) | (cwr ? TCPF_CWR : 0));
		}
		memmove(&e->outq[k], &e->outq[k + 1], (e->noutq - k - 1) * sizeof(*e->outq));
		e->noutq--;
		taken++;
	}
	joined.p.payload_len = payload;
	return joined;
}

/* Checks q against the segment(s) from idx on; consumes them and q. */
static void decide(struct engine *e, struct qitem *q, size_t idx, size_t count)
{
	struct outpkt o = take(e, idx, count);
	struct match_rules rules;
	rules_of(e, &rules);
	struct sb why = SB_INIT, exp = SB_INIT, got = SB_INIT;
	int n = match_packet_rules(&q->ev.u.pkt, &o.p, &e->conns.v[o.conn], &rules, &why);
	bool timely = time_ok(e, q, o.t, &why);
	if (!timely)
		sb_addc(&why, '\n');
	if (n == 0 && timely) {
		learn_ts(e, &q->ev.u.pkt, &o.p);
		engine_printf(e, "       %s %s\n", engine_sym(e, "✓", "OK:"), "matches the script");
	} else {
		match_expect_text(&q->ev.u.pkt, &exp);
		describe_actual(e, &o, &got);
		struct sb lines = SB_INIT;
		for (char *l = why.buf, *nl; l && (nl = strchr(l, '\n')); l = nl + 1)
			sb_addf(&lines, "  %.*s\n", (int)(nl - l), l);
		if (e->cfg.non_fatal && n) {
			struct sb w = SB_INIT; /* a warning shows even when quiet, as a failure does */
			sb_addf(&w, "%s:%d: warning: expected %s, the kernel sent %s at %.6f s\n%s",
				e->cfg.file ? e->cfg.file : "<script>", q->ev.line, sb_str(&exp), sb_str(&got),
				o.t - e->t0_mono, sb_str(&lines));
			e->io.print(e->io.ctx, sb_str(&w));
			sb_free(&w);
		} else {
			script_fail(e, q, "expected %s at %.6f s, the kernel sent %s at %.6f s\n%s", sb_str(&exp),
				    q->due - e->t0_mono, sb_str(&got), o.t - e->t0_mono, sb_str(&lines));
		}
		sb_free(&lines);
	}
	sb_free(&why);
	sb_free(&exp);
	sb_free(&got);
	qitem_free(q);
}

/* The next segment the kernel sent on the connection under test, or -1. */
static long next_outbound(struct engine *e)
{
	struct conn *c = conn_current(&e->conns);
	if (!c)
		return -1;
	size_t ci = (size_t)(c - e->conns.v);
	for (size_t i = 0; i < e->noutq; i++)
		if (e->outq[i].conn == ci)
			return (long)i;
	return -1;
}

/* Decides q if the segments for it are there (or time is up); else false. */
static bool try_decide(struct engine *e, struct qitem *q, bool final)
{
	long i = next_outbound(e);
	if (i < 0)
		return false;
	bool ready;
	size_t n = gather(e, (size_t)i, q->ev.u.pkt.len, &ready);
	if (!ready && !final)
		return false;
	decide(e, q, (size_t)i, n);
	return true;
}

void script_expect(struct engine *e, struct qitem *q)
{
	wire_drain(e);
	e->expect_deadline = q->due_end + tolerance(e, q->due - q->offset) + EXPECT_GRACE;
	if (try_decide(e, q, false))
		return;
	e->expect = q;
}

/* Called when segments arrived or the deadline passed while an expectation waits. */
void script_expect_deadline(struct engine *e)
{
	struct qitem *q = e->expect;
	bool final = engine_now() >= e->expect_deadline;
	e->expect = NULL;
	if (try_decide(e, q, final))
		return;
	if (!final) {
		e->expect = q;
		return;
	}
	struct sb exp = SB_INIT;
	match_expect_text(&q->ev.u.pkt, &exp);
	script_fail(e, q, "expected %s at %.6f s, but the kernel sent nothing until %.6f s", sb_str(&exp),
		    q->due - e->t0_mono, engine_now() - e->t0_mono);
	sb_free(&exp);
	qitem_free(q);
}

/* ---- injected segments: TS ecr from script space to the kernel's ---- */

int script_map_inbound(struct engine *e, struct pkt *p, const struct qitem *q)
{
	struct script_state *s = e->scr;
	if (!(p->flags & TCPF_ACK))
		return 0;
	for (int i = 0; i < p->nopts; i++) {
		struct pkt_opt *o = &p->opts[i];
		if (o->kind != TCPOPT_TS)
			continue;
		uint32_t want = o->u.ts.ecr;
		bool found = false;
		for (size_t k = s->nts; k-- > 0 && !found;)
			if (s->ts[k].script == want) {
				o->u.ts.ecr = s->ts[k].live;
				found = true;
			}
		if (!found && e->cfg.ts_ecr_scaled && s->ts_first) {
			o->u.ts.ecr = want - s->ts_first_script + s->ts_first_live;
			found = true;
		}
		if (!found) {
			script_fail(e, q, "cannot tell which live TS val the script's TS ecr %u echoes: "
					  "no earlier expected segment had TS val %u", want, want);
			return -1;
		}
	}
	return 0;
}

/* ---- blocking calls: a...b must return at b ---- */

bool script_check_return(struct engine *e, const struct bg_call *b)
{
	const struct qitem *q = b->q;
	double want = q->due_end;
	double tol = tolerance(e, want - q->due);
	if (fabs(b->finished - want) <= tol)
		return true;
	script_fail(e, q, "timing error: %s() expected to return at %.6f s but returned at %.6f s (tolerance %.6f s)",
		    q->ev.u.call.name, want - e->t0_mono, b->finished - e->t0_mono, tol);
	return false;
}

/* ---- the end of a script ---- */

#define FINISH_WAIT 1.0 /* seconds a blocked call may still take after the last event */

int script_finish(struct engine *e)
{
	double until = engine_now() + FINISH_WAIT;
	while (!script_failed(e) && e->nbg && engine_now() < until)
		loop_once(e->loop, (int)((until - engine_now()) * 1000) + 1);
	if (!script_failed(e) && e->nbg)
		script_fail(e, e->bg[0].q, "the script ended while %s() was still blocked",
			    e->bg[0].q->ev.u.call.name);
	if (!script_failed(e))
		code_finish(e);
	return script_failed(e) || e->failures ? 1 : 0;
}
