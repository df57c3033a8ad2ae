/*
 * lesson_play: one attempt at a lesson, inside the namespace (see
 * lesson_play.h). Each step: its narration, its questions (answer checked,
 * explanation after the step), the step itself (or the student's line for a
 * your-turn step), then what the kernel did, as the engine prints it, and
 * the checkpoint verdict. Between steps nothing waits for the clock: a
 * step's first line runs when the student asks, and only the lines after it
 * keep their script timing relative to it.
 */
#include "lesson_play.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "shell.h"

#define SETTLE_SECS 0.05 /* after a step is done, time for the kernel's immediate answers */
#define MAX_TRIES 3

enum { GO_ON = 0, GO_BACK = 1, GO_QUIT = 2 };

struct player {
	const char *file, *text;
	size_t len;
	const struct lesson *l;
	const struct lesson_opts *o;
	const struct engine_cfg *cfg;
	struct lesson_score *sc;
	struct engine *e;
	struct loop *loop;
	struct engine_io fwd; /* where the engine's output goes: ours, then the shell's */
	bool quiet;           /* replaying after back: the engine's output is dropped */
	bool no_echo;         /* the settings: listed in the header already */
	bool tty;
	struct sb inbuf;
	bool eof, stop;
	double auto_secs;
	double *times;
	int sig_fd;
	int qbase;            /* index of the current step's first question in the score */
	int *stops;           /* lesson_stops: the player's steps, each one or more lesson steps */
	bool has_last;        /* an event ran: last_ev, when it was due (monotonic seconds) */
	size_t last_ev;
	double last_due;
	int nstops;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *ok_mark(const struct player *pl)
{
	return pl->cfg->utf8 ? "✓" : "ok";
}

static const char *bad_mark(const struct player *pl)
{
	return pl->cfg->utf8 ? "✗" : "FAIL";
}

static void out(const char *s)
{
	fputs(s, stdout);
	fflush(stdout);
}

/* ---- the engine's output ---- */

static void own_print(void *ctx, const char *text)
{
	struct player *pl = ctx;
	if (!pl->quiet)
		out(text);
}

static int own_command(void *ctx, const struct syn_event *ev)
{
	(void)ctx;
	(void)ev;
	return -1;
}

static void fwd_print(void *ctx, const char *text)
{
	struct player *pl = ctx;
	pl->fwd.print(pl->fwd.ctx, text);
}

static int fwd_command(void *ctx, const struct syn_event *ev)
{
	struct player *pl = ctx;
	return pl->fwd.command(pl->fwd.ctx, ev);
}

/* ---- input: whole lines, read while the engine goes on ---- */

static void on_stdin(void *ctx, int fd, short revents)
{
	struct player *pl = ctx;
	char buf[4096];
	(void)revents;
	/* A pipe is read a byte at a time: what this attempt leaves unread
	 * stays for the next one (back starts a new process). */
	ssize_t n = read(fd, buf, pl->tty ? sizeof(buf) : 1);
	if (n > 0) {
		sb_addn(&pl->inbuf, buf, (size_t)n);
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		pl->eof = true;
		loop_del(pl->loop, fd);
	}
}

static void on_signal(void *ctx, int fd, short revents)
{
	struct player *pl = ctx;
	struct signalfd_siginfo si;
	(void)revents;
	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGWINCH)
		return;
	if (si.ssi_signo == SIGINT && engine_interrupt(pl->e))
		return;
	pl->stop = true;
}

/*
 * The next line typed, without its newline, in *line (caller frees).
 * Returns 1 for a line, 0 when timeout (> 0 seconds) passed first, -1 at
 * the end of the input or on a signal to stop.
 */
static int read_line_watched(struct player *pl, double timeout, char **line);

static int read_line(struct player *pl, double timeout, char **line)
{
	/* stdin is watched only while a line is wanted: a pipe's next lines stay
	 * unread while a step runs, for this attempt or the next one. */
	if (!pl->eof)
		loop_add(pl->loop, STDIN_FILENO, POLLIN, on_stdin, pl);
	int r = read_line_watched(pl, timeout, line);
	if (!pl->eof)
		loop_del(pl->loop, STDIN_FILENO);
	return r;
}

