/*
 * profile: named sets of net.* sysctls that make the kernel's TCP behave
 * like a textbook's. "classic" is an RFC 793-era TCP (no SACK, timestamps,
 * window scaling, ECN, F-RTO, tail loss probes, RACK, Fast Open, SYN
 * cookies; Reno congestion control); "modern" is this kernel's defaults, as
 * a fresh namespace has them (read by profile_defaults_read before anything
 * changes them). The table is pure; applying and reading go through
 * sandbox_sysctl_*, inside tcpsh's namespace only.
 */
#ifndef TCPSH_PROFILE_H
#define TCPSH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"

struct profile_setting {
	const char *key;     /* "net.ipv4.tcp_sack" */
	const char *classic; /* its value in the classic profile */
	const char *what;    /* what the classic value means, one line */
};

/* The settings a profile changes, in order; NULL past the last. */
const struct profile_setting *profile_setting_at(size_t i);

/* This kernel's value of each setting in a fresh namespace; NULL where the
 * kernel has no such key. */
struct profile_defaults {
	char **value; /* one per setting, owned */
	size_t n;
};

/* Reads the defaults now (call before anything changes them). */
void profile_defaults_read(struct profile_defaults *d);
void profile_defaults_free(struct profile_defaults *d);

/*
 * Applies profile name ("classic" or "modern") with sandbox_sysctl_set.
 * Appends one line per setting to out (indent, key = value, what it means;
 * or why it could not be set) and returns how many could not be set, or -1
 * when name is no profile (nothing changed).
 */
int profile_apply(const char *name, const struct profile_defaults *d, const char *indent, struct sb *out);

/* Appends each setting's value now, marking those that differ from this
 * kernel's defaults, and says which profile they match ("classic",
 * "modern" or neither). */
void profile_show(const struct profile_defaults *d, const char *indent, struct sb *out);

#endif
