/*
 * codec: the IP layer and TCP segments, struct pkt -> wire bytes (with
 * lengths and checksums) and wire bytes -> struct pkt. Pure: no I/O, no
 * globals. Decoding treats its input as hostile: every read is bounds-checked.
 * Not for TCP options (codec_opts.c), UDP and ICMP (codec_l4.c), nor for
 * printing (view_*.c).
 */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#include "codec_int.h"

enum {
	IP4_HDR = CODEC_IP4_HDR,
	IP6_HDR = CODEC_IP6_HDR,
	TCP_HDR = 20,
	IP6_HOPOPTS = 0,
	IP6_ROUTING = 43,
	IP6_FRAGMENT = 44,
	IP6_DSTOPTS = 60,
	DEFAULT_TTL = 64,
};

uint16_t codec_l4_csum(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		       const uint8_t *seg, size_t n)
{
	size_t alen = family == 4 ? 4 : 16;
	uint32_t sum = 0;
	sum = codec_csum_add(sum, src, alen);
	sum = codec_csum_add(sum, dst, alen);
	sum += proto + (uint32_t)(n & 0xffff) + (uint32_t)(n >> 16);
	return codec_csum_fold(codec_csum_add(sum, seg, n));
}

static uint8_t ttl_of(const struct pkt *p)
{
	return p->ttl ? p->ttl : DEFAULT_TTL;
}

static void put_ip4(const struct pkt *p, uint8_t proto, uint8_t *b, size_t total)
{
	b[0] = 0x45;
	b[1] = p->tos;
	codec_put16(b + 2, (uint16_t)total);
	codec_put16(b + 4, p->ip_id);
	codec_put16(b + 6, p->df ? 0x4000 : 0);
	b[8] = ttl_of(p);
	b[9] = proto;
	memcpy(b + 12, p->src, 4);
	memcpy(b + 16, p->dst, 4);
	codec_put16(b + 10, codec_csum_fold(codec_csum_add(0, b, IP4_HDR)));
}

static void put_ip6(const struct pkt *p, uint8_t proto, uint8_t *b, size_t seglen)
{
	codec_put32(b, 6u << 28 | (uint32_t)p->tos << 20 | (p->flowlabel & 0xfffff));
	codec_put16(b + 4, (uint16_t)seglen);
	b[6] = proto;
	b[7] = ttl_of(p);
	memcpy(b + 8, p->src, 16);
	memcpy(b + 24, p->dst, 16);
}

void codec_put_ip(const struct pkt *p, uint8_t proto, uint8_t *b, size_t seglen)
{
	if (p->family == 4)
		put_ip4(p, proto, b, IP4_HDR + seglen);
	else
		put_ip6(p, proto, b, seglen);
}

int codec_check_fit(const struct pkt *p, size_t seglen, const char *what, struct sb *err)
{
	if (p->family != 4 && p->family != 6) {
		sb_addf(err, "IP version %d: only 4 and 6 exist", p->family);
		return -1;
	}
	/* IPv4 counts its header in the 16-bit length field, IPv6 does not. */
	size_t limit = CODEC_IP_MAX_LEN - (p->family == 4 ? IP4_HDR : 0);
	if (seglen > limit) {
		sb_addf(err, "%s does not fit in one IPv%d packet", what, p->family);
		return -1;
	}
	return 0;
}

static void put_tcp(const struct pkt *p, const uint8_t *opts, size_t optlen, uint8_t *b)
{
	codec_put16(b, p->sport);
	codec_put16(b + 2, p->dport);
	codec_put32(b + 4, p->seq);
	codec_put32(b + 8, p->ack);
	b[12] = (uint8_t)((TCP_HDR + optlen) / 4 << 4 | (p->flags & TCPF_AE ? 1 : 0));
	b[13] = (uint8_t)p->flags;
	codec_put16(b + 14, p->win);
	codec_put16(b + 18, p->urg);
	memcpy(b + TCP_HDR, opts, optlen);
}

uint8_t *codec_alloc_fit(const struct pkt *p, size_t seglen, const char *proto, struct sb *err)
{
	struct sb what = SB_INIT;
	sb_addf(&what, "a %u-byte %spayload", p->payload_len, proto);
	int fits = codec_check_fit(p, seglen, sb_str(&what), err);
	sb_free(&what);
	return fits < 0 ? NULL : xcalloc(1, codec_ip_hdr_len(p->family) + seglen);
}

