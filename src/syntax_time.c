/*
 * syntax_time: the time that starts an event: 0.100, +0.1, +.1, *, windows
 * (0.1~0.3, +0~+.04) and blocking calls (+.1...0.200), and the check that
 * the event after it can have such a time.
 */
#include "syntax_parse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Whole seconds above 999999999 are certainly a typo, and the cap keeps
 * the conversion to microseconds far from overflow. */
#define TIME_MAX_DIGITS 9

/*
 * "0.100", ".1", "2": digits with at most one '.', 15 digits at most. The
 * digits as an integer and the power of ten are both exact doubles, so their
 * quotient is correctly rounded: the same double strtod gives, without its
 * cost (a fifth of the parse of a typical script line). False for anything
 * else, which strtod then reads.
 */
static bool exact_decimal(const char *s, size_t n, double *out)
{
	static const double tens[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
	unsigned long long m = 0;
	int digits = 0, frac = -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ++digits > 15)
			return false;
		m = m * 10 + (unsigned)(s[i] - '0');
		if (frac >= 0)
			frac++;
	}
	if (!digits)
		return false;
	*out = (double)m / tens[frac > 0 ? frac : 0];
	return true;
}

static int time_value(struct syn_lexer *lx, const struct syn_token *t, double *out)
{
	if (t->kind != TK_INT && t->kind != TK_FLOAT)
		return syntax_expected(lx, t, "a time in seconds (like 0.1)");
	if (t->len > 2 && (t->text[1] == 'x' || t->text[1] == 'X'))
		return syntax_fail_tok(lx, t, "a time is in decimal seconds, not hex");
	size_t whole = 0;
	while (whole < t->len && t->text[whole] != '.')
		whole++;
	if (whole > TIME_MAX_DIGITS)
		return syntax_fail_tok(lx, t, "time %.*s... is too large", TIME_MAX_DIGITS, t->text);
	if (exact_decimal(t->text, t->len, out))
		return SYN_OK;
	/* strtod needs a terminated string; times are short, so a copy on the
	 * stack spares a malloc and free for every event of a script. */
	char small[32];
	if (t->len < sizeof(small)) {
		memcpy(small, t->text, t->len);
		small[t->len] = '\0';
		*out = strtod(small, NULL);
		return SYN_OK;
	}
	char *s = syntax_tok_copy(lx, t);
	*out = strtod(s, NULL);
	syntax_drop(lx, s);
	return SYN_OK;
}

/* An end time: '+' is written only when the start was relative. */
static int end_value(struct syn_lexer *lx, const struct syn_time *time, const char *what, double *out)
{
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	bool plus = syntax_tok_is(t, '+');
	if (plus && time->kind == SYN_TIME_ABS)
		return syntax_fail_tok(lx, t, "the end of %s is absolute when its start is: leave out the '+'", what);
	if (plus)
		syntax_lex_next(lx);
	struct syn_token v = syntax_lex_next(lx);
	if (time_value(lx, &v, out))
		return SYN_ERR;
	if (*out < time->t)
		return syntax_fail_tok(lx, &v, "%s ends before it starts", what);
	return SYN_OK;
}

static int parse_window(struct syn_lexer *lx, struct syn_time *time)
{
	struct syn_token tilde = syntax_lex_next(lx);
	if (time->kind == SYN_TIME_ANY)
		return syntax_fail_tok(lx, &tilde, "'*' cannot start a time window");
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	if (time->kind == SYN_TIME_REL && !syntax_tok_is(t, '+'))
		return syntax_fail_tok(lx, t, "both ends of a time window are relative (+a~+b) or absolute (a~b)");
	time->window = true;
	time->end_kind = time->kind;
	return end_value(lx, time, "the time window", &time->end);
}

static int parse_blocking(struct syn_lexer *lx, struct syn_time *time)
{
	struct syn_token dots = syntax_lex_next(lx);
	if (time->kind == SYN_TIME_ANY)
		return syntax_fail_tok(lx, &dots, "'*' cannot start a blocking call ('...')");
	if (time->window)
		return syntax_fail_tok(lx, &dots, "a time is a window (a~b) or a blocking call (a...b), not both");
	time->blocking = true;
	time->end_kind = time->kind;
	return end_value(lx, time, "the blocking call", &time->end);
}

int syntax_parse_time(struct syn_lexer *lx, struct syn_time *time, int *col)
{
	memset(time, 0, sizeof(*time));
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	*col = t->col;
	if (syntax_tok_is(t, '-')) {
		enum syn_tok next = syntax_lex_peek(lx, 1)->kind;
		if (next == TK_INT || next == TK_FLOAT)
			return syntax_fail_tok(lx, t, "a time cannot be negative");
	}
	if (syntax_tok_is(t, '*')) {
		syntax_lex_next(lx);
		time->kind = SYN_TIME_ANY;
	} else if (syntax_tok_is(t, '+') || t->kind == TK_INT || t->kind == TK_FLOAT) {
		time->kind = syntax_tok_is(t, '+') ? SYN_TIME_REL : SYN_TIME_ABS;
		if (time->kind == SYN_TIME_REL)
			syntax_lex_next(lx);
		struct syn_token v = syntax_lex_next(lx);
		if (time_value(lx, &v, &time->t))
			return SYN_ERR;
	} else {
		return SYN_OK;
	}
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '~') && parse_window(lx, time))
		return SYN_ERR;
	if (syntax_lex_peek(lx, 0)->kind == TK_ELLIPSIS)
		return parse_blocking(lx, time);
	return SYN_OK;
}

/* packetdrill's rules: '*' and windows only where tcpsh waits for the
 * kernel's packet; an end time only where a call can block. */
int syntax_check_time(struct syn_lexer *lx, const struct syn_event *ev, int line, int col)
{
	bool expected_pkt = ev->kind == SYN_PACKET && ev->u.pkt.dir == '>';
	if (ev->time.kind == SYN_TIME_ANY && !expected_pkt)
		return syntax_fail(lx, line, col, "'*' (any time) is only for packets tcpsh expects ('>')");
	if (ev->time.window && !expected_pkt)
		return syntax_fail(lx, line, col, "a time window (a~b) is only for packets tcpsh expects ('>')");
	if (ev->time.blocking && ev->kind != SYN_SYSCALL)
		return syntax_fail(lx, line, col, "an end time (a...b) is only for system calls");
	return SYN_OK;
}
