/*
 * view_tcpdump_any: the bytes of any captured IP packet -> the text
 * `tcpdump -n` (4.99, no -v) prints for it after the timestamp: TCP through
 * view_tcpdump.c, and here the IP-layer framing (IPv6 extension headers,
 * fragments), UDP, ICMP and ICMPv6 (errors with what they quote, echo,
 * neighbour discovery, MLD). Bytes the codec cannot decode get a short note
 * saying so. Pure: no I/O, no globals. Written from tcpdump's observed
 * output and print-ip.c, print-ip6.c, print-udp.c, print-icmp.c and
 * print-icmp6.c as references; tests/oracle/run checks us against tcpdump.
 * Not for TCP segments' own text (view_tcpdump.c) nor decoding (codec.c).
 */
#include "view.h"

#include <string.h>

#include "codec.h"
#include "view_int.h"

enum {
	ICMP_HDR = 8,
	IP4_HDR = 20,
	IP6_HDR = 40,
	NH_HOPOPTS = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_AH = 51,
	NH_NONE = 59,
	NH_DSTOPTS = 60,
};

/* A decoded packet with its bytes. */
struct td_any {
	const struct pkt *p;
	const struct codec_span *s;
	const uint8_t *b;
};

/* An ICMP or ICMPv6 message: m[0..n) (n >= 8), and the packet it quotes. */
struct td_msg {
	const uint8_t *m;
	size_t n;
	const uint8_t *q; /* m + 8 */
	size_t qn;        /* n - 8 */
};

static void addr_at(int family, const uint8_t *a, struct sb *out)
{
	view_td_addr(family, a, out);
}

/* ---- ICMP (IPv4) --------------------------------------------------------- */

/* The quoted datagram's destination, when the quote reaches it. */
static bool q4_dst(const struct td_msg *c, struct sb *out)
{
	if (c->qn < IP4_HDR)
		return false;
	addr_at(4, c->q + 16, out);
	return true;
}

/* Unreachable codes whose text is a prefix, the quoted destination, and a suffix. */
static const struct {
	uint8_t code;
	const char *pre, *post;
} unreach4[] = {
	{0, "net ", " unreachable"},
	{1, "host ", " unreachable"},
	{5, "", " unreachable - source route failed"},
	{6, "net ", " unreachable - unknown"},
	{7, "host ", " unreachable - unknown"},
	{8, "", " unreachable - source host isolated"},
	{9, "net ", " unreachable - admin prohibited"},
	{10, "host ", " unreachable - admin prohibited"},
	{11, "net ", " unreachable - tos prohibited"},
	{12, "host ", " unreachable - tos prohibited"},
	{13, "host ", " unreachable - admin prohibited filter"},
	{14, "host ", " unreachable - host precedence violation"},
	{15, "host ", " unreachable - precedence cutoff"},
};

/* "... tcp port 8080 unreachable": the quoted header's protocol and port. */
static bool port_unreach4(const struct td_msg *c, struct sb *out)
{
	if (c->qn < IP4_HDR)
		return false;
	size_t hlen = (size_t)(c->q[0] & 0x0f) * 4;
	if (c->qn < hlen + 4)
		return false;
	unsigned proto = c->q[9], dport = view_get16(c->q + hlen + 2);
	q4_dst(c, out);
	if (proto == PKT_TCP || proto == PKT_UDP)
		sb_addf(out, " %s port %u unreachable", proto == PKT_TCP ? "tcp" : "udp", dport);
	else
		sb_addf(out, " protocol %u port %u unreachable", proto, dport);
	return true;
}

static bool unreach(const struct td_msg *c, struct sb *out)
{
	unsigned code = c->m[1];
	for (size_t i = 0; i < sizeof(unreach4) / sizeof(unreach4[0]); i++) {
		if (unreach4[i].code != code)
			continue;
		sb_add(out, unreach4[i].pre);
		if (!q4_dst(c, out))
			return false;
		sb_add(out, unreach4[i].post);
		return true;
	}
	if (code == 3)
		return port_unreach4(c, out);
	if (!q4_dst(c, out))
		return false;
	if (code == 2)
		sb_addf(out, " protocol %u unreachable", c->q[9]);
	else if (code == 4 && view_get16(c->m + 6))
		sb_addf(out, " unreachable - need to frag (mtu %u)", view_get16(c->m + 6));
	else if (code == 4)
		sb_add(out, " unreachable - need to frag");
	else
		sb_addf(out, " unreachable - #%u", code);
	return true;
}

