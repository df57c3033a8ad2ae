/*
 * tcpinfo_eval: runs the syntax tree of a %{ }% block against a tcp_info:
 * statements, names (variables, then tcpi_* fields, then constants), calls;
 * and the public API of tcpinfo.h. Errors point at the node that caused
 * them. Not the operators themselves (tcpinfo_ops.c).
 */
#include "tcpinfo.h"
#include "tcpinfo_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_VARS 4096      /* distinct variable names in one script */
#define MAX_SHOWN_NAMES 8  /* names whose values a failed bare assert lists */

struct ti_var {
	char *name;
	struct ti_value v;
};

struct tcpinfo_env {
	struct ti_var *vars;
	size_t n, cap;
};

/* What one evaluation needs at hand. */
struct ctx {
	struct tcpinfo_env *env;
	const char *code;
	const void *ti;
	size_t ti_len;
	struct sb *out;
	size_t out_start; /* out->len before the block: its output is bounded */
	struct syn_error *err;
};

/* ---- variables ---- */

struct tcpinfo_env *tcpinfo_env_new(void)
{
	return xcalloc(1, sizeof(struct tcpinfo_env));
}

void tcpinfo_env_free(struct tcpinfo_env *env)
{
	if (!env)
		return;
	for (size_t i = 0; i < env->n; i++) {
		free(env->vars[i].name);
		ti_value_free(&env->vars[i].v);
	}
	free(env->vars);
	free(env);
}

static struct ti_var *env_find(struct tcpinfo_env *env, const char *name)
{
	for (size_t i = 0; i < env->n; i++)
		if (strcmp(env->vars[i].name, name) == 0)
			return &env->vars[i];
	return NULL;
}

/* Stores v (taking it over) under name. */
static int env_set(struct ctx *c, const struct ti_node *at, const char *name, struct ti_value *v)
{
	struct ti_var *var = env_find(c->env, name);
	if (var) {
		ti_value_free(&var->v);
		var->v = *v;
		return 0;
	}
	struct tcpinfo_env *env = c->env;
	if (env->n >= MAX_VARS) {
		ti_value_free(v);
		return ti_error(c->err, at->line, at->col, "too many variables (the limit is %d)", MAX_VARS);
	}
	if (env->n == env->cap) {
		env->cap = env->cap ? 2 * env->cap : 16;
		env->vars = xrealloc(env->vars, env->cap * sizeof(*env->vars));
	}
	env->vars[env->n].name = xstrdup(name);
	env->vars[env->n++].v = *v;
	return 0;
}

/* Each block sees fresh tcpi_* values and the true constants, as
 * packetdrill defines them again before each block: forget assignments. */
static void env_refresh(struct tcpinfo_env *env)
{
	size_t kept = 0;
	long long ignored;
	for (size_t i = 0; i < env->n; i++) {
		struct ti_var *var = &env->vars[i];
		if (ti_field_find(var->name) || ti_const_find(var->name, &ignored)) {
			free(var->name);
			ti_value_free(&var->v);
		} else {
			env->vars[kept++] = *var;
		}
	}
	env->n = kept;
}

/* ---- names ---- */

static int field_missing(struct ctx *c, const struct ti_node *at, const struct ti_field *f)
{
	ti_error(c->err, at->line, at->col, "%s is not available: the kernel returned %zu bytes of tcp_info, "
		 "and this field needs %zu", f->name, c->ti_len, f->off + f->size);
	ti_hint(c->err, "the running kernel is older than this field");
	return -1;
}

static int unknown_name(struct ctx *c, const char *name, const struct ti_node *at)
{
	const char **vars = xcalloc(c->env->n + 1, sizeof(*vars));
	for (size_t i = 0; i < c->env->n; i++)
		vars[i] = c->env->vars[i].name;
	const char *near = ti_suggest(name, vars, c->env->n);
	ti_error(c->err, at->line, at->col, "name '%s' is not defined", name);
	if (near)
		ti_hint(c->err, "did you mean %s?", near);
	free(vars);
	return -1;
}

