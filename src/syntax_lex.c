/*
 * syntax_lex: turns script text into tokens for the grammar in syntax*.c.
 * Knows nothing of events: only words, numbers, strings, punctuation,
 * comments, where lines end and which brackets are open.
 */
#include "syntax_lex.h"

#include <ctype.h>
#include <string.h>

/* ASCII by design: the language's words are ASCII, and the <ctype.h>
 * calls (a locale table lookup per byte) were a tenth of the lexer's time.
 * Same answers as isalpha/isalnum in the C and UTF-8 locales tcpsh runs in. */
static bool is_word_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word_char(char c)
{
	return is_word_start(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_of(const char *s, size_t n, int (*pred)(int))
{
	for (size_t i = 0; i < n; i++)
		if (!pred((unsigned char)s[i]))
			return false;
	return n > 0;
}

/*
 * Scans a word that starts with a digit: "42", "0x2a", "0.100" or a
 * digit-led word such as a Fast Open cookie ("3021b9d8"). Returns its length.
 */
static size_t scan_number(const char *s, size_t n, enum syn_tok *kind)
{
	size_t i = 0;
	while (i < n && is_word_char(s[i]))
		i++;
	if (all_of(s, i, isdigit)) {
		*kind = TK_INT;
		if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
			*kind = TK_FLOAT;
			for (i++; i < n && is_digit(s[i]); i++)
				;
		}
	} else if (i > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && all_of(s + 2, i - 2, isxdigit)) {
		*kind = TK_INT;
	} else {
		*kind = TK_WORD;
	}
	return i;
}

/* The kind of token a -D value stands for. */
static enum syn_tok classify_value(const char *v, size_t n)
{
	enum syn_tok kind;
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return TK_STRING;
	if (n >= 2 && v[0] == '`' && v[n - 1] == '`')
		return TK_SHELL;
	if (n > 0 && is_digit(v[0]) && scan_number(v, n, &kind) == n)
		return kind;
	return TK_WORD;
}

/* ---- position bookkeeping ---- */

static void start_token(struct syn_lexer *lx, struct syn_token *t, enum syn_tok kind, size_t len)
{
	t->kind = kind;
	t->ch = 0;
	t->off = lx->at.pos;
	t->text = lx->src + lx->at.pos;
	t->len = len;
	t->line = t->end_line = lx->at.line;
	t->col = (int)(lx->at.pos - lx->at.line_start) + 1;
}

/*
 * Moves to offset end, counting lines. When nl is given and a newline is
 * crossed outside brackets, *nl becomes a TK_NL token at the first one.
 */
static void advance_to(struct syn_lexer *lx, size_t end, struct syn_token *nl, bool *crossed)
{
	for (; lx->at.pos < end; lx->at.pos++) {
		if (lx->src[lx->at.pos] != '\n')
			continue;
		if (nl && lx->at.depth == 0 && !*crossed) {
			start_token(lx, nl, TK_NL, 1);
			*crossed = true;
		}
		lx->at.line++;
		lx->at.line_start = lx->at.pos + 1;
	}
}

/* The end of the text; after a final newline it is shown at the end of the
 * last line, where the user can see what is missing. */
static void start_eof(struct syn_lexer *lx, struct syn_token *t)
{
	start_token(lx, t, TK_EOF, 0);
	if (lx->at.pos != lx->len || lx->len == 0 || lx->src[lx->len - 1] != '\n' || t->col != 1)
		return;
	size_t end = lx->len - 1, start = end;
	while (start > 0 && lx->src[start - 1] != '\n')
		start--;
	t->off = end;
	t->line = t->end_line = t->line - 1;
	t->col = (int)(end - start) + 1;
}

static const char *find(const struct syn_lexer *lx, size_t from, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= lx->len; i++)
		if (memcmp(lx->src + i, needle, n) == 0)
			return lx->src + i;
	return NULL;
}

/* At the prompt the user may go on typing; in a script it is an error. */
static void unterminated(struct syn_lexer *lx, const struct syn_token *open, const char *what,
			 const char *closer)
{
	if (!lx->script) {
		if (lx->status == SYN_OK)
			lx->status = SYN_INCOMPLETE;
		return;
	}
	syntax_fail(lx, open->line, open->col, "unterminated %s: expected %s to close it", what, closer);
}

/* ---- skipping blanks and comments ---- */

static void skip_block_comment(struct syn_lexer *lx, struct syn_token *nl, bool *crossed)
{
	struct syn_token open;
	start_token(lx, &open, TK_PUNCT, 2);
	const char *end = find(lx, lx->at.pos + 2, "*/");
	if (!end) {
		unterminated(lx, &open, "comment", "'*/'");
		advance_to(lx, lx->len, NULL, NULL);
		return;
	}
	advance_to(lx, (size_t)(end - lx->src) + 2, nl, crossed);
}

