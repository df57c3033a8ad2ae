/*
 * tcpinfo_parse: the tokens of a %{ }% block -> a syntax tree, by Python's
 * grammar cut down to what packetdrill scripts need (see tcpinfo.h). Every
 * syntax error of the block is found here, before anything runs. The
 * Python features tcpsh leaves out are named in their errors, so a script
 * author learns what to write instead.
 */
#include "tcpinfo_int.h"

#include <stdlib.h>
#include <string.h>

struct parser {
	const char *code;
	const struct ti_toks *t;
	size_t i;
	int nest; /* recursion: brackets, unary operators, not, **, else-chains, suites */
	struct syn_error *err;
};

/* ---- tokens ---- */

static const struct ti_token *peek(const struct parser *p)
{
	return &p->t->v[p->i];
}

static const struct ti_token *take(struct parser *p)
{
	const struct ti_token *t = &p->t->v[p->i];
	if (t->kind != TT_EOF)
		p->i++;
	return t;
}

static bool is_op(const struct ti_token *t, int op)
{
	return t->kind == TT_OP && t->op == op;
}

static bool is_word(const struct parser *p, const struct ti_token *t, const char *w)
{
	return t->kind == TT_NAME && t->len == strlen(w) && memcmp(p->code + t->off, w, t->len) == 0;
}

static bool is_keyword(const struct parser *p, const struct ti_token *t)
{
	return t->kind == TT_NAME && ti_is_keyword(p->code + t->off, t->len);
}

/* "expected WHAT, found <the next token>" at the next token. */
static int expected(struct parser *p, const char *what)
{
	const struct ti_token *t = peek(p);
	struct sb found = SB_INIT;
	ti_tok_describe(p->code, t, &found);
	ti_error(p->err, t->line, t->col, "expected %s, found %s", what, sb_str(&found));
	sb_free(&found);
	return -1;
}

static int expect_op(struct parser *p, int op, const char *what)
{
	if (!is_op(peek(p), op))
		return expected(p, what);
	take(p);
	return 0;
}

static int enter(struct parser *p, const struct ti_token *t)
{
	if (++p->nest <= TI_MAX_NEST)
		return 0;
	return ti_error(p->err, t->line, t->col, "nested too deeply (the limit is %d levels)", TI_MAX_NEST);
}

/* ---- nodes ---- */

static struct ti_node *node_new(enum ti_nkind kind, const struct ti_token *at)
{
	struct ti_node *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = at->line;
	n->col = at->col;
	n->height = 1;
	return n;
}

void ti_node_free(struct ti_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkid; i++)
		ti_node_free(n->kid[i]);
	free(n->kid);
	free(n->ops);
	free(n->name);
	ti_value_free(&n->lit);
	free(n);
}

/* Appends kid (n owns it from now on, even on failure). -1 when the tree
 * grows taller than the evaluator will recurse. */
static int add_kid(struct parser *p, struct ti_node *n, struct ti_node *kid)
{
	n->kid = xrealloc(n->kid, (n->nkid + 1) * sizeof(*n->kid));
	n->kid[n->nkid++] = kid;
	if (kid->height + 1 > n->height)
		n->height = kid->height + 1;
	if (n->height <= TI_MAX_TREE)
		return 0;
	ti_error(p->err, n->line, n->col, "expression too long or too deeply nested (the limit is %d levels)",
		 TI_MAX_TREE);
	ti_hint(p->err, "split it over several statements with variables");
	return -1;
}

/* A node of kind over kids a and b (b may be NULL); frees them on failure. */
static struct ti_node *node2(struct parser *p, enum ti_nkind kind, const struct ti_token *at,
			     struct ti_node *a, struct ti_node *b)
{
	struct ti_node *n = node_new(kind, at);
	if (at->kind == TT_OP)
		n->op = at->op;
	if (add_kid(p, n, a) < 0 || (b && add_kid(p, n, b) < 0)) {
		if (n->nkid < 2)
			ti_node_free(b);
		ti_node_free(n);
		return NULL;
	}
	return n;
}

/* ---- expressions ---- */

