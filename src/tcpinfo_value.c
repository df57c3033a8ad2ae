/*
 * tcpinfo_value: the values a %{ }% block computes with (None, bool, int,
 * float, str, tuple): their life cycle, and their text as Python would
 * write it: str(), repr(), and the "%" operator on strings. Not the
 * arithmetic (tcpinfo_ops.c).
 */
#include "tcpinfo_int.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ti_value_free(struct ti_value *v)
{
	free(v->s);
	for (size_t i = 0; i < v->n; i++)
		ti_value_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

void ti_value_copy(struct ti_value *dst, const struct ti_value *src)
{
	*dst = *src;
	if (src->s)
		dst->s = xstrndup(src->s, src->len);
	if (src->n) {
		dst->items = xcalloc(src->n, sizeof(*dst->items));
		for (size_t i = 0; i < src->n; i++)
			ti_value_copy(&dst->items[i], &src->items[i]);
	}
}

struct ti_value ti_int_value(ti_int i)
{
	struct ti_value v = {.kind = TI_V_INT, .i = i};
	return v;
}

struct ti_value ti_bool_value(bool b)
{
	struct ti_value v = {.kind = TI_V_BOOL, .i = b};
	return v;
}

struct ti_value ti_float_value(double f)
{
	struct ti_value v = {.kind = TI_V_FLOAT, .f = f};
	return v;
}

struct ti_value ti_str_value(const char *s, size_t len)
{
	struct ti_value v = {.kind = TI_V_STR, .s = xstrndup(s, len), .len = len};
	return v;
}

const char *ti_type_name(const struct ti_value *v)
{
	static const char *const names[] = {"NoneType", "bool", "int", "float", "str", "tuple"};
	return names[v->kind];
}

bool ti_truth(const struct ti_value *v)
{
	switch (v->kind) {
	case TI_V_BOOL:
	case TI_V_INT:
		return v->i != 0;
	case TI_V_FLOAT:
		return v->f != 0;
	case TI_V_STR:
		return v->len != 0;
	case TI_V_TUPLE:
		return v->n != 0;
	default:
		return false;
	}
}

/* Digits of i in base (2..16), most significant first. The magnitude is
 * taken unsigned so that TI_INT_MIN has one too. */
void ti_int_str(ti_int i, unsigned base, bool upper, struct sb *out)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned __int128 m = i < 0 ? -(unsigned __int128)i : (unsigned __int128)i;
	if (i < 0)
		sb_addc(out, '-');
	size_t start = out->len;
	do {
		sb_addc(out, digits[m % base]);
		m /= base;
	} while (m);
	for (size_t a = start, b = out->len - 1; a < b; a++, b--) {
		char t = out->buf[a];
		out->buf[a] = out->buf[b];
		out->buf[b] = t;
	}
}

/* The shortest "%.*e" text of f that reads back as f: its digits and the
 * exponent of the first one. */
static void shortest_digits(double f, struct sb *digits, int *exp10)
{
	struct sb t = SB_INIT;
	for (int prec = 0; prec <= 17; prec++) {
		sb_reset(&t);
		sb_addf(&t, "%.*e", prec, ti_fabs(f));
		if (strtod(sb_str(&t), NULL) == ti_fabs(f))
			break;
	}
	const char *s = sb_str(&t);
	for (; *s && *s != 'e'; s++)
		if (*s != '.')
			sb_addc(digits, *s);
	*exp10 = atoi(s + 1);
	sb_free(&t);
}

/* Python's repr(float): the shortest round-tripping digits, written out in
 * full for exponents -4..15 and in e-notation otherwise. */
void ti_float_repr(double f, struct sb *out)
{
	if (isnan(f) || isinf(f)) {
		sb_add(out, isnan(f) ? "nan" : f < 0 ? "-inf" : "inf");
		return;
	}
	struct sb d = SB_INIT;
	int e;
	shortest_digits(f, &d, &e);
	size_t n = d.len;
	assert(n > 0); /* "%.*e" of a finite double always has a digit */
	if (signbit(f))
		sb_addc(out, '-');
	if (e >= -4 && e < 16) {
		long decpt = e + 1;
		if (decpt <= 0) {
			sb_add(out, "0.");
			sb_addrep(out, '0', (size_t)-decpt);
			sb_addn(out, d.buf, n);
		} else if ((size_t)decpt >= n) {
			sb_addn(out, d.buf, n);
			sb_addrep(out, '0', (size_t)decpt - n);
			sb_add(out, ".0");
		} else {
			sb_addn(out, d.buf, (size_t)decpt);
			sb_addc(out, '.');
			sb_addn(out, d.buf + decpt, n - (size_t)decpt);
		}
	} else {
		sb_addc(out, d.buf[0]);
		if (n > 1) {
			sb_addc(out, '.');
			sb_addn(out, d.buf + 1, n - 1);
		}
		sb_addf(out, "e%c%02d", e < 0 ? '-' : '+', abs(e));
	}
	sb_free(&d);
}

