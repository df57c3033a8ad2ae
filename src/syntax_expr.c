/*
 * syntax_expr: the values a system call takes and returns: numbers,
 * constants (checked against consts at parse time) and their '|'
 * combinations, "...", NULL, strings, [lists] and {structs}, however deeply
 * nested the msghdr and cmsg forms of the corpus go (up to SYN_MAX_DEPTH).
 */
#include "consts.h"
#include "syntax_parse.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

static struct syn_expr *new_expr(struct syn_lexer *lx, enum syn_expr_kind kind, const struct syn_token *t)
{
	struct syn_expr *e = syntax_alloc(lx, sizeof(*e));
	e->kind = kind;
	e->col = t->col;
	return e;
}

void syntax_expr_free(struct syn_expr *e)
{
	if (!e)
		return;
	free(e->name);
	syntax_expr_free(e->left);
	syntax_expr_free(e->right);
	for (int i = 0; i < e->nitems; i++)
		syntax_expr_free(e->items[i]);
	free(e->items);
	free(e);
}

bool syntax_expr_is_const(const struct syn_expr *e)
{
	return e->kind == SYN_E_INT || e->kind == SYN_E_SYMBOL || e->kind == SYN_E_OR;
}

static void add_item(struct syn_lexer *lx, struct syn_expr *e, struct syn_expr *item)
{
	/* Grow in powers of two: nitems is a power of two exactly when full. */
	if ((e->nitems & (e->nitems - 1)) == 0)
		e->items = syntax_grow(lx, e->items, sizeof(*e->items) * (size_t)e->nitems,
				       sizeof(*e->items) * (size_t)(e->nitems ? e->nitems * 2 : 1));
	e->items[e->nitems++] = item;
}

/* 42, 0x2a, -1 */
static int parse_int(struct syn_lexer *lx, struct syn_expr **out)
{
	struct syn_token t = syntax_lex_next(lx);
	struct syn_token first = t;
	bool neg = syntax_tok_is(&t, '-');
	if (neg)
		t = syntax_lex_next(lx);
	unsigned long long v;
	if (syntax_tok_uint(lx, &t, "number", LLONG_MAX, &v))
		return SYN_ERR;
	*out = new_expr(lx, SYN_E_INT, &first);
	(*out)->num = neg ? -(long long)v : (long long)v;
	return SYN_OK;
}

static int parse_symbol(struct syn_lexer *lx, struct syn_expr **out)
{
	struct syn_token t = syntax_lex_next(lx);
	if (syntax_tok_word(&t, "NULL")) {
		*out = new_expr(lx, SYN_E_NULL, &t);
		return SYN_OK;
	}
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '('))
		return syntax_fail_tok(lx, &t, "function-style values such as %.*s(...) are not supported",
				       (int)(t.len > 24 ? 24 : t.len), t.text);
	char *name = syntax_tok_copy(lx, &t);
	long long v;
	if (!consts_lookup(name, &v)) {
		/* described only here: formatting it for every symbol cost more than the lookup */
		struct sb what = SB_INIT;
		syntax_tok_describe(lx, &t, &what);
		syntax_fail_tok(lx, &t, "unknown constant %s", sb_str(&what));
		const char *s = consts_suggest(name);
		if (s)
			syntax_hint(lx, "did you mean %s?", s);
		syntax_drop(lx, name);
		sb_free(&what);
		return SYN_ERR;
	}
	*out = new_expr(lx, SYN_E_SYMBOL, &t);
	(*out)->name = name;
	(*out)->num = v;
	return SYN_OK;
}

