/*
 * syntax_tok: what the grammar files ask of a token (is it this word, how to
 * name it in a message, its value as a number) and how they fail: one error
 * per parse, or "incomplete" when the prompt's text stops inside brackets.
 */
#include "syntax_lex.h"
#include "syntax_parse.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>

/* Longest token text quoted in a message; longer ones end in "...". */
#define QUOTE_MAX 24

bool syntax_tok_is(const struct syn_token *t, char ch)
{
	return t->kind == TK_PUNCT && t->ch == ch;
}

bool syntax_tok_word(const struct syn_token *t, const char *word)
{
	return t->kind == TK_WORD && strlen(word) == t->len && memcmp(t->text, word, t->len) == 0;
}

bool syntax_tok_ends(const struct syn_token *t)
{
	return t->kind == TK_NL || t->kind == TK_EOF;
}

/* b follows a with nothing in between ("S." is one flags field). */
bool syntax_tok_adjacent(const struct syn_token *a, const struct syn_token *b)
{
	return b->off == a->off + a->len && b->line == a->line;
}

/* 'text', shortened, and escaped: a -D value may hold any byte. */
static void add_quoted(struct sb *out, const char *s, size_t n)
{
	sb_addc(out, '\'');
	for (size_t i = 0; i < (n > QUOTE_MAX ? QUOTE_MAX - 3 : n); i++) {
		if (isprint((unsigned char)s[i]))
			sb_addc(out, s[i]);
		else
			sb_addf(out, "\\x%02x", (unsigned char)s[i]);
	}
	if (n > QUOTE_MAX)
		sb_add(out, "...");
	sb_addc(out, '\'');
}

void syntax_tok_describe(const struct syn_lexer *lx, const struct syn_token *t, struct sb *out)
{
	switch (t->kind) {
	case TK_EOF:
		sb_add(out, lx->script ? "the end of the file" : "the end of the line");
		break;
	case TK_NL:
		sb_add(out, "the end of the line");
		break;
	case TK_STRING:
		sb_add(out, "a string");
		break;
	case TK_SHELL:
		sb_add(out, "a `command`");
		break;
	case TK_CODE:
		sb_add(out, "a %{ }% block");
		break;
	case TK_PUNCT:
		if (isprint((unsigned char)t->ch))
			add_quoted(out, &t->ch, 1);
		else
			sb_addf(out, "the byte \\x%02x", (unsigned char)t->ch);
		break;
	default:
		add_quoted(out, t->text, t->len);
		break;
	}
}

/* ---- failing ---- */

static int fail_v(struct syn_lexer *lx, int line, int col, const char *fmt, va_list ap)
{
	lx->may_hint = false;
	if (lx->status != SYN_OK)
		return SYN_ERR;
	lx->status = SYN_ERR;
	lx->may_hint = true;
	syntax_error_vset(lx->err, line, col, fmt, ap);
	return SYN_ERR;
}

int syntax_fail(struct syn_lexer *lx, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(lx, line, col, fmt, ap);
	va_end(ap);
	return SYN_ERR;
}

/* At the prompt, running out of text inside brackets means "go on typing". */
static bool incomplete(struct syn_lexer *lx, const struct syn_token *t)
{
	if (lx->script || t->kind != TK_EOF || lx->at.depth == 0 || lx->status != SYN_OK)
		return false;
	lx->status = SYN_INCOMPLETE;
	lx->may_hint = false;
	return true;
}

/* In a script, an unclosed bracket swallows the lines after it; when the
 * error is on a later line than the bracket, say where the bracket is. */
static void hint_open(struct syn_lexer *lx, const struct syn_token *t)
{
	int d = lx->at.depth;
	if (syntax_tok_is(t, ')') || syntax_tok_is(t, ']') || syntax_tok_is(t, '}'))
		return;
	if (!lx->script || d == 0 || d > SYN_OPEN_TRACKED || lx->at.open[d - 1].line >= t->line)
		return;
	syntax_hint(lx, "the '%c' at line %d, column %d is still open", lx->at.open[d - 1].ch,
		    lx->at.open[d - 1].line, lx->at.open[d - 1].col);
}