static int build_tcp(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err)
{
	uint8_t opts[CODEC_OPTS_MAX];
	int optlen = codec_opts_encode(p, opts, err);
	if (optlen < 0)
		return -1;
	size_t seglen = TCP_HDR + (size_t)optlen + (size_t)p->payload_len;
	uint8_t *b = codec_alloc_fit(p, seglen, "", err);
	if (!b)
		return -1;
	size_t iphdr = codec_ip_hdr_len(p->family);
	uint8_t *seg = b + iphdr;
	put_tcp(p, opts, (size_t)optlen, seg);
	if (payload)
		memcpy(seg + TCP_HDR + optlen, payload, p->payload_len);
	codec_put16(seg + 16, codec_l4_csum(p->family, p->src, p->dst, PKT_TCP, seg, seglen));
	codec_put_ip(p, PKT_TCP, b, seglen);
	sb_addn(out, b, iphdr + seglen);
	free(b);
	return 0;
}

int codec_build(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err)
{
	switch (p->proto) {
	case 0:
	case PKT_TCP:
		return build_tcp(p, payload, out, err);
	case PKT_UDP:
		return codec_build_udp(p, payload, out, err);
	default:
		sb_addf(err, "codec_build makes TCP and UDP packets, not protocol %u%s", p->proto,
			p->proto == PKT_ICMP || p->proto == PKT_ICMP6 ? " (see codec_build_icmp)" : "");
		return -1;
	}
}

int codec_build_quote(const struct pkt *inner, struct sb *out, struct sb *err)
{
	struct sb whole = SB_INIT;
	int r = codec_build(inner, NULL, &whole, err);
	if (r == 0)
		sb_addn(out, whole.buf, codec_ip_hdr_len(inner->family) + CODEC_QUOTE_L4);
	sb_free(&whole);
	return r;
}

/* ---- decoding ------------------------------------------------------------ */

static int decode_ip4(const uint8_t *b, size_t len, struct pkt *p, struct codec_span *s, struct sb *err)
{
	if (len < IP4_HDR) {
		sb_addf(err, "truncated IPv4 header: %zu of %d bytes", len, IP4_HDR);
		return -1;
	}
	size_t ihl = (size_t)(b[0] & 0x0f) * 4;
	size_t total = codec_get16(b + 2);
	if (ihl < IP4_HDR) {
		sb_addf(err, "bad IPv4 header length %zu (IHL below 5)", ihl);
		return -1;
	}
	if (total < ihl) {
		sb_addf(err, "IPv4 total length %zu is shorter than its %zu-byte header", total, ihl);
		return -1;
	}
	if (total > len) {
		sb_addf(err, "truncated IPv4 packet: total length %zu, only %zu bytes", total, len);
		return -1;
	}
	p->family = 4;
	p->tos = b[1];
	p->ip_id = codec_get16(b + 4);
	p->df = (b[6] & 0x40) != 0;
	p->ttl = b[8];
	memcpy(p->src, b + 12, 4);
	memcpy(p->dst, b + 16, 4);
	s->start = ihl;
	s->end = total;
	s->proto = b[9];
	/* A fragment's transport header may be elsewhere: leave it to reassembly. */
	s->fragment = (codec_get16(b + 6) & 0x3fff) != 0;
	return 0;
}

/* Skips hop-by-hop, routing and destination-options headers after the IPv6
 * header, recording them in s; s->proto gets the first other next-header
 * value. Returns 0 or -1. */
static int skip_ext6(const uint8_t *b, struct codec_span *s, uint8_t nh, struct sb *err)
{
	while (nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_DSTOPTS) {
		if (s->end - s->start < 8) {
			sb_addf(err, "truncated IPv6 extension header %u", nh);
			return -1;
		}
		size_t extlen = ((size_t)b[s->start + 1] + 1) * 8;
		if (extlen > s->end - s->start) {
			sb_addf(err, "IPv6 extension header %u runs past the packet", nh);
			return -1;
		}
		if (s->next_n < CODEC_EXT_MAX)
			s->ext[s->next_n] = nh;
		if (s->next_n < UINT8_MAX)
			s->next_n++;
		nh = b[s->start];
		s->start += extlen;
	}
	s->proto = nh;
	s->fragment = nh == IP6_FRAGMENT;
	return 0;
}

