/*
 * engine_view: how the engine's text looks (the teaching views): the time
 * column (relative, absolute, delta), ANSI colour by direction, and the
 * explanations after each segment. The segment printer in engine_wire.c asks
 * here; nothing here touches the wire.
 */
#include "engine_int.h"

#include <string.h>

#define EXPLAIN_WIDTH 78 /* columns an explanation is wrapped to */

void engine_set_explain(struct engine *e, bool on)
{
	e->cfg.explain = on;
}

void engine_set_color(struct engine *e, bool on)
{
	e->cfg.color = on;
}

void engine_set_time(struct engine *e, enum engine_time t)
{
	e->cfg.timefmt = t;
}

int engine_color_wanted(const char *when, bool tty, const char *no_color)
{
	if (!strcmp(when, "always"))
		return 1;
	if (!strcmp(when, "never"))
		return 0;
	if (!strcmp(when, "auto")) /* https://no-color.org: set and not empty means no colour */
		return tty && !(no_color && *no_color);
	return -1;
}

int engine_time_parse(const char *when)
{
	static const char *const names[] = {"relative", "absolute", "delta"};
	for (int i = 0; i < 3; i++)
		if (!strcmp(when, names[i]))
			return i;
	return -1;
}

/* The time column of a segment captured at ts (wall clock). */
void view_time(struct engine *e, const struct timespec *ts, struct sb *line)
{
	double t = (double)(ts->tv_sec - e->t0_real.tv_sec) + (double)(ts->tv_nsec - e->t0_real.tv_nsec) / 1e9;
	if (e->cfg.timefmt == ENGINE_TIME_ABSOLUTE) {
		struct tm tm;
		time_t secs = ts->tv_sec;
		localtime_r(&secs, &tm);
		sb_addf(line, "%02d:%02d:%02d.%06ld ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000);
		return;
	}
	if (e->cfg.timefmt == ENGINE_TIME_DELTA) {
		double d = e->has_last_seg ? t - e->last_seg_t : 0;
		sb_addf(line, "+%.3f ", d < 0 ? 0 : d);
	} else {
		sb_addf(line, "%6.3f ", t);
	}
	e->last_seg_t = t;
	e->has_last_seg = true;
}

/* ANSI colour around a whole line: cyan for yours, yellow for the kernel's, red for failures. */
const char *view_color(const struct engine *e, enum view_paint what)
{
	static const char *const codes[] = {
		[VIEW_PEER] = "\033[36m", [VIEW_KERNEL] = "\033[33m", [VIEW_FAIL] = "\033[31m",
		[VIEW_NOTE] = "\033[2m",  [VIEW_RESET] = "\033[0m",
	};
	return e->cfg.color ? codes[what] : "";
}

/* An explanation, wrapped, as "       // ..." lines (a script comment, so a
 * transcript stays a valid script). */
void view_explain(struct engine *e, const char *why)
{
	struct sb out = SB_INIT;
	const char *s = why;
	while (*s) {
		size_t n = strlen(s), cut = n;
		if (n > EXPLAIN_WIDTH) {
			cut = EXPLAIN_WIDTH;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (!cut)
				cut = EXPLAIN_WIDTH;
		}
		sb_addf(&out, "%s       // %.*s%s\n", view_color(e, VIEW_NOTE), (int)cut, s, view_color(e, VIEW_RESET));
		s += cut;
		while (*s == ' ')
			s++;
	}
	if (out.len)
		engine_print(e, sb_str(&out));
	sb_free(&out);
}
