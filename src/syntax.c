/*
 * syntax: events from text, one line at the prompt (syntax_parse_line) or a
 * whole script (syntax_parse_script). Both go through parse_event and the
 * same lexer, so the prompt and scripts speak exactly one language. This
 * file dispatches on how an event starts; each kind has its own file.
 */
#include "arena.h"
#include "syntax_parse.h"
#include "tcpinfo.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The text of `command` (verbatim) or %{ code }% (blanks around it dropped,
 * newlines kept so the code's line numbers still match the script's). */
static char *block_text(struct syn_lexer *lx, const struct syn_token *t)
{
	bool code = t->kind == TK_CODE;
	const char *s = t->text + (code ? 2 : 1);
	size_t n = t->len - (code ? 4 : 2);
	while (code && n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		n--;
	}
	while (code && n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return syntax_strndup(lx, s, n);
}

static const char *kind_name(enum syn_kind kind)
{
	switch (kind) {
	case SYN_PACKET:
		return "packet";
	case SYN_SYSCALL:
		return "system call";
	case SYN_SHELL:
		return "`command`";
	default:
		return "%{ }% block";
	}
}

static bool starts_action(const struct syn_token *t)
{
	bool name = t->kind == TK_WORD && !isdigit((unsigned char)t->text[0]);
	return syntax_tok_is(t, '<') || syntax_tok_is(t, '>') || name || t->kind == TK_SHELL || t->kind == TK_CODE;
}

static int garbage(struct syn_lexer *lx, const struct syn_token *t)
{
	struct sb found = SB_INIT;
	syntax_tok_describe(lx, t, &found);
	syntax_fail_tok(lx, t, "garbage: expected a time, a packet ('<' or '>'), a system call or a command, found %s",
			sb_str(&found));
	sb_free(&found);
	return SYN_ERR;
}

/*
 * A %{ }% block is parsed (not run) when it is read, so a malformed block is
 * an input error at its own line and column, before anything of the line
 * or script has run, rather than a failure found at run time. The code's
 * first line starts after "%{" and the blanks block_text dropped; its later
 * lines are the source's own lines from column 1.
 */
static int check_code(struct syn_lexer *lx, const struct syn_token *b, const char *code)
{
	struct syn_error cerr;
	syntax_error_init(&cerr);
	if (tcpinfo_check(code, strlen(code), &cerr) == 0) {
		syntax_error_free(&cerr);
		return SYN_OK;
	}
	size_t skipped = 0;
	while (2 + skipped < b->len && (b->text[2 + skipped] == ' ' || b->text[2 + skipped] == '\t'))
		skipped++;
	int line = b->line + (cerr.line > 1 ? cerr.line - 1 : 0);
	int col = cerr.col <= 0 ? 0 : cerr.line > 1 ? cerr.col : b->col + 2 + (int)skipped + cerr.col - 1;
	syntax_fail(lx, line, col, "in the %%{ }%% block: %s", sb_str(&cerr.msg));
	if (cerr.hint.len)
		syntax_hint(lx, "%s", sb_str(&cerr.hint));
	syntax_error_free(&cerr);
	return SYN_ERR;
}

static int parse_action(struct syn_lexer *lx, struct syn_event *ev)
{
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	if (t->kind == TK_WORD) {
		ev->kind = SYN_SYSCALL;
		return syntax_parse_syscall(lx, &ev->u.call);
	}
	if (t->kind == TK_SHELL || t->kind == TK_CODE) {
		struct syn_token b = syntax_lex_next(lx);
		ev->kind = b.kind == TK_SHELL ? SYN_SHELL : SYN_CODE;
		ev->u.str.text = block_text(lx, &b);
		return ev->kind == SYN_CODE ? check_code(lx, &b, ev->u.str.text) : SYN_OK;
	}
	ev->kind = SYN_PACKET;
	return syntax_parse_packet(lx, &ev->u.pkt);
}

/* time? action, up to the end of its line; header says option lines are
 * still allowed (a script's options come before its first event). */
static int parse_event(struct syn_lexer *lx, struct syn_event *ev, bool header)
{
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	int time_col;
	ev->line = ev->end_line = t->line;
	if (syntax_is_option(lx, t)) {
		ev->kind = SYN_OPTION;
		if (!header)
			return syntax_fail_tok(lx, t, "option lines (--name=value) must come before the first event");
		return syntax_parse_option(lx, ev);
	}
	if (syntax_is_command(lx, t)) {
		ev->kind = SYN_COMMAND;
		return syntax_parse_command(lx, &ev->u.cmd);
	}
	if (syntax_parse_time(lx, &ev->time, &time_col))
		return SYN_ERR;
	t = syntax_lex_peek(lx, 0);
	if (!starts_action(t) && ev->time.kind == SYN_TIME_NONE)
		return garbage(lx, t);
	if (!starts_action(t))
		return syntax_expected(lx, t, "a packet ('<' or '>'), a system call, a `command` or a %{ }% block "
					      "after the time");
	if (parse_action(lx, ev) || syntax_check_time(lx, ev, ev->line, time_col))
		return SYN_ERR;
	t = syntax_lex_peek(lx, 0);
	if (!syntax_tok_ends(t)) {
		struct sb what = SB_INIT;
		sb_addf(&what, "the end of the line after the %s", kind_name(ev->kind));
		syntax_expected(lx, t, sb_str(&what));
		sb_free(&what);
		return SYN_ERR;
	}
	ev->end_line = lx->last_line;
	return SYN_OK;
}

static void skip_newlines(struct syn_lexer *lx)
{
	while (syntax_lex_peek(lx, 0)->kind == TK_NL)
		syntax_lex_next(lx);
}

static void reset_error(struct syn_error *err)
{
	err->line = err->col = 0;
	sb_reset(&err->msg);
	sb_reset(&err->hint);
}

int syntax_parse_line_defs(const char *text, size_t len, int lineno, const struct syn_defines *defs,
			   struct syn_event *ev, struct syn_error *err)
{
	struct syn_lexer lx;
	struct syn_event tmp;
	reset_error(err);
	syntax_lex_init(&lx, text, len, lineno, false, defs, err);
	memset(&tmp, 0, sizeof(tmp));
	tmp.kind = SYN_EMPTY;
	tmp.line = tmp.end_line = lineno;
	skip_newlines(&lx);
	if (syntax_lex_peek(&lx, 0)->kind != TK_EOF && parse_event(&lx, &tmp, true) == SYN_OK) {
		skip_newlines(&lx);
		const struct syn_token *t = syntax_lex_peek(&lx, 0);
		if (t->kind != TK_EOF)
			syntax_expected(&lx, t, "one event only (the end of the text)");
	}
	if (lx.status != SYN_OK) {
		syntax_event_free(&tmp);
		return lx.status;
	}
	*ev = tmp;
	return SYN_OK;
}

int syntax_parse_line(const char *text, size_t len, int lineno, struct syn_event *ev, struct syn_error *err)
{
	return syntax_parse_line_defs(text, len, lineno, NULL, ev, err);
}

int syntax_parse_script_defs(const char *text, size_t len, const struct syn_defines *defs,
			     struct syn_script *out, struct syn_error *err)
{
	struct syn_lexer lx;
	size_t cap = 1;
	bool header = true;
	out->nev = 0;
	out->arena = arena_new();
	reset_error(err);
	/* An event per line at most (events may span lines): sized once, the
	 * array is never copied, and pages past the end stay untouched. */
	for (const char *p = text, *end = text + len; text && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		cap++;
	out->ev = arena_alloc(out->arena, cap * sizeof(*out->ev));
	syntax_lex_init(&lx, text, len, 1, true, defs, err);
	lx.arena = out->arena;
	for (skip_newlines(&lx); syntax_lex_peek(&lx, 0)->kind != TK_EOF; skip_newlines(&lx)) {
		struct syn_event *ev = &out->ev[out->nev];
		ev->in_arena = true;
		if (parse_event(&lx, ev, header))
			break; /* what it holds is the arena's: freed with the rest */
		header = header && ev->kind == SYN_OPTION;
		out->nev++;
	}
	if (lx.status == SYN_OK && out->nev > 0)
		return SYN_OK;
	syntax_script_free(out); /* also an empty script: ev stays NULL as before */
	if (lx.status == SYN_OK)
		return SYN_OK;
	return SYN_ERR;
}

int syntax_parse_script(const char *text, size_t len, struct syn_script *out, struct syn_error *err)
{
	return syntax_parse_script_defs(text, len, NULL, out, err);
}

void syntax_event_free(struct syn_event *ev)
{
	switch (ev->in_arena ? SYN_EMPTY : ev->kind) {
	case SYN_PACKET:
		free(ev->u.pkt.opts);
		break;
	case SYN_SYSCALL:
		syntax_syscall_free(&ev->u.call);
		break;
	case SYN_COMMAND:
		free(ev->u.cmd.word);
		for (int i = 0; i < ev->u.cmd.nargs; i++)
			free(ev->u.cmd.args[i]);
		free(ev->u.cmd.args);
		free(ev->u.cmd.arg_cols);
		break;
	case SYN_SHELL:
	case SYN_CODE:
	case SYN_OPTION:
		free(ev->u.str.text);
		free(ev->u.str.value);
		break;
	default:
		break;
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = SYN_EMPTY;
}

void syntax_script_free(struct syn_script *s)
{
	if (s->arena) {
		arena_free(s->arena); /* the events and all they hold */
	} else {
		for (size_t i = 0; i < s->nev; i++)
			syntax_event_free(&s->ev[i]);
		free(s->ev);
	}
	s->ev = NULL;
	s->nev = 0;
	s->arena = NULL;
}