static int read_line_watched(struct player *pl, double timeout, char **line)
{
	double deadline = timeout > 0 ? now() + timeout : 0;
	for (;;) {
		char *nl = pl->inbuf.len ? memchr(pl->inbuf.buf, '\n', pl->inbuf.len) : NULL;
		if (nl || (pl->eof && pl->inbuf.len)) {
			size_t n = nl ? (size_t)(nl - pl->inbuf.buf) : pl->inbuf.len;
			*line = xstrndup(pl->inbuf.buf, n);
			size_t used = nl ? n + 1 : n;
			memmove(pl->inbuf.buf, pl->inbuf.buf + used, pl->inbuf.len - used);
			sb_truncate(&pl->inbuf, pl->inbuf.len - used);
			if (n && (*line)[n - 1] == '\r')
				(*line)[n - 1] = '\0';
			if (!pl->tty) { /* a transcript reads as if typed */
				out(*line);
				out("\n");
			}
			return 1;
		}
		if (pl->stop || (pl->eof && timeout <= 0))
			return -1;
		int ms = -1;
		if (deadline) {
			double left = deadline - now();
			if (left <= 0)
				return 0;
			ms = (int)(left * 1000) + 1;
		}
		if (loop_once(pl->loop, ms) < 0 && errno != EINTR)
			return -1;
	}
}

/* Lets the loop run for secs (the kernel's late segments print meanwhile). */
static void pause_for(struct player *pl, double secs)
{
	double end = now() + secs;
	while (!pl->stop) {
		double left = end - now();
		if (left <= 0)
			break;
		loop_once(pl->loop, (int)(left * 1000) + 1);
	}
}

/* ---- running lines ---- */

static bool is_checkpoint(const struct syn_event *ev)
{
	return (ev->kind == SYN_PACKET && ev->u.pkt.dir == '>') || ev->kind == SYN_CODE ||
	       (ev->kind == SYN_SYSCALL && ev->u.call.has_result);
}

/*
 * Runs events [first, first+n): the first now, each later one at its script
 * time relative to the one before it. first_text replaces the first
 * event's text (NULL: the lesson's). Returns the checkpoints that failed.
 */
static int run_events(struct player *pl, size_t first, size_t n, int *checkpoints)
{
	const struct syn_script *s = &pl->l->script;
	int before = engine_failures(pl->e);
	bool started = false;
	for (size_t k = first; k < first + n; k++) {
		const struct syn_event *ev = &s->ev[k];
		if (ev->kind == SYN_EMPTY || ev->kind == SYN_OPTION)
			continue;
		struct sb line = SB_INIT;
		bool timed = ev->time.kind == SYN_TIME_ABS || ev->time.kind == SYN_TIME_REL;
		double d = pl->has_last && timed ? pl->times[k] - pl->times[pl->last_ev] : 0;
		if (d < 0)
			d = 0;
		if (started && timed) {
			sb_addf(&line, "+%.6f ", d);
			pl->last_due += d;
		} else if (d > 0 && pl->last_due + d > now()) {
			/* The first line of a step never waits for the student, but a
			 * student quicker than the script waits for the script: a
			 * reply 0.3 s after a write stays 0.3 s for the kernel's RTT. */
			double wait = pl->last_due + d - now();
			if (wait > 1 && !pl->quiet) {
				struct sb note = SB_INIT;
				sb_addf(&note, "  (%.1f s pass first, as in the script)\n", wait);
				out(sb_str(&note));
				sb_free(&note);
			}
			pause_for(pl, wait);
			pl->last_due += d;
		} else {
			pl->last_due = now();
		}
		started = true;
		pl->has_last = true;
		pl->last_ev = k;
		size_t text_at = line.len;
		lesson_event_text(pl->text, pl->len, ev, true, &line);
		if (is_checkpoint(ev))
			(*checkpoints)++;
		if (ev->kind != SYN_CODE && !(ev->kind == SYN_PACKET && ev->u.pkt.dir == '>') && !pl->quiet && !pl->no_echo) {
			struct sb echo = SB_INIT;
			sb_addf(&echo, "tcpsh> %s\n", sb_str(&line) + text_at);
			out(sb_str(&echo));
			sb_free(&echo);
		}
		/* One line at a time, each once the one before is done: the same
		 * schedule as queueing them all (relative times count from the
		 * previous line's due time), and its echo comes just before it. */
		engine_submit(pl->e, sb_str(&line), line.len, pl->file, ev->line);
		sb_free(&line);
		while (!engine_idle(pl->e) && !pl->stop)
			loop_once(pl->loop, 200);
	}
	pause_for(pl, SETTLE_SECS);
	return engine_failures(pl->e) - before;
}

