/*
 * diagram: the ladder diagram's rows from the journal, and their text
 * rendering (see diagram.h; diagram_svg.c draws the same rows as SVG).
 *
 * Text layout: an 8-column time, the peer's lifeline, an arrow span wide
 * enough for the longest label, the kernel's lifeline, then notes (the
 * kernel's states, calls, "retransmission") to its right. The peer's states
 * are written just right of its own lifeline, inside the span.
 */
#include "diagram.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIME_COLS 8
#define MIN_SPAN 30

size_t diagram_width(const char *s)
{
	size_t w = 0;
	for (; s && *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void add_row(struct diagram_rows *r, const struct diagram_row *row)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = *row;
}

/* "12345: " before labels and states when the session has several connections. */
static char *tagged(const struct journal *j, uint16_t pport, const char *text)
{
	struct sb s = SB_INIT;
	if (journal_conns(j) > 1 && pport)
		sb_addf(&s, "%u: ", pport);
	sb_add(&s, text);
	return sb_detach(&s);
}

/* A state joins the previous state row when that row has no state for its side yet. */
static void add_state(const struct journal *j, struct diagram_rows *r, const struct journal_entry *e)
{
	struct diagram_row *last = r->n ? &r->v[r->n - 1] : NULL;
	char *text = tagged(j, e->pport, e->state);
	if (last && last->kind == DROW_STATE && !(e->side == JOURNAL_PEER ? last->peer : last->kernel)) {
		*(e->side == JOURNAL_PEER ? &last->peer : &last->kernel) = text;
		return;
	}
	struct diagram_row row = {.kind = DROW_STATE, .t = e->t};
	*(e->side == JOURNAL_PEER ? &row.peer : &row.kernel) = text;
	add_row(r, &row);
}

/* "192.0.2.1:40000", "[2001:db8::1]:40000"; port 0: the address alone. */
static void end_name(int family, const uint8_t *addr, uint16_t port, const char *fallback, struct sb *out)
{
	char ip[INET6_ADDRSTRLEN];
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, ip, sizeof(ip))) {
		sb_add(out, fallback);
		return;
	}
	if (!port)
		sb_add(out, ip);
	else
		sb_addf(out, family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
}

/* Names the ends from the first segment: "you 192.0.2.1:40000". */
static void heads(const struct journal *j, struct diagram_rows *r)
{
	struct sb peer = SB_INIT, kernel = SB_INIT;
	sb_add(&peer, "you ");
	sb_add(&kernel, "kernel ");
	const struct journal_entry *first = NULL;
	for (size_t i = 0; i < journal_count(j) && !first; i++)
		if (journal_at(j, i)->kind == JOURNAL_SEGMENT && journal_at(j, i)->len >= 20)
			first = journal_at(j, i);
	if (first) {
		int fam = (first->bytes[0] >> 4) == 6 ? 6 : 4;
		const uint8_t *src = first->bytes + (fam == 6 ? 8 : 12), *dst = src + (fam == 6 ? 16 : 4);
		const uint8_t *paddr = first->dir == '<' ? src : dst, *kaddr = first->dir == '<' ? dst : src;
		/* several connections: each arrow names its peer port */
		end_name(fam, paddr, journal_conns(j) > 1 ? 0 : first->pport, journal_peer_ip(j), &peer);
		end_name(fam, kaddr, first->kport, journal_kernel_ip(j), &kernel);
	} else {
		sb_add(&peer, journal_peer_ip(j));
		sb_add(&kernel, journal_kernel_ip(j));
	}
	r->peer_head = sb_detach(&peer);
	r->kernel_head = sb_detach(&kernel);
}

void diagram_rows(const struct journal *j, struct diagram_rows *r)
{
	memset(r, 0, sizeof(*r));
	heads(j, r);
	for (size_t i = 0; i < journal_count(j); i++) {
		const struct journal_entry *e = journal_at(j, i);
		struct diagram_row row = {.t = e->t};
		switch (e->kind) {
		case JOURNAL_SEGMENT:
			row.kind = DROW_SEGMENT;
			row.dir = e->dir;
			row.retrans = e->retrans;
			row.label = tagged(j, e->pport, e->pd ? e->pd : "?");
			add_row(r, &row);
			break;
		case JOURNAL_CALL: {
			struct sb s = SB_INIT;
			sb_addf(&s, "%s %s", e->call ? e->call : "?", e->result ? e->result : "");
			row.kind = DROW_CALL;
			row.label = sb_detach(&s);
			add_row(r, &row);
			break;
		}
		case JOURNAL_STATE:
			add_state(j, r, e);
			break;
		case JOURNAL_OTHER:
			break;
		}
	}
}

