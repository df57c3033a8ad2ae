/*
 * syntax_packet: a packet event.
 *   < [ect0] S. 0:0(0) ack 1 win 1000 urg 0 <mss 1460,...>   (TCP)
 *   < udp (100)
 *   < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]
 * Numbers are checked against their field sizes here, so an event that
 * parses fits on the wire. TCP options are in syntax_tcpopt.c.
 */
#include "consts.h"
#include "syntax_parse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IP_PAYLOAD_MAX 65535
#define UDP_PAYLOAD_MAX 65507

static int expect_punct(struct syn_lexer *lx, char ch, const char *what, struct syn_token *t)
{
	*t = syntax_lex_next(lx);
	if (syntax_tok_is(t, ch))
		return SYN_OK;
	return syntax_expected(lx, t, what);
}

/* ---- [ect0] ---- */

static const struct {
	const char *name;
	int ecn;
} ecn_names[] = {
	{"noecn", PKT_NOT_ECT}, {"ect0", PKT_ECT0}, {"ect1", PKT_ECT1}, {"ce", PKT_CE}, {"ect01", SYN_ECN_ECT01},
};

static int parse_ip_info(struct syn_lexer *lx, struct syn_packet *pkt)
{
	struct syn_token open = syntax_lex_next(lx), t = syntax_lex_next(lx), close;
	for (size_t i = 0; i < sizeof(ecn_names) / sizeof(ecn_names[0]); i++)
		if (syntax_tok_word(&t, ecn_names[i].name))
			pkt->ecn = ecn_names[i].ecn;
	if (pkt->ecn == SYN_ECN_UNSPEC) {
		if (syntax_tok_word(&t, "tos") || syntax_tok_word(&t, "ttl") || syntax_tok_word(&t, "flowlabel"))
			return syntax_fail_tok(lx, &t, "'%.*s' in the IP information is not supported yet",
					       (int)t.len, t.text);
		return syntax_expected(lx, &t, "an ECN codepoint (noecn, ect0, ect1, ect01 or ce)");
	}
	if (pkt->ecn == SYN_ECN_ECT01 && pkt->dir == '<')
		return syntax_fail_tok(lx, &t, "[ect01] is only for packets tcpsh expects ('>'); "
					       "an injected packet needs one codepoint");
	close = syntax_lex_next(lx);
	if (!syntax_tok_is(&close, ']'))
		return syntax_expected_close(lx, &close, &open, ']', "IP information");
	return SYN_OK;
}

/* ---- S. ---- */

static int flag_bit(char c)
{
	static const char letters[] = "SFRP.UEWA";
	static const int bits[] = {TCPF_SYN, TCPF_FIN, TCPF_RST, TCPF_PSH, TCPF_ACK,
				   TCPF_URG, TCPF_ECE, TCPF_CWR, TCPF_AE};
	const char *p = c ? strchr(letters, c) : NULL;
	return p ? bits[p - letters] : 0;
}

static int parse_flags(struct syn_lexer *lx, struct syn_packet *pkt)
{
	struct syn_token t = syntax_lex_next(lx);
	pkt->flags_col = t.col;
	if (syntax_tok_is(&t, '-'))
		return SYN_OK;
	if (syntax_tok_is(&t, '.')) {
		pkt->flags = TCPF_ACK;
		return SYN_OK;
	}
	if (t.kind != TK_WORD || (t.text[0] >= '0' && t.text[0] <= '9'))
		return syntax_expected(lx, &t, "TCP flags (S F R P . U E W A, or '-' for none)");
	for (size_t i = 0; i < t.len; i++) {
		int bit = flag_bit(t.text[i]);
		if (!bit)
			return syntax_fail(lx, t.line, t.col + (int)i,
					   "unknown TCP flag '%c': the flags are S F R P . U E W A", t.text[i]);
		if (pkt->flags & bit)
			return syntax_fail(lx, t.line, t.col + (int)i, "TCP flag '%c' appears twice", t.text[i]);
		pkt->flags |= (uint16_t)bit;
	}
	const struct syn_token *dot = syntax_lex_peek(lx, 0);
	if (syntax_tok_is(dot, '.') && syntax_tok_adjacent(&t, dot)) {
		syntax_lex_next(lx);
		pkt->flags |= TCPF_ACK;
	}
	return SYN_OK;
}

