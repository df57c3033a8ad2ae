/*
 * sockdiag: every TCP socket's state in the namespace, from the kernel itself
 * over netlink sock_diag (libnl-idiag): listeners, established and orphaned
 * sockets, SYN_RECV request sockets and TIME_WAIT sockets that have no fd.
 */
#ifndef TCPSH_SOCKDIAG_H
#define TCPSH_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "sb.h"

struct sockdiag_sock {
	int family;          /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	int state;           /* TCP_ESTABLISHED ... as in <netinet/tcp.h> (1..12) */
	uint32_t inode;      /* 0 for request and time-wait sockets */
	uint32_t rqueue, wqueue;
};

struct sockdiag; /* opaque */

struct sockdiag *sockdiag_open(struct sb *err);
/* All TCP sockets, IPv4 and IPv6, all states. *out is malloc'ed (caller frees). */
int sockdiag_dump(struct sockdiag *d, struct sockdiag_sock **out, size_t *n, struct sb *err);
void sockdiag_close(struct sockdiag *d);
/* "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", ... as the kernel and ss name them. */
const char *sockdiag_state_name(int state);

#endif
