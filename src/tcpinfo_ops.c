/*
 * tcpinfo_ops: Python's operators on the values of a %{ }% block: + - * /
 * // % ** on ints and floats, bit operators and shifts on ints, + and * and
 * % on strings, and comparisons. Integers are 128-bit: where Python would
 * grow a number past that, the result is an "integer overflow" error, never
 * a silent wrap. Division by zero is an error, as in Python.
 *
 * tcpsh does not link the math library, so the few float functions needed
 * are here, exact where Python is exact (floor, rint, fmod); ** on floats
 * takes whole exponents only, and large ones may be off in the last digit.
 */
#include "tcpinfo_int.h"

#include <math.h>
#include <string.h>

static const struct {
	int op;
	const char *text;
} op_texts[] = {
	{TO_PLUS, "+"}, {TO_MINUS, "-"}, {TO_STAR, "*"}, {TO_SLASH, "/"}, {TO_DSLASH, "//"},
	{TO_PERCENT, "%"}, {TO_POW, "**"}, {TO_LSHIFT, "<<"}, {TO_RSHIFT, ">>"}, {TO_AMP, "&"},
	{TO_PIPE, "|"}, {TO_CARET, "^"}, {TO_TILDE, "~"}, {TO_LT, "<"}, {TO_GT, ">"}, {TO_LE, "<="},
	{TO_GE, ">="}, {TO_EQ, "=="}, {TO_NE, "!="}, {TO_ASSIGN, "="}, {TO_PLUS_EQ, "+="},
	{TO_MINUS_EQ, "-="}, {TO_STAR_EQ, "*="}, {TO_SLASH_EQ, "/="}, {TO_DSLASH_EQ, "//="},
	{TO_PERCENT_EQ, "%="}, {TO_POW_EQ, "**="}, {TO_LSHIFT_EQ, "<<="}, {TO_RSHIFT_EQ, ">>="},
	{TO_AMP_EQ, "&="}, {TO_PIPE_EQ, "|="}, {TO_CARET_EQ, "^="}, {TO_LPAREN, "("},
	{TO_RPAREN, ")"}, {TO_COMMA, ","}, {TO_COLON, ":"}, {TO_SEMI, ";"}, {TO_LBRACKET, "["},
	{TO_RBRACKET, "]"}, {TO_LBRACE, "{"}, {TO_RBRACE, "}"}, {TO_DOT, "."}, {TO_AT, "@"},
	{TO_ARROW, "->"}, {TO_WALRUS, ":="},
};

const char *ti_op_text(int op)
{
	for (size_t i = 0; i < sizeof(op_texts) / sizeof(op_texts[0]); i++)
		if (op_texts[i].op == op)
			return op_texts[i].text;
	return "?";
}

int ti_aug_base(int op)
{
	if (op < TO_PLUS_EQ || op > TO_CARET_EQ)
		return TO_NONE;
	static const int base[] = {TO_PLUS, TO_MINUS, TO_STAR, TO_SLASH, TO_DSLASH, TO_PERCENT,
				   TO_POW, TO_LSHIFT, TO_RSHIFT, TO_AMP, TO_PIPE, TO_CARET};
	return base[op - TO_PLUS_EQ];
}

/* ---- float helpers (no libm) ---- */

double ti_fabs(double x)
{
	return signbit(x) ? -x : x;
}

/* Doubles of magnitude 2^52 and above are whole already. */
double ti_floor(double x)
{
	if (!(ti_fabs(x) < 0x1p52))
		return x;
	double t = (double)(long long)x;
	return t > x ? t - 1 : t;
}

/* Nearest whole number, halves to even: adding and taking away 2^52 rounds
 * in the current (round-to-nearest-even) mode. */
double ti_rint(double x)
{
	if (!(ti_fabs(x) < 0x1p52))
		return x;
	double r = (ti_fabs(x) + 0x1p52) - 0x1p52;
	return signbit(x) ? -r : r;
}