/* "redirect DST to net GATEWAY" and the like. */
static bool redirect(const struct td_msg *c, struct sb *out)
{
	static const char *const kinds[][2] = {
		{"redirect ", " to net "}, {"redirect ", " to host "},
		{"redirect-tos ", " to net "}, {"redirect-tos ", " to host "},
	};
	unsigned code = c->m[1];
	if (c->qn < IP4_HDR)
		return false;
	if (code < 4)
		sb_add(out, kinds[code][0]);
	else
		sb_addf(out, "redirect-#%u ", code);
	q4_dst(c, out);
	sb_add(out, code < 4 ? kinds[code][1] : " to ");
	addr_at(4, c->m + 4, out);
	return true;
}

static bool time_exceeded(const struct td_msg *c, struct sb *out)
{
	if (c->qn < IP4_HDR)
		return false;
	if (c->m[1] == 0)
		sb_add(out, "time exceeded in-transit");
	else if (c->m[1] == 1)
		sb_add(out, "ip reassembly time exceeded");
	else
		sb_addf(out, "time exceeded-#%u", c->m[1]);
	return true;
}

/* Milliseconds since midnight UTC as hh:mm:ss.mmm. */
static void tstamp(uint32_t ms, struct sb *out)
{
	uint32_t s = ms / 1000;
	sb_addf(out, "%02u:%02u:%02u.%03u", s / 3600, s / 60 % 60, s % 60, ms % 1000);
}

static bool tstamp_reply(const struct td_msg *c, struct sb *out)
{
	if (c->n < 20)
		return false;
	sb_addf(out, "time stamp reply id %u seq %u: org ", view_get16(c->m + 4), view_get16(c->m + 6));
	tstamp(view_get32(c->m + 8), out);
	sb_add(out, ", recv ");
	tstamp(view_get32(c->m + 12), out);
	sb_add(out, ", xmit ");
	tstamp(view_get32(c->m + 16), out);
	return true;
}

/* Router lifetime in seconds as s, m:ss or h:mm:ss. */
static void lifetime(unsigned t, struct sb *out)
{
	if (t < 60)
		sb_addf(out, "%u", t);
	else if (t < 3600)
		sb_addf(out, "%u:%02u", t / 60, t % 60);
	else
		sb_addf(out, "%u:%02u:%02u", t / 3600, t % 3600 / 60, t % 60);
}

static bool router_advert(const struct td_msg *c, struct sb *out)
{
	unsigned num = c->m[4], size = c->m[5];
	sb_add(out, "router advertisement lifetime ");
	lifetime(view_get16(c->m + 6), out);
	sb_addf(out, " %u:", num);
	if (size != 2) {
		sb_addf(out, " [size %u]", size);
		return true;
	}
	for (unsigned i = 0; i < num; i++) {
		const uint8_t *e = c->q + 8 * i;
		if (c->qn < 8 * (size_t)(i + 1))
			return false;
		sb_add(out, " {");
		addr_at(4, e, out);
		sb_addf(out, " %u}", view_get32(e + 4));
	}
	return true;
}

static const char *icmp4_name(unsigned type)
{
	switch (type) {
	case 0: return "echo reply";
	case 4: return "source quench";
	case 8: return "echo request";
	case 10: return "router solicitation";
	case 13: return "time stamp request";
	case 14: return "time stamp reply";
	case 15: return "information request";
	case 16: return "information reply";
	case 17: return "address mask request";
	default: return NULL;
	}
}

