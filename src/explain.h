/*
 * explain: the teaching mode's sentences. For each segment, one or two
 * sentences naming the TCP rule at work ("the kernel acknowledges 1: your
 * ISN plus one, because a SYN consumes one sequence number"), and for a
 * segment of the student's that the kernel will not accept, what the kernel
 * will do and why, with the RFC section. Pure: it reads the connection's
 * sequence state as annot keeps it (before the segment is recorded) and
 * writes text.
 */
#ifndef TCPSH_EXPLAIN_H
#define TCPSH_EXPLAIN_H

#include <stdbool.h>

#include "annot.h"
#include "pkt.h"
#include "sb.h"

/*
 * Appends to out the explanation of p, sent by the kernel (from_kernel) or
 * by the peer, on the connection whose state before p is f (NULL when p
 * opens one). Sequence numbers are given relative to each side's ISN, as the
 * student writes them. Appends nothing for non-TCP packets.
 */
void explain_segment(const struct annot_flow *f, const struct pkt *p, bool from_kernel, struct sb *out);

#endif
