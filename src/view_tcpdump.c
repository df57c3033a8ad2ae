/*
 * view_tcpdump: one decoded TCP segment -> exactly the text `tcpdump -n`
 * (4.99, no -v, no -S) prints for it after the timestamp, including tcpdump's
 * relative sequence numbers, which need a per-connection memory that the
 * caller owns (struct view_tcpdump). Pure: no I/O, no globals.
 * Written from tcpdump's documented and observed behaviour (print-tcp.c is the
 * reference; tests/oracle/run checks us against the real tcpdump).
 * Not for other protocols or raw bytes (view_tcpdump_any.c), packetdrill
 * notation (view_pd.c) nor for decoding bytes (codec.c).
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "view_int.h"

/* ---- tcpdump's per-connection memory ----------------------------------- */

/*
 * tcpdump files both directions of a connection under one key, the endpoint
 * with the lower port (or, on equal ports, the lower address) first; "rev"
 * says the segment travels from the second endpoint to the first.
 */
struct td_key {
	int family;
	uint8_t a[16], b[16];
	uint32_t ports; /* first endpoint's port << 16 | second's */
};

/* seq: the first endpoint's base sequence number; ack: the second's. */
struct td_conn {
	struct td_key key;
	uint32_t seq, ack;
	bool used;
};

struct view_tcpdump {
	struct td_conn *slot; /* open addressing, linear probing */
	size_t cap, n;
};

struct view_tcpdump *view_tcpdump_new(void)
{
	struct view_tcpdump *v = xcalloc(1, sizeof(*v));
	v->cap = 64;
	v->slot = xcalloc(v->cap, sizeof(*v->slot));
	return v;
}

void view_tcpdump_free(struct view_tcpdump *v)
{
	if (!v)
		return;
	free(v->slot);
	free(v);
}

static bool key_eq(const struct td_key *x, const struct td_key *y)
{
	return x->family == y->family && x->ports == y->ports && !memcmp(x->a, y->a, 16) &&
	       !memcmp(x->b, y->b, 16);
}

/* FNV-1a over the key's fields. */
static size_t key_hash(const struct td_key *k)
{
	uint32_t h = 2166136261u;
	uint8_t bytes[37];
	bytes[0] = (uint8_t)k->family;
	memcpy(bytes + 1, k->a, 16);
	memcpy(bytes + 17, k->b, 16);
	for (int i = 0; i < 4; i++)
		bytes[33 + i] = (uint8_t)(k->ports >> (8 * i));
	for (size_t i = 0; i < sizeof(bytes); i++)
		h = (h ^ bytes[i]) * 16777619u;
	return h;
}

