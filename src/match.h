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
 * How strictly to compare. The shell's rules (all false) are forgiving: an
 * expectation without options accepts any, and TS ecr is compared. Script
 * rules are packetdrill's: no options written means none sent, TS ecr is not
 * compared, TS val only within ts_tick_usecs * ticks <= tolerance_usecs,
 * measured from the first TS val seen (ts_first_*).
 */
struct match_rules {
	bool strict;
	uint32_t ts_tick_usecs;      /* 0: TS val not checked */
	uint32_t tolerance_usecs;
	bool ts_first_known;
	uint32_t ts_first_script, ts_first_live;
};

/*
 * Returns the number of fields of exp that p does not satisfy (0: a match).
 * When explain is not NULL, appends one line per difference, each ending in
 * '\n', e.g. "flags: expected F. (FIN ACK), the kernel sent . (ACK)".
 * rules may be NULL (the shell's).
 */
int match_packet_rules(const struct syn_packet *exp, const struct pkt *p, const struct conn *c,
		       const struct match_rules *rules, struct sb *explain);
int match_packet(const struct syn_packet *exp, const struct pkt *p, const struct conn *c, struct sb *explain);

/* The expectation in packetdrill notation, as typed ("> F. 11:11(0) ack 4 <...>"). */
void match_expect_text(const struct syn_packet *exp, struct sb *out);

#endif