/* ---- 1:11(10) ---- */

static int parse_seq(struct syn_lexer *lx, struct syn_packet *pkt)
{
	struct syn_token a = syntax_lex_next(lx), b, c, p;
	unsigned long long start, end, len;
	pkt->seq_col = a.col;
	if (a.kind != TK_INT)
		return syntax_expected(lx, &a, "a sequence range like 1:11(10)");
	if (syntax_tok_uint(lx, &a, "sequence number", UINT32_MAX, &start) ||
	    expect_punct(lx, ':', "':' in the sequence range (like 1:11(10))", &p))
		return SYN_ERR;
	b = syntax_lex_next(lx);
	if (syntax_tok_uint(lx, &b, "sequence number", UINT32_MAX, &end) ||
	    expect_punct(lx, '(', "'(' and the payload length (like 1:11(10))", &p))
		return SYN_ERR;
	c = syntax_lex_next(lx);
	if (syntax_tok_uint(lx, &c, "payload length", IP_PAYLOAD_MAX, &len) ||
	    expect_punct(lx, ')', "')' after the payload length", &p))
		return SYN_ERR;
	if (end < start)
		return syntax_fail_tok(lx, &b, "%llu:%llu(%llu): the range ends before it starts", start, end, len);
	if (end - start != len)
		return syntax_fail_tok(lx, &c, "%llu:%llu(%llu): the range holds %llu bytes, not %llu", start, end,
				       len, end - start, len);
	pkt->seq_start = (uint32_t)start;
	pkt->seq_end = (uint32_t)end;
	pkt->len = (uint32_t)len;
	return SYN_OK;
}

/* ---- ack N, win N, urg N ---- */

static int parse_field(struct syn_lexer *lx, bool *seen, const char *what, unsigned long long max,
		       const char *hint, unsigned long long *v)
{
	struct syn_token key = syntax_lex_next(lx);
	if (*seen)
		return syntax_fail_tok(lx, &key, "'%s' appears twice in the packet", what);
	*seen = true;
	struct syn_token t = syntax_lex_next(lx);
	if (syntax_tok_uint(lx, &t, what, max, v) == SYN_OK)
		return SYN_OK;
	if (hint)
		syntax_hint(lx, "%s", hint);
	return SYN_ERR;
}

static int parse_tcp_fields(struct syn_lexer *lx, struct syn_packet *pkt)
{
	for (;;) {
		const struct syn_token *t = syntax_lex_peek(lx, 0);
		unsigned long long v = 0;
		int col = t->col;
		if (syntax_tok_word(t, "ack")) {
			if (parse_field(lx, &pkt->has_ack, "ack", UINT32_MAX, NULL, &v))
				return SYN_ERR;
			pkt->ack = (uint32_t)v;
			pkt->ack_col = col;
		} else if (syntax_tok_word(t, "win")) {
			if (parse_field(lx, &pkt->has_win, "win", UINT16_MAX,
					"win is the raw 16-bit field; larger windows need the wscale option", &v))
				return SYN_ERR;
			pkt->win = (uint16_t)v;
			pkt->win_col = col;
		} else if (syntax_tok_word(t, "urg")) {
			if (parse_field(lx, &pkt->has_urg, "urg", UINT16_MAX, NULL, &v))
				return SYN_ERR;
			pkt->urg = (uint16_t)v;
		} else if (syntax_tok_is(t, '<') && !pkt->has_opts) {
			if (syntax_parse_tcp_options(lx, pkt))
				return SYN_ERR;
		} else if (syntax_tok_ends(t)) {
			return SYN_OK;
		} else {
			return syntax_expected(lx, t, "'ack', 'win', 'urg', '<options>' or the end of the packet");
		}
	}
}

/* ---- udp (N) ---- */

