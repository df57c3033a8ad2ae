/*
 * consts: the tables of names a socket program uses, for the parser,
 * the executor and Tab completion. Pure tables, no I/O:
 *  - symbolic constants (AF_*, SOCK_*, IPPROTO_*, SOL_*, SO_*, TCP_*, MSG_*,
 *    O_*, F_*, SHUT_*, POLL*, EPOLL*, FIONREAD/SIOCINQ/SIOCOUTQ, ...), with the
 *    values of this platform's headers;
 *  - errno names;
 *  - the system calls the language knows, with their argument counts.
 */
#ifndef TCPSH_CONSTS_H
#define TCPSH_CONSTS_H

#include <stdbool.h>
#include <stddef.h>

bool consts_lookup(const char *name, long long *value);
/* The known constant closest to name (edit distance <= 2, or a case-only
 * difference), or NULL. For "did you mean" hints. */
const char *consts_suggest(const char *name);
size_t consts_count(void);
const char *consts_name_at(size_t i);

/* errno: "EINPROGRESS" <-> EINPROGRESS. -1 / NULL when unknown. */
int consts_errno_lookup(const char *name);
const char *consts_errno_name(int err);
const char *consts_errno_suggest(const char *name);

struct consts_syscall {
	const char *name;
	int min_args, max_args;
};
const struct consts_syscall *consts_syscall_lookup(const char *name);
const char *consts_syscall_suggest(const char *name);
size_t consts_syscall_count(void);
const struct consts_syscall *consts_syscall_at(size_t i);

/* Levenshtein distance, capped at cap+1 (cheap early exit). */
int consts_edit_distance(const char *a, const char *b, int cap);

/*
 * ICMP messages by the names scripts use ("< icmp unreachable frag_needed"),
 * with their numbers in ICMPv4 and ICMPv6 (-1 where that version has no such
 * message). A row whose type is NULL is a message type; any other row is a
 * code of the type it names.
 */
struct consts_icmp {
	const char *name;
	const char *type;
	int v4, v6;
};
const struct consts_icmp *consts_icmp_type(const char *name);
const struct consts_icmp *consts_icmp_code(const char *type, const char *name);
/* The closest type name (type NULL) or code name of that type, or NULL. */
const char *consts_icmp_suggest(const char *type, const char *name);

#endif
