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

/*
 * The kernel's tcp_info of the TCP socket with this 4-tuple (src/sport the
 * kernel's end; 4- or 16-byte addresses by family), for sockets no fd holds
 * (a child not yet accepted, an orphan after close). Copies at most cap
 * bytes into buf and sets *len. Returns 0; 1 when the socket exists but the
 * kernel gives no tcp_info for it (a SYN_RECV request socket, TIME_WAIT);
 * 2 when there is no such socket; -1 with err.
 */
int sockdiag_tcpinfo(struct sockdiag *d, int family, const uint8_t *src, uint16_t sport, const uint8_t *dst,
		     uint16_t dport, void *buf, size_t cap, size_t *len, struct sb *err);

#endif