/* C's fmod, exactly: subtract b scaled by powers of two. Each step takes
 * t from a with t <= a < 2t, which is exact (Sterbenz). b != 0. */
double ti_fmod(double a, double b)
{
	double x = ti_fabs(a), y = ti_fabs(b);
	if (isnan(a) || isnan(b) || isinf(a))
		return a - a + b - b; /* NaN */
	if (isinf(b) || x < y)
		return a;
	double t = y;
	while (t * 2 <= x)
		t *= 2;
	while (t >= y) {
		if (x >= t)
			x -= t;
		t /= 2;
	}
	return signbit(a) ? -x : x;
}

/* x ** n for a whole n, by squaring. Large n may differ from Python's
 * correctly rounded pow() in the last digit. A negative n whose positive
 * power overflows (2.0 ** -1074) goes through the reciprocal instead. */
static double powi(double x, ti_int n)
{
	bool neg = n < 0;
	unsigned __int128 m = neg ? -(unsigned __int128)n : (unsigned __int128)n;
	double acc = 1, base = x;
	for (; m; m >>= 1) {
		if (m & 1)
			acc *= base;
		if (m > 1)
			base *= base;
	}
	if (!neg)
		return acc;
	if (acc - acc == 0) /* finite */
		return 1 / acc;
	return powi(1 / x, -n);
}

static bool is_intlike(const struct ti_value *v)
{
	return v->kind == TI_V_INT || v->kind == TI_V_BOOL;
}

static bool is_number(const struct ti_value *v)
{
	return is_intlike(v) || v->kind == TI_V_FLOAT;
}

static double as_double(const struct ti_value *v)
{
	return v->kind == TI_V_FLOAT ? v->f : (double)v->i;
}

static int type_error(int op, const struct ti_value *a, const struct ti_value *b, struct sb *msg)
{
	sb_addf(msg, "unsupported operand type(s) for %s: '%s' and '%s'", ti_op_text(op), ti_type_name(a),
		ti_type_name(b));
	return -1;
}

static int overflow(struct sb *msg)
{
	sb_add(msg, "integer overflow: the result does not fit in 128 bits");
	return -1;
}

/* ---- integers ---- */

static int int_pow(ti_int a, ti_int b, struct ti_value *r, struct sb *msg)
{
	if (b < 0) {
		if (a == 0) {
			sb_add(msg, "division by zero: 0 cannot be raised to a negative power");
			return -1;
		}
		*r = ti_float_value(powi((double)a, b));
		return 0;
	}
	ti_int acc = 1, base = a;
	while (b) {
		if ((b & 1) && __builtin_mul_overflow(acc, base, &acc))
			return overflow(msg);
		b >>= 1;
		if (b && __builtin_mul_overflow(base, base, &base))
			return overflow(msg);
	}
	*r = ti_int_value(acc);
	return 0;
}

static int int_shift(int op, ti_int a, ti_int b, ti_int *r, struct sb *msg)
{
	if (b < 0) {
		sb_add(msg, "negative shift count");
		return -1;
	}
	if (op == TO_RSHIFT) {
		*r = b >= 127 ? (a < 0 ? -1 : 0) : a >> b;
		return 0;
	}
	if (a == 0) {
		*r = 0;
		return 0;
	}
	if (b >= 128)
		return overflow(msg);
	*r = (ti_int)((unsigned __int128)a << b); /* shifting back tells whether bits were lost */
	if (*r >> b != a)
		return overflow(msg);
	return 0;
}

/* Floor division and modulo with Python's signs: the remainder takes the
 * divisor's sign. The C operators truncate, hence the adjustment. */
static int int_divmod(int op, ti_int a, ti_int b, ti_int *r, struct sb *msg)
{
	if (b == 0) {
		sb_add(msg, "integer division or modulo by zero");
		return -1;
	}
	if (b == -1) { /* TI_INT_MIN / -1 would trap */
		if (op == TO_PERCENT) {
			*r = 0;
			return 0;
		}
		if (a == TI_INT_MIN)
			return overflow(msg);
	}
	ti_int q = a / b, m = a % b;
	if (m != 0 && ((m < 0) != (b < 0))) {
		q--;
		m += b;
	}
	*r = op == TO_PERCENT ? m : q;
	return 0;
}