static int parse_udp(struct syn_lexer *lx, struct syn_packet *pkt)
{
	struct syn_token t;
	unsigned long long len;
	syntax_lex_next(lx);
	pkt->proto = SYN_PROTO_UDP;
	if (expect_punct(lx, '(', "'(' and the UDP payload length, like udp (100)", &t))
		return SYN_ERR;
	t = syntax_lex_next(lx);
	if (syntax_tok_uint(lx, &t, "UDP payload length", UDP_PAYLOAD_MAX, &len) ||
	    expect_punct(lx, ')', "')' after the UDP payload length", &t))
		return SYN_ERR;
	pkt->len = (uint32_t)len;
	return SYN_OK;
}

/* ---- icmp TYPE [CODE] [mtu N] [[seq]] ---- */

static int icmp_name(struct syn_lexer *lx, const char *type, const struct consts_icmp **out)
{
	struct syn_token t = syntax_lex_next(lx);
	if (t.kind != TK_WORD)
		return syntax_expected(lx, &t, type ? "an ICMP code name" : "an ICMP type name (like unreachable)");
	char *name = syntax_tok_copy(lx, &t);
	*out = type ? consts_icmp_code(type, name) : consts_icmp_type(name);
	if (!*out) {
		if (type)
			syntax_fail_tok(lx, &t, "unknown code '%s' for ICMP type '%s'", name, type);
		else
			syntax_fail_tok(lx, &t, "unknown ICMP type '%s'", name);
		const char *s = consts_icmp_suggest(type, name);
		if (s)
			syntax_hint(lx, "did you mean %s?", s);
	}
	syntax_drop(lx, name);
	return *out ? SYN_OK : SYN_ERR;
}

static int parse_icmp(struct syn_lexer *lx, struct syn_packet *pkt)
{
	syntax_lex_next(lx);
	pkt->proto = SYN_PROTO_ICMP;
	if (icmp_name(lx, NULL, &pkt->icmp_type))
		return SYN_ERR;
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	if (t->kind == TK_WORD && !syntax_tok_word(t, "mtu") &&
	    icmp_name(lx, pkt->icmp_type->name, &pkt->icmp_code))
		return SYN_ERR;
	if (syntax_tok_word(syntax_lex_peek(lx, 0), "mtu")) {
		syntax_lex_next(lx);
		struct syn_token m = syntax_lex_next(lx);
		unsigned long long mtu;
		if (syntax_tok_uint(lx, &m, "mtu", IP_PAYLOAD_MAX, &mtu))
			return SYN_ERR;
		pkt->icmp_mtu = (int)mtu;
	}
	if (!syntax_tok_is(syntax_lex_peek(lx, 0), '['))
		return SYN_OK;
	struct syn_token open = syntax_lex_next(lx), close;
	pkt->icmp_has_seq = true;
	if (parse_seq(lx, pkt))
		return SYN_ERR;
	close = syntax_lex_next(lx);
	if (!syntax_tok_is(&close, ']'))
		return syntax_expected_close(lx, &close, &open, ']', "quoted segment");
	return SYN_OK;
}

int syntax_parse_packet(struct syn_lexer *lx, struct syn_packet *pkt)
{
	struct syn_token dir = syntax_lex_next(lx);
	memset(pkt, 0, sizeof(*pkt));
	pkt->dir = dir.ch;
	pkt->ecn = SYN_ECN_UNSPEC;
	pkt->icmp_mtu = -1;
	if (syntax_tok_is(syntax_lex_peek(lx, 0), '[') && parse_ip_info(lx, pkt))
		return SYN_ERR;
	const struct syn_token *t = syntax_lex_peek(lx, 0);
	if (syntax_tok_word(t, "udp"))
		return parse_udp(lx, pkt);
	if (syntax_tok_word(t, "icmp"))
		return parse_icmp(lx, pkt);
	if (parse_flags(lx, pkt) || parse_seq(lx, pkt))
		return SYN_ERR;
	return parse_tcp_fields(lx, pkt);
}
