/*
 * syntax_dump.h: prints a parsed event as one compact line, so the syntax
 * tests can state what an event must parse into as a single string:
 *   "[rel 0.1] pkt < S 0:0(0) win 1000 <mss 1000>"
 *   "[none] call fcntl(3, F_SETFL=4, (O_RDWR=2|O_NONBLOCK=2048)=2050) = 0"
 * Test-only; header-only so each test binary stays one file plus sources.
 */
#ifndef TCPSH_SYNTAX_DUMP_H
#define TCPSH_SYNTAX_DUMP_H

#include "consts.h"
#include "syntax.h"

static void dump_expr(const struct syn_expr *e, struct sb *o)
{
	switch (e->kind) {
	case SYN_E_INT:
		sb_addf(o, "%lld", e->num);
		break;
	case SYN_E_ELLIPSIS:
		sb_add(o, "...");
		break;
	case SYN_E_SYMBOL:
		sb_addf(o, "%s=%lld", e->name, e->num);
		break;
	case SYN_E_OR:
		sb_add(o, "(");
		dump_expr(e->left, o);
		sb_add(o, "|");
		dump_expr(e->right, o);
		sb_addf(o, ")=%lld", e->num);
		break;
	case SYN_E_LIST:
	case SYN_E_STRUCT:
		sb_add(o, e->kind == SYN_E_LIST ? "[" : "{");
		for (int i = 0; i < e->nitems; i++) {
			sb_add(o, i ? ", " : "");
			dump_expr(e->items[i], o);
		}
		sb_add(o, e->kind == SYN_E_LIST ? "]" : "}");
		break;
	case SYN_E_FIELD:
		if (e->name) {
			sb_add(o, e->name);
			if (e->right) {
				sb_add(o, "(");
				dump_expr(e->right, o);
				sb_addf(o, ")#%lld", e->num);
			}
			sb_add(o, "=");
		}
		dump_expr(e->left, o);
		break;
	case SYN_E_STRING:
		sb_add(o, "\"");
		for (long long i = 0; i < e->num; i++) {
			unsigned char c = (unsigned char)e->name[i];
			if (c >= 0x20 && c < 0x7f)
				sb_addc(o, (char)c);
			else
				sb_addf(o, "\\x%02x", c);
		}
		sb_add(o, "\"");
		break;
	case SYN_E_NULL:
		sb_add(o, "NULL");
		break;
	}
}

static void dump_time(const struct syn_time *t, struct sb *o)
{
	static const char *const kind[] = {"none", "abs", "rel", "any"};
	sb_add(o, "[");
	sb_add(o, kind[t->kind]);
	if (t->kind == SYN_TIME_ABS || t->kind == SYN_TIME_REL)
		sb_addf(o, " %g", t->t);
	if (t->window)
		sb_addf(o, " ~%s %g", kind[t->end_kind], t->end);
	if (t->blocking)
		sb_addf(o, " ...%s %g", kind[t->end_kind], t->end);
	sb_add(o, "] ");
}

static void dump_flags(uint16_t flags, struct sb *o)
{
	static const char letters[] = "SFRPUEWA.";
	static const int bits[] = {TCPF_SYN, TCPF_FIN, TCPF_RST, TCPF_PSH, TCPF_URG,
				   TCPF_ECE, TCPF_CWR, TCPF_AE,  TCPF_ACK};
	if (!flags)
		sb_add(o, "-");
	for (int i = 0; letters[i]; i++)
		if (flags & bits[i])
			sb_addc(o, letters[i]);
}

static void dump_opt(const struct pkt_opt *p, struct sb *o)
{
	switch (p->kind) {
	case TCPOPT_NOP:
		sb_add(o, "nop");
		break;
	case TCPOPT_EOL:
		sb_add(o, "eol");
		break;
	case TCPOPT_MSS:
		sb_addf(o, "mss %u", p->u.mss);
		break;
	case TCPOPT_WSCALE:
		sb_addf(o, "wscale %u", p->u.wscale);
		break;
	case TCPOPT_SACKOK:
		sb_add(o, "sackOK");
		break;
	case TCPOPT_SACK:
		sb_add(o, "sack");
		for (int i = 0; i < p->u.sack.n; i++)
			sb_addf(o, " %u:%u", p->u.sack.blk[i].left, p->u.sack.blk[i].right);
		break;
	case TCPOPT_TS:
		sb_addf(o, "TS val %u ecr %u", p->u.ts.val, p->u.ts.ecr);
		break;
	default:
		sb_addf(o, "kind%u", p->kind);
		for (int i = 0; i < p->u.raw.n; i++)
			sb_addf(o, "%s%02x", i ? "" : " ", p->u.raw.data[i]);
		break;
	}
	sb_addf(o, "/%u", p->len);
}