static int fail_tok_v(struct syn_lexer *lx, const struct syn_token *t, bool open_hint, const char *fmt,
		      va_list ap)
{
	if (incomplete(lx, t))
		return SYN_ERR;
	fail_v(lx, t->line, t->col, fmt, ap);
	if (open_hint)
		hint_open(lx, t);
	return SYN_ERR;
}

int syntax_fail_tok(struct syn_lexer *lx, const struct syn_token *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_tok_v(lx, t, true, fmt, ap);
	va_end(ap);
	return SYN_ERR;
}

/* For messages that name the open bracket themselves. */
static int fail_tok_plain(struct syn_lexer *lx, const struct syn_token *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_tok_plain(struct syn_lexer *lx, const struct syn_token *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_tok_v(lx, t, false, fmt, ap);
	va_end(ap);
	return SYN_ERR;
}

int syntax_expected(struct syn_lexer *lx, const struct syn_token *t, const char *what)
{
	struct sb found = SB_INIT;
	syntax_tok_describe(lx, t, &found);
	syntax_fail_tok(lx, t, "expected %s, found %s", what, sb_str(&found));
	sb_free(&found);
	return SYN_ERR;
}

int syntax_expected_close(struct syn_lexer *lx, const struct syn_token *t, const struct syn_token *open,
			  char close, const char *what)
{
	struct sb found = SB_INIT, where = SB_INIT;
	syntax_tok_describe(lx, t, &found);
	if (open->line != t->line)
		sb_addf(&where, "line %d, ", open->line);
	sb_addf(&where, "column %d", open->col);
	if (syntax_tok_ends(t))
		fail_tok_plain(lx, t, "expected '%c' to close the %s opened at %s, found %s", close, what,
			       sb_str(&where), sb_str(&found));
	else
		fail_tok_plain(lx, t, "expected ',' or '%c' in the %s opened at %s, found %s", close, what,
			       sb_str(&where), sb_str(&found));
	sb_free(&found);
	sb_free(&where);
	return SYN_ERR;
}

void syntax_hint(struct syn_lexer *lx, const char *fmt, ...)
{
	if (!lx->may_hint)
		return;
	va_list ap;
	va_start(ap, fmt);
	sb_reset(&lx->err->hint);
	sb_vaddf(&lx->err->hint, fmt, ap);
	va_end(ap);
}

/* ---- numbers ---- */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return tolower((unsigned char)c) - 'a' + 10;
}

/* Decimal or 0x hex; false when it does not fit in 64 bits. */
static bool parse_uint(const char *s, size_t n, unsigned long long *out)
{
	unsigned base = 10;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	unsigned long long v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)digit_value(s[i]);
		if (v > (ULLONG_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

int syntax_tok_uint(struct syn_lexer *lx, const struct syn_token *t, const char *what,
		    unsigned long long max, unsigned long long *out)
{
	if (t->kind != TK_INT) {
		struct sb msg = SB_INIT;
		sb_addf(&msg, "a number for the %s", what);
		syntax_expected(lx, t, sb_str(&msg));
		sb_free(&msg);
		return SYN_ERR;
	}
	if (parse_uint(t->text, t->len, out) && *out <= max)
		return SYN_OK;
	struct sb num = SB_INIT;
	sb_addn(&num, t->text, t->len > QUOTE_MAX ? QUOTE_MAX - 3 : t->len);
	if (t->len > QUOTE_MAX)
		sb_add(&num, "...");
	syntax_fail_tok(lx, t, "%s %s is too large (at most %llu)", what, sb_str(&num), max);
	sb_free(&num);
	return SYN_ERR;
}