static int int_binop(int op, ti_int a, ti_int b, struct ti_value *r, struct sb *msg)
{
	ti_int x = 0;
	bool ovf = false;
	switch (op) {
	case TO_PLUS: ovf = __builtin_add_overflow(a, b, &x); break;
	case TO_MINUS: ovf = __builtin_sub_overflow(a, b, &x); break;
	case TO_STAR: ovf = __builtin_mul_overflow(a, b, &x); break;
	case TO_AMP: x = a & b; break;
	case TO_PIPE: x = a | b; break;
	case TO_CARET: x = a ^ b; break;
	case TO_POW: return int_pow(a, b, r, msg);
	case TO_SLASH:
		if (b == 0) {
			sb_add(msg, "division by zero");
			return -1;
		}
		*r = ti_float_value((double)a / (double)b);
		return 0;
	case TO_DSLASH:
	case TO_PERCENT:
		if (int_divmod(op, a, b, &x, msg) < 0)
			return -1;
		break;
	default:
		if (int_shift(op, a, b, &x, msg) < 0)
			return -1;
		break;
	}
	if (ovf)
		return overflow(msg);
	*r = ti_int_value(x);
	return 0;
}

/* ---- floats ---- */

/* Python's float floor division and modulo (Objects/floatobject.c's divmod). */
static void float_divmod(double a, double b, double *div, double *mod)
{
	double m = ti_fmod(a, b);
	double d = (a - m) / b;
	if (m != 0) {
		if ((b < 0) != (m < 0)) {
			m += b;
			d -= 1.0;
		}
	} else {
		m = signbit(b) ? -0.0 : 0.0;
	}
	if (d != 0) {
		double fd = ti_floor(d);
		if (d - fd > 0.5)
			fd += 1.0;
		d = fd;
	} else {
		d = signbit(a / b) ? -0.0 : 0.0;
	}
	*div = d;
	*mod = m;
}

static int float_pow(double a, double b, double *r, struct sb *msg)
{
	if (a == 0 && b < 0) {
		sb_add(msg, "division by zero: 0.0 cannot be raised to a negative power");
		return -1;
	}
	if (b != ti_floor(b) || !(ti_fabs(b) < 0x1p100)) {
		sb_add(msg, "'**' takes a whole exponent in %{ }% code (no fractional or huge powers)");
		return -1;
	}
	*r = powi(a, (ti_int)b);
	if (isinf(*r) && isfinite(a)) {
		sb_add(msg, "float overflow: the result of ** is too large");
		return -1;
	}
	return 0;
}

static int float_binop(int op, double a, double b, struct ti_value *r, struct sb *msg)
{
	double x = 0, div, mod;
	switch (op) {
	case TO_PLUS: x = a + b; break;
	case TO_MINUS: x = a - b; break;
	case TO_STAR: x = a * b; break;
	case TO_POW:
		if (float_pow(a, b, &x, msg) < 0)
			return -1;
		break;
	default: /* / // % */
		if (b == 0) {
			sb_addf(msg, "division by zero (float %s)", op == TO_SLASH ? "division" :
				op == TO_DSLASH ? "floor division" : "modulo");
			return -1;
		}
		float_divmod(a, b, &div, &mod);
		x = op == TO_SLASH ? a / b : op == TO_DSLASH ? div : mod;
		break;
	}
	*r = ti_float_value(x);
	return 0;
}

/* ---- strings ---- */

static int str_concat(const struct ti_value *a, const struct ti_value *b, struct ti_value *r,
		      struct sb *msg)
{
	if (a->len + b->len > TI_MAX_STR) {
		sb_addf(msg, "string too long (tcpsh allows %d bytes)", TI_MAX_STR);
		return -1;
	}
	struct sb s = SB_INIT;
	sb_addn(&s, a->s, a->len);
	sb_addn(&s, b->s, b->len);
	r->kind = TI_V_STR;
	r->len = s.len;
	r->s = sb_detach(&s); /* its buffer, or "" when nothing was added */
	return 0;
}