/* The text after "ICMP "; false where tcpdump finds the message truncated. */
static bool icmp4_text(const struct td_msg *c, struct sb *out)
{
	unsigned type = c->m[0];
	switch (type) {
	case 0:
	case 8:
		sb_addf(out, "echo %s, id %u, seq %u", type ? "request" : "reply", view_get16(c->m + 4),
			view_get16(c->m + 6));
		return true;
	case 3: return unreach(c, out);
	case 5: return redirect(c, out);
	case 9: return router_advert(c, out);
	case 11: return time_exceeded(c, out);
	case 12:
		if (c->m[1])
			sb_addf(out, "parameter problem - code %u", c->m[1]);
		else
			sb_addf(out, "parameter problem - octet %u", c->m[4]);
		return true;
	case 13:
		sb_addf(out, "time stamp query id %u seq %u", view_get16(c->m + 4), view_get16(c->m + 6));
		return true;
	case 14: return tstamp_reply(c, out);
	case 18:
		if (c->n < 12)
			return false;
		sb_addf(out, "address mask is 0x%08x", view_get32(c->m + 8));
		return true;
	default:
		if (icmp4_name(type))
			sb_add(out, icmp4_name(type));
		else
			sb_addf(out, "type-#%u", type);
		return true;
	}
}

/* tcpdump composes the text first, so a truncated message shows nothing of it. */
static void icmp4(const struct td_msg *c, struct sb *out)
{
	struct sb text = SB_INIT;
	if (icmp4_text(c, &text))
		sb_addf(out, "ICMP %s, length %zu", sb_str(&text), c->n);
	else
		sb_add(out, " [|icmp]");
	sb_free(&text);
}

/* ---- ICMPv6 -------------------------------------------------------------- */

static const struct {
	uint8_t type;
	const char *name;
} icmp6_types[] = {
	{1, "destination unreachable"}, {2, "packet too big"}, {3, "time exceeded in-transit"},
	{4, "parameter problem"}, {128, "echo request"}, {129, "echo reply"},
	{130, "multicast listener query"}, {131, "multicast listener report"},
	{132, "multicast listener done"}, {133, "router solicitation"},
	{134, "router advertisement"}, {135, "neighbor solicitation"},
	{136, "neighbor advertisement"}, {137, "redirect"}, {138, "router renumbering"},
	{141, "inverse neighbor solicitation"}, {142, "inverse neighbor advertisement"},
	{143, "multicast listener report v2"}, {144, "ha discovery request"},
	{145, "ha discovery reply"}, {146, "mobile router solicitation"},
	{147, "mobile router advertisement"}, {139, "who-are-you request"},
	{140, "who-are-you reply"}, {201, "mtrace message"}, {200, "mtrace response"},
	{155, "RPL"},
};

static void icmp6_type_name(unsigned type, struct sb *out)
{
	for (size_t i = 0; i < sizeof(icmp6_types) / sizeof(icmp6_types[0]); i++) {
		if (icmp6_types[i].type == type) {
			sb_add(out, icmp6_types[i].name);
			return;
		}
	}
	sb_addf(out, "unknown icmp6 type (%u)", type);
}

/* tcpdump's hex dump of bytes it has no printer for, each line on its own. */
static void hex_lines(const uint8_t *b, size_t n, struct sb *out)
{
	for (size_t i = 0; i < n; i++) {
		if (i % 16 == 0)
			sb_addf(out, "\n\t0x%04zx: ", i);
		if (i % 2 == 0)
			sb_addc(out, ' ');
		sb_addf(out, "%02x", b[i]);
	}
}

/* Prints " ADDR" (the 16 bytes at off in the quote) or returns false. */
static bool q6_addr(const struct td_msg *c, size_t off, const char *pre, struct sb *out)
{
	if (c->qn < off + 16)
		return false;
	sb_add(out, pre);
	addr_at(6, c->q + off, out);
	return true;
}

/* Finds the quoted TCP or UDP header behind the quoted IPv6 header and its
 * extension headers, as tcpdump does. Returns its offset in the quote, or 0. */
