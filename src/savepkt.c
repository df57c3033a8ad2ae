/*
 * savepkt: the journal as a replayable packetdrill script (see savepkt.h).
 * States are not written: the replay reaches them again by itself.
 *
 * The journal is in the order things completed. A call that blocked in the
 * shell (accept before the SYN, read before the data) is written where it
 * started, as packetdrill's blocking form "+start...end call = result", so
 * the replay starts it in time and checks when it returns; the lines after
 * it count from its start, as a replay moves on while it blocks.
 */
#include "savepkt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#define SAVEPKT_TOLERANCE_USECS "20000"

struct saver {
	struct sb *out;
	bool first;
	long long prev_ms; /* what the next relative time counts from */
	int lines;
};

static long long to_ms(double t)
{
	return llround(t * 1000.0);
}

static void add_secs(struct sb *out, long long ms)
{
	sb_addf(out, "%lld.%03lld", ms / 1000, ms % 1000);
}

/* "0" for the first line, then "+0", "+0.012", "+1.250"; returns the line's ms. */
static long long time_prefix(struct saver *s, long long ms)
{
	if (s->first) {
		s->first = false;
		s->prev_ms = ms;
		sb_add(s->out, "0");
		return ms;
	}
	if (ms <= s->prev_ms) {
		sb_add(s->out, "+0");
		return s->prev_ms;
	}
	sb_addc(s->out, '+');
	add_secs(s->out, ms - s->prev_ms);
	return ms;
}

static bool replayable(const struct journal_entry *e)
{
	if (e->kind == JOURNAL_SEGMENT)
		return e->pd != NULL;
	if (e->kind == JOURNAL_CALL) /* Ctrl-C's EINTR cannot happen again */
		return e->call && !(e->ret == -1 && e->err == EINTR);
	return false;
}

static bool is_blocked(const struct journal_entry *e)
{
	return e->kind == JOURNAL_CALL && e->blocked && replayable(e);
}

static void comment(struct sb *out, const struct journal_entry *e)
{
	if (e->kind == JOURNAL_CALL)
		sb_addf(out, "// not replayed (abandoned with Ctrl-C): %s\n", e->call ? e->call : "?");
	else if (e->kind == JOURNAL_OTHER)
		sb_addf(out, "// not replayed (not TCP): %c %s\n", e->dir ? e->dir : '?', e->line ? e->line : "?");
}

static void emit(struct saver *s, const struct journal_entry *e)
{
	if (is_blocked(e)) {
		long long base = s->first ? to_ms(e->t_start) : s->prev_ms;
		long long start = time_prefix(s, to_ms(e->t_start));
		long long end = to_ms(e->t);
		sb_add(s->out, "...");
		add_secs(s->out, (end > start ? end : start) - base);
		s->prev_ms = start;
	} else {
		s->prev_ms = time_prefix(s, to_ms(e->t));
	}
	if (e->kind == JOURNAL_SEGMENT)
		sb_addf(s->out, " %c %s\n", e->dir, e->pd);
	else
		sb_addf(s->out, " %s %s\n", e->call, e->result ? e->result : "");
	s->lines++;
}

int savepkt_script(const struct journal *j, struct sb *out)
{
	sb_add(out, "// A tcpsh session, saved by `save`. Replay it with: tcpsh run FILE\n"
		    "// Your segments are '<' lines, the kernel's are '>' expectations; calls carry\n"
		    "// the results they returned. Times are relative to the line before.\n"
		    "// The kernel's own timers (delayed ACKs, retransmissions) vary by a few\n"
		    "// milliseconds from run to run, more on a busy machine: hence the tolerance.\n"
		    "--tolerance_usecs=" SAVEPKT_TOLERANCE_USECS "\n");
	struct saver s = {out, true, 0, 0};
	size_t n = journal_count(j);
	bool *done = xcalloc(n ? n : 1, sizeof(*done));
	for (size_t i = 0; i < n; i++) {
		const struct journal_entry *e = journal_at(j, i);
		if (done[i])
			continue;
		if (!replayable(e)) {
			comment(out, e);
			continue;
		}
		/* Calls that blocked and started before this line come first. */
		double t = is_blocked(e) ? e->t_start : e->t;
		for (size_t k = i + 1; k < n; k++) {
			const struct journal_entry *b = journal_at(j, k);
			if (!done[k] && is_blocked(b) && b->t_start < t) {
				emit(&s, b);
				done[k] = true;
			}
		}
		emit(&s, e);
	}
	free(done);
	return s.lines;
}
