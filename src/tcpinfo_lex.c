/*
 * tcpinfo_lex: the text of a %{ }% block -> tokens, by Python's rules:
 * NEWLINE ends a logical line, except inside brackets or after '\';
 * blank and comment-only lines vanish; INDENT/DEDENT mark if-suites.
 * Unlike Python, the first statement may be indented (packetdrill strips
 * the blanks after "%{"), and its indentation is the block's left margin.
 */
#include "tcpinfo_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int ti_error(struct syn_error *err, int line, int col, const char *fmt, ...)
{
	va_list ap;
	err->line = line;
	err->col = col;
	sb_reset(&err->msg);
	sb_reset(&err->hint);
	va_start(ap, fmt);
	sb_vaddf(&err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

void ti_hint(struct syn_error *err, const char *fmt, ...)
{
	va_list ap;
	sb_reset(&err->hint);
	va_start(ap, fmt);
	sb_vaddf(&err->hint, fmt, ap);
	va_end(ap);
}

/* Operators, longest first so that "**=" wins over "**" and "*". */
static const struct {
	const char *text;
	int op;
} ops[] = {
	{"**=", TO_POW_EQ}, {"//=", TO_DSLASH_EQ}, {"<<=", TO_LSHIFT_EQ}, {">>=", TO_RSHIFT_EQ},
	{"**", TO_POW}, {"//", TO_DSLASH}, {"<<", TO_LSHIFT}, {">>", TO_RSHIFT}, {"<=", TO_LE},
	{">=", TO_GE}, {"==", TO_EQ}, {"!=", TO_NE}, {"+=", TO_PLUS_EQ}, {"-=", TO_MINUS_EQ},
	{"*=", TO_STAR_EQ}, {"/=", TO_SLASH_EQ}, {"%=", TO_PERCENT_EQ}, {"&=", TO_AMP_EQ},
	{"|=", TO_PIPE_EQ}, {"^=", TO_CARET_EQ}, {"->", TO_ARROW}, {":=", TO_WALRUS},
	{"+", TO_PLUS}, {"-", TO_MINUS}, {"*", TO_STAR}, {"/", TO_SLASH}, {"%", TO_PERCENT},
	{"&", TO_AMP}, {"|", TO_PIPE}, {"^", TO_CARET}, {"~", TO_TILDE}, {"<", TO_LT}, {">", TO_GT},
	{"=", TO_ASSIGN}, {"(", TO_LPAREN}, {")", TO_RPAREN}, {",", TO_COMMA}, {":", TO_COLON},
	{";", TO_SEMI}, {"[", TO_LBRACKET}, {"]", TO_RBRACKET}, {"{", TO_LBRACE}, {"}", TO_RBRACE},
	{".", TO_DOT}, {"@", TO_AT},
};

struct lexer {
	const char *src;
	size_t len, pos;
	int line;
	size_t line_start;
	bool line_has_tokens; /* the logical line so far has a token */
	int depth;            /* open brackets */
	int open_line[TI_MAX_NEST], open_col[TI_MAX_NEST]; /* where each is, for "never closed" */
	int indent[TI_MAX_NEST + 1]; /* the indentation stack; indent[0] is the margin */
	int nindent;          /* 0 until the first statement sets the margin */
	struct ti_toks *out;
	struct syn_error *err;
};

static int col_at(const struct lexer *lx, size_t pos)
{
	return (int)(pos - lx->line_start) + 1;
}

static struct ti_token *emit(struct lexer *lx, enum ti_tok kind, size_t start)
{
	struct ti_toks *t = lx->out;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	struct ti_token *tok = &t->v[t->n++];
	memset(tok, 0, sizeof(*tok));
	tok->kind = kind;
	tok->line = lx->line;
	tok->col = col_at(lx, start);
	tok->off = start;
	tok->len = lx->pos > start ? lx->pos - start : 0; /* INDENT and DEDENT are empty */
	if (kind != TT_NEWLINE && kind != TT_INDENT && kind != TT_DEDENT)
		lx->line_has_tokens = true;
	return tok;
}

static void newline(struct lexer *lx)
{
	lx->pos++;
	lx->line++;
	lx->line_start = lx->pos;
}

static int peek(const struct lexer *lx, size_t k)
{
	return lx->pos + k < lx->len ? (unsigned char)lx->src[lx->pos + k] : -1;
}

/* ---- indentation ---- */

/* Width of the blanks at pos (tabs to multiples of 8, as Python counts),
 * and where the line's text starts. */
static int measure(const struct lexer *lx, size_t *text)
{
	int w = 0;
	size_t p = lx->pos;
	for (; p < lx->len; p++) {
		char c = lx->src[p];
		if (c == ' ')
			w++;
		else if (c == '\t')
			w = (w / 8 + 1) * 8;
		else if (c == '\f')
			w = 0;
		else
			break;
	}
	*text = p;
	return w;
}

static bool blank_rest(const struct lexer *lx, size_t p)
{
	while (p < lx->len && (lx->src[p] == '\r' || lx->src[p] == ' ' || lx->src[p] == '\t'))
		p++;
	return p >= lx->len || lx->src[p] == '\n' || lx->src[p] == '#';
}

static int dedent_to(struct lexer *lx, int w, size_t text)
{
	while (lx->nindent > 1 && w < lx->indent[lx->nindent - 1]) {
		lx->nindent--;
		emit(lx, TT_DEDENT, text);
	}
	if (w == lx->indent[lx->nindent - 1])
		return 0;
	ti_error(lx->err, lx->line, col_at(lx, text),
		 "this line's indentation matches no enclosing block");
	ti_hint(lx->err, "indent it like the statement it follows, or like the 'if' it belongs to");
	return -1;
}

/* At the start of a logical line: INDENT or DEDENTs as its indentation says. */
static int indentation(struct lexer *lx)
{
	size_t text;
	int w = measure(lx, &text);
	if (blank_rest(lx, text))
		return 0;
	if (lx->nindent == 0) {
		lx->indent[lx->nindent++] = w;
		return 0;
	}
	if (w > lx->indent[lx->nindent - 1]) {
		if (lx->nindent > TI_MAX_NEST)
			return ti_error(lx->err, lx->line, col_at(lx, text), "blocks nested too deeply");
		lx->indent[lx->nindent++] = w;
		emit(lx, TT_INDENT, text);
		return 0;
	}
	return dedent_to(lx, w, text);
}

/* ---- numbers ---- */

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Digits in base with Python's single '_' separators, into *v. */
static int read_digits(struct lexer *lx, unsigned base, ti_int *v, size_t start)
{
	bool any = false, overflow = false;
	for (;;) {
		int c = peek(lx, 0);
		if (c == '_' && any && digit_value(peek(lx, 1)) < (int)base) {
			lx->pos++;
			continue;
		}
		if (c < 0 || digit_value(c) >= (int)base)
			break;
		if (__builtin_mul_overflow(*v, (ti_int)base, v) ||
		    __builtin_add_overflow(*v, (ti_int)digit_value(c), v))
			overflow = true;
		lx->pos++;
		any = true;
	}
	if (!any)
		return ti_error(lx->err, lx->line, col_at(lx, start), "invalid number: digits expected");
	if (overflow)
		return ti_error(lx->err, lx->line, col_at(lx, start),
				"integer literal too large (tcpsh integers are 128-bit)");
	return 0;
}

static bool is_name_char(int c)
{
	return c == '_' || (c >= 0 && c < 128 && isalnum(c));
}

/* The float text from start to pos, without '_', converted by strtod. */
static void read_float(struct lexer *lx, size_t start, struct ti_token *tok)
{
	struct sb t = SB_INIT;
	for (size_t p = start; p < lx->pos; p++)
		if (lx->src[p] != '_')
			sb_addc(&t, lx->src[p]);
	tok->f = strtod(sb_str(&t), NULL);
	sb_free(&t);
}

/* After the integer part of a decimal: ".digits" and "e[+-]digits". */
static bool scan_fraction(struct lexer *lx)
{
	bool is_float = false;
	ti_int ignored = 0;
	if (peek(lx, 0) == '.') {
		lx->pos++;
		is_float = true;
		if (peek(lx, 0) >= '0' && peek(lx, 0) <= '9')
			(void)read_digits(lx, 10, &ignored, lx->pos); /* cannot fail: a digit follows */
	}
	int e = peek(lx, 0), s = peek(lx, 1);
	if ((e == 'e' || e == 'E') &&
	    ((s >= '0' && s <= '9') || ((s == '+' || s == '-') && peek(lx, 2) >= '0' && peek(lx, 2) <= '9'))) {
		lx->pos += s == '+' || s == '-' ? 2 : 1;
		ignored = 0;
		(void)read_digits(lx, 10, &ignored, lx->pos);
		is_float = true;
	}
	return is_float;
}

static int number_prefix(int c)
{
	c = tolower(c);
	return c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 0;
}

static int lex_number(struct lexer *lx)
{
	size_t start = lx->pos;
	ti_int v = 0;
	unsigned base = peek(lx, 0) == '0' ? (unsigned)number_prefix(peek(lx, 1)) : 0;
	bool is_float = false;
	if (base) {
		lx->pos += 2;
		if (read_digits(lx, base, &v, start) < 0)
			return -1;
	} else {
		if (peek(lx, 0) != '.' && read_digits(lx, 10, &v, start) < 0)
			return -1;
		is_float = scan_fraction(lx);
	}
	if (is_name_char(peek(lx, 0)))
		return ti_error(lx->err, lx->line, col_at(lx, start), "invalid number '%.*s'",
				(int)(lx->pos - start + 1), lx->src + start);
	if (!base && !is_float && v != 0 && lx->src[start] == '0') {
		ti_error(lx->err, lx->line, col_at(lx, start), "leading zeros are not allowed in a decimal number");
		ti_hint(lx->err, "write 0o%.*s for an octal number", (int)(lx->pos - start - 1), lx->src + start + 1);
		return -1;
	}
	struct ti_token *tok = emit(lx, is_float ? TT_FLOAT : TT_INT, start);
	tok->i = v;
	if (is_float)
		read_float(lx, start, tok);
	return 0;
}

/* ---- strings ---- */

/* \x escapes and octal \NNN: how many digits of base (at most max) follow. */
static unsigned escape_number(struct lexer *lx, unsigned base, int max, size_t *n)
{
	unsigned v = 0;
	int i = 0;
	for (; i < max && digit_value(peek(lx, 0)) < (int)base; i++, lx->pos++)
		v = v * base + (unsigned)digit_value(peek(lx, 0));
	*n = (size_t)i;
	return v;
}

/* The escape after a backslash (pos is after the '\'); appends its bytes. */
static int escape(struct lexer *lx, struct sb *s)
{
	static const char from[] = "\\'\"abfnrtv", to[] = "\\'\"\a\b\f\n\r\t\v";
	int c = peek(lx, 0);
	const char *hit = c > 0 ? strchr(from, c) : NULL;
	size_t n;
	if (hit) {
		sb_addc(s, to[hit - from]);
		lx->pos++;
	} else if (c == '\n') {
		newline(lx); /* a backslash-newline inside a string joins the lines */
	} else if (c == 'x') {
		int col = col_at(lx, lx->pos - 1);
		lx->pos++;
		unsigned v = escape_number(lx, 16, 2, &n);
		if (n != 2)
			return ti_error(lx->err, lx->line, col, "\\x needs two hex digits");
		sb_addc(s, (char)v);
	} else if (c >= '0' && c <= '7') {
		sb_addc(s, (char)escape_number(lx, 8, 3, &n));
	} else {
		sb_addc(s, '\\'); /* Python keeps unknown escapes as written */
	}
	return 0;
}

/* A string literal; pos is at its (first) quote. raw: an r'' string. */
static int lex_string(struct lexer *lx, size_t start, bool raw)
{
	char q = lx->src[lx->pos];
	bool triple = peek(lx, 1) == q && peek(lx, 2) == q;
	int line = lx->line, col = col_at(lx, start);
	struct sb s = SB_INIT;
	lx->pos += triple ? 3 : 1;
	for (;;) {
		int c = peek(lx, 0);
		if (c < 0 || (c == '\n' && !triple)) {
			sb_free(&s);
			return ti_error(lx->err, line, col, "this string is never closed (no matching %c)", q);
		}
		if (c == q && (!triple || (peek(lx, 1) == q && peek(lx, 2) == q))) {
			lx->pos += triple ? 3 : 1;
			break;
		}
		if (c == '\\' && !raw) {
			lx->pos++;
			if (escape(lx, &s) < 0) {
				sb_free(&s);
				return -1;
			}
		} else if (c == '\n') {
			sb_addc(&s, '\n');
			newline(lx);
		} else {
			sb_addc(&s, (char)c);
			lx->pos++;
		}
	}
	int end_line = lx->line;
	lx->line = line; /* the token starts where the string did */
	struct ti_token *tok = emit(lx, TT_STRING, start);
	tok->col = col;
	lx->line = end_line;
	tok->slen = s.len;
	tok->s = sb_detach(&s); /* its buffer, or "" when nothing was added */
	return 0;
}

/* A name, or the prefix of a string literal (r'...'). */
static int lex_name(struct lexer *lx)
{
	size_t start = lx->pos;
	while (is_name_char(peek(lx, 0)))
		lx->pos++;
	size_t n = lx->pos - start;
	int q = peek(lx, 0);
	if ((q == '\'' || q == '"') && n <= 2) {
		const char *p = lx->src + start;
		bool raw = memchr(p, 'r', n) || memchr(p, 'R', n);
		bool fmt = memchr(p, 'f', n) || memchr(p, 'F', n);
		bool bytes = memchr(p, 'b', n) || memchr(p, 'B', n);
		if (fmt || bytes) {
			ti_error(lx->err, lx->line, col_at(lx, start), "%s strings are not supported",
				 fmt ? "f-" : "bytes");
			if (fmt)
				ti_hint(lx->err, "use %% formatting: 'cwnd=%%d' %% tcpi_snd_cwnd");
			return -1;
		}
		if (n == 1 && (raw || *p == 'u' || *p == 'U'))
			return lex_string(lx, start, raw);
	}
	emit(lx, TT_NAME, start);
	return 0;
}

/* ---- operators, brackets, the rest ---- */

static int bracket(struct lexer *lx, int op, struct ti_token *tok)
{
	bool opens = op == TO_LPAREN || op == TO_LBRACKET || op == TO_LBRACE;
	bool closes = op == TO_RPAREN || op == TO_RBRACKET || op == TO_RBRACE;
	if (opens) {
		if (lx->depth >= TI_MAX_NEST)
			return ti_error(lx->err, tok->line, tok->col, "brackets nested too deeply (the limit is %d)",
					TI_MAX_NEST);
		lx->open_line[lx->depth] = tok->line;
		lx->open_col[lx->depth++] = tok->col;
	} else if (closes) {
		if (lx->depth == 0)
			return ti_error(lx->err, tok->line, tok->col, "'%s' closes nothing", ti_op_text(op));
		lx->depth--;
	}
	return 0;
}

static int lex_op(struct lexer *lx)
{
	size_t start = lx->pos;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);
		if (lx->len - start >= n && memcmp(lx->src + start, ops[i].text, n) == 0) {
			lx->pos += n;
			struct ti_token *tok = emit(lx, TT_OP, start);
			tok->op = ops[i].op;
			return bracket(lx, ops[i].op, tok);
		}
	}
	unsigned char c = (unsigned char)lx->src[start];
	if (c == 0)
		return ti_error(lx->err, lx->line, col_at(lx, start), "NUL byte in code");
	if (c < 0x20 || c >= 0x7f)
		return ti_error(lx->err, lx->line, col_at(lx, start), "unexpected byte \\x%02x%s", c,
				c >= 0x80 ? " (non-ASCII text belongs inside a string)" : "");
	return ti_error(lx->err, lx->line, col_at(lx, start), "unexpected character '%c'", c);
}