/* The value of name; errors point at node at. */
static int lookup(struct ctx *c, const char *name, const struct ti_node *at, struct ti_value *r)
{
	const struct ti_var *var = env_find(c->env, name);
	if (var) {
		ti_value_copy(r, &var->v);
		return 0;
	}
	const struct ti_field *f = ti_field_find(name);
	if (f) {
		uint64_t u;
		if (!ti_field_read(f, c->ti, c->ti_len, &u))
			return field_missing(c, at, f);
		*r = ti_int_value((ti_int)u);
		return 0;
	}
	long long k;
	if (ti_const_find(name, &k)) {
		*r = ti_int_value(k);
		return 0;
	}
	if (ti_is_builtin(name)) {
		ti_error(c->err, at->line, at->col, "%s is a function: call it, as in %s(...)", name, name);
		return -1;
	}
	return unknown_name(c, name, at);
}

/* ---- expressions ---- */

static int eval(struct ctx *c, const struct ti_node *n, struct ti_value *r);

/* An error from tcpinfo_ops/value/builtin (msg) at node n. */
static int op_error(struct ctx *c, const struct ti_node *n, struct sb *msg)
{
	ti_error(c->err, n->line, n->col, "%s", sb_str(msg));
	sb_free(msg);
	return -1;
}

static int eval_binary(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	struct ti_value a = {0}, b = {0};
	struct sb msg = SB_INIT;
	int rc = eval(c, n->kid[0], &a);
	if (rc == 0)
		rc = eval(c, n->kid[1], &b);
	if (rc == 0 && ti_binop(n->op, &a, &b, r, &msg) < 0)
		rc = op_error(c, n, &msg);
	ti_value_free(&a);
	ti_value_free(&b);
	return rc;
}

static int eval_unary(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	struct ti_value a = {0};
	struct sb msg = SB_INIT;
	int rc = eval(c, n->kid[0], &a);
	if (rc == 0 && ti_unop(n->op, &a, r, &msg) < 0)
		rc = op_error(c, n, &msg);
	ti_value_free(&a);
	return rc;
}

static int eval_not(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	struct ti_value a = {0};
	if (eval(c, n->kid[0], &a) < 0)
		return -1;
	*r = ti_bool_value(!ti_truth(&a));
	ti_value_free(&a);
	return 0;
}

/* 'and' and 'or' give one of their operands, as in Python (x or 5). */
static int eval_logic(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	if (eval(c, n->kid[0], r) < 0)
		return -1;
	if (ti_truth(r) == (n->kind == TI_N_OR))
		return 0;
	ti_value_free(r);
	return eval(c, n->kid[1], r);
}

/* a < b < c: each operand once, stopping at the first false link. */
static int eval_compare(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	struct ti_value left = {0}, right = {0};
	struct sb msg = SB_INIT;
	bool holds = true;
	if (eval(c, n->kid[0], &left) < 0)
		return -1;
	for (size_t i = 1; i < n->nkid && holds; i++) {
		int rc = eval(c, n->kid[i], &right);
		if (rc == 0 && ti_compare(n->ops[i - 1], &left, &right, &holds, &msg) < 0)
			rc = op_error(c, n, &msg);
		ti_value_free(&left);
		left = right;
		memset(&right, 0, sizeof(right));
		if (rc < 0) {
			ti_value_free(&left);
			return -1;
		}
	}
	ti_value_free(&left);
	*r = ti_bool_value(holds);
	return 0;
}

static int eval_cond(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	struct ti_value cond = {0};
	if (eval(c, n->kid[1], &cond) < 0)
		return -1;
	bool yes = ti_truth(&cond);
	ti_value_free(&cond);
	return eval(c, n->kid[yes ? 0 : 2], r);
}

/* The kids of n evaluated into a new array (freed with free_values). */
static int eval_list(struct ctx *c, const struct ti_node *n, struct ti_value **out)
{
	*out = xcalloc(n->nkid ? n->nkid : 1, sizeof(**out));
	for (size_t i = 0; i < n->nkid; i++)
		if (eval(c, n->kid[i], &(*out)[i]) < 0)
			return -1;
	return 0;
}

static void free_values(struct ti_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ti_value_free(&v[i]);
	free(v);
}