static void dump_packet(const struct syn_packet *p, struct sb *o)
{
	static const char *const ecn[] = {"noecn", "ect1", "ect0", "ce", "ect01"};
	sb_addf(o, "pkt %c ", p->dir);
	if (p->ecn != SYN_ECN_UNSPEC)
		sb_addf(o, "[%s] ", ecn[p->ecn]);
	if (p->proto == SYN_PROTO_UDP) {
		sb_addf(o, "udp (%u)", p->len);
		return;
	}
	if (p->proto == SYN_PROTO_ICMP) {
		sb_addf(o, "icmp %s(%d/%d)", p->icmp_type->name, p->icmp_type->v4, p->icmp_type->v6);
		if (p->icmp_code)
			sb_addf(o, " %s(%d/%d)", p->icmp_code->name, p->icmp_code->v4, p->icmp_code->v6);
		if (p->icmp_mtu >= 0)
			sb_addf(o, " mtu %d", p->icmp_mtu);
		if (p->icmp_has_seq)
			sb_addf(o, " [%u:%u(%u)]", p->seq_start, p->seq_end, p->len);
		return;
	}
	dump_flags(p->flags, o);
	sb_addf(o, " %u:%u(%u)", p->seq_start, p->seq_end, p->len);
	if (p->has_ack)
		sb_addf(o, " ack %u", p->ack);
	if (p->has_win)
		sb_addf(o, " win %u", p->win);
	if (p->has_urg)
		sb_addf(o, " urg %u", p->urg);
	if (p->opts_any)
		sb_add(o, " <...>");
	else if (p->has_opts) {
		sb_add(o, " <");
		for (int i = 0; i < p->nopts; i++) {
			sb_add(o, i ? "," : "");
			dump_opt(&p->opts[i], o);
		}
		sb_add(o, ">");
	}
}

static void dump_call(const struct syn_syscall *c, struct sb *o)
{
	sb_addf(o, "call %s(", c->name);
	for (int i = 0; i < c->nargs; i++) {
		sb_add(o, i ? ", " : "");
		dump_expr(c->args[i], o);
	}
	sb_add(o, ")");
	if (c->has_result) {
		sb_add(o, " = ");
		dump_expr(c->result, o);
	}
	if (c->errno_name)
		sb_addf(o, " %s", c->errno_name);
	if (c->note)
		sb_addf(o, " (%s)", c->note);
}

/* "[time] what", or with lines "L3-5 [time] what" when with_lines. */
static void dump_event(const struct syn_event *ev, int with_lines, struct sb *o)
{
	if (with_lines)
		sb_addf(o, "L%d-%d ", ev->line, ev->end_line);
	dump_time(&ev->time, o);
	switch (ev->kind) {
	case SYN_EMPTY:
		sb_add(o, "empty");
		break;
	case SYN_PACKET:
		dump_packet(&ev->u.pkt, o);
		break;
	case SYN_SYSCALL:
		dump_call(&ev->u.call, o);
		break;
	case SYN_COMMAND:
		sb_addf(o, "cmd %s", ev->u.cmd.word);
		for (int i = 0; i < ev->u.cmd.nargs; i++)
			sb_addf(o, " [%s]@%d", ev->u.cmd.args[i], ev->u.cmd.arg_cols[i]);
		break;
	case SYN_SHELL:
		sb_addf(o, "shell `%s`", ev->u.str.text);
		break;
	case SYN_CODE:
		sb_addf(o, "code {%s}", ev->u.str.text);
		break;
	case SYN_OPTION:
		sb_addf(o, "option %s=%s", ev->u.str.text, ev->u.str.value ? ev->u.str.value : "(none)");
		break;
	}
}

#endif