static int lex_backslash(struct lexer *lx)
{
	size_t p = lx->pos + 1;
	while (p < lx->len && lx->src[p] == '\r')
		p++;
	if (p < lx->len && lx->src[p] != '\n')
		return ti_error(lx->err, lx->line, col_at(lx, lx->pos),
				"'\\' continues a line only at the end of one");
	lx->pos = p;
	if (p < lx->len)
		newline(lx);
	return 0;
}

static void lex_newline(struct lexer *lx)
{
	if (lx->depth == 0 && lx->line_has_tokens) {
		emit(lx, TT_NEWLINE, lx->pos);
		lx->line_has_tokens = false;
	}
	newline(lx);
}

/* One token (or blanks, a comment, a newline) at pos. */
static int lex_one(struct lexer *lx)
{
	int c = peek(lx, 0);
	if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
		lx->pos++;
		return 0;
	}
	if (c == '#') {
		while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
			lx->pos++;
		return 0;
	}
	if (c == '\\')
		return lex_backslash(lx);
	if (c == '\n') {
		lex_newline(lx);
		return 0;
	}
	if ((c >= '0' && c <= '9') || (c == '.' && peek(lx, 1) >= '0' && peek(lx, 1) <= '9'))
		return lex_number(lx);
	if (c == '\'' || c == '"')
		return lex_string(lx, lx->pos, false);
	if (is_name_char(c))
		return lex_name(lx);
	return lex_op(lx);
}

