/*
 * codec_l4: UDP datagrams and ICMP/ICMPv6 error messages, struct pkt <->
 * wire bytes, for the non-TCP packets packetdrill scripts inject
 * ("< udp (100)", "< icmp unreachable frag_needed mtu 1200"). Pure: no I/O,
 * no globals; decoding treats its input as hostile.
 * Not for the IP layer or TCP (codec.c), nor for printing (view_*.c).
 */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

#include "codec_int.h"

enum {
	UDP_HDR = 8,
	ICMP_HDR = 8,
	ICMP4_UNREACH = 3,
	ICMP4_FRAG_NEEDED = 4,
	ICMP6_TOO_BIG = 2,
};

/* ---- building ------------------------------------------------------------ */

int codec_build_udp(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err)
{
	size_t seglen = UDP_HDR + (size_t)p->payload_len;
	uint8_t *b = codec_alloc_fit(p, seglen, "UDP ", err);
	if (!b)
		return -1;
	size_t iphdr = codec_ip_hdr_len(p->family);
	uint8_t *u = b + iphdr;
	codec_put16(u, p->sport);
	codec_put16(u + 2, p->dport);
	codec_put16(u + 4, (uint16_t)seglen);
	if (payload)
		memcpy(u + UDP_HDR, payload, p->payload_len);
	uint16_t sum = codec_l4_csum(p->family, p->src, p->dst, PKT_UDP, u, seglen);
	codec_put16(u + 6, sum ? sum : 0xffff); /* 0 would mean "no checksum" */
	codec_put_ip(p, PKT_UDP, b, seglen);
	sb_addn(out, b, iphdr + seglen);
	free(b);
	return 0;
}

/* The four bytes after the checksum: zero but for an MTU where one belongs. */
static void put_icmp_rest(const struct pkt *p, uint8_t *m)
{
	if (p->family == 4 && p->icmp_type == ICMP4_UNREACH && p->icmp_code == ICMP4_FRAG_NEEDED)
		codec_put16(m + 6, p->icmp_mtu);
	else if (p->family == 6 && p->icmp_type == ICMP6_TOO_BIG)
		codec_put32(m + 4, p->icmp_mtu);
}

int codec_build_icmp(const struct pkt *outer, const uint8_t *quoted, size_t quoted_len, struct sb *out,
		     struct sb *err)
{
	if (codec_check_fit(outer, ICMP_HDR + quoted_len, "the quoted packet", err) < 0)
		return -1;
	size_t iphdr = codec_ip_hdr_len(outer->family), n = ICMP_HDR + quoted_len;
	uint8_t proto = outer->family == 4 ? PKT_ICMP : PKT_ICMP6;
	uint8_t *b = xcalloc(1, iphdr + n);
	uint8_t *m = b + iphdr;
	m[0] = outer->icmp_type;
	m[1] = outer->icmp_code;
	put_icmp_rest(outer, m);
	if (quoted_len)
		memcpy(m + ICMP_HDR, quoted, quoted_len);
	uint16_t sum = outer->family == 4
			       ? codec_csum_fold(codec_csum_add(0, m, n))
			       : codec_l4_csum(6, outer->src, outer->dst, proto, m, n);
	codec_put16(m + 2, sum);
	codec_put_ip(outer, proto, b, n);
	sb_addn(out, b, iphdr + n);
	free(b);
	return 0;
}

/* ---- decoding ------------------------------------------------------------ */

int codec_decode_udp(const uint8_t *b, const struct codec_span *s, struct pkt *p, struct sb *err)
{
	const uint8_t *u = b + s->start;
	size_t n = s->end - s->start;
	if (n < UDP_HDR) {
		sb_addf(err, "truncated UDP header: %zu of %d bytes", n, UDP_HDR);
		return -1;
	}
	size_t ulen = codec_get16(u + 4);
	if (ulen < UDP_HDR || ulen > n) {
		sb_addf(err, "bad UDP length %zu (the datagram has %zu bytes)", ulen, n);
		return -1;
	}
	p->proto = PKT_UDP;
	p->sport = codec_get16(u);
	p->dport = codec_get16(u + 2);
	p->payload_len = (uint32_t)(ulen - UDP_HDR);
	bool none = p->family == 4 && codec_get16(u + 6) == 0;
	p->tcp_csum_ok = none || codec_l4_csum(p->family, p->src, p->dst, PKT_UDP, u, ulen) == 0;
	return 1;
}

/* Fills p's TCP fields from a quoted IP header of p's family followed by at
 * least 8 bytes of a TCP header; leaves them 0 otherwise. */
static void decode_quote(const uint8_t *q, size_t n, struct pkt *p)
{
	size_t ihl, iplen;
	uint8_t proto;
	if (p->family == 4) {
		if (n < CODEC_IP4_HDR || q[0] >> 4 != 4)
			return;
		ihl = (size_t)(q[0] & 0x0f) * 4;
		iplen = codec_get16(q + 2);
		proto = q[9];
	} else {
		if (n < CODEC_IP6_HDR || q[0] >> 4 != 6)
			return;
		ihl = CODEC_IP6_HDR;
		iplen = CODEC_IP6_HDR + (size_t)codec_get16(q + 4);
		proto = q[6];
	}
	if (ihl < CODEC_IP4_HDR || proto != PKT_TCP || n < ihl + CODEC_QUOTE_L4)
		return;
	p->sport = codec_get16(q + ihl);
	p->dport = codec_get16(q + ihl + 2);
	p->seq = codec_get32(q + ihl + 4);
	p->payload_len = iplen > ihl + 20 ? (uint32_t)(iplen - ihl - 20) : 0;
}

static void decode_mtu(const uint8_t *m, struct pkt *p)
{
	if (p->family == 4 && p->icmp_type == ICMP4_UNREACH && p->icmp_code == ICMP4_FRAG_NEEDED) {
		p->icmp_mtu = codec_get16(m + 6);
	} else if (p->family == 6 && p->icmp_type == ICMP6_TOO_BIG) {
		uint32_t mtu = codec_get32(m + 4);
		p->icmp_mtu = mtu > UINT16_MAX ? UINT16_MAX : (uint16_t)mtu;
	}
}

int codec_decode_icmp(const uint8_t *b, const struct codec_span *s, struct pkt *p, struct sb *err)
{
	const uint8_t *m = b + s->start;
	size_t n = s->end - s->start;
	if (n < ICMP_HDR) {
		sb_addf(err, "truncated ICMP%s header: %zu of %d bytes", p->family == 6 ? "v6" : "", n,
			ICMP_HDR);
		return -1;
	}
	p->proto = p->family == 4 ? PKT_ICMP : PKT_ICMP6;
	p->icmp_type = m[0];
	p->icmp_code = m[1];
	decode_mtu(m, p);
	decode_quote(m + ICMP_HDR, n - ICMP_HDR, p);
	uint16_t sum = p->family == 4 ? codec_csum_fold(codec_csum_add(0, m, n))
				      : codec_l4_csum(6, p->src, p->dst, PKT_ICMP6, m, n);
	p->tcp_csum_ok = sum == 0;
	return 1;
}
