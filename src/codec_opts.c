/*
 * codec_opts: TCP options, struct pkt_opt <-> the bytes of a TCP header's
 * option area. Pure. The representation (typed values, raw bytes, malformed
 * tails) is described in codec.h; this file is its only implementation.
 * Not for IP or TCP headers (codec.c) nor for printing options (view_*.c).
 */
#include "codec.h"

#include <string.h>

/* A kind whose value has its own union member, at its standard length. */
struct opt_kind {
	uint8_t kind;
	uint8_t len; /* standard wire length; 0 for SACK, which varies */
	void (*put)(const struct pkt_opt *o, uint8_t *b);
	void (*get)(const uint8_t *b, uint8_t len, struct pkt_opt *o);
};

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)get16(b) << 16 | get16(b + 2);
}

static void put_mss(const struct pkt_opt *o, uint8_t *b)
{
	put16(b, o->u.mss);
}

static void get_mss(const uint8_t *b, uint8_t len, struct pkt_opt *o)
{
	(void)len;
	o->u.mss = get16(b);
}

static void put_wscale(const struct pkt_opt *o, uint8_t *b)
{
	b[0] = o->u.wscale;
}

static void get_wscale(const uint8_t *b, uint8_t len, struct pkt_opt *o)
{
	(void)len;
	o->u.wscale = b[0];
}

static void put_ts(const struct pkt_opt *o, uint8_t *b)
{
	put32(b, o->u.ts.val);
	put32(b + 4, o->u.ts.ecr);
}

static void get_ts(const uint8_t *b, uint8_t len, struct pkt_opt *o)
{
	(void)len;
	o->u.ts.val = get32(b);
	o->u.ts.ecr = get32(b + 4);
}

static void put_sack(const struct pkt_opt *o, uint8_t *b)
{
	for (int i = 0; i < o->u.sack.n; i++) {
		put32(b + 8 * i, o->u.sack.blk[i].left);
		put32(b + 8 * i + 4, o->u.sack.blk[i].right);
	}
}

static void get_sack(const uint8_t *b, uint8_t len, struct pkt_opt *o)
{
	o->u.sack.n = (uint8_t)((len - 2) / 8);
	for (int i = 0; i < o->u.sack.n; i++) {
		o->u.sack.blk[i].left = get32(b + 8 * i);
		o->u.sack.blk[i].right = get32(b + 8 * i + 4);
	}
}

static void put_none(const struct pkt_opt *o, uint8_t *b)
{
	(void)o;
	(void)b;
}

static void get_none(const uint8_t *b, uint8_t len, struct pkt_opt *o)
{
	(void)b;
	(void)len;
	(void)o;
}

static const struct opt_kind kinds[] = {
	{TCPOPT_MSS, 4, put_mss, get_mss},
	{TCPOPT_WSCALE, 3, put_wscale, get_wscale},
	{TCPOPT_SACKOK, 2, put_none, get_none},
	{TCPOPT_SACK, 0, put_sack, get_sack},
	{TCPOPT_TS, 10, put_ts, get_ts},
};

static const struct opt_kind *find_kind(uint8_t kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return NULL;
}

static bool sack_len_ok(unsigned len)
{
	return len >= 10 && len <= 2 + 8 * PKT_MAX_SACK && (len - 2) % 8 == 0;
}

/* The standard length of o when typed; SACK's depends on its block count. */
static unsigned typed_len(const struct opt_kind *k, const struct pkt_opt *o)
{
	return k->kind == TCPOPT_SACK ? 2 + 8u * o->u.sack.n : k->len;
}

bool codec_opt_typed(const struct pkt_opt *o)
{
	if (o->kind == TCPOPT_EOL || o->kind == TCPOPT_NOP)
		return true;
	const struct opt_kind *k = find_kind(o->kind);
	if (!k)
		return false;
	if (o->kind == TCPOPT_SACK && o->len != 0)
		return sack_len_ok(o->len) && o->len == typed_len(k, o);
	return o->len == 0 || o->len == typed_len(k, o);
}

/* Wire bytes of one option (kind and length bytes included); -1 when o
 * cannot be encoded at all. */