static int finish(struct lexer *lx)
{
	if (lx->depth > 0) {
		int i = lx->depth - 1;
		return ti_error(lx->err, lx->open_line[i], lx->open_col[i],
				"this bracket is never closed before the end of the code");
	}
	if (lx->line_has_tokens)
		emit(lx, TT_NEWLINE, lx->pos);
	for (; lx->nindent > 1; lx->nindent--)
		emit(lx, TT_DEDENT, lx->pos);
	emit(lx, TT_EOF, lx->pos);
	return 0;
}

int ti_lex(const char *code, size_t len, struct ti_toks *out, struct syn_error *err)
{
	struct lexer lx = {.src = code, .len = len, .line = 1, .out = out, .err = err};
	memset(out, 0, sizeof(*out));
	if (len > TI_MAX_CODE)
		return ti_error(err, 1, 1, "code block too long (%zu bytes; the limit is %d)", len, TI_MAX_CODE);
	while (lx.pos < lx.len) {
		if (!lx.line_has_tokens && lx.depth == 0 && lx.pos == lx.line_start) {
			size_t text;
			if (indentation(&lx) < 0)
				return -1;
			measure(&lx, &text);
			lx.pos = text;
		}
		if (lx.pos < lx.len && lex_one(&lx) < 0)
			return -1;
	}
	return finish(&lx);
}

void ti_toks_free(struct ti_toks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

void ti_tok_describe(const char *code, const struct ti_token *t, struct sb *out)
{
	switch (t->kind) {
	case TT_EOF: sb_add(out, "the end of the code"); break;
	case TT_NEWLINE: sb_add(out, "the end of the line"); break;
	case TT_INDENT: sb_add(out, "an indented line"); break;
	case TT_DEDENT: sb_add(out, "the end of an indented block"); break;
	case TT_STRING: sb_add(out, "a string"); break;
	case TT_INT:
	case TT_FLOAT: sb_addf(out, "the number %.*s", (int)t->len, code + t->off); break;
	default: sb_addf(out, "'%.*s'", (int)t->len, code + t->off); break;
	}
}