/* Skips blanks and comments; true when a line ended outside brackets
 * (then *nl is the TK_NL token for it). */
static bool skip_blanks(struct syn_lexer *lx, struct syn_token *nl)
{
	bool crossed = false;
	while (lx->at.pos < lx->len && lx->status == SYN_OK) {
		const char *s = lx->src + lx->at.pos;
		size_t left = lx->len - lx->at.pos;
		if (is_blank(*s))
			lx->at.pos++;
		else if (*s == '\n')
			advance_to(lx, lx->at.pos + 1, nl, &crossed);
		else if (left >= 2 && s[0] == '/' && s[1] == '/')
			lx->at.pos = syntax_lex_eol(lx, lx->at.pos);
		else if (left >= 2 && s[0] == '/' && s[1] == '*')
			skip_block_comment(lx, nl, &crossed);
		else
			break;
	}
	return crossed;
}

/* ---- tokens ---- */

static void lex_word(struct syn_lexer *lx, struct syn_token *t)
{
	size_t n = 0;
	while (lx->at.pos + n < lx->len && is_word_char(lx->src[lx->at.pos + n]))
		n++;
	start_token(lx, t, TK_WORD, n);
	lx->at.pos += n;
	/* A non-ASCII byte inside a word ("SOCK_\xc3\xa9STREAM", a symbol pasted
	 * from a web page) would otherwise end it there and make the error
	 * about the truncated word: say what the byte is, where it is. */
	if (lx->at.pos < lx->len && (unsigned char)lx->src[lx->at.pos] >= 0x80) {
		syntax_fail(lx, t->line, t->col + (int)n, "unexpected non-ASCII byte \\x%02x in the word '%.*s...': "
			    "outside \"strings\", comments and blocks a line is plain ASCII",
			    (unsigned char)lx->src[lx->at.pos], (int)(n > 40 ? 40 : n), t->text);
		return;
	}
	for (size_t i = 0; lx->defs && i < lx->defs->n; i++) {
		const struct syn_define *d = &lx->defs->v[i];
		if (strlen(d->name) == n && memcmp(d->name, t->text, n) == 0) {
			t->text = d->value;
			t->len = strlen(d->value);
			t->kind = classify_value(t->text, t->len);
			return;
		}
	}
}

static void lex_dot(struct syn_lexer *lx, struct syn_token *t)
{
	const char *s = lx->src + lx->at.pos;
	size_t left = lx->len - lx->at.pos;
	if (left >= 3 && s[1] == '.' && s[2] == '.') {
		start_token(lx, t, TK_ELLIPSIS, 3);
	} else if (left >= 2 && is_digit(s[1])) {
		size_t n = 1;
		while (n < left && is_digit(s[n]))
			n++;
		start_token(lx, t, TK_FLOAT, n);
	} else {
		start_token(lx, t, TK_PUNCT, 1);
		t->ch = '.';
	}
	lx->at.pos += t->len;
}

/* "text" on one line; escapes are decoded by the grammar, which knows
 * where each one is for its messages. */
static void lex_string(struct syn_lexer *lx, struct syn_token *t)
{
	const char *s = lx->src + lx->at.pos;
	size_t left = lx->len - lx->at.pos, i = 1;
	start_token(lx, t, TK_STRING, 0);
	while (i < left && s[i] != '"' && s[i] != '\n')
		i += (s[i] == '\\' && i + 1 < left && s[i + 1] != '\n') ? 2 : 1;
	if (i >= left || s[i] != '"') {
		syntax_fail(lx, t->line, t->col, "unterminated string: expected '\"' before the end of the line");
		lx->at.pos = lx->len;
		t->kind = TK_EOF;
		return;
	}
	t->len = i + 1;
	lx->at.pos += t->len;
}

/* `command` and %{ code }%: may span lines; a backslash in a command
 * escapes the next byte (a backquote, usually). */
static void lex_block(struct syn_lexer *lx, struct syn_token *t, enum syn_tok kind)
{
	bool shell = kind == TK_SHELL;
	size_t i = lx->at.pos + (shell ? 1 : 2);
	start_token(lx, t, kind, 0);
	while (i < lx->len) {
		if (shell && lx->src[i] == '\\' && i + 1 < lx->len)
			i += 2;
		else if (shell ? lx->src[i] == '`' : (lx->src[i] == '}' && i + 1 < lx->len && lx->src[i + 1] == '%'))
			break;
		else
			i++;
	}
	if (i >= lx->len) {
		unterminated(lx, t, shell ? "`command`" : "%{ block", shell ? "'`'" : "'}%'");
		advance_to(lx, lx->len, NULL, NULL);
		t->kind = TK_EOF;
		return;
	}
	size_t end = i + (shell ? 1 : 2);
	t->len = end - t->off;
	advance_to(lx, end, NULL, NULL);
	t->end_line = lx->at.line;
}