static int opt_wire_len(const struct pkt_opt *o, struct sb *err)
{
	if (o->kind == TCPOPT_EOL || o->kind == TCPOPT_NOP) {
		if (o->len > 1) {
			sb_addf(err, "option kind %u has no length byte, but len is %u", o->kind, o->len);
			return -1;
		}
		return 1;
	}
	if (codec_opt_typed(o)) {
		const struct opt_kind *k = find_kind(o->kind);
		if (k->kind == TCPOPT_SACK && (o->u.sack.n < 1 || o->u.sack.n > PKT_MAX_SACK)) {
			sb_addf(err, "sack needs 1 to %d blocks, not %u", PKT_MAX_SACK, o->u.sack.n);
			return -1;
		}
		return (int)typed_len(k, o);
	}
	if (o->u.raw.n > PKT_OPT_RAW_MAX) {
		sb_addf(err, "option kind %u carries %u bytes; at most %d fit", o->kind, o->u.raw.n,
			PKT_OPT_RAW_MAX);
		return -1;
	}
	return (o->len == 1 ? 1 : 2) + o->u.raw.n;
}

/* Writes o (whose size opt_wire_len checked) at b. */
static void put_opt(const struct pkt_opt *o, uint8_t *b)
{
	b[0] = o->kind;
	if (o->kind == TCPOPT_EOL || o->kind == TCPOPT_NOP)
		return;
	if (codec_opt_typed(o)) {
		const struct opt_kind *k = find_kind(o->kind);
		b[1] = (uint8_t)typed_len(k, o);
		k->put(o, b + 2);
	} else if (o->len == 1) {
		memcpy(b + 1, o->u.raw.data, o->u.raw.n);
	} else {
		b[1] = o->len ? o->len : (uint8_t)(o->u.raw.n + 2);
		memcpy(b + 2, o->u.raw.data, o->u.raw.n);
	}
}

size_t codec_opts_len(const struct pkt *p)
{
	struct sb ignored = SB_INIT;
	size_t n = 0;
	for (int i = 0; i < p->nopts; i++) {
		int w = opt_wire_len(&p->opts[i], &ignored);
		n += w > 0 ? (size_t)w : 0;
	}
	sb_free(&ignored);
	return n;
}

int codec_opts_encode(const struct pkt *p, uint8_t out[CODEC_OPTS_MAX], struct sb *err)
{
	size_t at = 0;
	for (int i = 0; i < p->nopts; i++) {
		int w = opt_wire_len(&p->opts[i], err);
		if (w < 0)
			return -1;
		if (at + (size_t)w > CODEC_OPTS_MAX) {
			sb_addf(err, "TCP options take %zu bytes; a TCP header holds at most %d",
				at + (size_t)w, CODEC_OPTS_MAX);
			return -1;
		}
		put_opt(&p->opts[i], out + at);
		at += (size_t)w;
	}
	size_t padded = (at + 3) & ~(size_t)3;
	memset(out + at, TCPOPT_EOL, padded - at);
	return (int)padded;
}

/* Keeps everything from the kind byte at a[0] on as a malformed tail. */
static void take_tail(const uint8_t *a, size_t n, struct pkt_opt *o)
{
	o->len = 1;
	o->u.raw.n = (uint8_t)(n - 1);
	memcpy(o->u.raw.data, a + 1, n - 1);
}

/* Decodes the well-formed option of length len at a[0]. */
static void take_opt(const uint8_t *a, uint8_t len, struct pkt_opt *o)
{
	const struct opt_kind *k = find_kind(a[0]);
	o->len = len;
	bool std = k && (k->kind == TCPOPT_SACK ? sack_len_ok(len) : len == k->len);
	if (std) {
		k->get(a + 2, len, o);
		return;
	}
	o->u.raw.n = (uint8_t)(len - 2);
	memcpy(o->u.raw.data, a + 2, (size_t)len - 2);
}

void codec_opts_decode(const uint8_t *area, size_t n, struct pkt *p)
{
	if (n > CODEC_OPTS_MAX)
		n = CODEC_OPTS_MAX;
	p->nopts = 0;
	size_t i = 0;
	/* Every option takes at least one byte, so PKT_MAX_OPTS (40) slots suffice. */
	while (i < n) {
		struct pkt_opt *o = &p->opts[p->nopts++];
		memset(o, 0, sizeof(*o));
		o->kind = area[i];
		if (o->kind == TCPOPT_EOL || o->kind == TCPOPT_NOP) {
			o->len = 1;
			if (o->kind == TCPOPT_EOL)
				return;
			i++;
			continue;
		}
		size_t left = n - i;
		if (left < 2 || area[i + 1] < 2 || area[i + 1] > left) {
			take_tail(area + i, left, o);
			return;
		}
		take_opt(area + i, area[i + 1], o);
		i += area[i + 1];
	}
}
