/*
 * codec: IPv4/IPv6 + TCP segments, struct pkt -> wire bytes (with lengths and
 * checksums) and wire bytes -> struct pkt. Pure: no I/O, no globals.
 * Decoding treats its input as hostile: every read is bounds-checked.
 * Not for TCP options (codec_opts.c), nor for printing (view_*.c).
 */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

enum {
	IP4_HDR = 20,
	IP6_HDR = 40,
	TCP_HDR = 20,
	PROTO_TCP = 6,
	IP6_HOPOPTS = 0,
	IP6_ROUTING = 43,
	IP6_DSTOPTS = 60,
	IP_MAX_LEN = 65535,
	DEFAULT_TTL = 64,
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

/* Adds n bytes to a ones'-complement running sum (RFC 1071); n may be odd
 * only for the last call. */
static uint32_t csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += get16(b + i);
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The TCP checksum of seg (n bytes) under the family's pseudo-header. A
 * segment whose checksum field is already right sums to 0. */
static uint16_t tcp_csum(int family, const uint8_t *src, const uint8_t *dst, const uint8_t *seg,
			 size_t n)
{
	size_t alen = family == 4 ? 4 : 16;
	uint32_t sum = 0;
	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += PROTO_TCP + (uint32_t)(n & 0xffff) + (uint32_t)(n >> 16);
	return csum_fold(csum_add(sum, seg, n));
}

static uint8_t ttl_of(const struct pkt *p)
{
	return p->ttl ? p->ttl : DEFAULT_TTL;
}

static void put_ip4(const struct pkt *p, uint8_t *b, size_t total)
{
	b[0] = 0x45;
	b[1] = p->tos;
	put16(b + 2, (uint16_t)total);
	put16(b + 4, p->ip_id);
	put16(b + 6, p->df ? 0x4000 : 0);
	b[8] = ttl_of(p);
	b[9] = PROTO_TCP;
	memcpy(b + 12, p->src, 4);
	memcpy(b + 16, p->dst, 4);
	put16(b + 10, csum_fold(csum_add(0, b, IP4_HDR)));
}

static void put_ip6(const struct pkt *p, uint8_t *b, size_t seglen)
{
	put32(b, 6u << 28 | (uint32_t)p->tos << 20 | (p->flowlabel & 0xfffff));
	put16(b + 4, (uint16_t)seglen);
	b[6] = PROTO_TCP;
	b[7] = ttl_of(p);
	memcpy(b + 8, p->src, 16);
	memcpy(b + 24, p->dst, 16);
}

static void put_tcp(const struct pkt *p, const uint8_t *opts, size_t optlen, uint8_t *b)
{
	put16(b, p->sport);
	put16(b + 2, p->dport);
	put32(b + 4, p->seq);
	put32(b + 8, p->ack);
	b[12] = (uint8_t)((TCP_HDR + optlen) / 4 << 4 | (p->flags & TCPF_AE ? 1 : 0));
	b[13] = (uint8_t)p->flags;
	put16(b + 14, p->win);
	put16(b + 18, p->urg);
	memcpy(b + TCP_HDR, opts, optlen);
}

int codec_build(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err)
{
	if (p->family != 4 && p->family != 6) {
		sb_addf(err, "IP version %d: only 4 and 6 exist", p->family);
		return -1;
	}
	uint8_t opts[CODEC_OPTS_MAX];
	int optlen = codec_opts_encode(p, opts, err);
	if (optlen < 0)
		return -1;
	size_t iphdr = p->family == 4 ? IP4_HDR : IP6_HDR;
	size_t seglen = TCP_HDR + (size_t)optlen + p->payload_len;
	/* IPv4 counts its header in the 16-bit length field, IPv6 does not. */
	size_t limit = IP_MAX_LEN - (p->family == 4 ? IP4_HDR : 0);
	if (p->payload_len > limit || seglen > limit) {
		sb_addf(err, "a %u-byte payload does not fit in one IPv%d packet", p->payload_len,
			p->family);
		return -1;
	}
	uint8_t *b = xcalloc(1, iphdr + seglen);
	uint8_t *seg = b + iphdr;
	put_tcp(p, opts, (size_t)optlen, seg);
	if (payload)
		memcpy(seg + TCP_HDR + optlen, payload, p->payload_len);
	put16(seg + 16, tcp_csum(p->family, p->src, p->dst, seg, seglen));
	if (p->family == 4)
		put_ip4(p, b, iphdr + seglen);
	else
		put_ip6(p, b, seglen);
	sb_addn(out, b, iphdr + seglen);
	free(b);
	return 0;
}

/* Where the IP layer says the transport header starts and the packet ends. */
struct span {
	size_t start, end;
};

/* Returns 0 (TCP inside), 1 (not TCP, or not the first fragment) or -1. */
static int decode_ip4(const uint8_t *b, size_t len, struct pkt *p, struct span *s, struct sb *err)
{
	if (len < IP4_HDR) {
		sb_addf(err, "truncated IPv4 header: %zu of %d bytes", len, IP4_HDR);
		return -1;
	}
	size_t ihl = (size_t)(b[0] & 0x0f) * 4;
	size_t total = get16(b + 2);
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
	p->ip_id = get16(b + 4);
	p->df = (b[6] & 0x40) != 0;
	p->ttl = b[8];
	memcpy(p->src, b + 12, 4);
	memcpy(p->dst, b + 16, 4);
	s->start = ihl;
	s->end = total;
	/* A fragment's TCP header may be elsewhere: leave it to reassembly. */
	bool fragment = (get16(b + 6) & 0x3fff) != 0;
	return b[9] == PROTO_TCP && !fragment ? 0 : 1;
}

/* Skips hop-by-hop, routing and destination-options headers after the IPv6
 * header; returns the first other next-header value, or -1. */
static int skip_ext6(const uint8_t *b, struct span *s, uint8_t nh, struct sb *err)
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
		nh = b[s->start];
		s->start += extlen;
	}
	return nh;
}

