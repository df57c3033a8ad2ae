/*
 * tcpinfo: packetdrill's %{ }% assertions, evaluated natively against
 * struct tcp_info. Pure: no I/O, no globals.
 *
 * The language is the small part of Python that packetdrill scripts use:
 * assert (with a message), print(), variables, = and += -= *= /= //= %=
 * **= &= |= ^= <<= >>=, arithmetic with Python's semantics (/ is true
 * division and gives a float, // and % floor), bit operators, comparison
 * chains, and/or/not, conditional expressions, if/elif/else, strings with
 * % formatting, tuples, and the built-ins abs bool float hex int len max
 * min print repr round str. Statements are separated by newlines or ';'; '\'
 * continues a line; '#' starts a comment. It is not Python: no loops,
 * functions, imports, lists or attributes (each is a clear error).
 *
 * Numbers: integers are 128-bit signed (every u64 field of tcp_info fits
 * exactly, including ~0 as tcpi_max_pacing_rate reports "unlimited"); a
 * result outside that range is an "integer overflow" error where Python
 * would grow the number. Floats are C doubles, printed as Python prints them.
 *
 * Names: the tcpi_* fields (each only if it lies within the ti_len bytes
 * the kernel returned), the constants of tcpinfo_name_at, and the script's
 * variables, which live in env across the blocks of one script. As in
 * packetdrill, each block starts with the tcpi_* fields and the constants
 * at their true values again, even if an earlier block assigned to them.
 */
#ifndef TCPSH_TCPINFO_H
#define TCPSH_TCPINFO_H

#include <linux/tcp.h>
#include <stddef.h>
#include "sb.h"
#include "syntax.h"   /* struct syn_error: line/col/msg/hint, see syntax_error_init */

struct tcpinfo_env;   /* variables, kept across the blocks of one script */
struct tcpinfo_env *tcpinfo_env_new(void);
void tcpinfo_env_free(struct tcpinfo_env *env);

/* Evaluates code (the text between %{ and }%) against ti, of which ti_len
 * bytes are valid. print() output and the message of a failed assert are
 * appended to out (each ending in '\n'). Returns 0 when every statement
 * ran and every assert held; 1 when an assert failed (out says which and
 * its message, like Python's AssertionError: "assert tcpi_snd_cwnd == 10 failed: 12");
 * -1 on a syntax or evaluation error (unknown name, division by zero, type
 * error), with err->line/col relative to the code's first line/column 1 and
 * err->msg / err->hint set. Statements before the failure have taken effect. */
int tcpinfo_eval(struct tcpinfo_env *env, const char *code, size_t len, const struct tcp_info *ti,
		 size_t ti_len, struct sb *out, struct syn_error *err);
/* Only lexes and parses code, running nothing: 0, or -1 with err set as
 * tcpinfo_eval sets it for a syntax error. Lets a front end reject a
 * malformed block when it is read, with its place, before anything runs. */
int tcpinfo_check(const char *code, size_t len, struct syn_error *err);
/*
 * Additions to the contract above:
 *  - The whole block is parsed before anything runs: a syntax error
 *    anywhere means no statement ran and out is untouched.
 *  - ti must point to ti_len readable bytes. ti_len may exceed
 *    sizeof(struct tcp_info): fields that newer kernels append (tcpi_rcv_wnd,
 *    tcpi_rehash, tcpi_total_rto, ...) are then read at their kernel ABI
 *    offsets. ti may be NULL when ti_len is 0.
 *  - When an assert fails (1), err->line/col point at its "assert" and
 *    err->msg holds the same text as the line added to out (without '\n').
 *  - An assert without a message reports the values of the names in its
 *    test: "assert tcpi_reord_seen == 2 failed (tcpi_reord_seen = 3)".
 *  - Column numbers count bytes; a tab is one column.
 */

/* The names a completion or a hint can offer: NULL after the last.
 * In order: the tcpi_* fields, the constants, the built-in functions,
 * the keywords. */
const char *tcpinfo_name_at(size_t i);

/* Number of tcp_info bytes a field needs (offset + size), or 0 when name is
 * not a tcpi_* field: lets a caller explain a field the kernel did not send. */
size_t tcpinfo_field_end(const char *name);

/* The tcp_info of one socket in words (tcpinfo_text.c), one line per topic
 * (state, cwnd, rtt, mss, in flight, retransmits, windows, options, bytes),
 * each starting with indent, appended to out. Fields beyond ti_len bytes are
 * left out. ti may be NULL when ti_len is 0. */
void tcpinfo_describe(const struct tcp_info *ti, size_t ti_len, const char *indent, struct sb *out);
/* The same in one line without '\n' ("ESTABLISHED Open, cwnd 10, ssthresh inf, srtt
 * 1.2 ms, rto 201 ms, unacked 1, retrans 0/0, mss 1000, options sack ts"),
 * for `state info`. */
void tcpinfo_summary(const struct tcp_info *ti, size_t ti_len, struct sb *out);

#endif
