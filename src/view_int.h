/*
 * view_int: what the tcpdump printers share between view_tcpdump.c (TCP
 * segments, tcpdump's sequence memory) and view_tcpdump_any.c (captured
 * bytes of any kind, UDP, ICMP, ICMPv6). Private to the views.
 */
#ifndef TCPSH_VIEW_INT_H
#define TCPSH_VIEW_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"
#include "sb.h"
#include "view.h"

static inline uint16_t view_get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t view_get32(const uint8_t *b)
{
	return (uint32_t)view_get16(b) << 16 | view_get16(b + 2);
}

/* An address as `tcpdump -n` writes it: dotted IPv4 (family 4) or IPv6 text. */
void view_td_addr(int family, const uint8_t *a, struct sb *out);

/* A TCP segment's line after "IP " or "IP6 ": "src.port > dst.port: Flags
 * [...]...", or "sport > dport: Flags..." without addrs (tcpdump's way
 * behind IPv6 extension headers, which follow "src > dst: "). */
void view_td_tcp(struct view_tcpdump *v, const struct pkt *p, const uint8_t *payload, bool addrs,
		 struct sb *out);

/* A non-TCP p (UDP, ICMP, ICMPv6), rebuilt into bytes with codec_build or
 * codec_build_icmp and printed as view_tcpdump_any prints them. */
void view_td_rebuild(struct view_tcpdump *v, const struct pkt *p, const uint8_t *payload, struct sb *out);

#endif
