/*
 * syntax_call: a system call event: name(args) [= result [ERRNO] [(note)]].
 * The name and the argument count are checked against consts' table, the
 * result and errno name against its constants, so a call that parses can run.
 */
#include "consts.h"
#include "syntax_parse.h"

#include <stdlib.h>
#include <string.h>

void syntax_syscall_free(struct syn_syscall *call)
{
	free(call->name);
	for (int i = 0; i < call->nargs; i++)
		syntax_expr_free(call->args[i]);
	free(call->args);
	syntax_expr_free(call->result);
	free(call->errno_name);
	free(call->note);
	memset(call, 0, sizeof(*call));
}

static void count_text(const struct consts_syscall *sc, struct sb *out)
{
	if (sc->min_args == sc->max_args)
		sb_addf(out, "%d argument%s", sc->max_args, sc->max_args == 1 ? "" : "s");
	else
		sb_addf(out, "%d or %d arguments", sc->min_args, sc->max_args);
}

static int wrong_count(struct syn_lexer *lx, const struct syn_token *at, const struct consts_syscall *sc,
		       int found)
{
	struct sb want = SB_INIT;
	count_text(sc, &want);
	if (found > sc->max_args)
		syntax_fail_tok(lx, at, "too many arguments: %s() takes %s", sc->name, sb_str(&want));
	else
		syntax_fail_tok(lx, at, "too few arguments: %s() takes %s, found %d", sc->name, sb_str(&want), found);
	sb_free(&want);
	return SYN_ERR;
}

static int parse_args(struct syn_lexer *lx, struct syn_syscall *call, const struct consts_syscall *sc)
{
	struct syn_token open = syntax_lex_next(lx);
	if (!syntax_tok_is(&open, '('))
		return syntax_expected(lx, &open, "'(' after the system call name");
	struct syn_token t = *syntax_lex_peek(lx, 0);
	if (syntax_tok_is(&t, ')'))
		syntax_lex_next(lx);
	else {
		call->args = syntax_alloc(lx, ((size_t)sc->max_args + 1) * sizeof(*call->args));
		for (;;) {
			if (call->nargs == sc->max_args)
				return wrong_count(lx, syntax_lex_peek(lx, 0), sc, call->nargs + 1);
			if (syntax_parse_expr(lx, 0, &call->args[call->nargs++]))
				return SYN_ERR;
			t = syntax_lex_next(lx);
			if (syntax_tok_is(&t, ')'))
				break;
			if (!syntax_tok_is(&t, ','))
				return syntax_expected_close(lx, &t, &open, ')', "argument list");
		}
	}
	if (call->nargs < sc->min_args)
		return wrong_count(lx, &t, sc, call->nargs);
	return SYN_OK;
}

/* "(Operation now in progress)": free text up to the matching ')' on the
 * same line, read raw because it is prose, not tokens. */
static int parse_note(struct syn_lexer *lx, struct syn_syscall *call)
{
	struct syn_token open = *syntax_lex_peek(lx, 0);
	size_t eol = syntax_lex_eol(lx, open.off), i = open.off + 1;
	int depth = 1;
	for (; i < eol; i++) {
		depth += lx->src[i] == '(' ? 1 : lx->src[i] == ')' ? -1 : 0;
		if (depth == 0)
			break;
	}
	if (i >= eol) {
		if (!lx->script && eol == lx->len && lx->status == SYN_OK) {
			lx->status = SYN_INCOMPLETE;
			return SYN_ERR;
		}
		return syntax_fail_tok(lx, &open, "unterminated note: expected ')' to close the '(' before the end of the line");
	}
	size_t start = open.off + 1, end = i;
	while (start < end && (lx->src[start] == ' ' || lx->src[start] == '\t'))
		start++;
	while (end > start && (lx->src[end - 1] == ' ' || lx->src[end - 1] == '\t'))
		end--;
	call->note = syntax_strndup(lx, lx->src + start, end - start);
	syntax_lex_seek(lx, i + 1);
	return SYN_OK;
}

static int parse_errno(struct syn_lexer *lx, struct syn_syscall *call)
{
	struct syn_token t = syntax_lex_next(lx);
	call->errno_col = t.col;
	call->errno_name = syntax_tok_copy(lx, &t);
	if (consts_errno_lookup(call->errno_name) >= 0)
		return SYN_OK;
	struct sb what = SB_INIT;
	syntax_tok_describe(lx, &t, &what);
	syntax_fail_tok(lx, &t, "unknown errno name %s", sb_str(&what));
	sb_free(&what);
	const char *s = consts_errno_suggest(call->errno_name);
	if (s)
		syntax_hint(lx, "did you mean %s?", s);
	return SYN_ERR;
}

/* = -1 EINPROGRESS (Operation now in progress) */
static int parse_result(struct syn_lexer *lx, struct syn_syscall *call)
{
	syntax_lex_next(lx);
	call->has_result = true;
	call->result_col = syntax_lex_peek(lx, 0)->col;
	if (syntax_parse_expr(lx, 0, &call->result))
		return SYN_ERR;
	if (!syntax_expr_is_const(call->result))
		return syntax_fail(lx, lx->last_line, call->result_col,
				   "expected a number or a constant as the result");
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	if (t->kind == TK_WORD && parse_errno(lx, call))
		return SYN_ERR;
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '('))
		return parse_note(lx, call);
	return SYN_OK;
}

int syntax_parse_syscall(struct syn_lexer *lx, struct syn_syscall *call)
{
	struct syn_token name = syntax_lex_next(lx);
	call->name = syntax_tok_copy(lx, &name);
	call->name_col = name.col;
	const struct consts_syscall *sc = consts_syscall_lookup(call->name);
	if (!sc) {
		struct sb what = SB_INIT;
		syntax_tok_describe(lx, &name, &what);
		syntax_fail_tok(lx, &name, "unknown system call %s", sb_str(&what));
		sb_free(&what);
		const char *s = consts_syscall_suggest(call->name);
		if (s)
			syntax_hint(lx, "did you mean %s?", s);
		return SYN_ERR;
	}
	if (parse_args(lx, call, sc))
		return SYN_ERR;
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '='))
		return parse_result(lx, call);
	return SYN_OK;
}
