/*
 * engine_journal: what the engine tells the session journal (journal.c),
 * and the engine's side of the views built on it: the packets for `pcap
 * FILE`. The hooks are called from engine_wire.c (every captured packet),
 * engine_call.c (every call's result) and engine_state.c (every state of
 * both ends); each turns engine data into a journal entry and nothing else.
 */
#include "engine_int.h"

#include <stdlib.h>
#include <string.h>

#include "consts.h"
#include "journal.h"

void ejournal_open(struct engine *e)
{
	e->journal = journal_new(e->cfg.remote_ip, e->cfg.local_ip);
}

void ejournal_close(struct engine *e)
{
	journal_free(e->journal);
	e->journal = NULL;
}

const struct journal *engine_journal(const struct engine *e)
{
	return e->journal;
}

static double since_start(const struct engine *e)
{
	return engine_now() - e->t0_mono;
}

/* Sequence space a segment uses: its payload, plus one for SYN and for FIN. */
static uint32_t seq_space(const struct pkt *p)
{
	return p->payload_len + !!(p->flags & TCPF_SYN) + !!(p->flags & TCPF_FIN);
}

static void packet_notation(const struct pkt *p, const struct conn *c, enum conn_dir dir, struct sb *out)
{
	struct view_pd_isn isn = {0};
	if (c) {
		struct conn_rel rel;
		conn_rel_isn(c, dir, &rel);
		isn = (struct view_pd_isn){rel.has_seq_isn, rel.has_ack_isn, rel.seq_isn, rel.ack_isn};
	}
	struct sb line = SB_INIT;
	view_pd_line(dir == CONN_IN ? '<' : '>', p, &isn, &line);
	sb_add(out, sb_str(&line) + (line.len > 2 ? 2 : line.len)); /* without "< " */
	sb_free(&line);
}

void ejournal_packet(struct engine *e, const struct timespec *ts, const uint8_t *bytes, size_t len,
		     const struct pkt *p, const struct conn *c, enum conn_dir dir)
{
	struct journal_entry je = {.t = engine_mono_of(e, ts) - e->t0_mono, .ts = *ts, .bytes = (uint8_t *)bytes,
				   .len = len, .dir = dir == CONN_IN ? '<' : '>', .conn = -1};
	struct sb pd = SB_INIT, line = SB_INIT;
	if (p) {
		je.kind = JOURNAL_SEGMENT;
		je.conn = c ? (int)(c - e->conns.v) : -1;
		je.pport = dir == CONN_IN ? p->sport : p->dport;
		je.kport = dir == CONN_IN ? p->dport : p->sport;
		je.seq = p->seq;
		je.seg_len = seq_space(p);
		packet_notation(p, c, dir, &pd);
		je.pd = (char *)sb_str(&pd);
	} else {
		size_t off = e->cfg.family == 6 ? 8 : 12, al = e->cfg.family == 6 ? 16 : 4;
		je.dir = len >= off + al && !memcmp(bytes + off, e->paddr, al) ? '<' : '>';
		struct view_tcpdump *td = view_tcpdump_new(); /* not TCP: no sequence memory to keep */
		je.kind = JOURNAL_OTHER;
		view_tcpdump_any(td, bytes, len, &line);
		view_tcpdump_free(td);
		je.line = (char *)sb_str(&line);
	}
	journal_add(e->journal, &je);
	sb_free(&pd);
	sb_free(&line);
}

/* The call as typed, from its name to its closing parenthesis, on one line. */
static void call_text(const struct qitem *q, struct sb *out)
{
	const char *s = q->text, *end = q->text + q->len;
	int col = q->ev.u.call.name_col;
	s += col > 0 && (size_t)(col - 1) < q->len ? col - 1 : 0;
	int depth = 0;
	bool quoted = false;
	for (; s < end; s++) {
		char ch = *s == '\n' || *s == '\t' ? ' ' : *s;
		sb_addc(out, ch);
		if (quoted) {
			if (ch == '\\' && s + 1 < end)
				sb_addc(out, *++s);
			else if (ch == '"')
				quoted = false;
		} else if (ch == '"') {
			quoted = true;
		} else if (ch == '(' || ch == '[' || ch == '{') {
			depth++;
		} else if ((ch == ')' || ch == ']' || ch == '}') && --depth == 0) {
			break;
		}
	}
}