static void action_text(const struct player *pl, const struct lesson_step *st, struct sb *out_text)
{
	lesson_event_text(pl->text, pl->len, &pl->l->script.ev[st->first], true, out_text);
}

/* ---- showing ---- */

static void show_paragraphs(const struct lesson_strs *p)
{
	for (int i = 0; i < p->n; i++) {
		struct sb o = SB_INIT;
		sb_add(&o, "  ");
		for (const char *c = p->v[i]; *c; c++) {
			sb_addc(&o, *c);
			if (*c == '\n')
				sb_add(&o, "  ");
		}
		sb_add(&o, "\n\n");
		out(sb_str(&o));
		sb_free(&o);
	}
}

static void show_step(struct player *pl, int i)
{
	const struct lesson_step *st = &pl->l->steps[pl->stops[i]];
	struct sb o = SB_INIT;
	sb_addf(&o, "\n%s Step %d of %d %s\n\n", pl->cfg->utf8 ? "──" : "--", i + 1, pl->nstops,
		pl->cfg->utf8 ? "──" : "--");
	out(sb_str(&o));
	sb_free(&o);
	show_paragraphs(&st->narration);
}

static void show_header(struct player *pl)
{
	const struct lesson *l = pl->l;
	struct sb o = SB_INIT;
	sb_addf(&o, "%s\n", l->title);
	sb_addrep(&o, pl->cfg->utf8 ? '=' : '=', strlen(l->title));
	sb_addf(&o, "\n%s\nLevel: %s. Shows: %s\n", l->summary, l->level, l->teaches);
	if (l->nsettings) {
		sb_add(&o, "Settings (inside the lesson's namespace):\n");
		for (size_t i = 0; i < l->nsettings; i++) {
			sb_add(&o, "  ");
			lesson_event_text(pl->text, pl->len, &l->script.ev[l->settings[i]], true, &o);
			sb_addc(&o, '\n');
		}
	}
	sb_add(&o, "You are the remote peer; the kernel is the other end. Enter runs a step; also: back, "
		   "repeat,\nhint, skip, auto [SECONDS], quit, help.\n");
	out(sb_str(&o));
	sb_free(&o);
}

/* ---- commands at a prompt ---- */

enum cmd { C_NONE, C_NEXT, C_BACK, C_QUIT, C_AGAIN, C_SKIP };

enum where { AT_STEP, AT_QUESTION, AT_YOURTURN };

static void show_hint(struct player *pl, const struct lesson_strs *hints, int *shown)
{
	if (*shown < hints->n) {
		struct sb o = SB_INIT;
		sb_addf(&o, "  Hint: %s\n", hints->v[(*shown)++]);
		out(sb_str(&o));
		sb_free(&o);
		pl->sc->hints++;
	} else {
		out(hints->n ? "  No more hints.\n" : "  No hint for this one.\n");
	}
}

static enum cmd command_word(struct player *pl, const char *word, const char *rest, int i, enum where w,
			     const struct lesson_strs *hints, int *shown);

/* A player command typed at a prompt, or C_NONE when the line is an answer. */
static enum cmd command(struct player *pl, const char *line, int i, enum where w,
			const struct lesson_strs *hints, int *shown)
{
	const char *p = line + strspn(line, " \t");
	size_t wlen = strcspn(p, " \t");
	if (!wlen)
		return w == AT_STEP ? C_NEXT : C_AGAIN;
	char *word = xstrndup(p, wlen);
	enum cmd c = command_word(pl, word, p + wlen, i, w, hints, shown);
	free(word);
	return c;
}

