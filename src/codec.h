/*
 * codec: IPv4/IPv6 packets, bytes <-> struct pkt. Pure: no I/O, no globals.
 * TCP segments (with their options), UDP datagrams, and the ICMP/ICMPv6
 * error messages packetdrill scripts inject. Builds headers with correct
 * lengths and checksums (IPv4 header checksum, TCP/UDP/ICMPv6 pseudo-header
 * checksums, ICMP checksum).
 */
#ifndef TCPSH_CODEC_H
#define TCPSH_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "sb.h"

/*
 * Appends the wire bytes of p. p->proto PKT_TCP (or 0): an IP header, a TCP header with p->opts in order,
 * zero-padded (EOL) to a 4-byte boundary, then
 * p->payload_len payload bytes taken from payload, or zeros when payload is
 * NULL) to out. IPv4: version 4, IHL 5, p->tos, total length, p->ip_id, DF if
 * p->df, p->ttl (64 when 0), protocol 6, checksum. IPv6: version 6, traffic
 * class p->tos, p->flowlabel, payload length, next header 6, hop limit p->ttl
 * (64 when 0). p->proto PKT_UDP: the same IP header (protocol 17), then an
 * 8-byte UDP header (p->sport, p->dport, length, checksum) and the
 * p->payload_len payload bytes (or zeros); TCP fields and options are ignored.
 * Returns 0, or -1 with a reason in err when the options do not fit in 40
 * bytes, an option is malformed, the payload does not fit, or p->proto is
 * another protocol (ICMP messages are built by codec_build_icmp).
 */
int codec_build(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err);

/*
 * Appends an ICMP (outer->family 4, IP protocol 1) or ICMPv6 (family 6, next
 * header 58) error message: outer's IP header fields as codec_build writes
 * them (addresses, tos, ttl, ip_id, df, flowlabel), then type
 * outer->icmp_type, code outer->icmp_code, the checksum (ICMPv6: under the
 * IPv6 pseudo-header), four bytes that are zero except for the MTU
 * (outer->icmp_mtu in the low 16 bits for ICMPv4 type 3 code 4, "fragmentation
 * needed"; as a 32-bit number for ICMPv6 type 2, "packet too big"), and then
 * the quoted_len bytes of quoted verbatim (quoted may be NULL when quoted_len
 * is 0). outer->proto, ports and TCP fields are ignored. Returns 0, or -1
 * with a reason in err (bad family, message too long).
 */
int codec_build_icmp(const struct pkt *outer, const uint8_t *quoted, size_t quoted_len, struct sb *out,
		     struct sb *err);

/* How many bytes after the IP header an ICMP error quotes (RFC 792: the
 * offending datagram's IP header and its first 64 bits); packetdrill quotes
 * exactly these for both ICMP and ICMPv6: the ports and the sequence number. */
#define CODEC_QUOTE_L4 8

/*
 * Appends what packetdrill quotes of an offending packet: inner's IP header
 * exactly as codec_build writes it (its length field counting the whole
 * segment, inner->payload_len bytes of payload included) followed by the
 * first CODEC_QUOTE_L4 bytes of its TCP (or, with proto PKT_UDP, UDP) header.
 * Returns 0, or -1 with a reason in err as codec_build.
 */
int codec_build_quote(const struct pkt *inner, struct sb *out, struct sb *err);

/*
 * Decodes one raw IP packet (no link header) into p. Returns 0 for a TCP
 * segment (p->proto PKT_TCP); 1 for a well-formed IP packet that is not a
 * TCP segment; -1 with a reason in err when the bytes are truncated or
 * malformed. Options that are malformed stop option decoding without failing.
 * With 1, p->family, the IP fields, src and dst are filled in, and p->proto says what
 * else was:
 *  - PKT_UDP: sport, dport, payload_len (the UDP length field less 8);
 *  - PKT_ICMP (in IPv4) / PKT_ICMP6 (in IPv6): icmp_type, icmp_code,
 *    icmp_mtu (only for "fragmentation needed" and "packet too big"; an
 *    ICMPv6 MTU above 65535 reads as 65535); and when the message quotes
 *    an IP header of its family and the first 8 bytes of a TCP header: that
 *    segment's sport, dport, seq, and payload_len (its IP length less the IP
 *    header and a 20-byte TCP header; 0 when smaller). Otherwise those are 0;
 *  - CODEC_PROTO_OTHER: anything else, IP fragments included (see
 *    codec_decode_span for the protocol number).
 * tcp_csum_ok tells whether the TCP, UDP, ICMP or ICMPv6 checksum is right
 * (an IPv4 UDP checksum of 0, "none", counts as right).
 * A UDP header or ICMP header cut short, or a UDP length below 8 or beyond
 * the packet, is malformed (-1).
 */
int codec_decode(const uint8_t *bytes, size_t len, struct pkt *p, struct sb *err);

#define CODEC_PROTO_OTHER 255 /* p->proto of a packet decoded as nothing in particular */
#define CODEC_EXT_MAX 8       /* IPv6 extension headers a span records */

/* Where things are in a decoded packet. */
struct codec_span {
	size_t start, end;  /* the bytes after the IP header(s): [start, end) */
	uint8_t proto;      /* the IPv4 protocol or the last IPv6 next-header value */
	bool fragment;      /* an IPv4 fragment, or stopped at an IPv6 fragment header (44) */
	uint8_t next_n;     /* IPv6: how many extension headers were skipped, */
	uint8_t ext[CODEC_EXT_MAX]; /* and the first CODEC_EXT_MAX of their types */
};

/* codec_decode, also telling where the IP layer ends (s is zeroed first; its
 * fields are meaningful when the result is not -1). */
int codec_decode_span(const uint8_t *bytes, size_t len, struct pkt *p, struct codec_span *s,
		      struct sb *err);

/* Wire length of the options in p, before padding. */
size_t codec_opts_len(const struct pkt *p);

/*
 * How options are held in struct pkt_opt, so that every option area, even a
 * hostile one, survives decode -> build byte for byte (the tcpdump printer
 * re-encodes options to reproduce tcpdump's byte-level walk):
 *  - EOL and NOP: len 1. Decoding stops at the first EOL (as TCP does).
 *  - MSS, WSCALE, SACKOK, TS and SACK (1-4 blocks) at their standard length,
 *    or with len 0 ("standard length, please"): the value is in the union
 *    member named for the kind (codec_opt_typed() is true).
 *  - Any other kind, or a known kind at another length: u.raw holds the bytes
 *    after kind and length; len is the length byte (0 means u.raw.n + 2).
 *  - A malformed tail (no length byte, a length below 2, or a length running
 *    past the option area): kind with len 1, and u.raw holding every byte
 *    after the kind byte verbatim. It is always the last option.
 */
#define CODEC_OPTS_MAX 40 /* bytes of options a TCP header can carry */

/* True when o's value is in u.mss, u.wscale, u.ts or u.sack (or it has none:
 * EOL, NOP, SACKOK) rather than in u.raw. */
bool codec_opt_typed(const struct pkt_opt *o);

/* Writes p's options into out, zero-padded (EOL) to a 4-byte boundary.
 * Returns the padded length (0..40), or -1 with a reason in err. */
int codec_opts_encode(const struct pkt *p, uint8_t out[CODEC_OPTS_MAX], struct sb *err);

/* Decodes an option area of n bytes (at most CODEC_OPTS_MAX are read) into
 * p->opts and p->nopts. Never fails: see the representation above. */
void codec_opts_decode(const uint8_t *area, size_t n, struct pkt *p);

#endif
