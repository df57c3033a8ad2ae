/*
 * match: does a segment the kernel sent satisfy an expectation line
 * (`> P. 1:11(10) ack 1 win 64240 <...>`)? Pure. Compares field by field in
 * the connection's relative numbering and explains every difference in
 * words a student can act on.
 */
#ifndef TCPSH_MATCH_H
#define TCPSH_MATCH_H

#include "conn.h"
#include "pkt.h"
#include "sb.h"
#include "syntax.h"

/*
 * Returns the number of fields of exp that p does not satisfy (0: a match).
 * When explain is not NULL, appends one line per difference, each ending in
 * '\n', e.g. "flags: expected F. (FIN ACK), the kernel sent . (ACK)".
 */
int match_packet(const struct syn_packet *exp, const struct pkt *p, const struct conn *c, struct sb *explain);

/* The expectation in packetdrill notation, as typed ("> F. 11:11(0) ack 4 <...>"). */
void match_expect_text(const struct syn_packet *exp, struct sb *out);

#endif
