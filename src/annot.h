/*
 * annot: expert annotations on segment lines, in the manner of Wireshark's
 * TCP analysis (retransmission, duplicate ACK #n, out-of-order, zero window,
 * keep-alive, challenge ACK, why the kernel sent a RST...). Pure: it sees the
 * decoded segments of both directions in the order they crossed the wire,
 * keeps per-connection, per-direction sequence state, and says what each
 * segment is. It never touches the system and knows nothing of the engine.
 */
#ifndef TCPSH_ANNOT_H
#define TCPSH_ANNOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "sb.h"

#define ANNOT_MAX 6

/* The annotations of one segment; each item is a short phrase. */
struct annot_out {
	size_t n;
	char *item[ANNOT_MAX]; /* owned; annot_out_free releases them */
};

/* How the peer's latest segment stood against the kernel's state. */
enum annot_in {
	ANNOT_IN_OK,
	ANNOT_IN_SYN_IN_SYNC, /* a SYN on a synchronized connection (RFC 5961 section 4) */
	ANNOT_IN_RST_INEXACT, /* a RST in the window but not at the next expected seq (RFC 5961 section 3) */
	ANNOT_IN_ACK_BEYOND,  /* acknowledges data the kernel never sent (RFC 5961 section 5) */
};

struct annot_tx; /* one transmission of some sequence space (annot.c) */

/* What one end of a connection has sent so far (wire numbers). */
struct annot_side {
	bool active;        /* sent any segment */
	bool syn;           /* sent a SYN: isn is valid */
	uint32_t isn;
	bool has_nxt;
	uint32_t nxt;       /* just past the highest sequence number sent (SYN and FIN count) */
	bool fin;
	uint32_t fin_end;   /* just past its FIN */
	bool has_ack;
	uint32_t ack;       /* the last acknowledgement it sent */
	uint16_t raw_win;   /* the last window field it sent */
	uint32_t win;       /* the same, scaled when both ends agreed window scaling */
	int wscale;         /* its window scale option, -1 without */
	int dupacks;        /* duplicate ACKs in a row */
	bool probe_pending; /* it sent a keep-alive or window probe the other end has not answered */
	bool probe_zero;    /* that probe was a zero-window probe */
	bool rst;           /* sent a RST */
	/* Segments that carried sequence space, for retransmission versus out-of-order. */
	struct annot_tx *tx;
	size_t ntx, captx;
};

/* Both ends of one connection, by 4-tuple; peer = the remote end (tcpsh). */
struct annot_flow {
	int family;
	uint8_t kaddr[16], paddr[16];
	uint16_t kport, pport;
	struct annot_side kernel, peer;
	/* The peer's latest segment, for naming the kernel's answer to it
	 * (challenge ACK, the reason of a RST). */
	enum annot_in last_in;
	bool has_last_in;
	uint16_t last_in_flags;
	uint32_t last_in_len, last_in_ack;
	double last_in_t;
	bool kernel_syn_acked; /* the peer has acknowledged the kernel's SYN */
};

struct annot; /* opaque: every flow of a session */

struct annot *annot_new(void);
void annot_free(struct annot *a);

/*
 * Records segment p, sent by the kernel (from_kernel) or by the peer, at t
 * seconds (any clock, the same for all calls), and fills out (which must be
 * empty or freed) with what it is. Non-TCP packets get nothing.
 */
void annot_segment(struct annot *a, const struct pkt *p, bool from_kernel, double t, struct annot_out *out);

/* The state of p's connection before p is recorded, or NULL when new. */
const struct annot_flow *annot_find(const struct annot *a, const struct pkt *p, bool from_kernel);

/* Whether both ends have exchanged and acknowledged SYNs. */
bool annot_synchronized(const struct annot_flow *f);

/* "a; b; c" */
void annot_out_join(const struct annot_out *o, struct sb *out);
void annot_out_free(struct annot_out *o);

#endif