static void str_repr(const char *s, size_t len, struct sb *out)
{
	char q = memchr(s, '\'', len) && !memchr(s, '"', len) ? '"' : '\'';
	sb_addc(out, q);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' || c == (unsigned char)q) {
			sb_addc(out, '\\');
			sb_addc(out, (char)c);
		} else if (c == '\n' || c == '\t' || c == '\r') {
			sb_add(out, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			sb_addf(out, "\\x%02x", c);
		} else {
			sb_addc(out, (char)c);
		}
	}
	sb_addc(out, q);
}

static void tuple_repr(const struct ti_value *v, struct sb *out)
{
	sb_addc(out, '(');
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			sb_add(out, ", ");
		ti_value_repr(&v->items[i], out);
	}
	sb_add(out, v->n == 1 ? ",)" : ")");
}

void ti_value_repr(const struct ti_value *v, struct sb *out)
{
	if (v->kind == TI_V_STR)
		str_repr(v->s, v->len, out);
	else
		ti_value_str(v, out);
}

void ti_value_str(const struct ti_value *v, struct sb *out)
{
	switch (v->kind) {
	case TI_V_NONE:
		sb_add(out, "None");
		break;
	case TI_V_BOOL:
		sb_add(out, v->i ? "True" : "False");
		break;
	case TI_V_INT:
		ti_int_str(v->i, 10, false, out);
		break;
	case TI_V_FLOAT:
		ti_float_repr(v->f, out);
		break;
	case TI_V_STR:
		sb_addn(out, v->s, v->len);
		break;
	case TI_V_TUPLE:
		tuple_repr(v, out);
		break;
	}
}

/* ---- the "%" operator on strings ---- */

/* One conversion specifier: %[flags][width][.precision]type. */
struct spec {
	bool left, plus, space, zero, alt;
	long width;     /* -1: none */
	long prec;      /* -1: none */
	char conv;
	size_t conv_at; /* index of the type character (for error messages) */
};

/* The arguments of one "%" and how many the specifiers have taken. */
struct fmt_args {
	const struct ti_value *v;
	size_t n, used;
};

static const struct ti_value *next_arg(struct fmt_args *a, struct sb *msg)
{
	if (a->used >= a->n) {
		sb_add(msg, "not enough arguments for format string");
		return NULL;
	}
	return &a->v[a->used++];
}

/* A '*' width or precision: the next argument, which must be an int. */
static int star_arg(struct fmt_args *a, long *out, struct sb *msg)
{
	const struct ti_value *v = next_arg(a, msg);
	if (!v)
		return -1;
	if (v->kind != TI_V_INT && v->kind != TI_V_BOOL) {
		sb_add(msg, "* wants int");
		return -1;
	}
	if (v->i > TI_MAX_WIDTH || v->i < -TI_MAX_WIDTH) {
		sb_addf(msg, "format width or precision above %d", TI_MAX_WIDTH);
		return -1;
	}
	*out = (long)v->i;
	return 0;
}

static int read_number(const char *f, size_t len, size_t *i, long *out, struct sb *msg)
{
	long n = 0;
	while (*i < len && f[*i] >= '0' && f[*i] <= '9') {
		n = n * 10 + (f[(*i)++] - '0');
		if (n > TI_MAX_WIDTH) {
			sb_addf(msg, "format width or precision above %d", TI_MAX_WIDTH);
			return -1;
		}
	}
	*out = n;
	return 0;
}

static void read_flags(const char *f, size_t len, size_t *i, struct spec *sp)
{
	for (; *i < len; (*i)++) {
		switch (f[*i]) {
		case '-': sp->left = true; break;
		case '+': sp->plus = true; break;
		case ' ': sp->space = true; break;
		case '0': sp->zero = true; break;
		case '#': sp->alt = true; break;
		default: return;
		}
	}
}

static int read_width(const char *f, size_t len, size_t *i, struct spec *sp, struct fmt_args *a,
		      struct sb *msg)
{
	if (*i < len && f[*i] == '*') {
		(*i)++;
		if (star_arg(a, &sp->width, msg) < 0)
			return -1;
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		return 0;
	}
	return read_number(f, len, i, &sp->width, msg);
}