static struct td_conn *probe(struct td_conn *slot, size_t cap, const struct td_key *k)
{
	size_t i = key_hash(k) & (cap - 1);
	while (slot[i].used && !key_eq(&slot[i].key, k))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

/* Keeps the table at most half full, so probing stays short and ends. */
static void grow(struct view_tcpdump *v)
{
	size_t cap = v->cap * 2;
	struct td_conn *slot = xcalloc(cap, sizeof(*slot));
	for (size_t i = 0; i < v->cap; i++)
		if (v->slot[i].used)
			*probe(slot, cap, &v->slot[i].key) = v->slot[i];
	free(v->slot);
	v->slot = slot;
	v->cap = cap;
}

/* The connection's entry, created (unused) when missing. */
static struct td_conn *lookup(struct view_tcpdump *v, const struct td_key *k)
{
	if (2 * (v->n + 1) > v->cap)
		grow(v);
	return probe(v->slot, v->cap, k);
}

/* ---- relative sequence numbers ------------------------------------------ */

/* What the line shows: seq and ack (relative when tcpdump makes them so), and
 * the bases SACK blocks are made relative with. */
struct td_rel {
	uint32_t seq, ack;
	uint32_t base_seq, base_ack;
	bool rev;
};

static void make_key(const struct pkt *p, struct td_key *k, bool *rev)
{
	size_t alen = p->family == 4 ? 4 : 16;
	*rev = p->sport > p->dport || (p->sport == p->dport && memcmp(p->src, p->dst, alen) > 0);
	memset(k, 0, sizeof(*k));
	k->family = p->family;
	memcpy(k->a, *rev ? p->dst : p->src, alen);
	memcpy(k->b, *rev ? p->src : p->dst, alen);
	k->ports = *rev ? (uint32_t)p->dport << 16 | p->sport : (uint32_t)p->sport << 16 | p->dport;
}

/*
 * tcpdump only numbers segments that carry an ACK. The first such segment of
 * a connection, and any SYN-ACK (a new connection), sets the bases and is
 * shown absolute; later ones are shown relative to them. A SYN without ACK
 * neither uses nor changes the memory.
 */
static void relative(struct view_tcpdump *v, const struct pkt *p, struct td_rel *r)
{
	memset(r, 0, sizeof(*r));
	r->seq = p->seq;
	r->ack = p->ack;
	if (!(p->flags & TCPF_ACK))
		return;
	struct td_key k;
	make_key(p, &k, &r->rev);
	struct td_conn *c = lookup(v, &k);
	if (!c->used || (p->flags & TCPF_SYN)) {
		if (!c->used)
			v->n++;
		c->used = true;
		c->key = k;
		c->seq = r->rev ? p->ack - 1 : p->seq;
		c->ack = r->rev ? p->seq : p->ack - 1;
	} else {
		r->seq -= r->rev ? c->ack : c->seq;
		r->ack -= r->rev ? c->seq : c->ack;
	}
	r->base_seq = c->seq;
	r->base_ack = c->ack;
}

/* ---- addresses and flags ------------------------------------------------ */

static void addr4(const uint8_t *a, struct sb *out)
{
	sb_addf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* RFC 5952 text as tcpdump writes it: the longest run (first on a tie) of
 * two or more zero groups becomes "::"; ::a.b.c.d and ::ffff:a.b.c.d keep
 * their IPv4 tail in dotted form. */
static void addr6(const uint8_t *a, struct sb *out)
{
	uint16_t w[8];
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > bestlen)
			best = i, bestlen = j - i;
		i = j > i ? j : i + 1;
	}
	if (bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + bestlen) {
			if (i == best)
				sb_addc(out, ':');
			continue;
		}
		if (i != 0)
			sb_addc(out, ':');
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
			addr4(a + 12, out);
			return;
		}
		sb_addf(out, "%x", w[i]);
	}
	if (best >= 0 && best + bestlen == 8)
		sb_addc(out, ':');
}

void view_td_addr(int family, const uint8_t *a, struct sb *out)
{
	if (family == 4)
		addr4(a, out);
	else
		addr6(a, out);
}

static void endpoint(const struct pkt *p, const uint8_t *a, uint16_t port, bool addr, struct sb *out)
{
	if (addr) {
		view_td_addr(p->family, a, out);
		sb_addc(out, '.');
	}
	sb_addf(out, "%u", port);
}

void view_tcpdump_flags(uint16_t flags, struct sb *out)
{
	static const struct {
		uint16_t bit;
		char c;
	} order[] = {
		{TCPF_FIN, 'F'}, {TCPF_SYN, 'S'}, {TCPF_RST, 'R'}, {TCPF_PSH, 'P'},
		{TCPF_ACK, '.'}, {TCPF_URG, 'U'}, {TCPF_ECE, 'E'}, {TCPF_CWR, 'W'},
	};
	bool any = false;
	/* tcpdump reads only header byte 13, so AE never shows. */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (flags & order[i].bit) {
			sb_addc(out, order[i].c);
			any = true;
		}
	}
	if (!any)
		sb_add(out, "none");
}

/* ---- options: tcpdump's byte-level walk --------------------------------- */

/*
 * tcpdump walks the option bytes itself and trusts each kind's expected size
 * over the length byte, so a malformed option shifts everything after it.
 * We re-encode the options and make the same walk to print the same text.
 */
struct td_cursor {
	const uint8_t *cp; /* the option's data, after kind and length bytes */
	unsigned hlen;     /* option bytes left from cp on */
	unsigned len;      /* the option's length byte (1 for EOL and NOP) */
	const struct td_rel *rel;
	struct sb *out;
};

/* Each prints what follows the option's name and returns the data bytes it
 * consumed, or -1 where tcpdump gives up with "[bad opt]". */
typedef int (*td_opt_fn)(const struct td_cursor *c);

static void hex(const uint8_t *b, unsigned n, struct sb *out)
{
	for (unsigned i = 0; i < n; i++)
		sb_addf(out, "%02x", b[i]);
}

static int td_none(const struct td_cursor *c)
{
	(void)c;
	return 0;
}

static int td_mss(const struct td_cursor *c)
{
	if (c->hlen < 2)
		return -1;
	sb_addf(c->out, " %u", view_get16(c->cp));
	return 2;
}