static struct ti_node *parse_expr(struct parser *p);

static struct ti_node *const_node(const struct ti_token *t, struct ti_value v)
{
	struct ti_node *n = node_new(TI_N_CONST, t);
	n->lit = v;
	return n;
}

/* Adjacent string literals are one string, as in Python ('a' 'b' == 'ab'). */
static struct ti_node *parse_strings(struct parser *p)
{
	const struct ti_token *first = peek(p);
	struct sb s = SB_INIT;
	while (peek(p)->kind == TT_STRING) {
		const struct ti_token *t = take(p);
		sb_addn(&s, t->s, t->slen);
	}
	struct ti_node *n = const_node(first, ti_str_value(sb_str(&s), s.len));
	sb_free(&s);
	return n;
}

static struct ti_node *parse_name_atom(struct parser *p)
{
	const struct ti_token *t = peek(p);
	if (is_word(p, t, "True") || is_word(p, t, "False")) {
		take(p);
		return const_node(t, ti_bool_value(is_word(p, t, "True")));
	}
	if (is_word(p, t, "None")) {
		take(p);
		return const_node(t, (struct ti_value){0});
	}
	if (is_keyword(p, t)) {
		expected(p, "an expression");
		return NULL;
	}
	take(p);
	struct ti_node *n = node_new(TI_N_NAME, t);
	n->name = xstrndup(p->code + t->off, t->len);
	return n;
}

/* After "(" first ",": the rest of a tuple, up to and including ")". */
static struct ti_node *parse_tuple_rest(struct parser *p, const struct ti_token *open, struct ti_node *first)
{
	struct ti_node *n = node_new(TI_N_TUPLE, open);
	if (add_kid(p, n, first) < 0)
		goto fail;
	while (is_op(peek(p), TO_COMMA)) {
		take(p);
		if (is_op(peek(p), TO_RPAREN))
			break;
		struct ti_node *item = parse_expr(p);
		if (!item || add_kid(p, n, item) < 0)
			goto fail;
	}
	if (expect_op(p, TO_RPAREN, "',' or ')'") < 0)
		goto fail;
	return n;
fail:
	ti_node_free(n);
	return NULL;
}

static struct ti_node *parse_paren(struct parser *p)
{
	const struct ti_token *open = take(p);
	if (is_op(peek(p), TO_RPAREN)) {
		take(p);
		return node_new(TI_N_TUPLE, open);
	}
	if (enter(p, open) < 0)
		return NULL;
	struct ti_node *e = parse_expr(p);
	p->nest--;
	if (!e)
		return NULL;
	if (is_op(peek(p), TO_COMMA))
		return parse_tuple_rest(p, open, e);
	if (expect_op(p, TO_RPAREN, "')'") < 0) {
		ti_node_free(e);
		return NULL;
	}
	return e;
}

/* An atom was expected and t is an operator: say what was probably meant. */
static void operator_hint(struct parser *p, const struct ti_token *t)
{
	const struct ti_token *prev = p->i ? &p->t->v[p->i - 1] : NULL;
	if (prev && is_op(t, TO_AMP) && is_op(prev, TO_AMP))
		ti_hint(p->err, "Python writes && as 'and'");
	else if (prev && is_op(t, TO_PIPE) && is_op(prev, TO_PIPE))
		ti_hint(p->err, "Python writes || as 'or'");
	else if (is_op(t, TO_LBRACKET) || is_op(t, TO_LBRACE))
		ti_hint(p->err, "lists and dictionaries are not supported in %%{ }%% code");
}

static struct ti_node *parse_atom(struct parser *p)
{
	const struct ti_token *t = peek(p);
	switch (t->kind) {
	case TT_NAME:
		return parse_name_atom(p);
	case TT_INT:
		take(p);
		return const_node(t, ti_int_value(t->i));
	case TT_FLOAT:
		take(p);
		return const_node(t, ti_float_value(t->f));
	case TT_STRING:
		return parse_strings(p);
	default:
		if (is_op(t, TO_LPAREN))
			return parse_paren(p);
		expected(p, "an expression");
		operator_hint(p, t);
		return NULL;
	}
}

