/*
 * tcpinfo_builtin: the built-in functions a %{ }% block may call, one
 * table row and one short function each, with Python's behaviour and
 * Python's error messages: print abs bool float hex int len max min repr
 * round str. Keyword arguments (print's sep=, end=) are not supported.
 */
#include "tcpinfo_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct call {
	const struct ti_value *a; /* the arguments */
	size_t n;
	struct sb *out;           /* print()'s output */
	struct ti_value *r;
	struct sb *msg;
};

static bool intlike(const struct ti_value *v)
{
	return v->kind == TI_V_INT || v->kind == TI_V_BOOL;
}

static int bad_type(struct call *c, const char *fn, const struct ti_value *v)
{
	sb_addf(c->msg, "bad operand type for %s(): '%s'", fn, ti_type_name(v));
	return -1;
}

static int fn_print(struct call *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			sb_addc(c->out, ' ');
		ti_value_str(&c->a[i], c->out);
	}
	sb_addc(c->out, '\n');
	return 0;
}

static int fn_abs(struct call *c)
{
	const struct ti_value *v = &c->a[0];
	if (v->kind == TI_V_FLOAT) {
		*c->r = ti_float_value(ti_fabs(v->f));
		return 0;
	}
	if (!intlike(v))
		return bad_type(c, "abs", v);
	if (v->i == TI_INT_MIN) {
		sb_add(c->msg, "integer overflow: the result does not fit in 128 bits");
		return -1;
	}
	*c->r = ti_int_value(v->i < 0 ? -v->i : v->i);
	return 0;
}

/* min() and max(): of the arguments, or of the items of one tuple. */
static int extreme(struct call *c, const char *fn, int want)
{
	const struct ti_value *v = c->a;
	size_t n = c->n;
	if (n == 1) {
		if (c->a[0].kind != TI_V_TUPLE) {
			sb_addf(c->msg, "'%s' object is not iterable", ti_type_name(&c->a[0]));
			return -1;
		}
		v = c->a[0].items;
		n = c->a[0].n;
		if (n == 0) {
			sb_addf(c->msg, "%s() arg is an empty sequence", fn);
			return -1;
		}
	}
	size_t best = 0;
	for (size_t i = 1; i < n; i++) {
		int order;
		if (ti_order(&v[i], &v[best], &order, c->msg) < 0)
			return -1;
		if (order == want)
			best = i;
	}
	ti_value_copy(c->r, &v[best]);
	return 0;
}

static int fn_min(struct call *c)
{
	return extreme(c, "min", -1);
}

static int fn_max(struct call *c)
{
	return extreme(c, "max", 1);
}

/* A float's integer part, if it has one that fits. */
static int float_to_int(struct call *c, double f, ti_int *i)
{
	if (isnan(f) || isinf(f)) {
		sb_addf(c->msg, "cannot convert float %s to integer", isnan(f) ? "NaN" : "infinity");
		return -1;
	}
	if (f >= TI_TWO_127 || f < -TI_TWO_127) {
		sb_add(c->msg, "integer overflow: the float is too large for a 128-bit integer");
		return -1;
	}
	*i = (ti_int)f;
	return 0;
}

/* int("42"): blanks, a sign, decimal digits with single '_' between them. */
static int parse_int_text(struct call *c, const struct ti_value *s, ti_int *out)
{
	const char *p = s->s, *end = s->s + s->len;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	bool neg = p < end && *p == '-';
	p += p < end && (*p == '-' || *p == '+');
	ti_int v = 0;
	bool ok = p < end, ovf = false;
	for (const char *q = p; q < end && ok; q++) {
		if (*q == '_' && q > p && q + 1 < end && q[-1] != '_')
			continue;
		ok = *q >= '0' && *q <= '9';
		ovf |= __builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, neg ? -(*q - '0') : *q - '0', &v);
	}
	if (!ok) {
		struct sb r = SB_INIT;
		ti_value_repr(s, &r);
		sb_addf(c->msg, "invalid literal for int() with base 10: %s", sb_str(&r));
		sb_free(&r);
		return -1;
	}
	if (ovf) {
		sb_add(c->msg, "integer overflow: the number does not fit in 128 bits");
		return -1;
	}
	*out = v;
	return 0;
}

static int fn_int(struct call *c)
{
	ti_int i = 0;
	if (c->n == 0) {
		*c->r = ti_int_value(0);
		return 0;
	}
	const struct ti_value *v = &c->a[0];
	if (intlike(v))
		i = v->i;
	else if (v->kind == TI_V_FLOAT && float_to_int(c, v->f, &i) < 0)
		return -1;
	else if (v->kind == TI_V_STR && parse_int_text(c, v, &i) < 0)
		return -1;
	else if (v->kind != TI_V_FLOAT && v->kind != TI_V_STR) {
		sb_addf(c->msg, "int() argument must be a string or a number, not '%s'", ti_type_name(v));
		return -1;
	}
	*c->r = ti_int_value(i);
	return 0;
}

