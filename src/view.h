/*
 * view: turns decoded segments into text. Pure: no I/O, no globals.
 *  - tcpdump style: exactly what `tcpdump -n` prints for a packet after its
 *    timestamp (tcpdump is our oracle), including its relative-sequence-number
 *    memory, which lives in a struct view_tcpdump the caller owns.
 *  - packetdrill style: `> P. 1:11(10) ack 1 win 64240 <nop,nop,TS val 1 ecr 2>`
 *    relative to the connection's ISNs, so a student can paste it in a script.
 */
#ifndef TCPSH_VIEW_H
#define TCPSH_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "sb.h"

struct view_tcpdump; /* opaque: tcpdump's per-connection sequence memory */

struct view_tcpdump *view_tcpdump_new(void);
void view_tcpdump_free(struct view_tcpdump *v);

/*
 * Appends to out the text `tcpdump -n` (no -v, no -S) prints for p after the
 * timestamp, without a newline. Updates v exactly as tcpdump updates its own
 * connection table, so feeding every packet of a capture in order yields the
 * same relative seq/ack numbers tcpdump shows.
 * Example: "IP 192.0.2.1.40000 > 192.168.0.1.8080: Flags [S], seq 1530339812, win 1000, options [mss 1000], length 0"
 */
void view_tcpdump_line(struct view_tcpdump *v, const struct pkt *p, struct sb *out);

/*
 * The same, given the segment's p->payload_len payload bytes (NULL means
 * zeros, as for codec_build). tcpdump looks into the payload on some ports:
 * on 80 and 8080 (tcpsh's default) it adds ": HTTP" and, for a request or
 * response, its first line; view_tcpdump_line assumes zeros there.
 * A p that is not TCP (p->proto PKT_UDP, PKT_ICMP, PKT_ICMP6) is rebuilt
 * into bytes (codec_build, or codec_build_icmp quoting the TCP header that
 * p's sport, dport, seq and payload_len describe, as codec_decode leaves
 * them) and printed as view_tcpdump_any prints those bytes. Printing the
 * captured bytes themselves with view_tcpdump_any is exact; this is not
 * when the message quoted more than an IP header and 8 bytes.
 */
void view_tcpdump_line_data(struct view_tcpdump *v, const struct pkt *p, const uint8_t *payload,
			    struct sb *out);

/*
 * Appends what `tcpdump -n` prints after the timestamp for one captured raw
 * IP packet of any kind (len bytes, no link header), without a newline:
 * TCP segments as view_tcpdump_line_data (updating v), UDP ("IP
 * 192.0.2.1.8080 > 192.168.0.1.8080: UDP, length 100"), ICMP and ICMPv6
 * ("IP 192.0.2.1 > 192.168.0.1: ICMP 192.0.2.1 unreachable - need to frag
 * (mtu 1200), length 36"), other protocols and fragments as tcpdump names
 * them. Where tcpdump would print several lines (a hex dump of an ICMPv6
 * message it has no printer for) the text holds "\n\t" line breaks, as
 * tcpdump's does. Bytes that do not decode give a note saying why:
 * "(a 13-byte packet tcpsh cannot decode: truncated IPv4 header: ...)".
 */
void view_tcpdump_any(struct view_tcpdump *v, const uint8_t *bytes, size_t len, struct sb *out);

/* The flags as tcpdump shows them inside [...]: "S.", "P.", "R.", "F.", ".", "SEW", "none". */
void view_tcpdump_flags(uint16_t flags, struct sb *out);

/*
 * Appends the packetdrill notation of p, without a newline:
 * dir flags start:end(len) [ack N] win N [urg N] [<options>].
 * seq is shown relative to seq_isn and ack (and SACK blocks) relative to
 * ack_isn; a side whose ISN is unknown (has_*_isn false) is shown absolute.
 * TS val/ecr are shown as on the wire. dir is '<' or '>'.
 * Not TCP: "dir udp (N)" (p->payload_len), and for ICMP/ICMPv6
 * "dir icmp TYPE [CODE] [mtu N] [[start:end(len)]]" with the names of
 * consts_icmp_type/consts_icmp_code ("< icmp unreachable frag_needed mtu
 * 1200"; type_N / code_N where a number has no name), the MTU when the
 * message carries one, and the quoted TCP segment when p->sport or p->dport
 * is set (as codec_decode leaves them), relative to ack_isn: it was sent by
 * the other side.
 */
struct view_pd_isn {
	bool has_seq_isn, has_ack_isn;
	uint32_t seq_isn, ack_isn;
};
void view_pd_line(char dir, const struct pkt *p, const struct view_pd_isn *isn, struct sb *out);

/* Packetdrill-style flags in packetdrill's order: "S.", "P.", "F.", ".", "R", "SEW". */
void view_pd_flags(uint16_t flags, struct sb *out);

/* The option list in packetdrill notation, without the angle brackets:
 * "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7". SACK blocks relative to isn when has_isn. */
void view_pd_opts(const struct pkt *p, bool has_isn, uint32_t isn, struct sb *out);
/* One option with a value of its own (mss, wscale, sackOK, sack, TS, nop,
 * eol) in the grammar; SACK blocks relative to isn when has_isn. */
void view_pd_opt(const struct pkt_opt *o, bool has_isn, uint32_t isn, struct sb *out);

#endif