static int read_prec(const char *f, size_t len, size_t *i, struct spec *sp, struct fmt_args *a,
		     struct sb *msg)
{
	if (*i >= len || f[*i] != '.')
		return 0;
	(*i)++;
	if (*i < len && f[*i] == '*') {
		(*i)++;
		if (star_arg(a, &sp->prec, msg) < 0)
			return -1;
		if (sp->prec < 0)
			sp->prec = 0;
		return 0;
	}
	return read_number(f, len, i, &sp->prec, msg);
}

/* Parses the specifier that starts at f[*i] == '%'; leaves *i after it. */
static int read_spec(const char *f, size_t len, size_t *i, struct spec *sp, struct fmt_args *a,
		     struct sb *msg)
{
	memset(sp, 0, sizeof(*sp));
	(*i)++;
	sp->prec = -1;
	read_flags(f, len, i, sp);
	if (read_width(f, len, i, sp, a, msg) < 0 || read_prec(f, len, i, sp, a, msg) < 0)
		return -1;
	while (*i < len && (f[*i] == 'h' || f[*i] == 'l' || f[*i] == 'L'))
		(*i)++; /* length modifiers: accepted and ignored, as Python does */
	if (*i >= len) {
		sb_add(msg, "incomplete format");
		return -1;
	}
	sp->conv_at = *i;
	sp->conv = f[(*i)++];
	return 0;
}

/* Writes sign, prefix and body padded to the width as the flags say. */
static void pad_number(struct sb *out, const struct spec *sp, bool neg, const char *prefix,
		       const char *body, size_t blen)
{
	const char *sign = neg ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	size_t total = strlen(sign) + strlen(prefix) + blen;
	size_t pad = (size_t)sp->width > total ? (size_t)sp->width - total : 0;
	if (!sp->left && !sp->zero)
		sb_addrep(out, ' ', pad);
	sb_add(out, sign);
	sb_add(out, prefix);
	if (!sp->left && sp->zero)
		sb_addrep(out, '0', pad);
	sb_addn(out, body, blen);
	if (sp->left)
		sb_addrep(out, ' ', pad);
}

static void pad_text(struct sb *out, const struct spec *sp, const char *s, size_t len)
{
	if (sp->prec >= 0 && (size_t)sp->prec < len)
		len = (size_t)sp->prec;
	size_t pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;
	if (!sp->left)
		sb_addrep(out, ' ', pad);
	sb_addn(out, s, len);
	if (sp->left)
		sb_addrep(out, ' ', pad);
}

/* The int a %d, %x, %o or %c conversion takes from v. */
static int int_operand(const struct spec *sp, const struct ti_value *v, ti_int *out, struct sb *msg)
{
	bool d = strchr("diu", sp->conv) != NULL;
	if (v->kind == TI_V_INT || v->kind == TI_V_BOOL) {
		*out = v->i;
		return 0;
	}
	if (v->kind == TI_V_FLOAT && d) {
		if (isnan(v->f) || isinf(v->f)) {
			sb_addf(msg, "cannot convert float %s to integer", isnan(v->f) ? "NaN" : "infinity");
			return -1;
		}
		if (!(ti_fabs(v->f) < TI_TWO_127)) {
			sb_add(msg, "integer overflow: the float is too large for a 128-bit integer");
			return -1;
		}
		*out = (ti_int)v->f;
		return 0;
	}
	sb_addf(msg, "%%%c format: %s is required, not %s", sp->conv,
		d ? "a real number" : "an integer", ti_type_name(v));
	return -1;
}

static int conv_int(const struct spec *sp, const struct ti_value *v, struct sb *out, struct sb *msg)
{
	ti_int i;
	if (int_operand(sp, v, &i, msg) < 0)
		return -1;
	char c = sp->conv;
	unsigned base = c == 'x' || c == 'X' ? 16 : c == 'o' ? 8 : 10;
	struct sb digits = SB_INIT;
	ti_int_str(i, base, c == 'X', &digits);
	const char *body = digits.buf + (i < 0);
	size_t blen = digits.len - (i < 0);
	struct sb padded = SB_INIT;
	if (sp->prec > 0 && (size_t)sp->prec > blen)
		sb_addrep(&padded, '0', (size_t)sp->prec - blen);
	sb_addn(&padded, body, blen);
	const char *prefix = !sp->alt ? "" : c == 'x' ? "0x" : c == 'X' ? "0X" : c == 'o' ? "0o" : "";
	pad_number(out, sp, i < 0, prefix, padded.buf, padded.len);
	sb_free(&digits);
	sb_free(&padded);
	return 0;
}