static int parse_args(struct parser *p, struct ti_node *call)
{
	while (!is_op(peek(p), TO_RPAREN)) {
		const struct ti_token *t = peek(p);
		if (t->kind == TT_NAME && is_op(&p->t->v[p->i + 1], TO_ASSIGN))
			return ti_error(p->err, t->line, t->col, "keyword arguments are not supported");
		struct ti_node *arg = parse_expr(p);
		if (!arg || add_kid(p, call, arg) < 0)
			return -1;
		if (!is_op(peek(p), TO_COMMA))
			break;
		take(p);
	}
	return expect_op(p, TO_RPAREN, "',' or ')'");
}

static struct ti_node *parse_call(struct parser *p, struct ti_node *callee)
{
	const struct ti_token *open = take(p);
	if (callee->kind != TI_N_NAME) {
		ti_error(p->err, open->line, open->col, "only built-in functions can be called");
		ti_node_free(callee);
		return NULL;
	}
	struct ti_node *call = callee;
	call->kind = TI_N_CALL;
	if (enter(p, open) < 0 || parse_args(p, call) < 0) {
		ti_node_free(call);
		return NULL;
	}
	p->nest--;
	return call;
}

/* An atom and its calls: f(x). Indexing and attributes are refused here. */
static struct ti_node *parse_primary(struct parser *p)
{
	struct ti_node *n = parse_atom(p);
	while (n) {
		const struct ti_token *t = peek(p);
		if (is_op(t, TO_LPAREN)) {
			n = parse_call(p, n);
			continue;
		}
		if (is_op(t, TO_DOT) || is_op(t, TO_LBRACKET)) {
			ti_error(p->err, t->line, t->col, "%s not supported in %%{ }%% code",
				 is_op(t, TO_DOT) ? "attributes ('.') are" : "indexing ('[') is");
			ti_node_free(n);
			return NULL;
		}
		break;
	}
	return n;
}

static struct ti_node *parse_factor(struct parser *p);

/* x ** y binds tighter than a unary minus on its left: -2 ** 2 == -4. */
static struct ti_node *parse_power(struct parser *p)
{
	struct ti_node *base = parse_primary(p);
	if (!base || !is_op(peek(p), TO_POW))
		return base;
	const struct ti_token *op = take(p);
	if (enter(p, op) < 0) { /* 2 ** 2 ** ... recurses */
		ti_node_free(base);
		return NULL;
	}
	struct ti_node *exp = parse_factor(p);
	p->nest--;
	if (!exp) {
		ti_node_free(base);
		return NULL;
	}
	return node2(p, TI_N_BINARY, op, base, exp);
}

static struct ti_node *parse_factor(struct parser *p)
{
	const struct ti_token *t = peek(p);
	if (!is_op(t, TO_MINUS) && !is_op(t, TO_PLUS) && !is_op(t, TO_TILDE))
		return parse_power(p);
	take(p);
	if (enter(p, t) < 0)
		return NULL;
	struct ti_node *a = parse_factor(p);
	p->nest--;
	return a ? node2(p, TI_N_UNARY, t, a, NULL) : NULL;
}

/* The binary operator levels, loosest first: | ^ & shifts + - * / // %. */
static const int levels[][5] = {
	{TO_PIPE}, {TO_CARET}, {TO_AMP}, {TO_LSHIFT, TO_RSHIFT}, {TO_PLUS, TO_MINUS},
	{TO_STAR, TO_SLASH, TO_DSLASH, TO_PERCENT, TO_AT},
};
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

static bool at_level(const struct ti_token *t, size_t level)
{
	for (size_t k = 0; k < 5 && levels[level][k]; k++)
		if (is_op(t, levels[level][k]))
			return true;
	return false;
}