static int td_wscale(const struct td_cursor *c)
{
	if (c->hlen < 1)
		return -1;
	sb_addf(c->out, " %u", c->cp[0]);
	return 1;
}

/* Blocks are relative to the base of the side they acknowledge. The length
 * byte was checked against hlen, so every block is there to read. */
static int td_sack(const struct td_cursor *c)
{
	unsigned n = c->len - 2;
	if (n % 8) {
		sb_add(c->out, " invalid sack");
		return (int)n;
	}
	uint32_t base = c->rel->rev ? c->rel->base_seq : c->rel->base_ack;
	sb_addf(c->out, " %u ", n / 8);
	for (unsigned i = 0; i < n; i += 8)
		sb_addf(c->out, "{%u:%u}", view_get32(c->cp + i) - base, view_get32(c->cp + i + 4) - base);
	return (int)n;
}

/* echo, echoreply, cc, ccnew, ccecho: one 32-bit number. */
static int td_u32(const struct td_cursor *c)
{
	if (c->hlen < 4)
		return -1;
	sb_addf(c->out, " %u", view_get32(c->cp));
	return 4;
}

static int td_ts(const struct td_cursor *c)
{
	if (c->hlen < 8)
		return -1;
	sb_addf(c->out, " val %u ecr %u", view_get32(c->cp), view_get32(c->cp + 4));
	return 8;
}

/* tcpdump checks the digest only with a secret (-M), which the oracle lacks. */
static int td_md5(const struct td_cursor *c)
{
	if (c->hlen < 16)
		return -1;
	sb_add(c->out, " shared secret not supplied with -M, can't check - ");
	hex(c->cp, 16, c->out);
	return 16;
}

static int td_scps(const struct td_cursor *c)
{
	if (c->hlen < 2)
		return -1;
	sb_addf(c->out, " cap %02x id %u", c->cp[0], c->cp[1]);
	return 2;
}

/* RFC 5482: the low bit says minutes (1) or seconds (0). */
static int td_uto(const struct td_cursor *c)
{
	if (c->hlen < 2)
		return -1;
	unsigned v = view_get16(c->cp);
	sb_addf(c->out, " 0x%x %u", v, v & 1 ? (v >> 1) * 60 : v >> 1);
	return 2;
}

static int td_tcpao(const struct td_cursor *c)
{
	unsigned n = c->len - 2;
	if (n < 2) {
		sb_add(c->out, " (invalid)");
		return (int)n;
	}
	sb_addf(c->out, " keyid %u rnextkeyid %u", c->cp[0], c->cp[1]);
	if (n > 2) {
		sb_add(c->out, " mac 0x");
		hex(c->cp + 2, n - 2, c->out);
	}
	return (int)n;
}

static void fastopen(const uint8_t *b, unsigned n, struct sb *out)
{
	if (n == 0)
		sb_add(out, " cookiereq");
	else if (n % 2 || n < 4 || n > 16)
		sb_add(out, " (invalid)");
	else {
		sb_add(out, " cookie ");
		hex(b, n, out);
	}
}

static int td_tfo(const struct td_cursor *c)
{
	sb_addc(c->out, ' ');
	fastopen(c->cp, c->len - 2, c->out);
	return (int)c->len - 2;
}

/* RFC 6994 shared experimental option: a 16-bit magic, then its data. */
static int td_exp(const struct td_cursor *c)
{
	unsigned n = c->len - 2;
	if (n < 2)
		return -1;
	unsigned magic = view_get16(c->cp);
	sb_addc(c->out, '-');
	if (magic == 0xf989) {
		sb_add(c->out, "tfo");
		fastopen(c->cp + 2, n - 2, c->out);
	} else {
		sb_addf(c->out, "%04x", magic);
	}
	return (int)n;
}

static int td_unknown(const struct td_cursor *c)
{
	unsigned n = c->len - 2;
	if (n) {
		sb_add(c->out, " 0x");
		hex(c->cp, n, c->out);
	}
	return (int)n;
}