static int str_repeat(const struct ti_value *s, ti_int times, struct ti_value *r, struct sb *msg)
{
	if (times <= 0 || s->len == 0) {
		*r = ti_str_value("", 0);
		return 0;
	}
	if (times > TI_MAX_STR || (size_t)times * s->len > TI_MAX_STR) {
		sb_addf(msg, "string too long (tcpsh allows %d bytes)", TI_MAX_STR);
		return -1;
	}
	size_t total = (size_t)times * s->len;
	struct sb out = SB_INIT;
	sb_grow(&out, total);
	sb_addn(&out, s->s, s->len);
	/* Doubling: a few large copies, not times small ones. The copies read
	 * out.buf itself, which cannot move: room for total was made above. */
	while (out.len < total) {
		size_t n = out.len < total - out.len ? out.len : total - out.len;
		sb_addn(&out, out.buf, n);
	}
	r->kind = TI_V_STR;
	r->len = out.len;
	r->s = sb_detach(&out);
	return 0;
}

static int str_format(const struct ti_value *a, const struct ti_value *b, struct ti_value *r,
		      struct sb *msg)
{
	struct sb out = SB_INIT;
	if (ti_format(a->s, a->len, b, &out, msg) < 0) {
		sb_free(&out);
		return -1;
	}
	r->kind = TI_V_STR;
	r->len = out.len;
	r->s = sb_detach(&out); /* its buffer, or "" when nothing was added */
	return 0;
}

static int str_binop(int op, const struct ti_value *a, const struct ti_value *b, struct ti_value *r,
		     struct sb *msg)
{
	if (op == TO_PERCENT && a->kind == TI_V_STR)
		return str_format(a, b, r, msg);
	if (op == TO_PLUS && a->kind == TI_V_STR && b->kind == TI_V_STR)
		return str_concat(a, b, r, msg);
	if (op == TO_STAR && a->kind == TI_V_STR && is_intlike(b))
		return str_repeat(a, b->i, r, msg);
	if (op == TO_STAR && b->kind == TI_V_STR && is_intlike(a))
		return str_repeat(b, a->i, r, msg);
	return type_error(op, a, b, msg);
}

int ti_binop(int op, const struct ti_value *a, const struct ti_value *b, struct ti_value *r,
	     struct sb *msg)
{
	if (a->kind == TI_V_STR || b->kind == TI_V_STR)
		return str_binop(op, a, b, r, msg);
	if (!is_number(a) || !is_number(b))
		return type_error(op, a, b, msg);
	if (is_intlike(a) && is_intlike(b)) {
		if (int_binop(op, a->i, b->i, r, msg) < 0)
			return -1;
		/* True & False is a bool in Python, as are | and ^ of bools. */
		if (a->kind == TI_V_BOOL && b->kind == TI_V_BOOL &&
		    (op == TO_AMP || op == TO_PIPE || op == TO_CARET))
			r->kind = TI_V_BOOL;
		return 0;
	}
	if (op == TO_AMP || op == TO_PIPE || op == TO_CARET || op == TO_LSHIFT || op == TO_RSHIFT)
		return type_error(op, a, b, msg);
	return float_binop(op, as_double(a), as_double(b), r, msg);
}

int ti_unop(int op, const struct ti_value *a, struct ti_value *r, struct sb *msg)
{
	if (a->kind == TI_V_FLOAT && op != TO_TILDE) {
		*r = ti_float_value(op == TO_MINUS ? -a->f : a->f);
		return 0;
	}
	if (!is_intlike(a)) {
		sb_addf(msg, "bad operand type for unary %s: '%s'", ti_op_text(op), ti_type_name(a));
		return -1;
	}
	if (op == TO_MINUS && a->i == TI_INT_MIN)
		return overflow(msg);
	*r = ti_int_value(op == TO_MINUS ? -a->i : op == TO_TILDE ? ~a->i : a->i);
	return 0;
}

