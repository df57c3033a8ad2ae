/*
 * view_pd: one decoded packet -> packetdrill notation, spelled the way
 * packetdrill prints packets (flags in tcpdump 4.1 order, start:end(len),
 * options as its script grammar writes them; "udp (N)"; "icmp TYPE CODE
 * [mtu N] [start:end(len)]" with the ICMP names of consts.h), so a student
 * can paste a line into a script. Pure: no I/O, no globals.
 * Not for tcpdump's format (view_tcpdump*.c), nor for parsing (syntax.c).
 */
#include "view.h"

#include <string.h>

#include "codec.h"
#include "consts.h"

void view_pd_flags(uint16_t flags, struct sb *out)
{
	static const struct {
		uint16_t bit;
		char c;
	} order[] = {
		{TCPF_FIN, 'F'}, {TCPF_SYN, 'S'}, {TCPF_RST, 'R'}, {TCPF_PSH, 'P'}, {TCPF_ACK, '.'},
		{TCPF_URG, 'U'}, {TCPF_ECE, 'E'}, {TCPF_CWR, 'W'}, {TCPF_AE, 'A'},
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (flags & order[i].bit)
			sb_addc(out, order[i].c);
}

static void hex(const uint8_t *b, unsigned n, struct sb *out)
{
	for (unsigned i = 0; i < n; i++)
		sb_addf(out, "%02x", b[i]);
}

void view_pd_opt(const struct pkt_opt *o, bool has_isn, uint32_t isn, struct sb *out)
{
	uint32_t base = has_isn ? isn : 0;
	switch (o->kind) {
	case TCPOPT_EOL:
		sb_add(out, "eol");
		break;
	case TCPOPT_NOP:
		sb_add(out, "nop");
		break;
	case TCPOPT_MSS:
		sb_addf(out, "mss %u", o->u.mss);
		break;
	case TCPOPT_WSCALE:
		sb_addf(out, "wscale %u", o->u.wscale);
		break;
	case TCPOPT_SACKOK:
		sb_add(out, "sackOK");
		break;
	case TCPOPT_SACK:
		sb_add(out, "sack");
		for (int i = 0; i < o->u.sack.n && i < PKT_MAX_SACK; i++)
			sb_addf(out, " %u:%u", o->u.sack.blk[i].left - base, o->u.sack.blk[i].right - base);
		break;
	case TCPOPT_TS:
		sb_addf(out, "TS val %u ecr %u", o->u.ts.val, o->u.ts.ecr);
		break;
	default: /* held as bytes: view_pd_opts spells those */
		sb_addf(out, "option %u", o->kind);
		break;
	}
}

/* name, then " " and the bytes in hex when there are any. */
static void named_bytes(const char *name, const uint8_t *b, unsigned n, struct sb *out)
{
	sb_add(out, name);
	if (n) {
		sb_addc(out, ' ');
		hex(b, n, out);
	}
}

/*
 * Options held as bytes. Fast open (kind 34, or kind 254 with magic 0xF989)
 * and MD5 have packetdrill spellings; the grammar has none for the rest, so
 * they are shown as tcpdump shows unknown kinds, and a malformed tail (see
 * codec.h) as "malformed-KIND" and the bytes that followed its kind byte.
 */
static void raw_opt(const struct pkt_opt *o, struct sb *out)
{
	const uint8_t *d = o->u.raw.data;
	unsigned n = o->u.raw.n;
	if (n > PKT_OPT_RAW_MAX) /* a caller's bad count must not make us read past data[] */
		n = PKT_OPT_RAW_MAX;
	bool fits = o->len == 0 || o->len == n + 2;
	if (o->len == 1) {
		sb_addf(out, "malformed-%u", o->kind);
		if (n)
			sb_add(out, " 0x");
		hex(d, n, out);
	} else if (fits && o->kind == TCPOPT_FASTOPEN) {
		named_bytes("FO", d, n, out);
	} else if (fits && o->kind == TCPOPT_EXP && n >= 2 && d[0] == 0xf9 && d[1] == 0x89) {
		named_bytes("FOEXP", d + 2, n - 2, out);
	} else if (fits && o->kind == TCPOPT_MD5 && n <= 16) {
		named_bytes("md5", d, n, out);
	} else {
		sb_addf(out, "unknown-%u", o->kind);
		if (n)
			sb_add(out, " 0x");
		hex(d, n, out);
		if (!fits)
			sb_addf(out, "[len %u]", o->len);
	}
}

void view_pd_opts(const struct pkt *p, bool has_isn, uint32_t isn, struct sb *out)
{
	for (int i = 0; i < p->nopts && i < PKT_MAX_OPTS; i++) {
		if (i)
			sb_addc(out, ',');
		if (codec_opt_typed(&p->opts[i]))
			view_pd_opt(&p->opts[i], has_isn, isn, out);
		else
			raw_opt(&p->opts[i], out);
	}
}

/* ---- ICMP and UDP ---------------------------------------------------------- */

/*
 * The names scripts use for ICMP types and codes, in the order a number is
 * looked up (the first name whose number matches wins, so IPv6's code 0 of
 * "unreachable" reads as no_route, IPv4's as net_unreachable). Their numbers
 * come from consts_icmp_type() and consts_icmp_code().
 */
static const char *const pd_icmp_types[] = {
	"unreachable", "packet_too_big", "time_exceeded", "parameter_problem", "echo_request",
	"echo_reply", "source_quench", "redirect", "timestamp_request", "timestamp_reply",
	"information_request", "information_reply", "address_mask_request", "address_mask_reply",
};

static const char *const pd_icmp_codes[][2] = {
	{"unreachable", "no_route"}, {"unreachable", "admin_prohibited"},
	{"unreachable", "not_neighbour"}, {"unreachable", "address_unreachable"},
	{"unreachable", "net_unreachable"}, {"unreachable", "host_unreachable"},
	{"unreachable", "protocol_unreachable"}, {"unreachable", "port_unreachable"},
	{"unreachable", "frag_needed"}, {"unreachable", "source_route_failed"},
	{"unreachable", "net_unknown"}, {"unreachable", "host_unknown"},
	{"unreachable", "source_host_isolated"}, {"unreachable", "net_prohibited"},
	{"unreachable", "host_prohibited"}, {"unreachable", "net_unreachable_for_tos"},
	{"unreachable", "host_unreachable_for_tos"}, {"unreachable", "packet_filtered"},
	{"unreachable", "precedence_violation"}, {"unreachable", "precedence_cutoff"},
	{"time_exceeded", "exceeded_hop_limit"}, {"time_exceeded", "exceeded_frag_time"},
	{"parameter_problem", "header_field"}, {"parameter_problem", "unknown_next_header"},
	{"parameter_problem", "unknown_option"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int icmp_number(const struct consts_icmp *c, int family)
{
	return c ? (family == 4 ? c->v4 : c->v6) : -1;
}

/* The script's name for p's type, or NULL. */
static const char *pd_icmp_type(const struct pkt *p)
{
	for (size_t i = 0; i < NELEM(pd_icmp_types); i++)
		if (icmp_number(consts_icmp_type(pd_icmp_types[i]), p->family) == p->icmp_type)
			return pd_icmp_types[i];
	return NULL;
}

/* The script's name for p's code under type (a name), or NULL. */
static const char *pd_icmp_code(const struct pkt *p, const char *type)
{
	for (size_t i = 0; i < NELEM(pd_icmp_codes); i++)
		if (!strcmp(pd_icmp_codes[i][0], type) &&
		    icmp_number(consts_icmp_code(type, pd_icmp_codes[i][1]), p->family) == p->icmp_code)
			return pd_icmp_codes[i][1];
	return NULL;
}

/* Whether type (a name) has named codes in p's family. */
static bool pd_has_codes(const struct pkt *p, const char *type)
{
	for (size_t i = 0; i < NELEM(pd_icmp_codes); i++)
		if (!strcmp(pd_icmp_codes[i][0], type) &&
		    icmp_number(consts_icmp_code(type, pd_icmp_codes[i][1]), p->family) >= 0)
			return true;
	return false;
}

/* TYPE [CODE]: a type without named codes in the family shows its code only
 * when not 0 (packetdrill reads a missing code as 0); numbers without a name
 * are spelled as packetdrill does (type_N, code_N). */
static void pd_icmp_names(const struct pkt *p, struct sb *out)
{
	const char *type = pd_icmp_type(p);
	const char *code = type ? pd_icmp_code(p, type) : NULL;
	if (type)
		sb_add(out, type);
	else
		sb_addf(out, "type_%u", p->icmp_type);
	if (code)
		sb_addf(out, " %s", code);
	else if (p->icmp_code || (type && pd_has_codes(p, type)))
		sb_addf(out, " code_%u", p->icmp_code);
}

static bool pd_icmp_has_mtu(const struct pkt *p)
{
	return p->family == 4 ? p->icmp_type == 3 && p->icmp_code == 4 : p->icmp_type == 2;
}

/* The quoted segment, sent by the other side: relative to ack_isn. */
static void pd_icmp(const struct pkt *p, const struct view_pd_isn *isn, struct sb *out)
{
	sb_add(out, "icmp ");
	pd_icmp_names(p, out);
	if (pd_icmp_has_mtu(p) && p->icmp_mtu)
		sb_addf(out, " mtu %u", p->icmp_mtu);
	if (p->sport || p->dport) {
		uint32_t seq = p->seq - (isn->has_ack_isn ? isn->ack_isn : 0);
		sb_addf(out, " [%u:%u(%u)]", seq, seq + p->payload_len, p->payload_len);
	}
}

static void pd_tcp(const struct pkt *p, const struct view_pd_isn *isn, struct sb *out)
{
	uint32_t seq = p->seq - (isn->has_seq_isn ? isn->seq_isn : 0);
	size_t flags_at = out->len;
	view_pd_flags(p->flags, out);
	if (out->len > flags_at)
		sb_addc(out, ' ');
	sb_addf(out, "%u:%u(%u)", seq, seq + p->payload_len, p->payload_len);
	if (p->flags & TCPF_ACK)
		sb_addf(out, " ack %u", p->ack - (isn->has_ack_isn ? isn->ack_isn : 0));
	sb_addf(out, " win %u", p->win);
	/* Shown whenever it would change the segment, so a pasted line rebuilds it. */
	if ((p->flags & TCPF_URG) || p->urg)
		sb_addf(out, " urg %u", p->urg);
	if (p->nopts) {
		sb_add(out, " <");
		view_pd_opts(p, isn->has_ack_isn, isn->ack_isn, out);
		sb_addc(out, '>');
	}
}

void view_pd_line(char dir, const struct pkt *p, const struct view_pd_isn *isn, struct sb *out)
{
	sb_addc(out, dir);
	sb_addc(out, ' ');
	if (p->proto == PKT_UDP)
		sb_addf(out, "udp (%u)", p->payload_len);
	else if (p->proto == PKT_ICMP || p->proto == PKT_ICMP6)
		pd_icmp(p, isn, out);
	else if (p->proto == 0 || p->proto == PKT_TCP)
		pd_tcp(p, isn, out);
	else
		sb_add(out, "(a packet that is neither TCP, UDP nor ICMP: scripts cannot write it)");
}