static int decode_ip6(const uint8_t *b, size_t len, struct pkt *p, struct span *s, struct sb *err)
{
	if (len < IP6_HDR) {
		sb_addf(err, "truncated IPv6 header: %zu of %d bytes", len, IP6_HDR);
		return -1;
	}
	size_t plen = get16(b + 4);
	if (IP6_HDR + plen > len) {
		sb_addf(err, "truncated IPv6 packet: payload length %zu, only %zu bytes after the header",
			plen, len - IP6_HDR);
		return -1;
	}
	uint32_t w0 = get32(b);
	p->family = 6;
	p->tos = (uint8_t)(w0 >> 20);
	p->flowlabel = w0 & 0xfffff;
	p->ttl = b[7];
	memcpy(p->src, b + 8, 16);
	memcpy(p->dst, b + 24, 16);
	s->start = IP6_HDR;
	s->end = IP6_HDR + plen;
	int nh = skip_ext6(b, s, b[6], err);
	if (nh < 0)
		return -1;
	return nh == PROTO_TCP ? 0 : 1;
}

static int decode_tcp(const uint8_t *b, const struct span *s, struct pkt *p, struct sb *err)
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
	p->sport = get16(t);
	p->dport = get16(t + 2);
	p->seq = get32(t + 4);
	p->ack = get32(t + 8);
	p->flags = (uint16_t)(t[13] | (t[12] & 1 ? TCPF_AE : 0));
	p->win = get16(t + 14);
	p->urg = get16(t + 18);
	codec_opts_decode(t + TCP_HDR, doff - TCP_HDR, p);
	p->payload_len = (uint32_t)(seglen - doff);
	p->tcp_csum_ok = tcp_csum(p->family, p->src, p->dst, t, seglen) == 0;
	return 0;
}

int codec_decode(const uint8_t *bytes, size_t len, struct pkt *p, struct sb *err)
{
	memset(p, 0, sizeof(*p));
	if (len < 1) {
		sb_add(err, "empty packet");
		return -1;
	}
	struct span s;
	int r;
	switch (bytes[0] >> 4) {
	case 4:
		r = decode_ip4(bytes, len, p, &s, err);
		break;
	case 6:
		r = decode_ip6(bytes, len, p, &s, err);
		break;
	default:
		sb_addf(err, "IP version %d: only 4 and 6 exist", bytes[0] >> 4);
		return -1;
	}
	if (r != 0)
		return r;
	return decode_tcp(bytes, &s, p, err);
}