static enum cmd command_word(struct player *pl, const char *word, const char *rest, int i, enum where w,
			     const struct lesson_strs *hints, int *shown)
{
	/* At a question or a your-turn prompt only whole words are commands:
	 * "n" may be an answer there. */
	bool step = w == AT_STEP;
	if (!strcmp(word, "next") || (step && !strcmp(word, "n")))
		return w == AT_STEP ? C_NEXT : C_SKIP;
	if (!strcmp(word, "quit") || !strcmp(word, "exit") || (step && !strcmp(word, "q")))
		return C_QUIT;
	if (!strcmp(word, "skip") || (step && !strcmp(word, "s")))
		return w == AT_STEP ? C_NEXT : C_SKIP;
	if (!strcmp(word, "hint") || (step && !strcmp(word, "h"))) {
		show_hint(pl, hints, shown);
		return C_AGAIN;
	}
	if (!strcmp(word, "back") || (step && !strcmp(word, "b"))) {
		if (i == 0) {
			out("  This is the first step: there is nothing to go back to.\n");
			return C_AGAIN;
		}
		pl->sc->restart_at = i - 1;
		pl->sc->backs++;
		out("  Back: replaying the lesson up to the previous step in a fresh namespace...\n");
		return C_BACK;
	}
	if (!strcmp(word, "repeat") || (step && !strcmp(word, "r"))) {
		show_step(pl, i);
		return C_AGAIN;
	}
	if (!strcmp(word, "auto")) {
		char *end = NULL;
		double secs = strtod(rest, &end);
		pl->auto_secs = end && end != rest ? secs : 2;
		if (pl->auto_secs > 0) {
			struct sb o = SB_INIT;
			sb_addf(&o, "  Auto: the next step runs every %g s ('auto 0' stops it).\n", pl->auto_secs);
			out(sb_str(&o));
			sb_free(&o);
		} else {
			out("  Auto is off: Enter runs the next step.\n");
		}
		return step ? C_NEXT : C_AGAIN;
	}
	if (!strcmp(word, "state")) {
		engine_show_state(pl->e);
		pause_for(pl, 0.05);
		return C_AGAIN;
	}
	if (!strcmp(word, "help") || !strcmp(word, "?")) {
		out("  Enter or next: run the step   back: replay up to the previous step (fresh namespace)\n"
		    "  repeat: show the step again   hint: a hint   skip: show the answer and go on\n"
		    "  auto [SECONDS]: advance by itself   state: the sockets now   quit: leave\n");
		return C_AGAIN;
	}
	if (step) {
		out("  Not a player command: Enter runs the step; 'help' lists the commands.\n");
		return C_AGAIN;
	}
	return C_NONE;
}

static int prompt(struct player *pl, const char *p, double timeout, char **line)
{
	out(p);
	int r = read_line(pl, timeout, line);
	if (r == 0) {
		out("\n");
		*line = xstrdup("");
	}
	if (r < 0)
		out("\n");
	return r;
}

/* ---- questions ---- */