static size_t q6_upper(const struct td_msg *c, unsigned *proto)
{
	if (c->qn < 7)
		return 0;
	unsigned nh = c->q[6];
	size_t at = IP6_HDR;
	while (at < c->qn) {
		const uint8_t *h = c->q + at;
		size_t left = c->qn - at;
		if (nh == PKT_TCP || nh == PKT_UDP) {
			*proto = nh;
			return left >= 4 ? at : 0;
		}
		if (left < 2)
			return 0;
		if (nh == NH_HOPOPTS || nh == NH_DSTOPTS || nh == NH_ROUTING)
			at += ((size_t)h[1] + 1) * 8;
		else if (nh == NH_FRAGMENT && left >= 4 && (view_get16(h + 2) & 0xfff8) == 0)
			at += 8;
		else if (nh == NH_AH)
			at += ((size_t)h[1] + 2) * 4;
		else
			return 0;
		nh = h[0];
	}
	return 0;
}

static bool port_unreach6(const struct td_msg *c, struct sb *out)
{
	unsigned proto = 0;
	size_t at = q6_upper(c, &proto);
	if (!at)
		return false;
	sb_add(out, ", ");
	addr_at(6, c->q + 24, out);
	sb_addf(out, " %s port %u", proto == PKT_TCP ? "tcp" : "udp", view_get16(c->q + at + 2));
	return true;
}

/* Returns 1 printed, 0 truncated, -1 done (the hex dump ends the text). */
static int unreach6(const struct td_msg *c, struct sb *out)
{
	/* tcpdump's spelling, its stray blank included. */
	static const char *const codes[] = {"unreachable route", " unreachable prohibited",
					    "beyond scope", "unreachable address", "unreachable port"};
	unsigned code = c->m[1];
	if (code >= sizeof(codes) / sizeof(codes[0])) {
		sb_addf(out, ", unknown unreach code (%u)", code);
		hex_lines(c->m, c->n, out);
		return -1;
	}
	sb_addf(out, ", %s", codes[code]);
	if (code == 4)
		return port_unreach6(c, out);
	if (code != 2)
		return q6_addr(c, 24, " ", out);
	if (c->qn < IP6_HDR)
		return 0;
	q6_addr(c, 24, " ", out);
	return q6_addr(c, 8, ", source address ", out);
}

static bool time_exceeded6(const struct td_msg *c, struct sb *out)
{
	if (c->m[1] == 0)
		return q6_addr(c, 24, " for ", out);
	if (c->m[1] == 1)
		sb_add(out, " (reassembly)");
	else
		sb_addf(out, ", unknown code (%u)", c->m[1]);
	return true;
}

static bool param_problem6(const struct td_msg *c, struct sb *out)
{
	static const char *const codes[] = {"erroneous", "next header", "option",
					    "incomplete header chain"};
	if (c->qn < IP6_HDR)
		return false;
	if (c->m[1] < 4)
		sb_addf(out, ", %s - octet %u", codes[c->m[1]], view_get32(c->m + 4));
	else
		sb_addf(out, ", code-#%u", c->m[1]);
	return true;
}

/* MLDv1 query, report and done: nothing at all when shorter than 24 bytes. */
static void mld6(const struct td_msg *c, struct sb *out)
{
	if (c->n < 24)
		return;
	sb_addf(out, "max resp delay: %u addr: ", view_get16(c->m + 4));
	addr_at(6, c->m + 8, out);
}

static void mld6_query(const struct td_msg *c, struct sb *out)
{
	if (c->n == 24) {
		mld6(c, out);
	} else if (c->n >= 28) {
		unsigned nsrcs = view_get16(c->m + 26);
		sb_add(out, " v2 [gaddr ");
		addr_at(6, c->m + 8, out);
		if (nsrcs > 0 && c->n < 28 + 16 * (size_t)nsrcs)
			sb_add(out, " [invalid number of sources]");
		else if (nsrcs > 0)
			sb_addf(out, ", %u source(s)", nsrcs);
		sb_addc(out, ']');
	} else {
		sb_addf(out, " unknown-version (len %zu) ", c->n);
	}
}

