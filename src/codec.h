/*
 * codec: IPv4/IPv6 + TCP segments, bytes <-> struct pkt. Pure: no I/O, no
 * globals. Builds headers with correct lengths and checksums (IPv4 header
 * checksum, TCP pseudo-header checksum), encodes and decodes TCP options.
 */
#ifndef TCPSH_CODEC_H
#define TCPSH_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "sb.h"

/*
 * Appends the wire bytes of p (IP header, TCP header with p->opts in order,
 * zero-padded (EOL) to a 4-byte boundary, then
 * p->payload_len payload bytes taken from payload, or zeros when payload is
 * NULL) to out. IPv4: version 4, IHL 5, p->tos, total length, p->ip_id, DF if
 * p->df, p->ttl (64 when 0), protocol 6, checksum. IPv6: version 6, traffic
 * class p->tos, p->flowlabel, payload length, next header 6, hop limit p->ttl
 * (64 when 0). Returns 0, or -1 with a reason in err when the options do not
 * fit in 40 bytes or an option is malformed.
 */
int codec_build(const struct pkt *p, const uint8_t *payload, struct sb *out, struct sb *err);

/*
 * Decodes one raw IP packet (no link header) into p. Returns 0 for a TCP
 * segment; 1 for a well-formed IP packet that is not TCP (p->family, src, dst
 * are filled in); -1 with a reason in err when the bytes are truncated or
 * malformed. Options that are malformed stop option decoding without failing.
 */
int codec_decode(const uint8_t *bytes, size_t len, struct pkt *p, struct sb *err);

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