static struct ti_node *parse_binary(struct parser *p, size_t level)
{
	struct ti_node *left = level + 1 < NLEVELS ? parse_binary(p, level + 1) : parse_factor(p);
	while (left && at_level(peek(p), level)) {
		const struct ti_token *op = take(p);
		if (op->op == TO_AT) {
			ti_error(p->err, op->line, op->col, "'@' (matrix multiplication) is not supported");
			ti_node_free(left);
			return NULL;
		}
		struct ti_node *right = level + 1 < NLEVELS ? parse_binary(p, level + 1) : parse_factor(p);
		if (!right) {
			ti_node_free(left);
			return NULL;
		}
		left = node2(p, TI_N_BINARY, op, left, right);
	}
	return left;
}

static bool is_compare_op(const struct ti_token *t)
{
	return t->kind == TT_OP && t->op >= TO_LT && t->op <= TO_NE;
}

/* 'in', 'is' and 'not in' are comparisons in Python, but not in tcpsh. */
static int refuse_membership(struct parser *p)
{
	const struct ti_token *t = peek(p);
	const struct ti_token *u = &p->t->v[p->i + (t->kind != TT_EOF)];
	if (is_word(p, t, "in") || is_word(p, t, "is") || (is_word(p, t, "not") && is_word(p, u, "in")))
		return ti_error(p->err, t->line, t->col, "'%.*s' comparisons are not supported in %%{ }%% code",
				(int)t->len, p->code + t->off);
	return 0;
}

/* a < b <= c: one node, so that b is evaluated once and the chain stops early. */
static struct ti_node *parse_comparison(struct parser *p)
{
	struct ti_node *first = parse_binary(p, 0);
	if (!first || refuse_membership(p) < 0) {
		ti_node_free(first);
		return NULL;
	}
	if (!is_compare_op(peek(p)))
		return first;
	struct ti_node *n = node_new(TI_N_COMPARE, peek(p));
	if (add_kid(p, n, first) < 0)
		goto fail;
	while (is_compare_op(peek(p))) {
		n->ops = xrealloc(n->ops, n->nkid * sizeof(*n->ops));
		n->ops[n->nkid - 1] = take(p)->op;
		struct ti_node *k = parse_binary(p, 0);
		if (!k || add_kid(p, n, k) < 0 || refuse_membership(p) < 0)
			goto fail;
	}
	return n;
fail:
	ti_node_free(n);
	return NULL;
}

static struct ti_node *parse_not(struct parser *p)
{
	const struct ti_token *t = peek(p);
	if (!is_word(p, t, "not"))
		return parse_comparison(p);
	take(p);
	if (enter(p, t) < 0)
		return NULL;
	struct ti_node *a = parse_not(p);
	p->nest--;
	return a ? node2(p, TI_N_NOT, t, a, NULL) : NULL;
}

/* One level of 'and' (operand parse_not) or 'or' (operand parse_and). */
static struct ti_node *parse_logic(struct parser *p, const char *word, enum ti_nkind kind,
				   struct ti_node *(*operand)(struct parser *))
{
	struct ti_node *left = operand(p);
	while (left && is_word(p, peek(p), word)) {
		const struct ti_token *op = take(p);
		struct ti_node *right = operand(p);
		if (!right) {
			ti_node_free(left);
			return NULL;
		}
		left = node2(p, kind, op, left, right);
	}
	return left;
}

static struct ti_node *parse_and(struct parser *p)
{
	return parse_logic(p, "and", TI_N_AND, parse_not);
}

static struct ti_node *parse_or(struct parser *p)
{
	return parse_logic(p, "or", TI_N_OR, parse_and);
}

/* x if cond else y */
static struct ti_node *parse_cond(struct parser *p, struct ti_node *body)
{
	const struct ti_token *t = take(p);
	struct ti_node *n = node2(p, TI_N_COND, t, body, NULL);
	struct ti_node *k;
	if (!n || !(k = parse_or(p)) || add_kid(p, n, k) < 0)
		goto fail;
	if (!is_word(p, peek(p), "else")) {
		expected(p, "'else' (a conditional expression is: x if condition else y)");
		goto fail;
	}
	take(p);
	if (enter(p, t) < 0 || !(k = parse_expr(p)) || add_kid(p, n, k) < 0) /* "else x if c else ..." recurses */
		goto fail;
	p->nest--;
	return n;
fail:
	ti_node_free(n);
	return NULL;
}