static int ask(struct player *pl, const struct lesson_step *st, int qi, int i)
{
	const struct lesson_question *q = &st->q[qi];
	int idx = pl->qbase + qi;
	signed char *state = idx < LESSON_MAX_Q ? &pl->sc->q_state[idx] : NULL;
	struct sb o = SB_INIT;
	sb_addf(&o, "  Question: %s\n", q->text);
	out(sb_str(&o));
	sb_reset(&o);
	int tries = 0, shown = 0;
	int verdict = 0;
	for (;;) {
		if (pl->auto_secs > 0) {
			pause_for(pl, pl->auto_secs);
			sb_addf(&o, "  Answer: %s\n", q->answers.v[0]);
			verdict = -1;
			break;
		}
		char *line = NULL;
		if (prompt(pl, "answer> ", 0, &line) < 0) {
			sb_free(&o);
			return GO_QUIT;
		}
		enum cmd c = command(pl, line, i, AT_QUESTION, &q->hints, &shown);
		if (c == C_QUIT || c == C_BACK) {
			free(line);
			sb_free(&o);
			return c == C_QUIT ? GO_QUIT : GO_BACK;
		}
		if (c == C_SKIP) {
			sb_addf(&o, "  The answer: %s\n", q->answers.v[0]);
			verdict = -1;
			free(line);
			break;
		}
		if (c == C_AGAIN) {
			free(line);
			continue;
		}
		bool right = lesson_answer_ok(q, line);
		free(line);
		if (right) {
			sb_addf(&o, "  %s Right.\n", ok_mark(pl));
			verdict = 1; /* perhaps after a wrong try: the answer was not shown */
			break;
		}
		if (++tries >= MAX_TRIES) {
			sb_addf(&o, "  %s Not quite. The answer: %s\n", bad_mark(pl), q->answers.v[0]);
			verdict = -1;
			break;
		}
		out(q->hints.n > shown ? "  Not quite. Try again, or type 'hint' (or 'skip').\n"
				       : "  Not quite. Try again (or 'skip').\n");
	}
	out(sb_str(&o));
	sb_free(&o);
	if (state && !*state) {
		*state = (signed char)verdict;
		pl->sc->questions++;
		if (verdict > 0)
			pl->sc->questions_right++;
	}
	return GO_ON;
}

/* ---- your turn ---- */

static void show_parse_error(const struct syn_error *se, const char *line)
{
	struct sb o = SB_INIT;
	syntax_error_format(se, "your line", line, strlen(line), &o);
	out(sb_str(&o));
	sb_free(&o);
}

/* Reads lines until one has the same effect as the step's action (or the
 * student takes the lesson's line). Returns GO_*. */
static int your_turn(struct player *pl, const struct lesson_step *st, int i)
{
	const struct syn_event *ref = &pl->l->script.ev[st->first];
	struct sb reftext = SB_INIT, o = SB_INIT;
	action_text(pl, st, &reftext);
	sb_addf(&o, "  Your turn: %s\n", st->yourturn);
	out(sb_str(&o));
	sb_reset(&o);
	int tries = 0, shown = 0, r = GO_ON;
	bool offered = false;
	signed char *state = i < LESSON_MAX_STEPS ? &pl->sc->yt_state[i] : NULL;
	for (;;) {
		if (pl->auto_secs > 0) {
			pause_for(pl, pl->auto_secs);
			sb_addf(&o, "  The line: %s\n", sb_str(&reftext));
			out(sb_str(&o));
			break;
		}
		char *line = NULL;
		if (prompt(pl, "your turn> ", 0, &line) < 0) {
			r = GO_QUIT;
			break;
		}
		if (!*line && offered) {
			free(line);
			break;
		}
		enum cmd c = command(pl, line, i, AT_YOURTURN, &st->hints, &shown);
		if (c == C_QUIT || c == C_BACK) {
			free(line);
			r = c == C_QUIT ? GO_QUIT : GO_BACK;
			break;
		}
		if (c == C_SKIP) {
			free(line);
			sb_addf(&o, "  The lesson's line: %s\n", sb_str(&reftext));
			out(sb_str(&o));
			break;
		}
		if (c == C_AGAIN) {
			free(line);
			continue;
		}
		struct syn_event ev;
		struct syn_error se;
		syntax_error_init(&se);
		bool same = false, tried = true;
		if (syntax_parse_line(line, strlen(line), 1, &ev, &se) != SYN_OK) {
			show_parse_error(&se, line);
		} else {
			if (ev.kind == SYN_EMPTY) {
				tried = false;
			} else {
				struct sb why = SB_INIT;
				same = lesson_same_effect(ref, &ev, &why);
				if (same) {
					sb_addf(&o, "  %s Same effect as the lesson's line: %s\n", ok_mark(pl),
						sb_str(&reftext));
				} else {
					sb_addf(&o, "  %s Not the same effect:\n", bad_mark(pl));
					for (const char *c2 = why.buf; c2 && *c2;) {
						const char *nl = strchr(c2, '\n');
						size_t n = nl ? (size_t)(nl - c2) : strlen(c2);
						sb_add(&o, "    ");
						sb_addn(&o, c2, n);
						sb_addc(&o, '\n');
						c2 += nl ? n + 1 : n;
					}
				}
				out(sb_str(&o));
				sb_reset(&o);
				sb_free(&why);
			}
			syntax_event_free(&ev);
		}
		syntax_error_free(&se);
		free(line);
		if (!tried)
			continue;
		pl->sc->yourturn_tries++;
		if (same) {
			if (state && !*state)
				*state = 1;
			break;
		}
		if (++tries >= MAX_TRIES && !offered) {
			sb_addf(&o, "  After %d tries, here is the lesson's line:\n    %s\n"
				    "  Press Enter to run it, or type your own again.\n",
				tries, sb_str(&reftext));
			out(sb_str(&o));
			sb_reset(&o);
			offered = true;
		} else if (st->hints.n > shown) {
			out("  Try again ('hint' helps, 'skip' shows the line).\n");
		} else {
			out("  Try again ('skip' shows the line).\n");
		}
	}
	if (state && !*state && r == GO_ON)
		*state = -1;
	sb_free(&reftext);
	sb_free(&o);
	return r;
}

