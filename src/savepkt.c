/*
 * savepkt: the journal as a replayable packetdrill script (see savepkt.h).
 * States are not written: the replay reaches them again by itself.
 */
#include "savepkt.h"

#include <errno.h>
#include <math.h>

#define SAVEPKT_TOLERANCE_USECS "20000"

static long long to_ms(double t)
{
	return llround(t * 1000.0);
}

/* "0" for the first line, then "+0", "+0.012", "+1.250". */
static void time_prefix(struct sb *out, bool first, long long delta_ms)
{
	if (first)
		sb_add(out, "0 ");
	else if (delta_ms <= 0)
		sb_add(out, "+0 ");
	else
		sb_addf(out, "+%lld.%03lld ", delta_ms / 1000, delta_ms % 1000);
}

static bool replayable(const struct journal_entry *e)
{
	if (e->kind == JOURNAL_SEGMENT)
		return e->pd != NULL;
	if (e->kind == JOURNAL_CALL) /* Ctrl-C's EINTR cannot happen again */
		return e->call && !(e->ret == -1 && e->err == EINTR);
	return false;
}

static void comment(struct sb *out, const struct journal_entry *e)
{
	if (e->kind == JOURNAL_CALL)
		sb_addf(out, "// not replayed (abandoned with Ctrl-C): %s\n", e->call ? e->call : "?");
	else if (e->kind == JOURNAL_OTHER)
		sb_addf(out, "// not replayed (not TCP): %c %s\n", e->dir ? e->dir : '?', e->line ? e->line : "?");
}

int savepkt_script(const struct journal *j, struct sb *out)
{
	sb_add(out, "// A tcpsh session, saved by `save`. Replay it with: tcpsh run FILE\n"
		    "// Your segments are '<' lines, the kernel's are '>' expectations; calls carry\n"
		    "// the results they returned. Times are relative to the line before.\n"
		    "// The kernel's own timers (delayed ACKs, retransmissions) vary by a few\n"
		    "// milliseconds from run to run, more on a busy machine: hence the tolerance.\n"
		    "--tolerance_usecs=" SAVEPKT_TOLERANCE_USECS "\n");
	bool first = true;
	long long prev_ms = 0;
	int lines = 0;
	for (size_t i = 0; i < journal_count(j); i++) {
		const struct journal_entry *e = journal_at(j, i);
		if (!replayable(e)) {
			comment(out, e);
			continue;
		}
		long long ms = to_ms(e->t);
		time_prefix(out, first, ms - prev_ms);
		if (e->kind == JOURNAL_SEGMENT)
			sb_addf(out, "%c %s\n", e->dir, e->pd);
		else
			sb_addf(out, "%s %s\n", e->call, e->result ? e->result : "");
		if (first || ms > prev_ms)
			prev_ms = ms;
		first = false;
		lines++;
	}
	return lines;
}