void engine_blocked_calls(const struct engine *e, struct sb *out)
{
	for (size_t i = 0; i < e->nbg; i++) {
		if (e->bg[i].abandoned)
			continue;
		struct sb call = SB_INIT;
		call_text(e->bg[i].q, &call);
		sb_addf(out, "// still blocked when saved, not replayed: %s\n", sb_str(&call));
		sb_free(&call);
	}
}

void ejournal_call(struct engine *e, const struct qitem *q, const struct sys_outcome *o, bool blocked)
{
	struct sb call = SB_INIT, result = SB_INIT;
	call_text(q, &call);
	sb_addf(&result, "= %lld", o->ret);
	if (o->ret == -1) {
		const char *name = consts_errno_name(o->err);
		sb_addf(&result, " %s (%s)", name ? name : "EIO", strerror(o->err));
	}
	/* A call that ran at once is placed when it started, so the segments it
	 * made the kernel send come after it, in time as in order. */
	double t = !blocked && q->has_due && q->due < engine_now() ? q->due - e->t0_mono : since_start(e);
	struct journal_entry je = {.kind = JOURNAL_CALL, .t = t, .conn = -1,
				   .call = (char *)sb_str(&call), .result = (char *)sb_str(&result),
				   .ret = o->ret, .err = o->err, .blocked = blocked,
				   .t_start = q->has_due ? q->due - e->t0_mono : t};
	journal_add(e->journal, &je);
	sb_free(&call);
	sb_free(&result);
}

void ejournal_conn_state(struct engine *e, size_t i, const char *kernel, const char *peer)
{
	const struct conn *c = &e->conns.v[i];
	struct sb key = SB_INIT;
	double t = since_start(e);
	sb_addf(&key, "c%zuk", i);
	journal_note_state(e->journal, t, sb_str(&key), JOURNAL_KERNEL, (int)i, c->pport, kernel);
	sb_reset(&key);
	sb_addf(&key, "c%zup", i);
	journal_note_state(e->journal, t, sb_str(&key), JOURNAL_PEER, (int)i, c->pport, peer);
	sb_free(&key);
}

void ejournal_fd_state(struct engine *e, int fd, const char *state)
{
	struct sb key = SB_INIT, text = SB_INIT;
	sb_addf(&key, "fd%d", fd);
	sb_addf(&text, "%s (fd %d)", state, fd);
	journal_note_state(e->journal, since_start(e), sb_str(&key), JOURNAL_KERNEL, -1, 0, sb_str(&text));
	sb_free(&key);
	sb_free(&text);
}

void engine_drain(struct engine *e)
{
	wire_drain(e);
}

/* ---- pcap FILE ---- */

int engine_pcap_start(struct engine *e, const char *path, struct sb *err)
{
	wire_drain(e); /* everything captured so far is in the journal, none is pending */
	size_t n = 0, cap = journal_count(e->journal);
	struct capture_rec *recs = xcalloc(cap ? cap : 1, sizeof(*recs));
	for (size_t i = 0; i < cap; i++) {
		const struct journal_entry *je = journal_at(e->journal, i);
		if ((je->kind == JOURNAL_SEGMENT || je->kind == JOURNAL_OTHER) && je->bytes)
			recs[n++] = (struct capture_rec){je->ts, je->bytes, je->len};
	}
	int r = capture_dump_open_with(e->cap, path, recs, n, err);
	free(recs);
	return r < 0 ? -1 : (int)n;
}

bool engine_pcap_stop(struct engine *e, struct sb *path)
{
	wire_drain(e);
	return capture_dump_stop(e->cap, path);
}