/* Decodes one escape at s[0] == '\\'; returns the bytes it used, 0 when bad. */
static size_t unescape(const char *s, size_t n, struct sb *out)
{
	static const char plain[] = "n\nt\tr\r\\\\\"\"''";
	if (n < 2)
		return 0;
	for (const char *p = plain; *p; p += 2) {
		if (s[1] == p[0]) {
			sb_addc(out, p[1]);
			return 2;
		}
	}
	/* \ooo (up to three octal digits) or \xhh (up to two hex digits) */
	bool hex = s[1] == 'x';
	size_t start = hex ? 2 : 1, i = start;
	unsigned v = 0;
	for (; i < n && i < start + (hex ? 2 : 3); i++) {
		unsigned char c = (unsigned char)s[i];
		if (hex ? !isxdigit(c) : (c < '0' || c > '7'))
			break;
		v = v * (hex ? 16 : 8) + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	if (i == start || v > 255)
		return 0;
	sb_addc(out, (char)v);
	return i;
}

static int parse_string(struct syn_lexer *lx, struct syn_expr **out)
{
	struct syn_token t = syntax_lex_next(lx);
	const char *s = t.text + 1;
	size_t n = t.len - 2;
	struct sb text = SB_INIT;
	for (size_t i = 0; i < n;) {
		if (s[i] != '\\') {
			sb_addc(&text, s[i++]);
			continue;
		}
		size_t used = unescape(s + i, n - i, &text);
		if (!used) {
			sb_free(&text);
			return syntax_fail(lx, t.line, t.col + 1 + (int)i, "unknown escape '\\%c' in the string",
					   i + 1 < n ? s[i + 1] : '\\');
		}
		i += used;
	}
	*out = new_expr(lx, SYN_E_STRING, &t);
	(*out)->num = (long long)text.len;
	(*out)->name = syntax_strndup(lx, text.buf ? text.buf : "", text.len);
	sb_free(&text);
	return SYN_OK;
}

/* Items of [list] or {struct} up to the closing bracket; *each parses one. */
static int parse_items(struct syn_lexer *lx, int depth, struct syn_expr *e, const struct syn_token *open,
		       char close, int (*each)(struct syn_lexer *, int, struct syn_expr **))
{
	const char *what = close == ']' ? "list" : "struct";
	if (close == ']' && syntax_tok_is(syntax_lex_peek(lx, 0), ']')) {
		syntax_lex_next(lx);
		return SYN_OK;
	}
	for (;;) {
		struct syn_expr *item = NULL;
		int rc = each(lx, depth + 1, &item);
		if (item)
			add_item(lx, e, item); /* even half-built: e owns it, so freeing e frees it */
		if (rc)
			return SYN_ERR;
		struct syn_token t = syntax_lex_next(lx);
		if (syntax_tok_is(&t, close))
			return SYN_OK;
		if (!syntax_tok_is(&t, ','))
			return syntax_expected_close(lx, &t, open, close, what);
	}
}

/* name=value, name(count)=value, or a bare value (an iovec's "..., 1000"). */
static int parse_field(struct syn_lexer *lx, int depth, struct syn_expr **out)
{
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	const struct syn_token *t2 = syntax_lex_peek(lx, 1);
	bool named = t->kind == TK_WORD && (syntax_tok_is(t2, '=') || syntax_tok_is(t2, '('));
	struct syn_token name = *t;
	*out = new_expr(lx, SYN_E_FIELD, &name);
	(*out)->num = -1;
	if (!named)
		return syntax_parse_expr(lx, depth, &(*out)->left);
	(*out)->name = syntax_tok_copy(lx, &name);
	syntax_lex_next(lx);
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '(')) {
		struct syn_token open = syntax_lex_next(lx);
		if (syntax_parse_expr(lx, depth, &(*out)->right))
			return SYN_ERR;
		assert((*out)->right);
		if ((*out)->right->kind == SYN_E_INT)
			(*out)->num = (*out)->right->num;
		else if ((*out)->right->kind != SYN_E_ELLIPSIS)
			return syntax_fail(lx, name.line, (*out)->right->col, "expected a count (a number or '...')");
		struct syn_token close = syntax_lex_next(lx);
		if (!syntax_tok_is(&close, ')'))
			return syntax_expected_close(lx, &close, &open, ')', "count");
	}
	struct syn_token eq = syntax_lex_next(lx);
	if (!syntax_tok_is(&eq, '='))
		return syntax_expected(lx, &eq, "'=' after the field name");
	return syntax_parse_expr(lx, depth, &(*out)->left);
}

static int parse_nested(struct syn_lexer *lx, int depth, struct syn_expr **out)
{
	struct syn_token open = syntax_lex_next(lx);
	bool list = open.ch == '[';
	if (depth >= SYN_MAX_DEPTH)
		return syntax_fail_tok(lx, &open, "too deeply nested: at most %d levels of brackets and braces",
				       SYN_MAX_DEPTH);
	*out = new_expr(lx, list ? SYN_E_LIST : SYN_E_STRUCT, &open);
	if (!list && syntax_tok_is(syntax_lex_peek(lx, 0), '}'))
		return syntax_expected(lx, syntax_lex_peek(lx, 0), "a field (name=value) or a value inside '{ }'");
	return parse_items(lx, depth, *out, &open, list ? ']' : '}', list ? syntax_parse_expr : parse_field);
}

static int parse_primary(struct syn_lexer *lx, int depth, struct syn_expr **out)
{
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	switch (t->kind) {
	case TK_INT:
		return parse_int(lx, out);
	case TK_ELLIPSIS:
		*out = new_expr(lx, SYN_E_ELLIPSIS, t);
		syntax_lex_next(lx);
		return SYN_OK;
	case TK_WORD:
		if (t->text[0] >= '0' && t->text[0] <= '9')
			break;
		return parse_symbol(lx, out);
	case TK_STRING:
		return parse_string(lx, out);
	case TK_PUNCT:
		if (t->ch == '-' && syntax_lex_peek(lx, 1)->kind == TK_INT)
			return parse_int(lx, out);
		if (t->ch == '[' || t->ch == '{')
			return parse_nested(lx, depth, out);
		break;
	default:
		break;
	}
	return syntax_expected(lx, t, "a value (a number, a constant, '...', NULL, \"string\", [list] or {struct})");
}

/* A|B|C folds into num; both sides must be numbers or constants. */
int syntax_parse_expr(struct syn_lexer *lx, int depth, struct syn_expr **out)
{
	*out = NULL;
	if (parse_primary(lx, depth, out))
		return SYN_ERR;
	assert(*out);
	while (syntax_tok_is(syntax_lex_peek(lx, 0), '|')) {
		struct syn_token bar = syntax_lex_next(lx);
		struct syn_expr *right = NULL;
		if (++depth > SYN_MAX_DEPTH)
			return syntax_fail_tok(lx, &bar, "too many '|' terms: at most %d", SYN_MAX_DEPTH);
		int rc = parse_primary(lx, depth, &right);
		struct syn_expr *or = new_expr(lx, SYN_E_OR, &bar);
		or->col = (*out)->col;
		or->left = *out;
		or->right = right;
		*out = or;
		if (rc)
			return SYN_ERR;
		assert(right);
		const struct syn_expr *bad = !syntax_expr_is_const(or->left) ? or->left : right;
		if (!syntax_expr_is_const(bad))
			return syntax_fail(lx, bar.line, bad->col, "'|' combines numbers and constants only");
		or->num = or->left->num | right->num;
	}
	return SYN_OK;
}