/* Neighbour discovery: ", who has X", ", tgt is X", ", DST to TARGET". */
static bool nd6(const struct td_msg *c, struct sb *out)
{
	unsigned type = c->m[0];
	if (type == 137) {
		if (c->n < 40)
			return false;
		sb_add(out, ", ");
		addr_at(6, c->m + 24, out);
		sb_add(out, " to ");
	} else if (c->n < 24) {
		return false;
	} else {
		sb_add(out, type == 135 ? ", who has " : ", tgt is ");
	}
	addr_at(6, c->m + 8, out);
	return true;
}

/* Returns 1 printed, 0 truncated, -1 done (no ", length" follows). */
static int icmp6_body(const struct td_msg *c, struct sb *out)
{
	switch (c->m[0]) {
	case 1: return unreach6(c, out);
	case 2: sb_addf(out, ", mtu %u", view_get32(c->m + 4)); return 1;
	case 3: return time_exceeded6(c, out);
	case 4: return param_problem6(c, out);
	case 128:
	case 129:
		sb_addf(out, ", id %u, seq %u", view_get16(c->m + 4), view_get16(c->m + 6));
		return 1;
	case 130: mld6_query(c, out); return 1;
	case 131:
	case 132: mld6(c, out); return 1;
	case 135:
	case 136:
	case 137: return nd6(c, out);
	case 143: sb_addf(out, ", %u group record(s)", view_get16(c->m + 6)); return 1;
	case 144:
	case 146: sb_addf(out, ", id 0x%04x", view_get16(c->m + 4)); return 1;
	case 133: case 134: case 141: case 142: case 145: case 147:
		return 1;
	default:
		sb_addf(out, ", length %zu", c->n);
		hex_lines(c->m, c->n, out);
		return -1;
	}
}

static void icmp6(const struct td_msg *c, struct sb *out)
{
	sb_add(out, "ICMP6, ");
	icmp6_type_name(c->m[0], out);
	int r = icmp6_body(c, out);
	if (r == 0)
		sb_add(out, " [|icmp6]");
	else if (r > 0)
		sb_addf(out, ", length %zu", c->n);
}

/* ---- the IP layer ---------------------------------------------------------- */

static void addrs(const struct pkt *p, struct sb *out)
{
	addr_at(p->family, p->src, out);
	sb_add(out, " > ");
	addr_at(p->family, p->dst, out);
	sb_add(out, ": ");
}

static bool self_addressed(uint8_t proto)
{
	return proto == PKT_TCP || proto == PKT_UDP;
}

/* An IPv4 fragment after the first: tcpdump names the protocol only. */
static bool ip4_head(const struct td_any *a, struct sb *out)
{
	const uint8_t *b = a->b;
	if (a->s->fragment && (view_get16(b + 6) & 0x1fff) != 0) {
		addrs(a->p, out);
		sb_truncate(out, out->len - 1);
		sb_addf(out, " ip-proto-%u", a->s->proto);
		return false;
	}
	if (!self_addressed(a->s->proto) || a->s->fragment)
		addrs(a->p, out);
	return true;
}

/* "frag (OFFSET|LENGTH)"; the transport of a first fragment is not shown. */
static void frag6(const struct td_any *a, struct sb *out)
{
	const uint8_t *f = a->b + a->s->start;
	size_t n = a->s->end - a->s->start;
	if (n < 8) {
		sb_add(out, " [|frag6]");
		return;
	}
	sb_addf(out, "frag (%u|%zu)", view_get16(f + 2) & 0xfff8, n - 8);
}

static bool ip6_head(const struct td_any *a, struct sb *out)
{
	const struct codec_span *s = a->s;
	if (s->next_n > 0 || !self_addressed(s->proto))
		addrs(a->p, out);
	for (size_t i = 0; i < s->next_n && i < CODEC_EXT_MAX; i++) {
		if (s->ext[i] == NH_HOPOPTS)
			sb_add(out, "HBH ");
		else if (s->ext[i] == NH_DSTOPTS)
			sb_add(out, "DSTOPT ");
		else
			sb_addf(out, "(IPv6 extension header %u not shown as tcpdump would) ", s->ext[i]);
	}
	if (!s->fragment)
		return true;
	frag6(a, out);
	return false;
}

