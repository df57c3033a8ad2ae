/*
 * syntax_error: the one way tcpsh shows a parse error: where, what, the line
 * with a caret under the spot, and a hint. The quoted line is made safe to
 * print: tabs expanded, control bytes, NULs and bytes that are not UTF-8
 * written as \xNN, and a long line cut to a window around the caret, so the
 * caret always lines up with what the terminal shows.
 */
#include "syntax.h"
#include "syntax_lex.h"

#include <stdarg.h>
#include <string.h>

/* Lines wider than WIDE_LINE are shown as WINDOW columns around the caret. */
#define WIDE_LINE 76
#define WINDOW 70
#define TAB_STOP 8

void syntax_error_init(struct syn_error *e)
{
	e->line = e->col = 0;
	sb_init(&e->msg);
	sb_init(&e->hint);
}

void syntax_error_free(struct syn_error *e)
{
	sb_free(&e->msg);
	sb_free(&e->hint);
}

void syntax_error_vset(struct syn_error *e, int line, int col, const char *fmt, va_list ap)
{
	e->line = line;
	e->col = col;
	sb_reset(&e->msg);
	sb_reset(&e->hint);
	sb_vaddf(&e->msg, fmt, ap);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len = 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) || (s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

/*
 * One displayed unit of the line: a printable byte, a UTF-8 character, a
 * tab (as spaces) or an escaped byte. Returns the bytes it covers and sets
 * *width to the columns it takes at display column at; appends it to out
 * when out is given.
 */
static size_t cell(const char *src, size_t n, size_t at, size_t *width, struct sb *out)
{
	unsigned char c = (unsigned char)src[0];
	size_t used = 1;
	if (c == '\t') {
		*width = TAB_STOP - at % TAB_STOP;
		if (out)
			sb_addrep(out, ' ', *width);
	} else if (c >= 0x20 && c < 0x7f) {
		*width = 1;
		if (out)
			sb_addc(out, (char)c);
	} else if (c >= 0x80 && (used = utf8_len((const unsigned char *)src, n)) > 0) {
		*width = 1;
		if (out)
			sb_addn(out, src, used);
	} else {
		used = 1;
		*width = 4;
		if (out)
			sb_addf(out, "\\x%02x", c);
	}
	return used;
}

/* Display column where byte offset off starts (or the line's full width). */
static size_t display_col(const char *src, size_t n, size_t off)
{
	size_t at = 0, w;
	for (size_t i = 0; i < n && i < off;) {
		i += cell(src + i, n - i, at, &w, NULL);
		at += w;
	}
	return at;
}

/* Writes the visible part of the line and returns the caret's column in it. */
static size_t show_line(const char *src, size_t n, size_t caret, struct sb *out)
{
	size_t total = display_col(src, n, n), from = 0, to = total;
	if (total > WIDE_LINE) {
		from = caret > WINDOW / 2 ? caret - WINDOW / 2 : 0;
		if (from + WINDOW > total + 1)
			from = total + 1 > WINDOW ? total + 1 - WINDOW : 0;
		to = from + WINDOW;
	}
	size_t at = 0, w, shown_from = 0, indent = 0;
	bool started = false;
	for (size_t i = 0; i < n;) {
		size_t used = cell(src + i, n - i, at, &w, NULL);
		if (at >= from && at + w <= to) {
			if (!started) {
				started = true;
				shown_from = at;
				if (at > 0) {
					sb_add(out, "...");
					indent = 3;
				}
			}
			cell(src + i, n - i, at, &w, out);
		} else if (started && at + w > to) {
			sb_add(out, "...");
			break;
		}
		at += w;
		i += used;
	}
	if (!started)
		shown_from = at;
	return indent + (caret >= shown_from ? caret - shown_from : 0);
}

void syntax_error_format(const struct syn_error *e, const char *file, const char *src, size_t src_len,
			 struct sb *out)
{
	sb_addf(out, "%s:%d:", file ? file : "<stdin>", e->line);
	if (e->col > 0)
		sb_addf(out, "%d:", e->col);
	sb_addf(out, " error: %s\n", sb_str(&e->msg));
	if (src) {
		size_t caret = display_col(src, src_len, e->col > 0 ? (size_t)e->col - 1 : 0);
		sb_add(out, "  ");
		size_t at = show_line(src, src_len, caret, out);
		sb_addc(out, '\n');
		if (e->col > 0) {
			sb_addrep(out, ' ', 2 + at);
			sb_add(out, "^\n");
		}
	}
	if (e->hint.len)
		sb_addf(out, "  hint: %s\n", sb_str(&e->hint));
}

void syntax_find_line(const char *text, size_t len, int first_line, int line, const char **start,
		      size_t *n)
{
	size_t i = 0;
	*start = "";
	*n = 0;
	if (!text || line < first_line)
		return;
	for (int l = first_line; l < line; l++) {
		const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
		if (!nl)
			return;
		i = (size_t)(nl - text) + 1;
	}
	const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
	*start = text + i;
	*n = nl ? (size_t)(nl - text) - i : len - i;
}
