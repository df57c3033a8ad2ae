/*
 * shellcmd_lex: splits a backquoted command into shell tokens as /bin/sh
 * would, expanding only what tcpsh can know without a shell (${PPID},
 * $PACKETDRILL_PID, $((arithmetic))), and evaluates shell arithmetic.
 * Not a shell: everything else that would need one (pipes, subshells,
 * other variables, command substitution, patterns) stops it with a reason,
 * so that the caller can ask for --allow-shell. Pure: no I/O.
 */
#include "shellcmd_lex.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "shellcmd.h"

void shellcmd_lex_init(struct shellcmd_lexer *lx, const char *text, long ppid, struct sb *reason,
		       struct sb *err)
{
	lx->s = text;
	lx->i = 0;
	lx->line = 1;
	lx->ppid = ppid;
	lx->reason = reason;
	lx->err = err;
}

size_t shellcmd_lex_line_end(const struct shellcmd_lexer *lx, size_t pos)
{
	while (lx->s[pos] && lx->s[pos] != '\n')
		pos++;
	return pos;
}

static int not_native(struct shellcmd_lexer *lx, const char *reason)
{
	sb_add(lx->reason, reason);
	return 0;
}

static int malformed(struct shellcmd_lexer *lx, const char *what)
{
	sb_add(lx->err, what);
	return -1;
}

/* The character at the read position, after joining backslash-newline
 * continuations (which the shell removes everywhere but in single quotes). */
static char cur(struct shellcmd_lexer *lx)
{
	while (lx->s[lx->i] == '\\' && lx->s[lx->i + 1] == '\n') {
		lx->i += 2;
		lx->line++;
	}
	return lx->s[lx->i];
}

static bool is_name_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* True when the n bytes at name are a variable tcpsh knows: both mean the
 * pid packetdrill gives its commands (PPID as the shell sees its parent). */
static bool known_var(const char *name, size_t n)
{
	return (n == 4 && memcmp(name, "PPID", 4) == 0) ||
	       (n == 15 && memcmp(name, "PACKETDRILL_PID", 15) == 0);
}

static int unknown_var(struct shellcmd_lexer *lx, const char *name, size_t n)
{
	sb_addf(lx->reason, "it uses the variable $%.*s", (int)n, name);
	return 0;
}

/* ---- arithmetic: $((...)) ---- */

struct arith {
	const char *s;
	size_t i;
	long ppid;
	struct sb *err;
};

static int arith_or(struct arith *a, long long *v);

static void arith_blanks(struct arith *a)
{
	while (a->s[a->i] == ' ' || a->s[a->i] == '\t' || a->s[a->i] == '\n')
		a->i++;
}

/* The operator at the read position if it is op and not the start of a
 * longer one (so "<" is not taken from "<<", nor "|" from "||"). */
static bool arith_op(struct arith *a, const char *op)
{
	arith_blanks(a);
	size_t n = strlen(op);
	if (strncmp(a->s + a->i, op, n) != 0)
		return false;
	char next = a->s[a->i + n];
	if (next == '=' || (n == 1 && next == op[0] && strchr("<>&|", op[0])))
		return false; /* an assignment, a comparison, or a longer operator */
	a->i += n;
	return true;
}

static int arith_number(struct arith *a, long long *v)
{
	const char *p = a->s + a->i;
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	unsigned long long n = 0;
	for (; isalnum((unsigned char)*p); p++) {
		unsigned d = isdigit((unsigned char)*p)
				     ? (unsigned)(*p - '0')
				     : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		if (d >= base) {
			sb_addf(a->err, "$((%s)): bad number", a->s);
			return -1;
		}
		if (n > (ULLONG_MAX - d) / base) {
			sb_addf(a->err, "$((%s)): number too large", a->s);
			return -1;
		}
		n = n * base + d;
	}
	a->i = (size_t)(p - a->s);
	*v = (long long)n;
	return 1;
}

/* A variable: NAME, $NAME or ${NAME}. Only the pid names are known. */
static int arith_var(struct arith *a, long long *v)
{
	bool dollar = a->s[a->i] == '$';
	bool brace = dollar && a->s[a->i + 1] == '{';
	size_t start = a->i + (size_t)dollar + (size_t)brace;
	size_t end = start;
	if (!is_name_start(a->s[end]))
		return 0;
	while (is_name_char(a->s[end]))
		end++;
	if (brace && a->s[end++] != '}')
		return 0;
	if (!known_var(a->s + start, end - start - (size_t)brace))
		return 0;
	a->i = end;
	*v = a->ppid;
	return 1;
}

