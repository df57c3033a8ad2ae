/*
 * engine_view: how the engine's text looks (the teaching views): the time
 * column (relative, absolute, delta), ANSI colour by direction, and the
 * explanations after each segment. The segment printer in engine_wire.c asks
 * here; nothing here touches the wire.
 */
#include "engine_int.h"

#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#include "json.h"

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

/* The kind of event a line of the engine's text reports, for --json. */
static const char *text_kind(const char *line)
{
	while (*line == ' ')
		line++;
	static const struct {
		const char *prefix, *kind;
	} kinds[] = {
		{"state:", "state"}, {"= ", "result"}, {"✓", "expect_ok"}, {"OK:", "expect_ok"},
		{"✗", "expect_fail"}, {"FAIL:", "expect_fail"}, {"// ", "explain"},
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(line, kinds[i].prefix, strlen(kinds[i].prefix)))
			return kinds[i].kind;
	return strstr(line, ": error: ") ? "error" : "text";
}

/* --json: each line of the engine's text becomes {"type":KIND,"time":T,"text":LINE}. */
void view_json_text(struct engine *e, const char *text)
{
	struct sb out = SB_INIT;
	double t = engine_now() - e->t0_mono;
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		struct sb line = SB_INIT;
		sb_addn(&line, s, n);
		const char *body = sb_str(&line);
		while (*body == ' ')
			body++;
		struct json j;
		json_object_begin(&j, &out);
		json_str(&j, "type", text_kind(body));
		json_num(&j, "time", floor(t * 1e6) / 1e6);
		json_str(&j, "text", body);
		json_object_end(&j);
		sb_addc(&out, '\n');
		sb_free(&line);
		s += n + (nl ? 1 : 0);
	}
	e->io.print(e->io.ctx, sb_str(&out));
	sb_free(&out);
}

/* --json: one event of the given type whose text may span lines; printed even when quiet. */
void view_json_event(struct engine *e, const char *type, const char *text)
{
	struct sb out = SB_INIT;
	struct json j;
	size_t n = strlen(text);
	while (n && text[n - 1] == '\n')
		n--;
	json_object_begin(&j, &out);
	json_str(&j, "type", type);
	json_num(&j, "time", floor((engine_now() - e->t0_mono) * 1e6) / 1e6);
	struct sb body = SB_INIT;
	sb_addn(&body, text, n);
	json_str(&j, "text", sb_str(&body));
	json_object_end(&j);
	sb_addc(&out, '\n');
	e->io.print(e->io.ctx, sb_str(&out));
	sb_free(&body);
	sb_free(&out);
}

static void flags_text(uint16_t f, struct sb *out)
{
	static const struct {
		uint16_t bit;
		char c;
	} names[] = {{TCPF_SYN, 'S'}, {TCPF_FIN, 'F'}, {TCPF_RST, 'R'}, {TCPF_PSH, 'P'}, {TCPF_URG, 'U'},
		     {TCPF_ECE, 'E'}, {TCPF_CWR, 'W'}, {TCPF_ACK, '.'}};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			sb_addc(out, names[i].c);
}

/* --json: one segment, its fields, its tcpdump line, annotations and explanation. */
void view_json_segment(struct engine *e, const struct timespec *ts, const struct pkt *p, bool from_kernel,
		       const char *line, const struct annot_out *ann, const char *why)
{
	struct sb out = SB_INIT, s = SB_INIT;
	char a[INET6_ADDRSTRLEN];
	struct json j;
	double t = (double)(ts->tv_sec - e->t0_real.tv_sec) + (double)(ts->tv_nsec - e->t0_real.tv_nsec) / 1e9;
	json_object_begin(&j, &out);
	json_str(&j, "type", "segment");
	json_num(&j, "time", floor(t * 1e6) / 1e6);
	json_str(&j, "direction", from_kernel ? "kernel" : "you");
	int af = p->family == 6 ? AF_INET6 : AF_INET;
	json_str(&j, "src", inet_ntop(af, p->src, a, sizeof(a)) ? a : "?");
	json_num(&j, "sport", p->sport);
	json_str(&j, "dst", inet_ntop(af, p->dst, a, sizeof(a)) ? a : "?");
	json_num(&j, "dport", p->dport);
	if (!p->proto || p->proto == PKT_TCP) {
		flags_text(p->flags, &s);
		json_str(&j, "flags", sb_str(&s));
		json_num(&j, "seq", p->seq);
		json_num(&j, "ack", p->ack);
		json_num(&j, "win", p->win);
		json_num(&j, "length", p->payload_len);
	}
	json_str(&j, "line", line);
	json_str_array(&j, "annotations", ann->item, ann->n);
	if (why && *why)
		json_str(&j, "explain", why);
	json_object_end(&j);
	sb_addc(&out, '\n');
	if (!e->cfg.quiet)
		e->io.print(e->io.ctx, sb_str(&out));
	sb_free(&out);
	sb_free(&s);
}