static int eval_tuple(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	struct ti_value *items;
	if (eval_list(c, n, &items) < 0) {
		free_values(items, n->nkid);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->kind = TI_V_TUPLE;
	r->items = items;
	r->n = n->nkid;
	if (!r->n) {
		free(items);
		r->items = NULL;
	}
	return 0;
}

static int eval_call(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	if (env_find(c->env, n->name) || ti_field_find(n->name) || !ti_is_builtin(n->name)) {
		struct ti_value ignored = {0};
		if (lookup(c, n->name, n, &ignored) < 0)
			return -1; /* unknown: the name error says more than "not callable" */
		ti_error(c->err, n->line, n->col, "%s is not a function", n->name);
		ti_value_free(&ignored);
		return -1;
	}
	struct ti_value *args;
	struct sb msg = SB_INIT;
	int rc = eval_list(c, n, &args);
	if (rc == 0 && ti_call(n->name, args, n->nkid, c->out, r, &msg) < 0)
		rc = op_error(c, n, &msg);
	free_values(args, n->nkid);
	if (rc == 0 && c->out->len - c->out_start > TI_MAX_OUT) {
		sb_truncate(c->out, c->out_start + TI_MAX_OUT);
		return ti_error(c->err, n->line, n->col, "too much output (tcpsh allows %d bytes per block)", TI_MAX_OUT);
	}
	return rc;
}

static int eval(struct ctx *c, const struct ti_node *n, struct ti_value *r)
{
	memset(r, 0, sizeof(*r));
	switch (n->kind) {
	case TI_N_CONST:
		ti_value_copy(r, &n->lit);
		return 0;
	case TI_N_NAME: return lookup(c, n->name, n, r);
	case TI_N_UNARY: return eval_unary(c, n, r);
	case TI_N_NOT: return eval_not(c, n, r);
	case TI_N_BINARY: return eval_binary(c, n, r);
	case TI_N_AND:
	case TI_N_OR: return eval_logic(c, n, r);
	case TI_N_COMPARE: return eval_compare(c, n, r);
	case TI_N_COND: return eval_cond(c, n, r);
	case TI_N_CALL: return eval_call(c, n, r);
	case TI_N_TUPLE: return eval_tuple(c, n, r);
	default:
		return ti_error(c->err, n->line, n->col, "internal error: a statement where an expression belongs");
	}
}

/* ---- assert ---- */

/* The test's source, on one line: comments dropped, blanks and
 * backslash-newlines squeezed to one space. Quotes are kept verbatim. */
static void assert_text(const char *s, size_t len, struct sb *out)
{
	char quote = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (quote) {
			sb_addc(out, ch);
			if (ch == '\\' && i + 1 < len)
				sb_addc(out, s[++i]);
			else if (ch == quote)
				quote = 0;
		} else if (ch == '#') {
			while (i + 1 < len && s[i + 1] != '\n')
				i++;
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\\') {
			if (out->len && out->buf[out->len - 1] != ' ')
				sb_addc(out, ' ');
		} else {
			if (ch == '\'' || ch == '"')
				quote = ch;
			sb_addc(out, ch);
		}
	}
	while (out->len && out->buf[out->len - 1] == ' ')
		sb_truncate(out, out->len - 1);
}

/* The variables and fields a test reads, once each, in order. */
static void collect_names(const struct ti_node *n, const char **names, size_t *count)
{
	long long ignored;
	if (n->kind == TI_N_NAME && !ti_const_find(n->name, &ignored)) {
		for (size_t i = 0; i < *count; i++)
			if (strcmp(names[i], n->name) == 0)
				return;
		if (*count < MAX_SHOWN_NAMES)
			names[(*count)++] = n->name;
		return;
	}
	for (size_t i = 0; i < n->nkid; i++)
		collect_names(n->kid[i], names, count);
}

/* " (name = value, ...)" for an assert without a message. */
static void show_names(const struct ctx *c, const struct ti_node *test, struct sb *line)
{
	const char *names[MAX_SHOWN_NAMES];
	size_t count = 0, shown = 0;
	collect_names(test, names, &count);
	for (size_t i = 0; i < count; i++) {
		struct ti_value v = {0};
		struct syn_error quiet;
		syntax_error_init(&quiet);
		struct ctx q = *c;
		q.err = &quiet;
		if (lookup(&q, names[i], test, &v) == 0) {
			sb_add(line, shown++ ? ", " : " (");
			sb_addf(line, "%s = ", names[i]);
			ti_value_repr(&v, line);
		}
		ti_value_free(&v);
		syntax_error_free(&quiet);
	}
	if (shown)
		sb_addc(line, ')');
}