static int arith_unary(struct arith *a, long long *v)
{
	arith_blanks(a);
	char c = a->s[a->i];
	if (c == '+' || c == '-' || c == '~' || c == '!') {
		if (a->s[a->i + 1] == c && c != '~' && c != '!')
			return 0; /* ++ and -- change variables */
		a->i++;
		int r = arith_unary(a, v);
		if (r == 1)
			*v = c == '-'	? (long long)(0ULL - (unsigned long long)*v)
			     : c == '~' ? ~*v
			     : c == '!' ? !*v
					: *v;
		return r;
	}
	if (c == '(') {
		a->i++;
		int r = arith_or(a, v);
		if (r == 1 && !arith_op(a, ")")) {
			sb_addf(a->err, "$((%s)): missing )", a->s);
			return -1;
		}
		return r;
	}
	if (isdigit((unsigned char)c))
		return arith_number(a, v);
	if (c == '$' || is_name_start(c))
		return arith_var(a, v);
	if (c == '\0')
		sb_addf(a->err, "$((%s)): expected a number", a->s);
	return c == '\0' ? -1 : 0;
}

/* Applies a binary operator with the wrap-around arithmetic of the shell's
 * intmax_t, refusing what C leaves undefined. */
static int arith_apply(struct arith *a, char op, long long x, long long y, long long *v)
{
	unsigned long long ux = (unsigned long long)x, uy = (unsigned long long)y;
	switch (op) {
	case '+': *v = (long long)(ux + uy); return 1;
	case '-': *v = (long long)(ux - uy); return 1;
	case '*': *v = (long long)(ux * uy); return 1;
	case '&': *v = x & y; return 1;
	case '^': *v = x ^ y; return 1;
	case '|': *v = x | y; return 1;
	case '/':
	case '%':
		if (y == 0 || (x == LLONG_MIN && y == -1)) {
			sb_addf(a->err, "$((%s)): %s", a->s,
				y == 0 ? "division by zero" : "overflow");
			return -1;
		}
		*v = op == '/' ? x / y : x % y;
		return 1;
	default: /* '<' and '>': shifts */
		if (y < 0 || y > 63) {
			sb_addf(a->err, "$((%s)): shift by %lld", a->s, y);
			return -1;
		}
		*v = op == '<' ? (long long)(ux << y) : x >> y;
		return 1;
	}
}

/* One precedence level: operands from next, joined by any of ops (each
 * named by its first character, "<<" as '<'). */
static int arith_level(struct arith *a, long long *v, int (*next)(struct arith *, long long *),
		       const char *const *ops)
{
	int r = next(a, v);
	while (r == 1) {
		const char *const *op = ops;
		while (*op && !arith_op(a, *op))
			op++;
		if (!*op)
			break;
		long long y;
		r = next(a, &y);
		if (r == 1)
			r = arith_apply(a, (*op)[0], *v, y, v);
	}
	return r;
}

static int arith_mul(struct arith *a, long long *v)
{
	static const char *const ops[] = {"*", "/", "%", NULL};
	return arith_level(a, v, arith_unary, ops);
}

static int arith_add(struct arith *a, long long *v)
{
	static const char *const ops[] = {"+", "-", NULL};
	return arith_level(a, v, arith_mul, ops);
}

static int arith_shift(struct arith *a, long long *v)
{
	static const char *const ops[] = {"<<", ">>", NULL};
	return arith_level(a, v, arith_add, ops);
}

static int arith_and(struct arith *a, long long *v)
{
	static const char *const ops[] = {"&", NULL};
	return arith_level(a, v, arith_shift, ops);
}

static int arith_xor(struct arith *a, long long *v)
{
	static const char *const ops[] = {"^", NULL};
	return arith_level(a, v, arith_and, ops);
}

static int arith_or(struct arith *a, long long *v)
{
	static const char *const ops[] = {"|", NULL};
	return arith_level(a, v, arith_xor, ops);
}

int shellcmd_arith(const char *expr, long ppid, long long *value, struct sb *err)
{
	struct arith a = {expr, 0, ppid, err};
	int r = arith_or(&a, value);
	if (r == 1) {
		arith_blanks(&a);
		if (a.s[a.i] != '\0')
			r = 0; /* comparisons, ?:, assignments: left to a shell */
	}
	return r;
}

/* ---- words ---- */

