/*
 * tcpinfo_int: what the tcpinfo_*.c files share and nobody else needs:
 * values, tokens, the syntax tree, the field and constant tables.
 *
 *   tcpinfo_lex.c    text -> tokens (with Python's INDENT/DEDENT)
 *   tcpinfo_parse.c  tokens -> tree; every syntax error is found here
 *   tcpinfo_eval.c   runs the tree: statements, names, calls; the public API
 *   tcpinfo_ops.c    operators on values: arithmetic, bits, comparisons
 *   tcpinfo_builtin.c the built-in functions: print, abs, min, max, int, ...
 *   tcpinfo_value.c  values: copy/free, str(), repr(), "%" formatting
 *   tcpinfo_fields.c the tcpi_* fields and the constants
 */
#ifndef TCPSH_TCPINFO_INT_H
#define TCPSH_TCPINFO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sb.h"
#include "syntax.h"

/* Integers: 128-bit, so that every u64 field and sums of them are exact. */
typedef __int128 ti_int;
#define TI_INT_MAX ((ti_int)(((unsigned __int128)1 << 127) - 1))
#define TI_INT_MIN (-TI_INT_MAX - 1)
#define TI_TWO_127 170141183460469231731687303715884105728.0 /* floats at or past it are no ti_int */

/* Limits that keep a hostile or mistaken block from eating the stack or memory. */
#define TI_MAX_CODE (64 * 1024) /* bytes of code in one block */
#define TI_MAX_NEST 64          /* parentheses, unary operators, if-suites */
#define TI_MAX_TREE 256         /* depth of the syntax tree (long operator chains) */
#define TI_MAX_STR (1024 * 1024) /* bytes in one string value */
#define TI_MAX_WIDTH 4096       /* width or precision in "%" formatting */
#define TI_MAX_OUT (1024 * 1024) /* bytes print() may add to out in one block */

/* ---- values ---- */
enum ti_vkind { TI_V_NONE, TI_V_BOOL, TI_V_INT, TI_V_FLOAT, TI_V_STR, TI_V_TUPLE };

struct ti_value {
	enum ti_vkind kind;
	ti_int i;               /* BOOL (0 or 1) and INT */
	double f;               /* FLOAT */
	char *s;                /* STR: owned, NUL-terminated, len bytes */
	size_t len;
	struct ti_value *items; /* TUPLE: owned, n of them */
	size_t n;
};

void ti_value_free(struct ti_value *v);         /* leaves v as None */
void ti_value_copy(struct ti_value *dst, const struct ti_value *src); /* deep */
struct ti_value ti_int_value(ti_int i);
struct ti_value ti_bool_value(bool b);
struct ti_value ti_float_value(double f);
struct ti_value ti_str_value(const char *s, size_t len); /* copies s */
const char *ti_type_name(const struct ti_value *v);      /* "int", "str", ... */
bool ti_truth(const struct ti_value *v);
void ti_int_str(ti_int i, unsigned base, bool upper, struct sb *out); /* digits, '-' if negative */
void ti_float_repr(double f, struct sb *out);   /* as Python's repr(float) */
void ti_value_str(const struct ti_value *v, struct sb *out);  /* str(v) */
void ti_value_repr(const struct ti_value *v, struct sb *out); /* repr(v) */
/* fmt % args (args a tuple, or a single value). Returns 0, or -1 with a
 * message in msg (Python's TypeError/ValueError text). */
int ti_format(const char *fmt, size_t fmt_len, const struct ti_value *args, struct sb *out,
	      struct sb *msg);

/* ---- operators (token codes double as operator codes) ---- */
enum ti_op {
	TO_NONE,
	TO_PLUS, TO_MINUS, TO_STAR, TO_SLASH, TO_DSLASH, TO_PERCENT, TO_POW,
	TO_LSHIFT, TO_RSHIFT, TO_AMP, TO_PIPE, TO_CARET, TO_TILDE,
	TO_LT, TO_GT, TO_LE, TO_GE, TO_EQ, TO_NE,
	TO_ASSIGN,
	TO_PLUS_EQ, TO_MINUS_EQ, TO_STAR_EQ, TO_SLASH_EQ, TO_DSLASH_EQ, TO_PERCENT_EQ,
	TO_POW_EQ, TO_LSHIFT_EQ, TO_RSHIFT_EQ, TO_AMP_EQ, TO_PIPE_EQ, TO_CARET_EQ,
	TO_LPAREN, TO_RPAREN, TO_COMMA, TO_COLON, TO_SEMI,
	/* Python punctuation tcpsh does not support, lexed so errors can name it. */
	TO_LBRACKET, TO_RBRACKET, TO_LBRACE, TO_RBRACE, TO_DOT, TO_AT, TO_ARROW, TO_WALRUS,
};

const char *ti_op_text(int op); /* "+=", "(" ... */
int ti_aug_base(int op);        /* TO_PLUS_EQ -> TO_PLUS; TO_NONE if not augmented */

/* Binary arithmetic and bit operators: a op b into *r. -1 with msg on
 * division by zero, overflow or operand types Python would refuse. */
int ti_binop(int op, const struct ti_value *a, const struct ti_value *b, struct ti_value *r,
	     struct sb *msg);