static struct ti_node *parse_expr(struct parser *p)
{
	struct ti_node *e = parse_or(p);
	if (e && is_word(p, peek(p), "if"))
		e = parse_cond(p, e);
	return e;
}

/* ---- statements ---- */

static int parse_stmt(struct parser *p, struct ti_node *suite);

/* After a simple statement: ';', the end of the line, or a mistake. */
static int statement_end(struct parser *p)
{
	const struct ti_token *t = peek(p);
	if (is_op(t, TO_SEMI) || t->kind == TT_NEWLINE || t->kind == TT_EOF)
		return 0;
	expected(p, "';' or the end of the line after the statement");
	if (is_op(t, TO_ASSIGN))
		ti_hint(p->err, "to compare, write '=='");
	else if (is_op(t, TO_COMMA))
		ti_hint(p->err, "only an assert takes a ', message'");
	return -1;
}

static struct ti_node *parse_assert(struct parser *p)
{
	const struct ti_token *kw = take(p);
	struct ti_node *n = node_new(TI_N_ASSERT, kw);
	const struct ti_token *first = peek(p);
	struct ti_node *k = parse_expr(p);
	if (!k || add_kid(p, n, k) < 0)
		goto fail;
	const struct ti_token *last = &p->t->v[p->i - 1];
	n->src_off = first->off;
	n->src_len = last->off + last->len - first->off;
	if (k->kind == TI_N_TUPLE && k->nkid > 0) {
		ti_error(p->err, first->line, first->col, "this assert tests a tuple, which is always true");
		ti_hint(p->err, "write 'assert test, message' without the parentheses");
		goto fail;
	}
	if (is_op(peek(p), TO_COMMA)) {
		take(p);
		if (!(k = parse_expr(p)) || add_kid(p, n, k) < 0)
			goto fail;
	}
	return n;
fail:
	ti_node_free(n);
	return NULL;
}

/* name = expr, or name op= expr. */
static struct ti_node *parse_assign(struct parser *p)
{
	const struct ti_token *name = take(p);
	const struct ti_token *op = take(p);
	if (is_keyword(p, name)) {
		ti_error(p->err, name->line, name->col, "cannot assign to %.*s", (int)name->len, p->code + name->off);
		return NULL;
	}
	struct ti_node *n = node_new(op->op == TO_ASSIGN ? TI_N_ASSIGN : TI_N_AUG, name);
	n->name = xstrndup(p->code + name->off, name->len);
	n->op = ti_aug_base(op->op);
	struct ti_node *k = parse_expr(p);
	if (!k || add_kid(p, n, k) < 0) {
		ti_node_free(n);
		return NULL;
	}
	return n;
}

static bool is_assign_op(const struct ti_token *t)
{
	return is_op(t, TO_ASSIGN) || (t->kind == TT_OP && ti_aug_base(t->op) != TO_NONE);
}

/* Python 2's "print x": say how Python 3 writes it. */
static int refuse_print_statement(struct parser *p, const struct ti_token *t)
{
	if (!is_word(p, t, "print"))
		return 0;
	const struct ti_token *u = &p->t->v[p->i + 1];
	if (u->kind == TT_NEWLINE || u->kind == TT_EOF || u->kind == TT_OP)
		return 0;
	ti_error(p->err, t->line, t->col, "print is a function here");
	ti_hint(p->err, "write print(...), with parentheses");
	return -1;
}

static struct ti_node *parse_small(struct parser *p)
{
	const struct ti_token *t = peek(p);
	if (is_word(p, t, "assert"))
		return parse_assert(p);
	if (is_word(p, t, "pass")) {
		take(p);
		return node_new(TI_N_PASS, t);
	}
	if (is_word(p, t, "elif") || is_word(p, t, "else")) {
		ti_error(p->err, t->line, t->col, "'%.*s' without an 'if' before it", (int)t->len, p->code + t->off);
		return NULL;
	}
	if (is_keyword(p, t) && !is_word(p, t, "not") && !is_word(p, t, "True") && !is_word(p, t, "False") &&
	    !is_word(p, t, "None")) {
		ti_error(p->err, t->line, t->col, "'%.*s' is not supported in %%{ }%% code", (int)t->len,
			 p->code + t->off);
		ti_hint(p->err, "tcpsh runs assert, print(), assignments and if/elif/else");
		return NULL;
	}
	if (t->kind == TT_NAME && is_assign_op(&p->t->v[p->i + 1]))
		return parse_assign(p);
	if (refuse_print_statement(p, t) < 0)
		return NULL;
	struct ti_node *e = parse_expr(p);
	return e ? node2(p, TI_N_EXPR, t, e, NULL) : NULL;
}