static int decode_ip6(const uint8_t *b, size_t len, struct pkt *p, struct codec_span *s, struct sb *err)
{
	if (len < IP6_HDR) {
		sb_addf(err, "truncated IPv6 header: %zu of %d bytes", len, IP6_HDR);
		return -1;
	}
	size_t plen = codec_get16(b + 4);
	if (IP6_HDR + plen > len) {
		sb_addf(err, "truncated IPv6 packet: payload length %zu, only %zu bytes after the header",
			plen, len - IP6_HDR);
		return -1;
	}
	uint32_t w0 = codec_get32(b);
	p->family = 6;
	p->tos = (uint8_t)(w0 >> 20);
	p->flowlabel = w0 & 0xfffff;
	p->ttl = b[7];
	memcpy(p->src, b + 8, 16);
	memcpy(p->dst, b + 24, 16);
	s->start = IP6_HDR;
	s->end = IP6_HDR + plen;
	return skip_ext6(b, s, b[6], err);
}

static int decode_tcp(const uint8_t *b, const struct codec_span *s, struct pkt *p, struct sb *err)
{
	const uint8_t *t = b + s->start;
	size_t seglen = s->end - s->start;
	if (seglen < TCP_HDR) {
		sb_addf(err, "truncated TCP header: %zu of %d bytes", seglen, TCP_HDR);
		return -1;
	}
	size_t doff = (size_t)(t[12] >> 4) * 4;
	if (doff < TCP_HDR || doff > seglen) {
		sb_addf(err, "bad TCP data offset %zu (the segment has %zu bytes)", doff, seglen);
		return -1;
	}
	p->proto = PKT_TCP;
	p->sport = codec_get16(t);
	p->dport = codec_get16(t + 2);
	p->seq = codec_get32(t + 4);
	p->ack = codec_get32(t + 8);
	p->flags = (uint16_t)(t[13] | (t[12] & 1 ? TCPF_AE : 0));
	p->win = codec_get16(t + 14);
	p->urg = codec_get16(t + 18);
	codec_opts_decode(t + TCP_HDR, doff - TCP_HDR, p);
	p->payload_len = (uint32_t)(seglen - doff);
	p->tcp_csum_ok = codec_l4_csum(p->family, p->src, p->dst, PKT_TCP, t, seglen) == 0;
	return 0;
}

/* The transport after a well-formed IP layer. */
static int decode_l4(const uint8_t *b, const struct codec_span *s, struct pkt *p, struct sb *err)
{
	if (s->fragment) {
		p->proto = CODEC_PROTO_OTHER;
		return 1;
	}
	if (s->proto == PKT_TCP)
		return decode_tcp(b, s, p, err);
	if (s->proto == PKT_UDP)
		return codec_decode_udp(b, s, p, err);
	if (s->proto == (p->family == 4 ? PKT_ICMP : PKT_ICMP6))
		return codec_decode_icmp(b, s, p, err);
	p->proto = CODEC_PROTO_OTHER;
	return 1;
}

int codec_decode_span(const uint8_t *bytes, size_t len, struct pkt *p, struct codec_span *s,
		      struct sb *err)
{
	memset(p, 0, sizeof(*p));
	memset(s, 0, sizeof(*s));
	if (len < 1) {
		sb_add(err, "empty packet");
		return -1;
	}
	int r;
	switch (bytes[0] >> 4) {
	case 4:
		r = decode_ip4(bytes, len, p, s, err);
		break;
	case 6:
		r = decode_ip6(bytes, len, p, s, err);
		break;
	default:
		sb_addf(err, "IP version %d: only 4 and 6 exist", bytes[0] >> 4);
		return -1;
	}
	return r < 0 ? -1 : decode_l4(bytes, s, p, err);
}

int codec_decode(const uint8_t *bytes, size_t len, struct pkt *p, struct sb *err)
{
	struct codec_span s;
	return codec_decode_span(bytes, len, p, &s, err);
}