/* $((...)) at the read position (just after "$(("): evaluates it into w. */
static int expand_arith(struct shellcmd_lexer *lx, struct sb *w)
{
	struct sb expr = SB_INIT;
	int depth = 0, r = 1;
	for (;;) {
		char c = cur(lx);
		if (c == '\0') {
			r = malformed(lx, "unterminated $((");
			break;
		}
		lx->i++;
		if (c == '\n')
			lx->line++;
		if (c == '(') {
			depth++;
		} else if (c == ')' && depth > 0) {
			depth--;
		} else if (c == ')') {
			if (cur(lx) != ')') {
				r = not_native(lx, "it uses $( ) command substitution");
				break;
			}
			lx->i++;
			break;
		} else if (c == '`' || (c == '$' && lx->s[lx->i] == '(')) {
			r = not_native(lx, "it uses command substitution");
			break;
		}
		sb_addc(&expr, c);
	}
	long long v = 0;
	if (r == 1) {
		struct sb e = SB_INIT;
		r = shellcmd_arith(sb_str(&expr), lx->ppid, &v, &e);
		if (r == 0)
			not_native(lx, "its $(( )) uses more than numbers and ${PPID}");
		else if (r < 0)
			malformed(lx, sb_str(&e));
		sb_free(&e);
	}
	if (r == 1)
		sb_addf(w, "%lld", v);
	sb_free(&expr);
	return r;
}

/* A $ expansion at the read position (on the '$'), into w. */
static int expand_dollar(struct shellcmd_lexer *lx, struct sb *w)
{
	lx->i++;
	char c = cur(lx);
	if (c == '(') {
		lx->i++;
		if (cur(lx) != '(')
			return not_native(lx, "it uses $( ) command substitution");
		lx->i++;
		return expand_arith(lx, w);
	}
	const char *name = lx->s + lx->i;
	size_t n = 0;
	if (c == '{') {
		name++;
		while (is_name_char(name[n]))
			n++;
		if (n == 0 || name[n] != '}') {
			if (strchr(name, '}') == NULL)
				return malformed(lx, "unterminated ${");
			return not_native(lx, "it uses a ${ } expansion other than ${PPID}");
		}
		if (!known_var(name, n))
			return unknown_var(lx, name, n);
		lx->i += n + 2;
	} else if (is_name_start(c)) {
		while (is_name_char(name[n]))
			n++;
		if (!known_var(name, n))
			return unknown_var(lx, name, n);
		lx->i += n;
	} else if (c != '\0' && strchr("$?!#@*-0123456789", c)) {
		return unknown_var(lx, name, 1);
	} else {
		sb_addc(w, '$'); /* a lone $ is itself */
		return 1;
	}
	sb_addf(w, "%ld", lx->ppid);
	return 1;
}

/* Inside "...": backslash quotes only $ ` " \ and newline. */
static int read_double(struct shellcmd_lexer *lx, struct sb *w)
{
	lx->i++;
	for (;;) {
		char c = cur(lx);
		if (c == '\0')
			return malformed(lx, "unterminated \" quote");
		if (c == '"') {
			lx->i++;
			return 1;
		}
		if (c == '`')
			return not_native(lx, "it uses ` ` command substitution");
		if (c == '$') {
			int r = expand_dollar(lx, w);
			if (r != 1)
				return r;
			continue;
		}
		if (c == '\\' && lx->s[lx->i + 1] && strchr("$`\"\\", lx->s[lx->i + 1])) {
			lx->i++;
			c = lx->s[lx->i];
		}
		if (c == '\n')
			lx->line++;
		sb_addc(w, c);
		lx->i++;
	}
}

static int read_single(struct shellcmd_lexer *lx, struct sb *w)
{
	const char *start = lx->s + lx->i + 1;
	const char *end = strchr(start, '\'');
	if (!end)
		return malformed(lx, "unterminated ' quote");
	for (const char *p = start; p < end; p++)
		lx->line += *p == '\n';
	sb_addn(w, start, (size_t)(end - start));
	lx->i = (size_t)(end + 1 - lx->s);
	return 1;
}

static bool ends_word(char c)
{
	return c == '\0' || strchr(" \t\n;&|<>()", c) != NULL;
}

/* One word at the read position into w. */
static int read_word(struct shellcmd_lexer *lx, struct sb *w)
{
	size_t first = lx->i;
	for (char c = cur(lx); !ends_word(c); c = cur(lx)) {
		int r = 1;
		if (c == '\'') {
			r = read_single(lx, w);
		} else if (c == '"') {
			r = read_double(lx, w);
		} else if (c == '$') {
			r = expand_dollar(lx, w);
		} else if (c == '`') {
			r = not_native(lx, "it uses ` ` command substitution");
		} else if (c == '*' || c == '?' || c == '[') {
			r = not_native(lx, "it uses a file-name pattern (* ? [)");
		} else if (c == '~' && lx->i == first) {
			r = not_native(lx, "it uses ~ for a home directory");
		} else if (c == '\\') {
			lx->i++;
			c = lx->s[lx->i];
			if (c == '\0')
				c = '\\';
			else
				lx->i++;
			sb_addc(w, c);
		} else {
			sb_addc(w, c);
			lx->i++;
		}
		if (r != 1)
			return r;
	}
	return 1;
}