int ti_unop(int op, const struct ti_value *a, struct ti_value *r, struct sb *msg); /* - + ~ */
/* One comparison of a chain: *res is its truth. */
int ti_compare(int op, const struct ti_value *a, const struct ti_value *b, bool *res, struct sb *msg);
/* Python's ordering for min()/max(): -1, 0, 1 in *res. */
int ti_order(const struct ti_value *a, const struct ti_value *b, int *res, struct sb *msg);

/* ---- errors (tcpinfo_lex.c) ---- */
/* Sets err (line and col 1-based in the code) and returns -1, so callers
 * can "return ti_error(...)". */
int ti_error(struct syn_error *err, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ti_hint(struct syn_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Float functions without libm (tcpsh does not link it): as C's. */
double ti_fabs(double x);
double ti_floor(double x);
double ti_rint(double x);
double ti_fmod(double a, double b);

/* ---- tokens ---- */
enum ti_tok { TT_EOF, TT_NEWLINE, TT_INDENT, TT_DEDENT, TT_NAME, TT_INT, TT_FLOAT, TT_STRING, TT_OP };

struct ti_token {
	enum ti_tok kind;
	int op;          /* TT_OP */
	int line, col;   /* 1-based, relative to the code */
	size_t off, len; /* the source bytes */
	ti_int i;        /* TT_INT */
	double f;        /* TT_FLOAT */
	char *s;         /* TT_STRING: the decoded bytes, owned; slen of them */
	size_t slen;
};

struct ti_toks {
	struct ti_token *v;
	size_t n, cap;
};

/* Splits code into tokens, ending with NEWLINE, DEDENTs and EOF. Returns 0,
 * or -1 with err set (bad character, unterminated string, bad indentation). */
int ti_lex(const char *code, size_t len, struct ti_toks *out, struct syn_error *err);
void ti_toks_free(struct ti_toks *t);
void ti_tok_describe(const char *code, const struct ti_token *t, struct sb *out); /* "'=='", "end of line" */

/* ---- the syntax tree ---- */
enum ti_nkind {
	/* statements */
	TI_N_SUITE,  /* kids: the statements */
	TI_N_EXPR,   /* kid[0] */
	TI_N_ASSIGN, /* name = kid[0] */
	TI_N_AUG,    /* name op= kid[0]; op holds the plain operator */
	TI_N_ASSERT, /* kid[0] the test, kid[1] the message or absent */
	TI_N_PASS,
	TI_N_IF,     /* kids: cond, suite, cond, suite, ..., [else suite]; nkid odd when else */
	/* expressions */
	TI_N_CONST,  /* lit */
	TI_N_NAME,   /* name */
	TI_N_UNARY,  /* op kid[0]: - + ~ */
	TI_N_NOT,    /* not kid[0] */
	TI_N_BINARY, /* kid[0] op kid[1] */
	TI_N_AND,    /* kid[0] and kid[1] */
	TI_N_OR,     /* kid[0] or kid[1] */
	TI_N_COMPARE,/* kid[0] ops[0] kid[1] ops[1] kid[2] ... */
	TI_N_COND,   /* kid[0] if kid[1] else kid[2] */
	TI_N_CALL,   /* name(kids) */
	TI_N_TUPLE,  /* (kids) */
};

struct ti_node {
	enum ti_nkind kind;
	int line, col;          /* where errors about it point */
	int op;
	int *ops;               /* COMPARE: nkid - 1 operators */
	char *name;             /* NAME, ASSIGN, AUG, CALL */
	struct ti_value lit;    /* CONST */
	struct ti_node **kid;
	size_t nkid;
	int height;             /* 1 + the tallest kid's: bounds the evaluator's recursion */
	size_t src_off, src_len; /* ASSERT: the source text of its test */
};

/* Parses the tokens of code into a suite. Returns 0, or -1 with err set. */
int ti_parse(const char *code, const struct ti_toks *toks, struct ti_node **out, struct syn_error *err);
void ti_node_free(struct ti_node *n);

/* ---- the tcpi_* fields and the constants (tcpinfo_fields.c) ---- */
struct ti_field {
	const char *name;
	size_t off, size; /* bytes in struct tcp_info */
	unsigned shift, bits; /* a bitfield inside its byte; bits 0 for a whole field */
};

const struct ti_field *ti_field_find(const char *name);
/* The field's value from ti (ti_len bytes valid): false when the kernel
 * returned too few bytes for it. */
bool ti_field_read(const struct ti_field *f, const void *ti, size_t ti_len, uint64_t *v);
bool ti_const_find(const char *name, long long *v);

/* ---- built-in functions (tcpinfo_builtin.c) ---- */
const char *ti_builtin_name_at(size_t i); /* NULL after the last */
bool ti_is_builtin(const char *name);
/* Calls built-in name with args (n of them) into *r; print() writes to out.
 * Returns 0, or -1 with Python's message in msg. name must be a built-in. */
int ti_call(const char *name, const struct ti_value *args, size_t n, struct sb *out, struct ti_value *r,
	    struct sb *msg);

bool ti_is_keyword(const char *s, size_t len);
/* The closest name to name among the fields, constants and built-ins, and
 * extra (n of them, may be NULL): a "did you mean" hint, or NULL. */
const char *ti_suggest(const char *name, const char *const *extra, size_t n);

#endif
