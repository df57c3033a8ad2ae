/*
 * conn: the connections of a session as the remote peer sees them. Pure: no
 * I/O. Knows each connection's 4-tuple, both ISNs (the peer's is chosen by
 * the caller, the kernel's learned from its first segment), turns relative
 * script numbers into absolute wire numbers and back, and infers the peer's
 * (the student's) RFC 9293 state from the segments exchanged. The kernel's
 * own state comes from the kernel (sockdiag), never from here.
 */
#ifndef TCPSH_CONN_H
#define TCPSH_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "syntax.h"

enum conn_state {
	CONN_CLOSED,
	CONN_LISTEN,
	CONN_SYN_SENT,
	CONN_SYN_RECEIVED,
	CONN_ESTABLISHED,
	CONN_FIN_WAIT_1,
	CONN_FIN_WAIT_2,
	CONN_CLOSE_WAIT,
	CONN_CLOSING,
	CONN_LAST_ACK,
	CONN_TIME_WAIT,
};

enum conn_dir { CONN_IN, CONN_OUT }; /* IN: peer -> kernel (injected); OUT: kernel -> peer */

struct conn {
	int family;
	uint8_t kaddr[16], paddr[16]; /* kernel (local) and peer (remote) addresses */
	uint16_t kport, pport;
	bool has_kisn;
	uint32_t kisn, pisn;          /* the peer's ISN is always known */
	uint32_t pbase;               /* the peer's SYN seq is pbase + the written value (packetdrill: 0) */
	bool pisn_known;              /* an active open's peer ISN comes with the peer's first SYN-ACK */
	enum conn_state peer;
	bool kernel_syn_seen;         /* the kernel's SYN, not yet acknowledged by the peer */
	bool kernel_syn_acked;        /* the peer has acknowledged the kernel's SYN */
	bool kernel_fin_seen;
	uint32_t kernel_fin_end;      /* absolute sequence number just past the kernel's FIN */
	bool peer_fin_sent;
	uint32_t peer_fin_end;        /* absolute sequence number just past the peer's FIN */
	uint16_t peer_win;            /* the window the peer last advertised (default for '<' without win) */
	bool kernel_had_fd;           /* the kernel's socket had an fd once (so no fd now means orphaned) */
	unsigned listen_gen;          /* conn_table.listen_gen when it was made */
	bool unopened;                /* made by conn_open_passive: nothing sent yet, no peer ISN chosen */
	bool active;                  /* the kernel opened it (connect()); else the peer did */
};

struct conn_table {
	struct conn *v;
	size_t n, cap;
	int current;                  /* index of the connection typed segments go to, -1 for none */
	uint16_t next_pport;          /* the peer port the next passive-open SYN uses */
	unsigned listen_gen;          /* bumped by each listen(): the next SYN opens a new connection */
};

void conn_table_init(struct conn_table *t, uint16_t first_pport);
void conn_table_free(struct conn_table *t);
struct conn *conn_current(struct conn_table *t);

/* The connection p belongs to (by 4-tuple), and its direction; NULL if none. */
struct conn *conn_find(struct conn_table *t, const struct pkt *p, enum conn_dir *dir);

/*
 * The connection a typed segment goes to: the current one, or, for a SYN when
 * there is none, the current one is over (closed, time-wait) or a listen()
 * came since it was made (as in packetdrill, the listener is then the socket
 * under test), a new one from
 * paddr:next_pport to kaddr:kport whose peer sequence numbers start at base
 * (chosen by the caller: random in the shell, 0 in a script as packetdrill):
 * its ISN is base plus the seq written in that SYN.
 */
struct conn *conn_for_inject(struct conn_table *t, const struct syn_packet *sp, int family, const uint8_t *kaddr,
			     uint16_t kport, const uint8_t *paddr, uint32_t isn);

/*
 * Records a segment the kernel sent or we injected: creates a connection for
 * a kernel SYN to a new 4-tuple (an active open; it becomes current), learns
 * the kernel's ISN, and moves the peer's state. Returns the connection, or
 * NULL when the segment belongs to none. A connection it opens gets the
 * peer ISN new_isn (chosen by the caller). *changed says whether the peer's
 * state moved.
 */
struct conn *conn_observe(struct conn_table *t, const struct pkt *p, uint32_t new_isn, bool *changed);

/*
 * Fills the wire packet for a typed segment on c (absolute numbers,
 * addresses). As in packetdrill, a SYN's written seq is absolute (from
 * pbase) and other segments' are relative to the peer's ISN; the SYN-ACK
 * answering the kernel's SYN defines that ISN.
 */
void conn_make_pkt(struct conn *c, const struct syn_packet *sp, struct pkt *out);

/* Relative numbers of p on c in direction dir, for printing and matching. */
struct conn_rel {
	bool has_seq_isn, has_ack_isn;
	uint32_t seq_isn, ack_isn;
};
void conn_rel_isn(const struct conn *c, enum conn_dir dir, struct conn_rel *rel);

/*
 * Several connections (the shell's `conn` command and @NAME prefix). A
 * connection's name is c1, c2, ... in the order they were made (index + 1).
 */

/* The index of the connection name means: "c2" (or "C2"), or a port number
 * (the newest connection whose peer or kernel port it is). -1 when none. */
int conn_lookup(const struct conn_table *t, const char *name);

/* Whether name is a port number 1..65535 (*port set), as conn_lookup reads it. */
bool conn_name_is_port(const char *name, uint16_t *port);

/*
 * A new passive-open connection from paddr:pport (0: the next free peer
 * port) to kaddr:kport, made current before its first segment: the next
 * typed segment, typically a SYN, goes on it and chooses its peer ISN as
 * conn_for_inject does.
 */
struct conn *conn_open_passive(struct conn_table *t, int family, const uint8_t *kaddr, uint16_t kport,
			       const uint8_t *paddr, uint16_t pport);

const char *conn_state_name(enum conn_state s);

/* Serial number arithmetic (RFC 1982) on 32-bit sequence numbers. */
static inline bool conn_seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

#endif