static void lex_punct(struct syn_lexer *lx, struct syn_token *t)
{
	char c = lx->src[lx->at.pos];
	start_token(lx, t, TK_PUNCT, 1);
	t->ch = c;
	lx->at.pos++;
	if (c == '(' || c == '[' || c == '{') {
		if (lx->at.depth < SYN_OPEN_TRACKED) {
			lx->at.open[lx->at.depth].ch = c;
			lx->at.open[lx->at.depth].line = t->line;
			lx->at.open[lx->at.depth].col = t->col;
		}
		lx->at.depth++;
	} else if ((c == ')' || c == ']' || c == '}') && lx->at.depth > 0) {
		lx->at.depth--;
	}
}

static void lex_one(struct syn_lexer *lx, struct syn_token *t)
{
	if (skip_blanks(lx, t))
		return;
	if (lx->at.pos >= lx->len || lx->status != SYN_OK) {
		start_eof(lx, t);
		return;
	}
	const char *s = lx->src + lx->at.pos;
	size_t left = lx->len - lx->at.pos;
	if (is_word_start(*s)) {
		lex_word(lx, t);
	} else if (is_digit(*s)) {
		enum syn_tok kind;
		size_t n = scan_number(s, left, &kind);
		start_token(lx, t, kind, n);
		lx->at.pos += n;
	} else if (*s == '.') {
		lex_dot(lx, t);
	} else if (*s == '"') {
		lex_string(lx, t);
	} else if (*s == '`') {
		lex_block(lx, t, TK_SHELL);
	} else if (*s == '%' && left >= 2 && s[1] == '{') {
		lex_block(lx, t, TK_CODE);
	} else {
		lex_punct(lx, t);
	}
}

/* ---- the public face ---- */

/* A NUL can only be a mistake in a text format; say where before anything. */
static void check_nul(struct syn_lexer *lx)
{
	const char *nul = memchr(lx->src, '\0', lx->len);
	if (!nul)
		return;
	advance_to(lx, (size_t)(nul - lx->src), NULL, NULL);
	syntax_fail(lx, lx->at.line, (int)(lx->at.pos - lx->at.line_start) + 1, "unexpected NUL byte (\\x00)");
	syntax_hint(lx, "text never holds a NUL byte: is this a binary file?");
	lx->at.pos = lx->len;
}

void syntax_lex_init(struct syn_lexer *lx, const char *src, size_t len, int first_line, bool script,
		     const struct syn_defines *defs, struct syn_error *err)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src ? src : "";
	lx->len = src ? len : 0;
	lx->at.line = first_line;
	lx->last_line = first_line;
	lx->script = script;
	lx->defs = defs;
	lx->err = err;
	lx->status = SYN_OK;
	check_nul(lx);
}

/* Copies a position with only the open brackets below its depth: only those
 * are ever read (syntax_tok.c), and copying all SYN_OPEN_TRACKED of them for
 * every token was most of the lexer's time. */
static void pos_copy(struct syn_lexpos *dst, const struct syn_lexpos *src)
{
	int n = src->depth < SYN_OPEN_TRACKED ? src->depth : SYN_OPEN_TRACKED;
	dst->pos = src->pos;
	dst->line = src->line;
	dst->line_start = src->line_start;
	dst->depth = src->depth;
	if (n > 0)
		memcpy(dst->open, src->open, sizeof(src->open[0]) * (size_t)n);
}

const struct syn_token *syntax_lex_fill(struct syn_lexer *lx, int k)
{
	while (lx->nahead <= k) {
		pos_copy(&lx->before[lx->nahead], &lx->at);
		lex_one(lx, &lx->ahead[lx->nahead]);
		lx->nahead++;
	}
	return &lx->ahead[k];
}

struct syn_token syntax_lex_next(struct syn_lexer *lx)
{
	syntax_lex_peek(lx, 0);
	struct syn_token t = lx->ahead[0];
	if (lx->nahead > 1)
		lx->ahead[0] = lx->ahead[1];
	if (lx->nahead > 1)
		pos_copy(&lx->before[0], &lx->before[1]);
	lx->nahead--;
	if (t.kind != TK_EOF && t.kind != TK_NL)
		lx->last_line = t.end_line;
	return t;
}

void syntax_lex_seek(struct syn_lexer *lx, size_t off)
{
	if (lx->nahead)
		pos_copy(&lx->at, &lx->before[0]);
	lx->nahead = 0;
	advance_to(lx, off < lx->len ? off : lx->len, NULL, NULL);
}

size_t syntax_lex_eol(const struct syn_lexer *lx, size_t off)
{
	const char *nl = off < lx->len ? memchr(lx->src + off, '\n', lx->len - off) : NULL;
	return nl ? (size_t)(nl - lx->src) : lx->len;
}
