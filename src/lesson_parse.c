/*
 * lesson_parse: a lesson file -> header, settings, steps (see lesson.h and
 * man tcpsh-lesson.5). The script's events come from syntax_parse_script;
 * this file only walks the lines the events do not cover, reading the `//`
 * narration and the `//!` markers and attaching them to the next step.
 * Every mistake in a lesson is found here, before the lesson starts.
 */
#include "lesson.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* What the markers seen since the last event will attach to. */
struct pending {
	struct sb para;                  /* the narration paragraph being read */
	struct lesson_strs narration;
	struct lesson_question *q;
	int nq;
	char *yourturn;
	int yourturn_line, yourturn_col;
	struct lesson_strs hints;
	char *checkpoint, *onfail;
	int checkpoint_line, onfail_line, checkpoint_col, onfail_col;
	bool any;                        /* something since the last event */
};

struct lparse {
	const char *file, *text;
	size_t len;
	struct lesson *l;
	struct pending p;
	bool seen_event;                 /* an event other than a header option */
	int line;                        /* the line being read */
	struct sb *err;
	int header_line[4];
};

static void strs_add(struct lesson_strs *s, char *v)
{
	s->v = xrealloc(s->v, (size_t)(s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = v;
}

static void strs_free(struct lesson_strs *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void question_free(struct lesson_question *q)
{
	free(q->text);
	free(q->explain);
	strs_free(&q->answers);
	strs_free(&q->hints);
}

/* Formats the one error message; returns -1 for the caller to pass on. */
static int fail(struct lparse *ps, int line, int col, const char *msg, const char *hint)
{
	struct syn_error se;
	syntax_error_init(&se);
	se.line = line;
	se.col = col;
	sb_add(&se.msg, msg);
	if (hint)
		sb_add(&se.hint, hint);
	const char *src;
	size_t n;
	syntax_find_line(ps->text, ps->len, 1, line, &src, &n);
	syntax_error_format(&se, ps->file, src, n, ps->err);
	syntax_error_free(&se);
	return -1;
}

static void end_paragraph(struct pending *p)
{
	if (p->para.len)
		strs_add(&p->narration, sb_detach(&p->para));
}

/* ---- markers: one row per key ---- */

typedef int (*marker_fn)(struct lparse *ps, const char *key, char *value, int col);

static char **header_slot(struct lparse *ps, const char *key, int *idx)
{
	static const char *const keys[] = {"title", "summary", "level", "teaches"};
	char **slots[] = {&ps->l->title, &ps->l->summary, &ps->l->level, &ps->l->teaches};
	for (int i = 0; i < 4; i++)
		if (!strcmp(key, keys[i])) {
			*idx = i;
			return slots[i];
		}
	return NULL;
}

static int m_header(struct lparse *ps, const char *key, char *value, int col)
{
	struct sb msg = SB_INIT;
	int idx = 0;
	char **slot = header_slot(ps, key, &idx);
	int r = 0;
	if (ps->seen_event) {
		sb_addf(&msg, "'%s:' belongs in the header, before the first line of the script", key);
		r = fail(ps, ps->line, col, sb_str(&msg), "move it to the top, with title, summary, level and teaches");
	} else if (*slot) {
		sb_addf(&msg, "a second '%s:' (the first is on line %d)", key, ps->header_line[idx]);
		r = fail(ps, ps->line, col, sb_str(&msg), "a lesson has one of each header key");
	} else if (!strcmp(key, "level") && strcmp(value, "beginner") && strcmp(value, "intermediate") &&
		   strcmp(value, "advanced")) {
		sb_addf(&msg, "unknown level '%s'", value);
		r = fail(ps, ps->line, col, sb_str(&msg), "the levels are beginner, intermediate and advanced");
	}
	sb_free(&msg);
	if (r) {
		free(value);
		return r;
	}
	*slot = value;
	ps->header_line[idx] = ps->line;
	return 0;
}

static struct lesson_question *last_question(struct lparse *ps)
{
	return ps->p.nq ? &ps->p.q[ps->p.nq - 1] : NULL;
}

static int m_question(struct lparse *ps, const char *key, char *value, int col)
{
	(void)key;
	struct lesson_question *q = last_question(ps);
	if (q && !q->answers.n) {
		free(value);
		return fail(ps, q->line, q->col, "a question without an answer",
			    "give the accepted answers after it: //! answer: TEXT");
	}
	ps->p.q = xrealloc(ps->p.q, (size_t)(ps->p.nq + 1) * sizeof(*ps->p.q));
	q = &ps->p.q[ps->p.nq++];
	memset(q, 0, sizeof(*q));
	q->text = value;
	q->line = ps->line;
	q->col = col;
	return 0;
}

static int m_answer(struct lparse *ps, const char *key, char *value, int col)
{
	struct lesson_question *q = last_question(ps);
	if (!q || ps->p.yourturn) {
		free(value);
		struct sb msg = SB_INIT;
		sb_addf(&msg, "'%s:' without a question before it", key);
		int r = fail(ps, ps->line, col, sb_str(&msg), "write //! question: TEXT first, then its answers");
		sb_free(&msg);
		return r;
	}
	if (!strcmp(key, "answer")) {
		strs_add(&q->answers, value);
		return 0;
	}
	if (q->explain) {
		free(value);
		return fail(ps, ps->line, col, "a second 'explain:' for the same question",
			    "join the explanations into one line");
	}
	q->explain = value;
	return 0;
}

static int m_yourturn(struct lparse *ps, const char *key, char *value, int col)
{
	(void)key;
	if (ps->p.yourturn) {
		free(value);
		return fail(ps, ps->line, col, "a second 'yourturn:' before the step",
			    "one your-turn goal per step: the next action line is the one the student types");
	}
	ps->p.yourturn = value;
	ps->p.yourturn_line = ps->line;
	ps->p.yourturn_col = col;
	return 0;
}

/* A hint helps with the question just asked, or else with the your-turn step. */
static int m_hint(struct lparse *ps, const char *key, char *value, int col)
{
	(void)key;
	(void)col;
	struct lesson_question *q = last_question(ps);
	if (q && !ps->p.yourturn)
		strs_add(&q->hints, value);
	else
		strs_add(&ps->p.hints, value);
	return 0;
}

static int m_text(struct lparse *ps, const char *key, char *value, int col)
{
	bool cp = !strcmp(key, "checkpoint");
	char **slot = cp ? &ps->p.checkpoint : &ps->p.onfail;
	if (*slot) {
		free(value);
		struct sb msg = SB_INIT;
		sb_addf(&msg, "a second '%s:' before the same step", key);
		int r = fail(ps, ps->line, col, sb_str(&msg), "join them into one line");
		sb_free(&msg);
		return r;
	}
	*slot = value;
	if (cp) {
		ps->p.checkpoint_line = ps->line;
		ps->p.checkpoint_col = col;
	} else {
		ps->p.onfail_line = ps->line;
		ps->p.onfail_col = col;
	}
	return 0;
}

static const struct {
	const char *key;
	marker_fn fn;
} markers[] = {
	{"title", m_header},    {"summary", m_header}, {"level", m_header},    {"teaches", m_header},
	{"question", m_question}, {"answer", m_answer}, {"explain", m_answer}, {"yourturn", m_yourturn},
	{"hint", m_hint},       {"checkpoint", m_text}, {"onfail", m_text},
};
#define NMARKERS (sizeof(markers) / sizeof(markers[0]))

/* Edit distance, for "did you mean" (keys are short). */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 20 || lb > 20)
		return 99;
	int d[21][21];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			int x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;
			d[i][j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
		}
	return d[la][lb];
}

static int marker_line(struct lparse *ps, const char *s, size_t n, int col0)
{
	size_t i = 3; /* past "//!" */
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t k = i;
	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-'))
		k++;
	int col = col0 + (int)i;
	if (k == i || k >= n || s[k] != ':')
		return fail(ps, ps->line, col, "expected 'key: value' after //!",
			    "markers are title, summary, level, teaches, question, answer, explain, yourturn, "
			    "hint, checkpoint, onfail");
	char *key = xstrndup(s + i, k - i);
	for (char *c = key; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	size_t v = k + 1, e = n;
	while (v < e && isspace((unsigned char)s[v]))
		v++;
	while (e > v && isspace((unsigned char)s[e - 1]))
		e--;
	int r = -1;
	size_t m = 0;
	while (m < NMARKERS && strcmp(markers[m].key, key))
		m++;
	if (m == NMARKERS) {
		struct sb msg = SB_INIT, hint = SB_INIT;
		sb_addf(&msg, "unknown marker '%s'", key);
		const char *best = NULL;
		int bestd = 3;
		for (size_t j = 0; j < NMARKERS; j++) {
			int d = distance(key, markers[j].key);
			if (d < bestd) {
				bestd = d;
				best = markers[j].key;
			}
		}
		if (best)
			sb_addf(&hint, "did you mean '%s:'? ", best);
		sb_add(&hint, "markers are title, summary, level, teaches, question, answer, explain, yourturn, "
			      "hint, checkpoint, onfail; a plain // line is narration");
		r = fail(ps, ps->line, col, sb_str(&msg), sb_str(&hint));
		sb_free(&msg);
		sb_free(&hint);
	} else if (v == e) {
		struct sb msg = SB_INIT;
		sb_addf(&msg, "'%s:' needs a text after it", key);
		r = fail(ps, ps->line, col0 + (int)k + 1, sb_str(&msg), NULL);
		sb_free(&msg);
	} else {
		r = markers[m].fn(ps, key, xstrndup(s + v, e - v), col);
		ps->p.any = true;
	}
	free(key);
	return r;
}

/* ---- events ---- */

static bool is_action(const struct syn_event *ev)
{
	return (ev->kind == SYN_PACKET && ev->u.pkt.dir == '<') || ev->kind == SYN_SYSCALL ||
	       ev->kind == SYN_SHELL || ev->kind == SYN_COMMAND;
}

static int check_answers(struct lparse *ps)
{
	struct lesson_question *q = last_question(ps);
	if (q && !q->answers.n)
		return fail(ps, q->line, q->col, "a question without an answer",
			    "give the accepted answers after it: //! answer: TEXT");
	return 0;
}

static void pending_reset(struct pending *p)
{
	struct sb para = p->para;
	memset(p, 0, sizeof(*p));
	p->para = para;
}

static int on_event(struct lparse *ps, size_t idx)
{
	struct lesson *l = ps->l;
	const struct syn_event *ev = &l->script.ev[idx];
	if (ev->kind == SYN_OPTION || ev->kind == SYN_EMPTY)
		return 0;
	ps->seen_event = true;
	end_paragraph(&ps->p);
	if (check_answers(ps))
		return -1;
	bool markers_pending = ps->p.nq || ps->p.yourturn || ps->p.checkpoint || ps->p.onfail || ps->p.hints.n;
	if (!l->nsteps && ev->kind == SYN_SHELL && !markers_pending) {
		l->settings = xrealloc(l->settings, (l->nsettings + 1) * sizeof(*l->settings));
		l->settings[l->nsettings++] = idx;
		return 0;
	}
	if (ps->p.yourturn && !is_action(ev))
		return fail(ps, ps->p.yourturn_line, ps->p.yourturn_col, "'yourturn:' is not followed by an action line",
			    "the line after a your-turn goal must be one the student can type: a '<' segment, "
			    "a system call or a `command`");
	if (l->nsteps && !is_action(ev) && !ps->p.any) {
		l->steps[l->nsteps - 1].nev = idx + 1 - l->steps[l->nsteps - 1].first;
		return 0;
	}
	l->steps = xrealloc(l->steps, (size_t)(l->nsteps + 1) * sizeof(*l->steps));
	struct lesson_step *st = &l->steps[l->nsteps++];
	memset(st, 0, sizeof(*st));
	st->first = idx;
	st->nev = 1;
	st->has_action = is_action(ev);
	st->narration = ps->p.narration;
	st->q = ps->p.q;
	st->nq = ps->p.nq;
	st->yourturn = ps->p.yourturn;
	st->yourturn_line = ps->p.yourturn_line;
	st->hints = ps->p.hints;
	st->checkpoint = ps->p.checkpoint;
	st->onfail = ps->p.onfail;
	pending_reset(&ps->p);
	return 0;
}

static int at_end(struct lparse *ps)
{
	struct pending *p = &ps->p;
	end_paragraph(p);
	if (check_answers(ps))
		return -1;
	if (p->nq)
		return fail(ps, p->q[0].line, p->q[0].col, "a question after the last step",
			    "a question is asked before the step that follows it");
	if (p->yourturn)
		return fail(ps, p->yourturn_line, p->yourturn_col, "'yourturn:' is not followed by an action line",
			    "the your-turn goal must come before the line the student types");
	if (p->checkpoint || p->onfail)
		return fail(ps, p->checkpoint ? p->checkpoint_line : p->onfail_line,
			    p->checkpoint ? p->checkpoint_col : p->onfail_col,
			    "a checkpoint text after the last step", "it names the checkpoint of the step after it");
	static const char *const keys[] = {"title", "summary", "level", "teaches"};
	const char *vals[] = {ps->l->title, ps->l->summary, ps->l->level, ps->l->teaches};
	for (int i = 0; i < 4; i++)
		if (!vals[i]) {
			struct sb msg = SB_INIT;
			sb_addf(&msg, "the header has no '%s:'", keys[i]);
			int r = fail(ps, 1, 0, sb_str(&msg),
				     "a lesson starts with //! title:, //! summary:, //! level: and //! teaches: lines");
			sb_free(&msg);
			return r;
		}
	if (!ps->l->nsteps)
		return fail(ps, 1, 0, "the lesson has no step", "add script lines after the header");
	ps->l->outro = p->narration;
	memset(&p->narration, 0, sizeof(p->narration));
	return 0;
}

/* Walks the lines no event covers: narration, markers, blank lines. */
static int walk(struct lparse *ps)
{
	const struct syn_script *s = &ps->l->script;
	size_t next = 0;
	bool in_block = false;
	const char *t = ps->text, *end = ps->text + ps->len;
	for (int line = 1; t < end || line == 1; line++) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		size_t n = nl ? (size_t)(nl - t) : (size_t)(end - t);
		ps->line = line;
		while (next < s->nev && s->ev[next].end_line < line)
			next++;
		bool covered = false;
		while (next < s->nev && s->ev[next].line <= line) {
			covered = true;
			if (s->ev[next].line == line && on_event(ps, next))
				return -1;
			if (s->ev[next].end_line > line)
				break;
			next++;
		}
		size_t i = 0;
		while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r'))
			i++;
		const char *c = t + i;
		size_t cn = n - i;
		while (cn && (c[cn - 1] == '\r' || c[cn - 1] == ' ' || c[cn - 1] == '\t'))
			cn--;
		if (covered) {
			/* the event's own lines */
		} else if (in_block) {
			in_block = !memmem(c, cn, "*/", 2);
		} else if (cn >= 2 && c[0] == '/' && c[1] == '*') {
			in_block = !memmem(c + 2, cn - 2, "*/", 2);
		} else if (cn >= 3 && !strncmp(c, "//!", 3)) {
			end_paragraph(&ps->p);
			if (marker_line(ps, c, cn, (int)i + 1))
				return -1;
		} else if (cn >= 2 && c[0] == '/' && c[1] == '/') {
			size_t k = 2;
			if (k < cn && c[k] == ' ')
				k++;
			if (k == cn) {
				end_paragraph(&ps->p);
			} else {
				if (ps->p.para.len)
					sb_addc(&ps->p.para, '\n');
				sb_addn(&ps->p.para, c + k, cn - k);
				ps->p.any = true;
			}
		} else {
			end_paragraph(&ps->p);
		}
		if (!nl)
			break;
		t = nl + 1;
	}
	return at_end(ps);
}

static void pending_free(struct pending *p)
{
	sb_free(&p->para);
	strs_free(&p->narration);
	for (int i = 0; i < p->nq; i++)
		question_free(&p->q[i]);
	free(p->q);
	free(p->yourturn);
	strs_free(&p->hints);
	free(p->checkpoint);
	free(p->onfail);
}

int lesson_parse(const char *file, const char *text, size_t len, struct lesson *out, struct sb *err)
{
	memset(out, 0, sizeof(*out));
	struct syn_error se;
	syntax_error_init(&se);
	if (syntax_parse_script(text, len, &out->script, &se) != SYN_OK) {
		const char *src;
		size_t n;
		syntax_find_line(text, len, 1, se.line, &src, &n);
		syntax_error_format(&se, file, src, n, err);
		syntax_error_free(&se);
		return -1;
	}
	syntax_error_free(&se);
	struct lparse ps;
	memset(&ps, 0, sizeof(ps));
	ps.file = file;
	ps.text = text;
	ps.len = len;
	ps.l = out;
	ps.err = err;
	int r = walk(&ps);
	pending_free(&ps.p);
	if (r)
		lesson_free(out);
	return r;
}

void lesson_free(struct lesson *l)
{
	free(l->title);
	free(l->summary);
	free(l->level);
	free(l->teaches);
	syntax_script_free(&l->script);
	free(l->settings);
	for (int i = 0; i < l->nsteps; i++) {
		struct lesson_step *st = &l->steps[i];
		strs_free(&st->narration);
		for (int k = 0; k < st->nq; k++)
			question_free(&st->q[k]);
		free(st->q);
		free(st->yourturn);
		strs_free(&st->hints);
		free(st->checkpoint);
		free(st->onfail);
	}
	free(l->steps);
	strs_free(&l->outro);
	memset(l, 0, sizeof(*l));
}

void lesson_event_text(const char *text, size_t len, const struct syn_event *ev, bool strip_time,
		       struct sb *out)
{
	const char *start, *last;
	size_t n, lastn;
	syntax_find_line(text, len, 1, ev->line, &start, &n);
	syntax_find_line(text, len, 1, ev->end_line, &last, &lastn);
	const char *stop = last + lastn;
	if (stop < start)
		stop = start + n;
	while (start < stop && (*start == ' ' || *start == '\t'))
		start++;
	if (strip_time && ev->time.kind != SYN_TIME_NONE) {
		while (start < stop && strchr("+.0123456789*~", *start))
			start++;
		while (start < stop && (*start == ' ' || *start == '\t'))
			start++;
	}
	while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\r'))
		stop--;
	sb_addn(out, start, (size_t)(stop - start));
}

void lesson_event_times(const struct syn_script *s, double *times)
{
	double prev = 0;
	for (size_t i = 0; i < s->nev; i++) {
		const struct syn_time *t = &s->ev[i].time;
		double at = prev;
		if (s->ev[i].kind != SYN_OPTION && s->ev[i].kind != SYN_EMPTY) {
			if (t->kind == SYN_TIME_ABS)
				at = t->t;
			else if (t->kind == SYN_TIME_REL)
				at = prev + t->t;
			prev = at;
			if (t->blocking && t->end_kind == SYN_TIME_ABS)
				prev = t->end;
			else if (t->blocking && t->end_kind == SYN_TIME_REL)
				prev = at + t->end;
		}
		times[i] = at;
	}
}

int lesson_stops(const struct lesson *l, int *stops)
{
	int n = 0;
	for (int i = 0; i < l->nsteps; i++) {
		const struct lesson_step *st = &l->steps[i];
		if (!i || st->narration.n || st->nq || st->yourturn || st->hints.n || st->checkpoint || st->onfail)
			stops[n++] = i;
	}
	stops[n] = l->nsteps;
	return n;
}