/* ---- one step ---- */

static int step_prompt(struct player *pl, const struct lesson_step *st, int i)
{
	struct sb o = SB_INIT;
	int nactions = 0;
	for (int k = pl->stops[i]; k < pl->stops[i + 1]; k++)
		nactions += pl->l->steps[k].has_action;
	if (nactions) {
		sb_add(&o, nactions > 1 ? "  Next lines:\n" : "  Next line: ");
		for (int k = pl->stops[i]; k < pl->stops[i + 1]; k++) {
			if (!pl->l->steps[k].has_action)
				continue;
			if (nactions > 1)
				sb_add(&o, "    ");
			action_text(pl, &pl->l->steps[k], &o);
			sb_addc(&o, '\n');
		}
	} else {
		sb_add(&o, "  Next: nothing to type; the step watches what the kernel sends on its own.\n");
	}
	out(sb_str(&o));
	sb_reset(&o);
	sb_addf(&o, "step %d/%d> ", i + 1, pl->nstops);
	int shown = 0, r = GO_ON;
	for (;;) {
		char *line = NULL;
		double t = pl->auto_secs;
		if (prompt(pl, sb_str(&o), t, &line) < 0) {
			r = GO_QUIT;
			break;
		}
		enum cmd c = command(pl, line, i, AT_STEP, &st->hints, &shown);
		free(line);
		if (c == C_NEXT)
			break;
		if (c == C_QUIT || c == C_BACK) {
			r = c == C_QUIT ? GO_QUIT : GO_BACK;
			break;
		}
	}
	sb_free(&o);
	return r;
}

static void report(struct player *pl, int i, int checkpoints, int failed)
{
	const struct lesson_step *st = &pl->l->steps[pl->stops[i]];
	struct sb o = SB_INIT;
	if (i < LESSON_MAX_STEPS) {
		pl->sc->step_checkpoints[i] = (short)checkpoints;
		pl->sc->step_failed[i] = (short)failed;
	}
	if (failed) {
		sb_addf(&o, "  %s Checkpoint failed%s%s: the kernel did something else (above).\n", bad_mark(pl),
			st->checkpoint ? ": " : "", st->checkpoint ? st->checkpoint : "");
		if (st->onfail)
			sb_addf(&o, "  Why it may fail: %s\n", st->onfail);
	} else if (st->checkpoint) {
		sb_addf(&o, "  %s Checkpoint: %s\n", ok_mark(pl), st->checkpoint);
	}
	for (int k = 0; k < st->nq; k++)
		if (st->q[k].explain)
			sb_addf(&o, "  Why: %s\n", st->q[k].explain);
	out(sb_str(&o));
	sb_free(&o);
}

/* The events of stop i: from its first step to the end of its last. */
static void stop_events(const struct player *pl, int i, size_t *first, size_t *n)
{
	const struct lesson_step *a = &pl->l->steps[pl->stops[i]];
	const struct lesson_step *z = &pl->l->steps[pl->stops[i + 1] - 1];
	*first = a->first;
	*n = z->first + z->nev - a->first;
}