static void udp(const struct pkt *p, bool addrs, struct sb *out)
{
	if (addrs) {
		view_td_addr(p->family, p->src, out);
		sb_addc(out, '.');
	}
	sb_addf(out, "%u > ", p->sport);
	if (addrs) {
		view_td_addr(p->family, p->dst, out);
		sb_addc(out, '.');
	}
	sb_addf(out, "%u: UDP, length %u", p->dport, p->payload_len);
}

static void body(struct view_tcpdump *v, const struct td_any *a, struct sb *out)
{
	const struct pkt *p = a->p;
	const struct codec_span *s = a->s;
	const uint8_t *m = a->b + s->start;
	size_t n = s->end - s->start;
	struct td_msg c = {m, n, m + ICMP_HDR, n - ICMP_HDR};
	bool addrs = s->next_n == 0; /* else "src > dst: " came before the extension headers */
	if (p->proto == PKT_TCP)
		view_td_tcp(v, p, a->b + s->end - p->payload_len, addrs, out);
	else if (p->proto == PKT_UDP)
		udp(p, addrs, out);
	else if (p->proto == PKT_ICMP)
		icmp4(&c, out);
	else if (p->proto == PKT_ICMP6)
		icmp6(&c, out);
	else if (s->fragment)
		sb_addf(out, "(first fragment of a protocol %u datagram, not shown as tcpdump would)", s->proto);
	else if (s->proto == NH_NONE && p->family == 6)
		sb_add(out, "no next header");
	else
		sb_addf(out, " ip-proto-%u %zu", s->proto, n);
}

void view_tcpdump_any(struct view_tcpdump *v, const uint8_t *bytes, size_t len, struct sb *out)
{
	struct pkt p;
	struct codec_span s;
	struct sb err = SB_INIT;
	if (codec_decode_span(bytes, len, &p, &s, &err) < 0) {
		sb_addf(out, "(a %zu-byte packet tcpsh cannot decode: %s)", len, sb_str(&err));
		sb_free(&err);
		return;
	}
	sb_free(&err);
	struct td_any a = {&p, &s, bytes};
	sb_add(out, p.family == 6 ? "IP6 " : "IP ");
	if (p.family == 4 ? ip4_head(&a, out) : ip6_head(&a, out))
		body(v, &a, out);
}

/* ---- packets given as struct pkt ------------------------------------------ */

/* What an ICMP error built from p quotes: a segment from p's destination back
 * to its source, with the quoted ports and sequence number codec_decode found. */
static void quote_of(const struct pkt *p, struct sb *out)
{
	struct pkt in;
	memset(&in, 0, sizeof(in));
	in.family = p->family;
	memcpy(in.src, p->dst, sizeof(in.src));
	memcpy(in.dst, p->src, sizeof(in.dst));
	in.sport = p->sport;
	in.dport = p->dport;
	in.seq = p->seq;
	in.payload_len = p->payload_len;
	struct sb err = SB_INIT;
	codec_build_quote(&in, out, &err);
	sb_free(&err);
}

void view_td_rebuild(struct view_tcpdump *v, const struct pkt *p, const uint8_t *payload, struct sb *out)
{
	struct sb bytes = SB_INIT, err = SB_INIT, quote = SB_INIT;
	int r;
	if (p->proto == PKT_ICMP || p->proto == PKT_ICMP6) {
		quote_of(p, &quote);
		r = codec_build_icmp(p, (const uint8_t *)quote.buf, quote.len, &bytes, &err);
	} else {
		r = codec_build(p, payload, &bytes, &err);
	}
	if (r == 0)
		view_tcpdump_any(v, (const uint8_t *)bytes.buf, bytes.len, out);
	else
		sb_addf(out, "(a packet tcpsh cannot show: %s)", sb_str(&err));
	sb_free(&bytes);
	sb_free(&err);
	sb_free(&quote);
}
