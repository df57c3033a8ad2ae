/*
 * syntax_lex: the one lexer behind syntax_parse_line and syntax_parse_script,
 * and the error plumbing every grammar file shares. Internal to syntax_*.c.
 *
 * Newlines are tokens only outside brackets: inside ( [ { an event may go on
 * over several lines. Backquoted commands and %{ }% blocks are single tokens
 * that may span lines. At the prompt (not a script), text that ends inside
 * any of these makes the parse SYN_INCOMPLETE instead of an error.
 */
#ifndef TCPSH_SYNTAX_LEX_H
#define TCPSH_SYNTAX_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "syntax.h"

enum syn_tok {
	TK_EOF,
	TK_NL,
	TK_INT,      /* 42, 0x2a (text kept: cookies and seq numbers are read from it) */
	TK_FLOAT,    /* 0.100, .1 */
	TK_WORD,     /* identifiers, and digit-led words such as cookies (3021b9d8) */
	TK_STRING,   /* "text", quotes included, escapes not yet decoded */
	TK_SHELL,    /* `command`, backquotes included */
	TK_CODE,     /* %{ code }%, markers included */
	TK_ELLIPSIS, /* ... */
	TK_PUNCT,    /* any other single byte */
};

struct syn_token {
	enum syn_tok kind;
	char ch;          /* TK_PUNCT */
	const char *text; /* the token's bytes: the source, or a -D value */
	size_t len;
	size_t off;       /* offset in the source */
	int line, col;    /* where it starts, 1-based */
	int end_line;     /* line of its last byte */
};

/* Brackets whose place the lexer remembers, for "still open" hints. */
#define SYN_OPEN_TRACKED 64

/* Where the lexer is; saved before each look-ahead token so raw scanning
 * (commands, notes) can go back to it. */
struct syn_lexpos {
	size_t pos;
	int line;
	size_t line_start;
	int depth; /* open ( [ { */
	struct {
		char ch;
		int line, col;
	} open[SYN_OPEN_TRACKED]; /* the innermost SYN_OPEN_TRACKED of them */
};

struct syn_lexer {
	const char *src;
	size_t len;
	struct syn_lexpos at;
	bool script;
	const struct syn_defines *defs;
	struct syn_token ahead[2];
	struct syn_lexpos before[2];
	int nahead;
	int last_line;          /* end line of the last token taken */
	struct syn_error *err;
	int status;             /* SYN_OK until the first error or incompleteness */
	bool may_hint;          /* the last syntax_fail recorded its message */
	struct arena *arena;    /* a script's: what events hold comes from it; NULL: the heap */
};

void syntax_lex_init(struct syn_lexer *lx, const char *src, size_t len, int first_line, bool script,
		     const struct syn_defines *defs, struct syn_error *err);
/* Lexes until k + 1 tokens are ahead (for syntax_lex_peek). */
const struct syn_token *syntax_lex_fill(struct syn_lexer *lx, int k);
/* Looks k (0 or 1) tokens ahead without taking them. Inline: the parser
 * peeks about twice per token, and the call cost more than the check. */
static inline const struct syn_token *syntax_lex_peek(struct syn_lexer *lx, int k)
{
	return k < lx->nahead ? &lx->ahead[k] : syntax_lex_fill(lx, k);
}
struct syn_token syntax_lex_next(struct syn_lexer *lx);
/* Drops the look-ahead and goes on lexing at source offset off, which must
 * not be before the first look-ahead token. Used after raw scanning. */
void syntax_lex_seek(struct syn_lexer *lx, size_t off);
/* Offset of the end of the line holding offset off (its '\n' or the end). */
size_t syntax_lex_eol(const struct syn_lexer *lx, size_t off);

/* Token tests and descriptions ("'foo'", "end of line") for messages. */
bool syntax_tok_is(const struct syn_token *t, char ch);
bool syntax_tok_word(const struct syn_token *t, const char *word);
bool syntax_tok_ends(const struct syn_token *t); /* TK_NL or TK_EOF */
bool syntax_tok_adjacent(const struct syn_token *a, const struct syn_token *b);
void syntax_tok_describe(const struct syn_lexer *lx, const struct syn_token *t, struct sb *out);

/*
 * Errors. The first failure wins; later calls change nothing. Each returns
 * SYN_ERR so callers can "return syntax_fail(...)". At the prompt, failing
 * on the end of the text while a bracket is open makes the parse
 * SYN_INCOMPLETE instead.
 */
int syntax_fail(struct syn_lexer *lx, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int syntax_fail_tok(struct syn_lexer *lx, const struct syn_token *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "expected WHAT, found <t>". */
int syntax_expected(struct syn_lexer *lx, const struct syn_token *t, const char *what);
/* Adds a hint to the error the last syntax_fail recorded, if it did. */
void syntax_hint(struct syn_lexer *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Reads an unsigned integer token (decimal or hex) no larger than max;
 * "WHAT N is too large (at most MAX)" otherwise, "expected WHAT" when t is
 * not a number.
 */
int syntax_tok_uint(struct syn_lexer *lx, const struct syn_token *t, const char *what,
		    unsigned long long max, unsigned long long *out);

/* Records the error message in e (syntax_error.c). */
void syntax_error_vset(struct syn_error *e, int line, int col, const char *fmt, va_list ap);

#endif