static int play_step(struct player *pl, int i)
{
	const struct lesson_step *st = &pl->l->steps[pl->stops[i]];
	show_step(pl, i);
	for (int k = 0; k < st->nq; k++) {
		int r = ask(pl, st, k, i);
		if (r != GO_ON)
			return r;
	}
	int r = st->yourturn ? your_turn(pl, st, i) : step_prompt(pl, st, i);
	if (r != GO_ON)
		return r;
	size_t first, n;
	stop_events(pl, i, &first, &n);
	int checkpoints = 0;
	int failed = run_events(pl, first, n, &checkpoints);
	report(pl, i, checkpoints, failed);
	if (i + 1 > pl->sc->steps_run)
		pl->sc->steps_run = i + 1;
	return pl->stop ? GO_QUIT : GO_ON;
}

/* ---- the attempt ---- */

static void then_shell(struct player *pl)
{
	bool go = pl->o->then_shell;
	if (!go && pl->tty && pl->auto_secs <= 0 && !pl->o->json) {
		char *line = NULL;
		out("\nEnter leaves; 'shell' keeps this connection in the tcpsh shell to experiment: ");
		if (read_line(pl, 0, &line) > 0)
			go = !strcmp(line, "shell") || !strcmp(line, "s") || !strcmp(line, "y") || !strcmp(line, "yes");
		free(line);
	}
	if (!go)
		return;
	out("\nThe shell, with the lesson's connection as it is ('state' shows it, 'quit' leaves).\n");
	loop_del(pl->loop, pl->sig_fd);
	shell_continue(pl->e, pl->loop, pl->cfg, pl->sig_fd, &pl->fwd);
}

int lesson_play(const char *file, const char *text, size_t len, const struct lesson *l,
		const struct engine_cfg *cfg, const struct lesson_opts *o, struct lesson_score *score, int sig_fd)
{
	struct player pl;
	memset(&pl, 0, sizeof(pl));
	pl.file = file;
	pl.text = text;
	pl.len = len;
	pl.l = l;
	pl.o = o;
	pl.cfg = cfg;
	pl.sc = score;
	pl.auto_secs = o->auto_secs;
	pl.tty = isatty(STDIN_FILENO);
	pl.sig_fd = sig_fd;
	pl.fwd = (struct engine_io){own_print, own_command, &pl};
	pl.times = xcalloc(l->script.nev + 1, sizeof(*pl.times));
	pl.stops = xcalloc((size_t)l->nsteps + 1, sizeof(*pl.stops));
	pl.nstops = lesson_stops(l, pl.stops);
	lesson_event_times(&l->script, pl.times);
	pl.loop = loop_new();
	struct engine_io io = {fwd_print, fwd_command, &pl};
	struct sb err = SB_INIT;
	pl.e = engine_new(cfg, pl.loop, &io, &err);
	if (!pl.e) {
		fprintf(stderr, "tcpsh: %s\n", sb_str(&err));
		sb_free(&err);
		loop_free(pl.loop);
		free(pl.times);
		free(pl.stops);
		return 3;
	}
	sb_free(&err);
	loop_add(pl.loop, sig_fd, POLLIN, on_signal, &pl);

	int start = score->restart_at > 0 ? score->restart_at : 0;
	score->restart_at = -1;
	if (!start && !score->backs)
		show_header(&pl);
	pl.quiet = start > 0;
	int cps = 0;
	pl.no_echo = true;
	for (size_t k = 0; k < l->nsettings; k++)
		run_events(&pl, l->settings[k], 1, &cps);
	pl.no_echo = false;
	for (int i = 0; i < start; i++) {
		size_t first, n;
		stop_events(&pl, i, &first, &n);
		int f = run_events(&pl, first, n, &cps);
		if (f) {
			pl.quiet = false;
			out("  (a checkpoint failed while replaying: the connection may differ from before)\n");
		}
	}
	pl.quiet = false;
	int r = GO_ON;
	for (int i = start; i < pl.nstops && r == GO_ON; i++) {
		pl.qbase = 0;
		for (int k = 0; k < pl.stops[i]; k++)
			pl.qbase += l->steps[k].nq;
		r = play_step(&pl, i);
	}
	int status = 0;
	if (r == GO_BACK) {
		status = LESSON_EXIT_BACK;
	} else {
		score->completed = r == GO_ON;
		score->quit = r == GO_QUIT;
		if (r == GO_ON && l->outro.n) {
			out("\n");
			show_paragraphs(&l->outro);
		}
		lesson_summary(file, l, score, o->json);
		if (r == GO_ON)
			then_shell(&pl);
		status = score->checkpoints_failed ? 1 : 0; /* summed by lesson_summary */
	}
	engine_free(pl.e);
	loop_free(pl.loop);
	sb_free(&pl.inbuf);
	free(pl.times);
	free(pl.stops);
	return status;
}

