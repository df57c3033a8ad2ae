/*
 * syntax_tcpopt: a packet's TCP option list, <mss 1460,sackOK,TS val 1 ecr 0,
 * nop,wscale 7,sack 1:2 3:4,FO abcd1234,FOEXP,md5 00..0f,eol> or <...>.
 * One table row per option name; the list must fit the 40 bytes of option
 * space a TCP header has.
 */
#include "consts.h"
#include "consts_int.h"
#include "syntax_parse.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TCP_OPTION_SPACE 40
#define WSCALE_MAX 14
#define MD5_LEN 16
#define FO_EXP_MAGIC 0xF989

typedef int (*opt_parser)(struct syn_lexer *lx, struct pkt_opt *o);

static int uint_after(struct syn_lexer *lx, const char *what, unsigned long long max, unsigned long long *v)
{
	struct syn_token t = syntax_lex_next(lx);
	return syntax_tok_uint(lx, &t, what, max, v);
}

static int parse_mss(struct syn_lexer *lx, struct pkt_opt *o)
{
	unsigned long long v;
	o->len = 4;
	if (uint_after(lx, "mss", UINT16_MAX, &v))
		return SYN_ERR;
	o->u.mss = (uint16_t)v;
	return SYN_OK;
}

static int parse_wscale(struct syn_lexer *lx, struct pkt_opt *o)
{
	unsigned long long v;
	o->len = 3;
	if (uint_after(lx, "window scale", WSCALE_MAX, &v)) {
		syntax_hint(lx, "RFC 7323 limits the shift count to 14");
		return SYN_ERR;
	}
	o->u.wscale = (uint8_t)v;
	return SYN_OK;
}

static int parse_sack(struct syn_lexer *lx, struct pkt_opt *o)
{
	while (syntax_lex_peek(lx, 0)->kind == TK_INT) {
		struct syn_token first = *syntax_lex_peek(lx, 0), colon;
		unsigned long long left, right;
		if (o->u.sack.n == PKT_MAX_SACK)
			return syntax_fail_tok(lx, &first, "at most %d SACK blocks fit in the option", PKT_MAX_SACK);
		if (uint_after(lx, "SACK block edge", UINT32_MAX, &left))
			return SYN_ERR;
		colon = syntax_lex_next(lx);
		if (!syntax_tok_is(&colon, ':'))
			return syntax_expected(lx, &colon, "':' in the SACK block (like 1:1001)");
		if (uint_after(lx, "SACK block edge", UINT32_MAX, &right))
			return SYN_ERR;
		o->u.sack.blk[o->u.sack.n].left = (uint32_t)left;
		o->u.sack.blk[o->u.sack.n].right = (uint32_t)right;
		o->u.sack.n++;
	}
	if (o->u.sack.n == 0)
		return syntax_expected(lx, syntax_lex_peek(lx, 0), "a SACK block (like 1:1001)");
	o->len = (uint8_t)(2 + 8 * o->u.sack.n);
	return SYN_OK;
}

static int expect_word(struct syn_lexer *lx, const char *word, const char *what)
{
	struct syn_token t = syntax_lex_next(lx);
	return syntax_tok_word(&t, word) ? SYN_OK : syntax_expected(lx, &t, what);
}

static int parse_ts(struct syn_lexer *lx, struct pkt_opt *o)
{
	unsigned long long val, ecr;
	o->len = 10;
	if (expect_word(lx, "val", "'val' after TS (like TS val 100 ecr 0)") ||
	    uint_after(lx, "TS val", UINT32_MAX, &val) ||
	    expect_word(lx, "ecr", "'ecr' after the TS value (like TS val 100 ecr 0)") ||
	    uint_after(lx, "TS ecr", UINT32_MAX, &ecr))
		return SYN_ERR;
	o->u.ts.val = (uint32_t)val;
	o->u.ts.ecr = (uint32_t)ecr;
	return SYN_OK;
}