static const struct td_opt {
	uint8_t kind;
	const char *name;
	td_opt_fn print;
} td_opts[] = {
	{0, "eol", td_none},    {1, "nop", td_none},     {2, "mss", td_mss},
	{3, "wscale", td_wscale}, {4, "sackOK", td_none}, {5, "sack", td_sack},
	{6, "echo", td_u32},    {7, "echoreply", td_u32}, {8, "TS", td_ts},
	{11, "cc", td_u32},     {12, "ccnew", td_u32},   {13, "", td_u32},
	{19, "md5", td_md5},    {20, "scps", td_scps},   {28, "uto", td_uto},
	{29, "tcp-ao", td_tcpao}, {34, "tfo", td_tfo},   {254, "exp", td_exp},
};

static void td_name(unsigned kind, struct sb *out, td_opt_fn *print)
{
	for (size_t i = 0; i < sizeof(td_opts) / sizeof(td_opts[0]); i++) {
		if (td_opts[i].kind == kind) {
			sb_add(out, td_opts[i].name);
			*print = td_opts[i].print;
			return;
		}
	}
	sb_addf(out, "unknown-%u", kind);
	*print = td_unknown;
}

/* tcpdump closes the bracket after a bad option only if one came before. */
static bool td_bad(bool first, struct sb *out)
{
	sb_add(out, "[bad opt]");
	if (!first)
		sb_addc(out, ']');
	return false;
}

/*
 * The ", options [...]" part for an option area a of hlen bytes. Returns false
 * when tcpdump stops the line there. more is whether bytes (payload) follow the
 * area: tcpdump reads a length byte even past the area and gives up on the
 * packet as truncated when nothing is there.
 */
static bool td_options(const uint8_t *a, unsigned hlen, bool more, const struct td_rel *r,
		       struct sb *out)
{
	bool first = true;
	sb_add(out, ", options [");
	while (hlen > 0) {
		if (!first)
			sb_addc(out, ',');
		unsigned kind = *a++, len = 1;
		bool nolen = kind == TCPOPT_EOL || kind == TCPOPT_NOP;
		if (!nolen) {
			if (hlen < 2 && !more) {
				sb_add(out, " [|tcp]");
				return false;
			}
			/* Past the area, whatever payload byte is read fails the test below. */
			len = hlen >= 2 ? *a : 0;
			a++;
			if (len < 2 || len > hlen)
				return td_bad(first, out);
			hlen--;
		}
		hlen--;
		td_opt_fn print;
		td_name(kind, out, &print);
		struct td_cursor c = {a, hlen, len, r, out};
		int used = print(&c);
		if (used < 0)
			return td_bad(first, out);
		a += used;
		hlen -= (unsigned)used;
		if ((unsigned)used + (nolen ? 1 : 2) != len)
			sb_addf(out, "[len %u]", len);
		first = false;
		if (kind == TCPOPT_EOL)
			break;
	}
	sb_addc(out, ']');
	return true;
}

/* ---- payload: the HTTP dissector tcpdump runs on ports 80 and 8080 ------ */

enum { TOKEN_MAX = 128 }; /* tcpdump gives up on longer first words */

/* The payload bytes of a segment. */
struct td_data {
	const uint8_t *b;
	unsigned n;
};

static bool printable(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

static bool blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * tcpdump's token reader: a run of printable ASCII up to white space, copied
 * to tok (at most TOKEN_MAX of them); then any blanks before the end of the line. Returns the
 * index after them, or 0 when there is no usable token.
 */
static unsigned http_token(const struct td_data *d, unsigned i, char tok[TOKEN_MAX + 1])
{
	unsigned n = 0;
	for (; i < d->n && !blank(d->b[i]); i++) {
		if (!printable(d->b[i]) || n >= TOKEN_MAX)
			return 0;
		tok[n++] = (char)d->b[i];
	}
	if (n == 0)
		return 0;
	tok[n] = '\0';
	for (; i < d->n; i++) {
		uint8_t c = d->b[i];
		if (c == '\r' || c == '\n' || !printable(c) || (c != ' ' && c != '\t'))
			break;
	}
	return i;
}

static bool http_method(const char *tok)
{
	static const char *const methods[] = {
		"GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY", "BMOVE",
		"MKCOL", "TRACE", "LABEL", "MERGE", "DELETE", "SEARCH", "UNLOCK", "REPORT",
		"UPDATE", "NOTIFY", "BDELETE", "CONNECT", "OPTIONS", "CHECKIN", "PROPFIND",
		"CHECKOUT", "CCM_POST", "SUBSCRIBE", "PROPPATCH", "BPROPFIND", "BPROPPATCH",
		"UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT",
		"VERSION-CONTROL", "BASELINE-CONTROL",
	};
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcasecmp(tok, methods[i]))
			return true;
	return false;
}