/* ---- the summary ---- */

static void json_str(struct sb *o, const char *s)
{
	sb_addc(o, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_addf(o, "\\%c", c);
		else if (c < 0x20)
			sb_addf(o, "\\u%04x", c);
		else
			sb_addc(o, (char)c);
	}
	sb_addc(o, '"');
}

void lesson_summary(const char *file, const struct lesson *l, struct lesson_score *s, bool json)
{
	int *stops = xcalloc((size_t)l->nsteps + 1, sizeof(*stops));
	int nstops = lesson_stops(l, stops);
	free(stops);
	s->checkpoints = s->checkpoints_failed = 0;
	for (int i = 0; i < nstops && i < LESSON_MAX_STEPS; i++) {
		s->checkpoints += s->step_checkpoints[i];
		s->checkpoints_failed += s->step_failed[i];
	}
	s->yourturns = s->yourturns_ok = 0;
	for (int i = 0; i < l->nsteps; i++)
		s->yourturns += l->steps[i].yourturn != NULL;
	for (int i = 0; i < nstops && i < LESSON_MAX_STEPS; i++)
		s->yourturns_ok += s->yt_state[i] > 0;
	double secs = now() - s->t_start;
	int nq = 0;
	for (int i = 0; i < l->nsteps; i++)
		nq += l->steps[i].nq;
	struct sb o = SB_INIT;
	sb_addf(&o, "\n%s: %s\n", s->completed ? "Lesson complete" : "Lesson left", l->title);
	sb_addf(&o, "  steps: %d of %d run", s->steps_run, nstops);
	sb_addf(&o, "; checkpoints: %d held, %d failed\n", s->checkpoints - s->checkpoints_failed,
		s->checkpoints_failed);
	sb_addf(&o, "  questions: %d right of %d (%d asked)\n", s->questions_right, nq, s->questions);
	if (s->yourturns)
		sb_addf(&o, "  your turn: %d of %d typed with the same effect (%d tries in all)\n", s->yourturns_ok,
			s->yourturns, s->yourturn_tries);
	sb_addf(&o, "  hints: %d, back: %d, time: %dm %02ds\n", s->hints, s->backs, (int)secs / 60,
		(int)secs % 60);
	if (json) {
		sb_add(&o, "{\"lesson\": ");
		json_str(&o, file);
		sb_add(&o, ", \"title\": ");
		json_str(&o, l->title);
		sb_addf(&o,
			", \"completed\": %s, \"steps\": %d, \"steps_run\": %d, \"checkpoints\": %d, "
			"\"checkpoints_failed\": %d, \"questions\": %d, \"questions_asked\": %d, "
			"\"questions_right\": %d, \"yourturn\": %d, \"yourturn_ok\": %d, \"yourturn_tries\": %d, "
			"\"hints\": %d, \"backs\": %d, \"seconds\": %.1f}\n",
			s->completed ? "true" : "false", nstops, s->steps_run, s->checkpoints,
			s->checkpoints_failed, nq, s->questions, s->questions_right, s->yourturns, s->yourturns_ok,
			s->yourturn_tries, s->hints, s->backs, secs);
	}
	out(sb_str(&o));
	sb_free(&o);
}
