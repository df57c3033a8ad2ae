/*
 * present: presenter mode's screen (see present.h). What counts as a step's
 * own part and what as the kernel's reply: everything recorded up to the
 * first segment the kernel sent is the step; from there on, the reply.
 */
#include "present.h"

#include <time.h>

#include "diagram.h"
#include "journal.h"

static void segment_line(const struct journal_entry *je, const struct present_opts *o, struct sb *out)
{
	bool peer = je->dir == '<';
	if (o->color)
		sb_add(out, peer ? "\033[1;36m" : "\033[1;33m");
	if (o->utf8)
		sb_addf(out, "    %s  %s", peer ? "you    ──▶ kernel" : "kernel ──▶ you   ", je->pd ? je->pd : "?");
	else
		sb_addf(out, "    %s  %s", peer ? "you    --> kernel" : "kernel --> you   ", je->pd ? je->pd : "?");
	if (je->retrans)
		sb_add(out, "   (retransmission)");
	if (o->color)
		sb_add(out, "\033[0m");
	sb_add(out, "\n\n");
}

static bool is_reply(const struct journal_entry *je)
{
	return je->kind == JOURNAL_SEGMENT && je->dir == '>';
}

static void sleep_for(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&ts, &ts) < 0)
		;
}

void present_update(struct engine *e, size_t *shown, const struct present_opts *o, present_print_fn print,
		    void *ctx)
{
	const struct journal *j = engine_journal(e);
	if (journal_count(j) <= *shown)
		return;
	struct sb out = SB_INIT;
	bool sent = false;
	size_t i = *shown;
	for (; i < journal_count(j) && !is_reply(journal_at(j, i)); i++) {
		const struct journal_entry *je = journal_at(j, i);
		if (je->kind == JOURNAL_SEGMENT) {
			segment_line(je, o, &out);
			sent = true;
		}
	}
	if (out.len)
		print(ctx, sb_str(&out));
	sb_reset(&out);
	if ((sent || i < journal_count(j)) && o->delay > 0) {
		sleep_for(o->delay);
		engine_drain(e); /* what the kernel sent during the pause */
	}
	for (; i < journal_count(j); i++)
		if (journal_at(j, i)->kind == JOURNAL_SEGMENT)
			segment_line(journal_at(j, i), o, &out);
	*shown = journal_count(j);
	struct diagram_opts d = {o->utf8, o->color, o->max_rows};
	if (!out.len) /* segment lines end with a blank line already */
		sb_addc(&out, '\n');
	diagram_text(j, &d, &out);
	sb_addc(&out, '\n');
	print(ctx, sb_str(&out));
	sb_free(&out);
}