static bool status_code(const char *tok)
{
	return tok[0] >= '0' && tok[0] <= '9' && tok[1] >= '0' && tok[1] <= '9' && tok[2] >= '0' &&
	       tok[2] <= '9' && tok[3] == '\0';
}

/* A request (known method first) or a response (3-digit code second). */
static bool http_first_line(const struct td_data *d)
{
	char tok[TOKEN_MAX + 1];
	unsigned i = http_token(d, 0, tok);
	if (i == 0)
		return false;
	bool method = http_method(tok);
	i = http_token(d, i, tok);
	return method || (i != 0 && status_code(tok));
}

/* The first line, if it is all printable and ends in LF or CRLF; a line cut
 * off by the end of the segment is printed and marked truncated. */
static void http_line(const struct td_data *d, struct sb *out)
{
	unsigned i = 0;
	for (; i < d->n; i++) {
		uint8_t c = d->b[i];
		if (c == '\n')
			break;
		if (c == '\r') {
			if (i + 1 >= d->n || d->b[i + 1] != '\n')
				return;
			break;
		}
		if (!printable(c) && c != '\t')
			return;
	}
	sb_add(out, ": ");
	sb_addn(out, d->b, i);
	if (i == d->n)
		sb_add(out, " [|http]");
}

/* Ports whose tcpdump dissector comes before HTTP's; we do not imitate them. */
static bool other_dissector(uint16_t port)
{
	static const uint16_t ports[] = {23, 25, 43, 179, 1723, 6379, 22, 139, 445, 10288, 6633, 6653, 21};
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (port == ports[i])
			return true;
	return false;
}

static void td_payload(const struct pkt *p, const uint8_t *payload, struct sb *out)
{
	if (p->payload_len == 0 || other_dissector(p->sport) || other_dissector(p->dport))
		return;
	bool http = p->sport == 80 || p->dport == 80 || p->sport == 8080 || p->dport == 8080;
	if (!http)
		return;
	struct td_data d = {payload, p->payload_len};
	sb_add(out, ": HTTP");
	/* Zeros are neither a request nor a response. */
	if (payload && http_first_line(&d))
		http_line(&d, out);
}

/* ---- the line ------------------------------------------------------------ */

static void td_seq_ack(const struct pkt *p, const struct td_rel *r, struct sb *out)
{
	if (p->payload_len > 0 || (p->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST))) {
		sb_addf(out, ", seq %u", r->seq);
		if (p->payload_len > 0)
			sb_addf(out, ":%u", r->seq + p->payload_len);
	}
	if (p->flags & TCPF_ACK)
		sb_addf(out, ", ack %u", r->ack);
	sb_addf(out, ", win %u", p->win);
	if (p->flags & TCPF_URG)
		sb_addf(out, ", urg %u", p->urg);
}

void view_td_tcp(struct view_tcpdump *v, const struct pkt *p, const uint8_t *payload, bool addrs,
		 struct sb *out)
{
	endpoint(p, p->src, p->sport, addrs, out);
	sb_add(out, " > ");
	endpoint(p, p->dst, p->dport, addrs, out);
	sb_add(out, ": Flags [");
	view_tcpdump_flags(p->flags, out);
	sb_addc(out, ']');
	struct td_rel r;
	relative(v, p, &r);
	td_seq_ack(p, &r, out);
	uint8_t area[CODEC_OPTS_MAX];
	struct sb err = SB_INIT;
	int n = codec_opts_encode(p, area, &err);
	if (n < 0)
		sb_addf(out, ", options [%s]", sb_str(&err));
	sb_free(&err);
	if (n > 0 && !td_options(area, (unsigned)n, p->payload_len > 0, &r, out))
		return;
	sb_addf(out, ", length %u", p->payload_len);
	td_payload(p, payload, out);
}

void view_tcpdump_line_data(struct view_tcpdump *v, const struct pkt *p, const uint8_t *payload,
			    struct sb *out)
{
	if (p->proto != 0 && p->proto != PKT_TCP) {
		view_td_rebuild(v, p, payload, out);
		return;
	}
	sb_add(out, p->family == 6 ? "IP6 " : "IP ");
	view_td_tcp(v, p, payload, true, out);
}

void view_tcpdump_line(struct view_tcpdump *v, const struct pkt *p, struct sb *out)
{
	view_tcpdump_line_data(v, p, NULL, out);
}