/* small (';' small)* [';'] NEWLINE, each appended to suite. */
static int parse_simple_line(struct parser *p, struct ti_node *suite)
{
	for (;;) {
		struct ti_node *s = parse_small(p);
		if (!s || add_kid(p, suite, s) < 0 || statement_end(p) < 0)
			return -1;
		if (!is_op(peek(p), TO_SEMI))
			break;
		take(p);
		if (peek(p)->kind == TT_NEWLINE || peek(p)->kind == TT_EOF)
			break;
	}
	if (peek(p)->kind == TT_NEWLINE)
		take(p);
	return 0;
}

/* After "if cond:": the rest of the line, or an indented block. */
static struct ti_node *parse_suite(struct parser *p, const struct ti_token *at)
{
	struct ti_node *suite = node_new(TI_N_SUITE, at);
	if (enter(p, at) < 0)
		goto fail;
	if (peek(p)->kind != TT_NEWLINE) {
		if (parse_simple_line(p, suite) < 0)
			goto fail;
	} else {
		take(p);
		if (peek(p)->kind != TT_INDENT) {
			expected(p, "an indented line after ':'");
			goto fail;
		}
		take(p);
		while (peek(p)->kind != TT_DEDENT && peek(p)->kind != TT_EOF)
			if (parse_stmt(p, suite) < 0)
				goto fail;
		take(p);
	}
	p->nest--;
	return suite;
fail:
	ti_node_free(suite);
	return NULL;
}

/* One "cond: suite" of an if or elif, appended to n. */
static int parse_branch(struct parser *p, struct ti_node *n, bool has_cond)
{
	const struct ti_token *kw = take(p);
	struct ti_node *k;
	if (has_cond && (!(k = parse_expr(p)) || add_kid(p, n, k) < 0))
		return -1;
	if (expect_op(p, TO_COLON, has_cond ? "':' after the condition" : "':' after 'else'") < 0)
		return -1;
	k = parse_suite(p, kw);
	return k ? add_kid(p, n, k) : -1;
}

static int parse_if(struct parser *p, struct ti_node *suite)
{
	struct ti_node *n = node_new(TI_N_IF, peek(p));
	int rc = parse_branch(p, n, true);
	while (rc == 0 && is_word(p, peek(p), "elif"))
		rc = parse_branch(p, n, true);
	if (rc == 0 && is_word(p, peek(p), "else"))
		rc = parse_branch(p, n, false);
	if (rc < 0) {
		ti_node_free(n);
		return -1;
	}
	return add_kid(p, suite, n);
}

static int parse_stmt(struct parser *p, struct ti_node *suite)
{
	const struct ti_token *t = peek(p);
	if (t->kind == TT_INDENT) {
		ti_error(p->err, t->line, t->col, "unexpected indentation");
		ti_hint(p->err, "only the lines under an 'if ...:' are indented");
		return -1;
	}
	if (is_word(p, t, "if"))
		return parse_if(p, suite);
	return parse_simple_line(p, suite);
}

int ti_parse(const char *code, const struct ti_toks *toks, struct ti_node **out, struct syn_error *err)
{
	struct parser p = {code, toks, 0, 0, err};
	struct ti_node *suite = node_new(TI_N_SUITE, &toks->v[0]);
	while (peek(&p)->kind != TT_EOF)
		if (parse_stmt(&p, suite) < 0) {
			ti_node_free(suite);
			return -1;
		}
	*out = suite;
	return 0;
}