/* ---- comparisons ---- */

#define UNORDERED 2 /* a NaN is involved: every comparison but != is false */

static int sign_of(ti_int d)
{
	return (d > 0) - (d < 0);
}

/* An int against a float, exactly, as Python compares them. */
static int int_float_cmp(ti_int i, double f)
{
	if (isnan(f))
		return UNORDERED;
	if (f >= TI_TWO_127)
		return -1;
	if (f < -TI_TWO_127)
		return 1;
	double fl = ti_floor(f);
	ti_int fi = (ti_int)fl;
	if (i != fi)
		return i < fi ? -1 : 1;
	return f > fl ? -1 : 0;
}

static int num_cmp(const struct ti_value *a, const struct ti_value *b)
{
	if (is_intlike(a) && is_intlike(b))
		return a->i < b->i ? -1 : a->i > b->i;
	if (a->kind == TI_V_FLOAT && b->kind == TI_V_FLOAT) {
		if (isnan(a->f) || isnan(b->f))
			return UNORDERED;
		return a->f < b->f ? -1 : a->f > b->f;
	}
	if (a->kind == TI_V_FLOAT) {
		int c = int_float_cmp(b->i, a->f);
		return c == UNORDERED ? c : -c;
	}
	return int_float_cmp(a->i, b->f);
}

static int str_cmp(const struct ti_value *a, const struct ti_value *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);
	if (c)
		return c < 0 ? -1 : 1;
	return sign_of((ti_int)a->len - (ti_int)b->len);
}

static int cmp3(int op, const struct ti_value *a, const struct ti_value *b, int *res, struct sb *msg);

static int tuple_cmp(int op, const struct ti_value *a, const struct ti_value *b, int *res,
		     struct sb *msg)
{
	size_t n = a->n < b->n ? a->n : b->n;
	for (size_t i = 0; i < n; i++) {
		if (cmp3(op, &a->items[i], &b->items[i], res, msg) < 0)
			return -1;
		if (*res != 0)
			return 0;
	}
	*res = sign_of((ti_int)a->n - (ti_int)b->n);
	return 0;
}

/* Three-way comparison (or UNORDERED); -1 with msg when Python refuses
 * to order these types (op names the operator in the message). */
static int cmp3(int op, const struct ti_value *a, const struct ti_value *b, int *res, struct sb *msg)
{
	if (is_number(a) && is_number(b)) {
		*res = num_cmp(a, b);
		return 0;
	}
	if (a->kind == b->kind && a->kind == TI_V_STR) {
		*res = str_cmp(a, b);
		return 0;
	}
	if (a->kind == b->kind && a->kind == TI_V_TUPLE)
		return tuple_cmp(op, a, b, res, msg);
	if (op == TO_EQ || op == TO_NE) {
		*res = a->kind == b->kind && a->kind == TI_V_NONE ? 0 : UNORDERED;
		return 0;
	}
	sb_addf(msg, "'%s' not supported between instances of '%s' and '%s'", ti_op_text(op),
		ti_type_name(a), ti_type_name(b));
	return -1;
}

int ti_compare(int op, const struct ti_value *a, const struct ti_value *b, bool *res, struct sb *msg)
{
	int c;
	if (cmp3(op, a, b, &c, msg) < 0)
		return -1;
	switch (op) {
	case TO_EQ: *res = c == 0; break;
	case TO_NE: *res = c != 0; break;
	case TO_LT: *res = c == -1; break;
	case TO_LE: *res = c == -1 || c == 0; break;
	case TO_GT: *res = c == 1; break;
	default: *res = c == 1 || c == 0; break;
	}
	return 0;
}

int ti_order(const struct ti_value *a, const struct ti_value *b, int *res, struct sb *msg)
{
	if (cmp3(TO_LT, a, b, res, msg) < 0)
		return -1;
	if (*res == UNORDERED)
		*res = 0;
	return 0;
}
