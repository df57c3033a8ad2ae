/*
 * syntax_words: the two line forms read as raw words rather than tokens:
 * shell commands of the prompt ("save foo.pkt", "sysctl net.ipv4.x=1") and
 * script header options ("--tolerance_usecs=10000", "--strict_segments").
 * Their arguments are file names and sysctl values, which the expression
 * lexer would cut into pieces.
 */
#include "syntax_parse.h"

#include <ctype.h>
#include <stdlib.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static size_t skip_blanks(const struct syn_lexer *lx, size_t i, size_t end)
{
	while (i < end && is_blank(lx->src[i]))
		i++;
	return i;
}

static bool comment_at(const struct syn_lexer *lx, size_t i, size_t end)
{
	return i + 1 < end && lx->src[i] == '/' && lx->src[i + 1] == '/';
}

/* A line starting "--name": the token is the first '-'. */
bool syntax_is_option(const struct syn_lexer *lx, const struct syn_token *t)
{
	size_t i = t->off;
	return syntax_tok_is(t, '-') && i + 2 < lx->len && lx->src[i + 1] == '-' &&
	       (isalnum((unsigned char)lx->src[i + 2]) || lx->src[i + 2] == '_');
}

/* A word from the source, not followed by '(': "help", "save x.pkt". */
bool syntax_is_command(const struct syn_lexer *lx, const struct syn_token *t)
{
	if (t->kind != TK_WORD || t->text != lx->src + t->off)
		return false;
	if (!isalpha((unsigned char)t->text[0]) && t->text[0] != '_')
		return false;
	size_t i = skip_blanks(lx, t->off + t->len, lx->len);
	return i >= lx->len || lx->src[i] != '(';
}

/* One argument at src[*i] on t's line: bare bytes and "quoted" parts up to a blank. */
static int read_word(struct syn_lexer *lx, const struct syn_token *t, size_t *i, size_t end, struct sb *out)
{
	while (*i < end && !is_blank(lx->src[*i])) {
		if (lx->src[*i] != '"') {
			sb_addc(out, lx->src[(*i)++]);
			continue;
		}
		size_t quote = (*i)++;
		while (*i < end && lx->src[*i] != '"') {
			if (lx->src[*i] == '\\' && *i + 1 < end && (lx->src[*i + 1] == '"' || lx->src[*i + 1] == '\\'))
				(*i)++;
			sb_addc(out, lx->src[(*i)++]);
		}
		if (*i >= end)
			return syntax_fail(lx, t->line, t->col + (int)(quote - t->off),
					   "unterminated quote: expected '\"' before the end of the line");
		(*i)++;
	}
	return SYN_OK;
}

static void add_arg(struct syn_lexer *lx, struct syn_command *cmd, char *arg, int col)
{
	/* Grow in powers of two: nargs is a power of two exactly when full. */
	if ((cmd->nargs & (cmd->nargs - 1)) == 0) {
		size_t n = (size_t)cmd->nargs, cap = n ? n * 2 : 1;
		cmd->args = syntax_grow(lx, cmd->args, n * sizeof(*cmd->args), cap * sizeof(*cmd->args));
		cmd->arg_cols = syntax_grow(lx, cmd->arg_cols, n * sizeof(*cmd->arg_cols), cap * sizeof(*cmd->arg_cols));
	}
	cmd->args[cmd->nargs] = arg;
	cmd->arg_cols[cmd->nargs++] = col;
}

/* A byte a command line may not hold: a control byte anywhere, or right
 * after the command word anything but a blank (so "soc\xffket(" is not
 * taken for a command "soc" with an argument). 0 or SYN_ERR. */
static int check_command_bytes(struct syn_lexer *lx, const struct syn_token *t, size_t end)
{
	size_t after = t->off + t->len;
	if (after < end && !is_blank(lx->src[after]) && !comment_at(lx, after, end)) {
		unsigned char c = (unsigned char)lx->src[after];
		int col = t->col + (int)t->len;
		if (c >= 0x80)
			return syntax_fail(lx, t->line, col, "unexpected non-ASCII byte \\x%02x after '%.*s'", c,
					   (int)t->len, t->text);
		if (c >= 0x20)
			return syntax_fail(lx, t->line, col, "unexpected '%c' after the command '%.*s'", c,
					   (int)t->len, t->text);
	}
	for (size_t i = after; i < end; i++) {
		unsigned char c = (unsigned char)lx->src[i];
		if (c < 0x20 && !is_blank((char)c))
			return syntax_fail(lx, t->line, t->col + (int)(i - t->off), "unexpected control byte \\x%02x", c);
	}
	return SYN_OK;
}

int syntax_parse_command(struct syn_lexer *lx, struct syn_command *cmd)
{
	struct syn_token t = *syntax_lex_peek(lx, 0);
	size_t end = syntax_lex_eol(lx, t.off), i = t.off;
	cmd->word = syntax_tok_copy(lx, &t);
	if (check_command_bytes(lx, &t, end))
		return SYN_ERR;
	i += t.len;
	for (;;) {
		i = skip_blanks(lx, i, end);
		if (i >= end || comment_at(lx, i, end))
			break;
		int col = t.col + (int)(i - t.off);
		struct sb arg = SB_INIT;
		if (read_word(lx, &t, &i, end, &arg)) {
			sb_free(&arg);
			return SYN_ERR;
		}
		add_arg(lx, cmd, syntax_strndup(lx, arg.buf ? arg.buf : "", arg.len), col);
		sb_free(&arg);
	}
	syntax_lex_seek(lx, end);
	return SYN_OK;
}

int syntax_parse_option(struct syn_lexer *lx, struct syn_event *ev)
{
	struct syn_token t = *syntax_lex_peek(lx, 0);
	size_t end = syntax_lex_eol(lx, t.off), i = t.off + 2, name = i;
	while (i < end && (isalnum((unsigned char)lx->src[i]) || lx->src[i] == '_' || lx->src[i] == '-'))
		i++;
	ev->u.str.text = syntax_strndup(lx, lx->src + name, i - name);
	if (i < end && lx->src[i] == '=') {
		struct sb value = SB_INIT;
		i++;
		if (i >= end || is_blank(lx->src[i]))
			return syntax_fail(lx, t.line, t.col + (int)(i - t.off), "expected a value after '='");
		if (read_word(lx, &t, &i, end, &value)) {
			sb_free(&value);
			return SYN_ERR;
		}
		ev->u.str.value = syntax_strndup(lx, value.buf ? value.buf : "", value.len);
		sb_free(&value);
	}
	i = skip_blanks(lx, i, end);
	if (i < end && !comment_at(lx, i, end))
		return syntax_fail(lx, t.line, t.col + (int)(i - t.off), "unexpected text after the option --%s",
				   ev->u.str.text);
	syntax_lex_seek(lx, end);
	return SYN_OK;
}