static int fn_float(struct call *c)
{
	if (c->n == 0) {
		*c->r = ti_float_value(0);
		return 0;
	}
	const struct ti_value *v = &c->a[0];
	if (v->kind == TI_V_FLOAT || intlike(v)) {
		*c->r = ti_float_value(v->kind == TI_V_FLOAT ? v->f : (double)v->i);
		return 0;
	}
	if (v->kind == TI_V_STR) {
		char *end;
		errno = 0;
		double f = strtod(v->s, &end);
		while (*end && isspace((unsigned char)*end))
			end++;
		if (end != v->s && *end == '\0' && (size_t)(end - v->s) == v->len) {
			*c->r = ti_float_value(f);
			return 0;
		}
		struct sb r = SB_INIT;
		ti_value_repr(v, &r);
		sb_addf(c->msg, "could not convert string to float: %s", sb_str(&r));
		sb_free(&r);
		return -1;
	}
	sb_addf(c->msg, "float() argument must be a string or a number, not '%s'", ti_type_name(v));
	return -1;
}

static int fn_str(struct call *c)
{
	struct sb s = SB_INIT;
	if (c->n)
		ti_value_str(&c->a[0], &s);
	*c->r = ti_str_value(sb_str(&s), s.len);
	sb_free(&s);
	return 0;
}

static int fn_repr(struct call *c)
{
	struct sb s = SB_INIT;
	ti_value_repr(&c->a[0], &s);
	*c->r = ti_str_value(sb_str(&s), s.len);
	sb_free(&s);
	return 0;
}

static int fn_bool(struct call *c)
{
	*c->r = ti_bool_value(c->n && ti_truth(&c->a[0]));
	return 0;
}

static int fn_hex(struct call *c)
{
	const struct ti_value *v = &c->a[0];
	if (!intlike(v)) {
		sb_addf(c->msg, "'%s' object cannot be interpreted as an integer", ti_type_name(v));
		return -1;
	}
	struct sb s = SB_INIT, digits = SB_INIT;
	ti_int_str(v->i, 16, false, &digits);
	sb_add(&s, v->i < 0 ? "-0x" : "0x");
	sb_add(&s, sb_str(&digits) + (v->i < 0));
	*c->r = ti_str_value(sb_str(&s), s.len);
	sb_free(&s);
	sb_free(&digits);
	return 0;
}

static int fn_len(struct call *c)
{
	const struct ti_value *v = &c->a[0];
	if (v->kind != TI_V_STR && v->kind != TI_V_TUPLE) {
		sb_addf(c->msg, "object of type '%s' has no len()", ti_type_name(v));
		return -1;
	}
	*c->r = ti_int_value((ti_int)(v->kind == TI_V_STR ? v->len : v->n));
	return 0;
}

/* round(x): to the nearest int, halves to even as Python 3 does.
 * round(x, n): a float with n decimals (n >= 0). */
static int fn_round(struct call *c)
{
	const struct ti_value *v = &c->a[0];
	if (c->n == 2 && (!intlike(&c->a[1]) || c->a[1].i < 0 || c->a[1].i > 300)) {
		sb_add(c->msg, "round()'s second argument must be an int from 0 to 300 in tcpsh");
		return -1;
	}
	if (intlike(v)) {
		*c->r = ti_int_value(v->i);
		return 0;
	}
	if (v->kind != TI_V_FLOAT)
		return bad_type(c, "round", v);
	if (c->n == 1) {
		ti_int i;
		if (float_to_int(c, ti_rint(v->f), &i) < 0)
			return -1;
		*c->r = ti_int_value(i);
		return 0;
	}
	struct sb t = SB_INIT;
	sb_addf(&t, "%.*f", (int)c->a[1].i, v->f);
	*c->r = ti_float_value(isfinite(v->f) ? strtod(sb_str(&t), NULL) : v->f);
	sb_free(&t);
	return 0;
}

static const struct builtin {
	const char *name;
	size_t min, max; /* argument counts; max SIZE_MAX: any */
	int (*fn)(struct call *c);
} builtins[] = {
	{"print", 0, SIZE_MAX, fn_print},
	{"abs", 1, 1, fn_abs},
	{"bool", 0, 1, fn_bool},
	{"float", 0, 1, fn_float},
	{"hex", 1, 1, fn_hex},
	{"int", 0, 1, fn_int},
	{"len", 1, 1, fn_len},
	{"max", 1, SIZE_MAX, fn_max},
	{"min", 1, SIZE_MAX, fn_min},
	{"repr", 1, 1, fn_repr},
	{"round", 1, 2, fn_round},
	{"str", 0, 1, fn_str},
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static const struct builtin *find(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

const char *ti_builtin_name_at(size_t i)
{
	return i < NBUILTINS ? builtins[i].name : NULL;
}

bool ti_is_builtin(const char *name)
{
	return find(name) != NULL;
}

static void arity_error(const struct builtin *b, size_t n, struct sb *msg)
{
	if (b->min == b->max)
		sb_addf(msg, "%s() takes exactly %zu argument%s (%zu given)", b->name, b->min,
			b->min == 1 ? "" : "s", n);
	else if (n < b->min)
		sb_addf(msg, "%s() takes at least %zu argument%s (%zu given)", b->name, b->min,
			b->min == 1 ? "" : "s", n);
	else
		sb_addf(msg, "%s() takes at most %zu arguments (%zu given)", b->name, b->max, n);
}

int ti_call(const char *name, const struct ti_value *args, size_t n, struct sb *out, struct ti_value *r,
	    struct sb *msg)
{
	const struct builtin *b = find(name);
	if (n < b->min || n > b->max) {
		arity_error(b, n, msg);
		return -1;
	}
	struct call c = {args, n, out, r, msg};
	memset(r, 0, sizeof(*r));
	return b->fn(&c);
}