/* A redirection whose operator starts at the read position ('>' or the
 * '>' after "&" or a descriptor number). */
static int read_redir(struct shellcmd_lexer *lx, struct shellcmd_token *t)
{
	lx->i++;
	char c = cur(lx);
	bool dup = false;
	if (c == '>' || c == '|') {
		lx->i++; /* >> appends and >| clobbers: the same for /dev/null and /proc */
	} else if (c == '&' && t->fd != SHELLCMD_FD_BOTH) {
		lx->i++;
		dup = true;
	}
	while (cur(lx) == ' ' || cur(lx) == '\t')
		lx->i++;
	if (ends_word(cur(lx)))
		return malformed(lx, "expected a file name after >");
	int r = read_word(lx, &t->text);
	if (r != 1 || !dup)
		return r;
	const char *target = sb_str(&t->text);
	if (strcmp(target, "1") == 0 || strcmp(target, "2") == 0) {
		t->dup = target[0] - '0';
		return 1;
	}
	if (strcmp(target, "-") == 0 || isdigit((unsigned char)target[0]))
		return not_native(lx, "it closes or copies descriptors other than 1 and 2");
	if (t->fd != 1)
		return malformed(lx, "expected a descriptor after >&");
	t->fd = SHELLCMD_FD_BOTH; /* ">& FILE": both, as in bash */
	return 1;
}

/* A token that starts with a digit: "2>" is a redirection, "2" a word. */
static int read_number_or_redir(struct shellcmd_lexer *lx, struct shellcmd_token *t)
{
	size_t j = lx->i;
	while (isdigit((unsigned char)lx->s[j]))
		j++;
	if (lx->s[j] == '<')
		return not_native(lx, "it reads a file (<)");
	if (lx->s[j] != '>') {
		t->kind = SHELLCMD_TK_WORD;
		return read_word(lx, &t->text);
	}
	if (j - lx->i != 1 || (lx->s[lx->i] != '1' && lx->s[lx->i] != '2'))
		return not_native(lx, "it redirects descriptors other than 1 and 2");
	t->kind = SHELLCMD_TK_REDIR;
	t->fd = lx->s[lx->i] - '0';
	lx->i = j;
	return read_redir(lx, t);
}

/* Operators made of & and |. */
static int read_amp_bar(struct shellcmd_lexer *lx, struct shellcmd_token *t, char c)
{
	lx->i++;
	char next = cur(lx);
	if (next == c) {
		lx->i++;
		t->kind = c == '&' ? SHELLCMD_TK_AND : SHELLCMD_TK_OR;
		return 1;
	}
	if (c == '&' && next == '>') {
		t->kind = SHELLCMD_TK_REDIR;
		t->fd = SHELLCMD_FD_BOTH;
		return read_redir(lx, t);
	}
	return not_native(lx, c == '&' ? "it runs a command in the background (&)"
				       : "it uses a pipe (|)");
}

int shellcmd_lex_next(struct shellcmd_lexer *lx, struct shellcmd_token *t)
{
	sb_reset(&t->text);
	t->fd = -1;
	t->dup = -1;
	char c = cur(lx);
	while (c == ' ' || c == '\t' || c == '\r') {
		lx->i++;
		c = cur(lx);
	}
	if (c == '#') {
		lx->i = shellcmd_lex_line_end(lx, lx->i);
		c = lx->s[lx->i];
	}
	t->start = lx->i;
	t->line = lx->line;
	switch (c) {
	case '\0': t->kind = SHELLCMD_TK_END; return 1;
	case '\n':
		lx->i++;
		lx->line++;
		t->kind = SHELLCMD_TK_NEWLINE;
		return 1;
	case ';':
		lx->i++;
		t->kind = SHELLCMD_TK_SEMI;
		return cur(lx) == ';' ? not_native(lx, "it uses ;; (a case statement)") : 1;
	case '&':
	case '|': return read_amp_bar(lx, t, c);
	case '(':
	case ')': return not_native(lx, "it uses a subshell ( )");
	case '<': return not_native(lx, "it reads a file or a here-document (<)");
	case '>':
		t->kind = SHELLCMD_TK_REDIR;
		t->fd = 1;
		return read_redir(lx, t);
	default:
		if (isdigit((unsigned char)c))
			return read_number_or_redir(lx, t);
		t->kind = SHELLCMD_TK_WORD;
		return read_word(lx, &t->text);
	}
}
