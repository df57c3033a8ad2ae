/*
 * codec_int: what codec.c (IP and TCP) and codec_l4.c (UDP and ICMP) share:
 * big-endian field access, the Internet checksum, and the IP header writer.
 * Private to the codec; everyone else includes codec.h.
 */
#ifndef TCPSH_CODEC_INT_H
#define TCPSH_CODEC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

enum {
	CODEC_IP4_HDR = 20,
	CODEC_IP6_HDR = 40,
	CODEC_IP_MAX_LEN = 65535,
};

static inline void codec_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void codec_put32(uint8_t *b, uint32_t v)
{
	codec_put16(b, (uint16_t)(v >> 16));
	codec_put16(b + 2, (uint16_t)v);
}

static inline uint16_t codec_get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t codec_get32(const uint8_t *b)
{
	return (uint32_t)codec_get16(b) << 16 | codec_get16(b + 2);
}

/* Adds n bytes to a ones'-complement running sum (RFC 1071); n may be odd
 * only for the last call. */
static inline uint32_t codec_csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += codec_get16(b + i);
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return sum;
}

static inline uint16_t codec_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The checksum of the transport bytes seg (n of them) under the family's
 * pseudo-header for protocol proto. Bytes whose checksum field is already
 * right sum to 0. */
uint16_t codec_l4_csum(int family, const uint8_t *src, const uint8_t *dst, uint8_t proto,
		       const uint8_t *seg, size_t n);

/* The IP header length of a family (4 or 6). */
static inline size_t codec_ip_hdr_len(int family)
{
	return family == 4 ? CODEC_IP4_HDR : CODEC_IP6_HDR;
}

/*
 * Checks that seglen transport bytes fit in one packet of p's family
 * (p->family must be 4 or 6, else a reason goes to err); what names the
 * content in the message. Returns 0 or -1.
 */
int codec_check_fit(const struct pkt *p, size_t seglen, const char *what, struct sb *err);
/* A zeroed buffer for the IP header plus seglen bytes, or NULL with err when
 * the packet would not fit ("a N-byte <proto>payload ..."). Caller frees. */
uint8_t *codec_alloc_fit(const struct pkt *p, size_t seglen, const char *proto, struct sb *err);

/* Writes p's IP header for seglen transport bytes of protocol proto at b
 * (codec_ip_hdr_len(p->family) bytes). */
void codec_put_ip(const struct pkt *p, uint8_t proto, uint8_t *b, size_t seglen);

/* Decodes the UDP datagram or ICMP message that s locates in b into p
 * (see codec_decode). Returns 1 or -1. */
int codec_decode_udp(const uint8_t *b, const struct codec_span *s, struct pkt *p, struct sb *err);
int codec_decode_icmp(const uint8_t *b, const struct codec_span *s, struct pkt *p, struct sb *err);

/* Builds a UDP datagram (see codec_build). */
int codec_build_udp(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err);

#endif