void diagram_rows_free(struct diagram_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].label);
		free(r->v[i].peer);
		free(r->v[i].kernel);
	}
	free(r->v);
	free(r->peer_head);
	free(r->kernel_head);
	memset(r, 0, sizeof(*r));
}

/* ---- text ---- */

struct glyphs {
	const char *life, *line, *dash, *right, *left, *more;
};

static const struct glyphs utf8_glyphs = {"│", "─", "╌", "▶", "◀", "⋮"};
static const struct glyphs ascii_glyphs = {"|", "-", ".", ">", "<", ":"};

static void rep(struct sb *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_add(out, s);
}

/* Pads out (whose current line started at line_start) to column col. */
static void pad_to(struct sb *out, size_t line_start, size_t col)
{
	size_t w = diagram_width(out->buf ? out->buf + line_start : "");
	if (w < col)
		sb_addrep(out, ' ', col - w);
}

static size_t span_of(const struct diagram_rows *r)
{
	size_t span = MIN_SPAN;
	size_t w = diagram_width(r->peer_head) + 2;
	if (w > span)
		span = w;
	for (size_t i = 0; i < r->n; i++) {
		const struct diagram_row *row = &r->v[i];
		if (row->kind == DROW_SEGMENT && diagram_width(row->label) + 7 > span)
			span = diagram_width(row->label) + 7;
		if (row->kind == DROW_STATE && row->peer && diagram_width(row->peer) + 2 > span)
			span = diagram_width(row->peer) + 2;
	}
	return span;
}

static void time_col(struct sb *out, const struct diagram_row *row, bool show)
{
	if (show)
		sb_addf(out, "%7.3f ", row->t);
	else
		sb_addrep(out, ' ', TIME_COLS);
}

static void arrow(struct sb *out, const struct diagram_row *row, const struct glyphs *g, size_t span, bool color)
{
	const char *fill = row->retrans ? g->dash : g->line;
	size_t lw = diagram_width(row->label);
	if (color)
		sb_add(out, row->dir == '<' ? "\033[36m" : "\033[33m");
	if (row->dir == '<') { /* "── label ─────▶" */
		rep(out, fill, 2);
		sb_addf(out, " %s ", row->label);
		rep(out, fill, span - lw - 5);
		sb_add(out, g->right);
	} else { /* "◀─ label ──────" */
		sb_add(out, g->left);
		rep(out, fill, 1);
		sb_addf(out, " %s ", row->label);
		rep(out, fill, span - lw - 4);
	}
	if (color)
		sb_add(out, "\033[0m");
}

static void text_row(struct sb *out, const struct diagram_row *row, const struct glyphs *g, size_t span,
		     bool color)
{
	size_t start = out->len;
	time_col(out, row, row->kind != DROW_STATE);
	sb_add(out, g->life);
	switch (row->kind) {
	case DROW_SEGMENT:
		arrow(out, row, g, span, color);
		sb_add(out, g->life);
		if (row->retrans)
			sb_add(out, " retransmission");
		break;
	case DROW_STATE:
		if (row->peer)
			sb_addf(out, " %s", row->peer);
		pad_to(out, start, TIME_COLS + 1 + span);
		sb_add(out, g->life);
		if (row->kernel)
			sb_addf(out, " %s", row->kernel);
		break;
	case DROW_CALL:
		sb_addrep(out, ' ', span);
		sb_add(out, g->life);
		sb_addf(out, " %s", row->label);
		break;
	}
	sb_addc(out, '\n');
}

void diagram_text(const struct journal *j, const struct diagram_opts *o, struct sb *out)
{
	const struct glyphs *g = o->utf8 ? &utf8_glyphs : &ascii_glyphs;
	struct diagram_rows r;
	diagram_rows(j, &r);
	size_t span = span_of(&r);
	size_t start = out->len;
	sb_add(out, "   time ");
	sb_add(out, r.peer_head);
	pad_to(out, start, TIME_COLS + 1 + span);
	sb_addf(out, "%s\n", r.kernel_head);
	size_t first = 0;
	if (o->max_rows && r.n > o->max_rows) {
		first = r.n - o->max_rows;
		sb_addrep(out, ' ', TIME_COLS);
		sb_addf(out, "%s (%zu earlier row%s)\n", g->more, first, first > 1 ? "s" : "");
	}
	if (!r.n) {
		sb_addrep(out, ' ', TIME_COLS);
		sb_add(out, "(nothing yet: no segment, call or state so far)\n");
	}
	for (size_t i = first; i < r.n; i++)
		text_row(out, &r.v[i], g, span, o->color);
	diagram_rows_free(&r);
}