static int conv_float(const struct spec *sp, const struct ti_value *v, struct sb *out, struct sb *msg)
{
	double x;
	if (v->kind == TI_V_FLOAT) {
		x = v->f;
	} else if (v->kind == TI_V_INT || v->kind == TI_V_BOOL) {
		x = (double)v->i;
	} else {
		sb_addf(msg, "must be real number, not %s", ti_type_name(v));
		return -1;
	}
	struct sb cfmt = SB_INIT, body = SB_INIT;
	sb_add(&cfmt, sp->alt ? "%#.*" : "%.*");
	sb_addc(&cfmt, sp->conv);
	sb_addf(&body, sb_str(&cfmt), sp->prec < 0 ? 6 : (int)sp->prec, ti_fabs(x));
	pad_number(out, sp, signbit(x) && !isnan(x), "", body.buf, body.len); /* Python: '%05f' % inf == '00inf' */
	sb_free(&cfmt);
	sb_free(&body);
	return 0;
}

/* %c: an int is a code point (written as UTF-8), a str must be one character. */
static int conv_char(const struct spec *sp, const struct ti_value *v, struct sb *out, struct sb *msg)
{
	struct sb ch = SB_INIT;
	if (v->kind == TI_V_STR && v->len == 1) {
		sb_addc(&ch, v->s[0]);
	} else if ((v->kind == TI_V_INT || v->kind == TI_V_BOOL) && v->i >= 0 && v->i <= 0x10ffff) {
		unsigned cp = (unsigned)v->i;
		if (cp < 0x80) {
			sb_addc(&ch, (char)cp);
		} else if (cp < 0x800) {
			sb_addc(&ch, (char)(0xc0 | cp >> 6));
			sb_addc(&ch, (char)(0x80 | (cp & 0x3f)));
		} else if (cp < 0x10000) {
			sb_addc(&ch, (char)(0xe0 | cp >> 12));
			sb_addc(&ch, (char)(0x80 | ((cp >> 6) & 0x3f)));
			sb_addc(&ch, (char)(0x80 | (cp & 0x3f)));
		} else {
			sb_addc(&ch, (char)(0xf0 | cp >> 18));
			sb_addc(&ch, (char)(0x80 | ((cp >> 12) & 0x3f)));
			sb_addc(&ch, (char)(0x80 | ((cp >> 6) & 0x3f)));
			sb_addc(&ch, (char)(0x80 | (cp & 0x3f)));
		}
	} else {
		sb_add(msg, "%c requires an int in range(0x110000) or a single character");
		sb_free(&ch);
		return -1;
	}
	struct spec text = *sp;
	text.prec = -1;
	pad_text(out, &text, ch.buf, ch.len);
	sb_free(&ch);
	return 0;
}

static int conv_text(const struct spec *sp, const struct ti_value *v, struct sb *out)
{
	struct sb t = SB_INIT;
	if (sp->conv == 's')
		ti_value_str(v, &t);
	else
		ti_value_repr(v, &t);
	pad_text(out, sp, sb_str(&t), t.len);
	sb_free(&t);
	return 0;
}

static int convert(const struct spec *sp, const struct ti_value *v, struct sb *out, struct sb *msg)
{
	switch (sp->conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
		return conv_int(sp, v, out, msg);
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
		return conv_float(sp, v, out, msg);
	case 'c':
		return conv_char(sp, v, out, msg);
	case 's': case 'r': case 'a':
		return conv_text(sp, v, out);
	default:
		sb_addf(msg, "unsupported format character '%c' (0x%x) at index %zu", sp->conv,
			(unsigned)(unsigned char)sp->conv, sp->conv_at);
		return -1;
	}
}

/* Handles the specifier at fmt[*i] == '%'. */
static int one_spec(const char *fmt, size_t len, size_t *i, struct fmt_args *a, struct sb *out,
		    struct sb *msg)
{
	struct spec sp;
	if (read_spec(fmt, len, i, &sp, a, msg) < 0)
		return -1;
	if (sp.conv == '%') {
		sb_addc(out, '%');
		return 0;
	}
	const struct ti_value *v = next_arg(a, msg);
	return v ? convert(&sp, v, out, msg) : -1;
}

int ti_format(const char *fmt, size_t fmt_len, const struct ti_value *args, struct sb *out,
	      struct sb *msg)
{
	struct fmt_args a = {args, 1, 0};
	if (args->kind == TI_V_TUPLE) {
		a.v = args->items;
		a.n = args->n;
	}
	for (size_t i = 0; i < fmt_len;) {
		if (fmt[i] != '%') {
			sb_addc(out, fmt[i++]);
			continue;
		}
		if (one_spec(fmt, fmt_len, &i, &a, out, msg) < 0)
			return -1;
		if (out->len > TI_MAX_STR) {
			sb_addf(msg, "string too long (tcpsh allows %d bytes)", TI_MAX_STR);
			return -1;
		}
	}
	if (a.used < a.n) {
		sb_add(msg, "not all arguments converted during string formatting");
		return -1;
	}
	return 0;
}