static int hex_value(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

/* Appends the hex digits of t as bytes to o's raw data. */
static int parse_hex(struct syn_lexer *lx, const struct syn_token *t, const char *what, struct pkt_opt *o)
{
	for (size_t i = 0; i < t->len; i++)
		if (!isxdigit((unsigned char)t->text[i]))
			return syntax_fail(lx, t->line, t->col + (int)i, "the %s must be hex digits", what);
	if (t->len % 2)
		return syntax_fail_tok(lx, t, "the %s must have an even number of hex digits", what);
	if (o->len + t->len / 2 > TCP_OPTION_SPACE)
		return syntax_fail_tok(lx, t, "the %s is too long for the %d bytes of TCP option space", what,
				       TCP_OPTION_SPACE);
	for (size_t i = 0; i < t->len; i += 2) {
		o->u.raw.data[o->u.raw.n++] = (uint8_t)(hex_value(t->text[i]) << 4 | hex_value(t->text[i + 1]));
		o->len++;
	}
	return SYN_OK;
}

/* FO and FOEXP: an optional cookie; FOEXP carries the experimental magic. */
static int parse_fo(struct syn_lexer *lx, struct pkt_opt *o)
{
	o->len = 2;
	if (o->kind == TCPOPT_EXP) {
		o->u.raw.data[o->u.raw.n++] = FO_EXP_MAGIC >> 8;
		o->u.raw.data[o->u.raw.n++] = FO_EXP_MAGIC & 0xff;
		o->len += 2;
	}
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	if (t->kind != TK_WORD && t->kind != TK_INT)
		return SYN_OK;
	struct syn_token cookie = syntax_lex_next(lx);
	return parse_hex(lx, &cookie, "Fast Open cookie", o);
}

static int parse_md5(struct syn_lexer *lx, struct pkt_opt *o)
{
	struct syn_token t = syntax_lex_next(lx);
	o->len = 2;
	if (t.kind != TK_WORD && t.kind != TK_INT)
		return syntax_expected(lx, &t, "the MD5 signature (32 hex digits)");
	if (t.len != 2 * MD5_LEN)
		return syntax_fail_tok(lx, &t, "an MD5 signature is %d hex digits, not %zu", 2 * MD5_LEN, t.len);
	return parse_hex(lx, &t, "MD5 signature", o);
}

static int parse_bare(struct syn_lexer *lx, struct pkt_opt *o)
{
	(void)lx;
	o->len = o->kind == TCPOPT_SACKOK ? 2 : 1;
	return SYN_OK;
}

static const struct {
	const char *name;
	uint8_t kind;
	opt_parser parse;
} options[] = {
	{"nop", TCPOPT_NOP, parse_bare},     {"eol", TCPOPT_EOL, parse_bare},    {"mss", TCPOPT_MSS, parse_mss},
	{"wscale", TCPOPT_WSCALE, parse_wscale}, {"sackOK", TCPOPT_SACKOK, parse_bare},
	{"sack", TCPOPT_SACK, parse_sack},   {"TS", TCPOPT_TS, parse_ts},        {"FO", TCPOPT_FASTOPEN, parse_fo},
	{"FOEXP", TCPOPT_EXP, parse_fo},     {"md5", TCPOPT_MD5, parse_md5},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* Option kinds packetdrill knows that tcpsh does not build yet. */
static const char *const later[] = {
	"ECN", "mpcapable", "mp_capable", "mp_join", "dss", "add_address", "remove_address",
	"mp_prio", "mp_fail", "mp_fastclose", "exp",
};

static const char *option_name_at(const void *ctx, size_t i)
{
	(void)ctx;
	return options[i].name;
}

static int unknown_option(struct syn_lexer *lx, const struct syn_token *t)
{
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (syntax_tok_word(t, later[i]))
			return syntax_fail_tok(lx, t, "TCP option '%s' is not supported yet", later[i]);
	if (t->kind != TK_WORD)
		return syntax_expected(lx, t, "a TCP option (nop, eol, mss, wscale, sackOK, sack, TS, FO, FOEXP, md5)");
	char *name = syntax_tok_copy(lx, t);
	syntax_fail_tok(lx, t, "unknown TCP option '%s'", name);
	const char *s = consts_closest(name, option_name_at, NULL, NOPTIONS);
	if (s)
		syntax_hint(lx, "did you mean %s?", s);
	else
		syntax_hint(lx, "the options are nop, eol, mss, wscale, sackOK, sack, TS, FO, FOEXP and md5");
	syntax_drop(lx, name);
	return SYN_ERR;
}

static int parse_option(struct syn_lexer *lx, struct pkt_opt *o)
{
	struct syn_token t = syntax_lex_next(lx);
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (syntax_tok_word(&t, options[i].name)) {
			memset(o, 0, sizeof(*o));
			o->kind = options[i].kind;
			return options[i].parse(lx, o);
		}
	}
	return unknown_option(lx, &t);
}

static int parse_any(struct syn_lexer *lx, struct syn_packet *pkt, const struct syn_token *open)
{
	struct syn_token dots = syntax_lex_next(lx), close = syntax_lex_next(lx);
	if (pkt->dir == '<')
		return syntax_fail_tok(lx, &dots, "'<...>' (any options) is only for packets tcpsh expects ('>')");
	if (!syntax_tok_is(&close, '>'))
		return syntax_expected_close(lx, &close, open, '>', "option list");
	pkt->opts_any = true;
	return SYN_OK;
}

/* The list between '<' and '>' into buf (PKT_MAX_OPTS entries), counted in pkt->nopts. */
static int parse_list(struct syn_lexer *lx, struct syn_packet *pkt, const struct syn_token *open,
		      struct pkt_opt *buf)
{
	struct syn_token t;
	int space = 0;
	do {
		struct syn_token first = *syntax_lex_peek(lx, 0);
		struct pkt_opt *o = &buf[pkt->nopts];
		if (pkt->nopts == PKT_MAX_OPTS)
			return syntax_fail_tok(lx, &first, "too many options: at most %d", PKT_MAX_OPTS);
		if (parse_option(lx, o))
			return SYN_ERR;
		space += o->len;
		if (space > TCP_OPTION_SPACE)
			return syntax_fail_tok(lx, &first, "the options take %d bytes here, more than the %d of TCP option space",
					       space, TCP_OPTION_SPACE);
		pkt->nopts++;
		t = syntax_lex_next(lx);
	} while (syntax_tok_is(&t, ','));
	if (!syntax_tok_is(&t, '>'))
		return syntax_expected_close(lx, &t, open, '>', "option list");
	return SYN_OK;
}

int syntax_parse_tcp_options(struct syn_lexer *lx, struct syn_packet *pkt)
{
	struct syn_token open = syntax_lex_next(lx);
	pkt->has_opts = true;
	pkt->opts_col = open.col;
	if (syntax_lex_peek(lx, 0)->kind == TK_ELLIPSIS)
		return parse_any(lx, pkt, &open);
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '>'))
		return syntax_fail_tok(lx, syntax_lex_peek(lx, 0),
				       "empty option list '<>': leave it out for a packet without options");
	/* Parsed on the stack (only the entries used are written), then kept
	 * on the heap at their exact count: the event stays small. */
	struct pkt_opt buf[PKT_MAX_OPTS];
	int rc = parse_list(lx, pkt, &open, buf);
	syntax_drop(lx, pkt->opts);
	pkt->opts = NULL;
	if (pkt->nopts > 0) {
		pkt->opts = syntax_alloc(lx, sizeof(buf[0]) * pkt->nopts);
		memcpy(pkt->opts, buf, sizeof(buf[0]) * pkt->nopts);
	}
	return rc;
}

/* The option names a script may write inside <...>, for Tab completion. */
const char *syntax_tcpopt_name_at(size_t i)
{
	return i < NOPTIONS ? options[i].name : NULL;
}