static int assert_failed(struct ctx *c, const struct ti_node *n)
{
	struct sb line = SB_INIT;
	sb_add(&line, "assert ");
	assert_text(c->code + n->src_off, n->src_len, &line);
	sb_add(&line, " failed");
	if (n->nkid > 1) {
		struct ti_value msg = {0};
		if (eval(c, n->kid[1], &msg) < 0) {
			sb_free(&line);
			return -1;
		}
		sb_add(&line, ": ");
		ti_value_str(&msg, &line);
		ti_value_free(&msg);
	} else {
		show_names(c, n->kid[0], &line);
	}
	ti_error(c->err, n->line, n->col, "%s", sb_str(&line));
	sb_addn(c->out, line.buf, line.len);
	sb_addc(c->out, '\n');
	sb_free(&line);
	return 1;
}

static int exec_assert(struct ctx *c, const struct ti_node *n)
{
	struct ti_value test = {0};
	if (eval(c, n->kid[0], &test) < 0)
		return -1;
	bool holds = ti_truth(&test);
	ti_value_free(&test);
	return holds ? 0 : assert_failed(c, n);
}

/* ---- statements ---- */

static int exec(struct ctx *c, const struct ti_node *n);

static int exec_assign(struct ctx *c, const struct ti_node *n)
{
	struct ti_value v = {0};
	if (eval(c, n->kid[0], &v) < 0)
		return -1;
	return env_set(c, n, n->name, &v);
}

/* x op= e reads x like any name (so a tcpi_* field or a constant too). */
static int exec_aug(struct ctx *c, const struct ti_node *n)
{
	struct ti_value old = {0}, rhs = {0}, v = {0};
	struct sb msg = SB_INIT;
	int rc = lookup(c, n->name, n, &old);
	if (rc == 0)
		rc = eval(c, n->kid[0], &rhs);
	if (rc == 0 && ti_binop(n->op, &old, &rhs, &v, &msg) < 0)
		rc = op_error(c, n, &msg);
	ti_value_free(&old);
	ti_value_free(&rhs);
	if (rc == 0)
		return env_set(c, n, n->name, &v);
	ti_value_free(&v);
	return rc;
}

static int exec_if(struct ctx *c, const struct ti_node *n)
{
	size_t i = 0;
	for (; i + 1 < n->nkid; i += 2) {
		struct ti_value cond = {0};
		if (eval(c, n->kid[i], &cond) < 0)
			return -1;
		bool yes = ti_truth(&cond);
		ti_value_free(&cond);
		if (yes)
			return exec(c, n->kid[i + 1]);
	}
	return i < n->nkid ? exec(c, n->kid[i]) : 0; /* the else suite */
}

static int exec(struct ctx *c, const struct ti_node *n)
{
	struct ti_value ignored = {0};
	int rc;
	switch (n->kind) {
	case TI_N_SUITE:
		for (size_t i = 0; i < n->nkid; i++)
			if ((rc = exec(c, n->kid[i])) != 0)
				return rc;
		return 0;
	case TI_N_EXPR:
		rc = eval(c, n->kid[0], &ignored);
		ti_value_free(&ignored);
		return rc;
	case TI_N_ASSIGN: return exec_assign(c, n);
	case TI_N_AUG: return exec_aug(c, n);
	case TI_N_ASSERT: return exec_assert(c, n);
	case TI_N_IF: return exec_if(c, n);
	default: return 0; /* pass */
	}
}

int tcpinfo_check(const char *code, size_t len, struct syn_error *err)
{
	struct ti_toks toks;
	struct ti_node *tree = NULL;
	int rc = ti_lex(code, len, &toks, err) < 0 || ti_parse(code, &toks, &tree, err) < 0 ? -1 : 0;
	ti_toks_free(&toks);
	if (rc == 0)
		ti_node_free(tree);
	return rc;
}

int tcpinfo_eval(struct tcpinfo_env *env, const char *code, size_t len, const struct tcp_info *ti,
		 size_t ti_len, struct sb *out, struct syn_error *err)
{
	struct ti_toks toks;
	struct ti_node *tree;
	if (ti_lex(code, len, &toks, err) < 0 || ti_parse(code, &toks, &tree, err) < 0) {
		ti_toks_free(&toks);
		return -1;
	}
	ti_toks_free(&toks);
	env_refresh(env);
	struct ctx c = {env, code, ti, ti ? ti_len : 0, out, out->len, err};
	int rc = exec(&c, tree);
	ti_node_free(tree);
	return rc;
}
