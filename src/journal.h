/*
 * journal: the ordered record of what happened in a session, for the views
 * that look back on it (diagram, save, pcap, presenter mode). Pure: the
 * engine feeds it (engine_journal.c) and nothing here touches the system.
 *
 * Each entry is one of: a packet on the wire (both directions, with its raw
 * bytes and the kernel's capture timestamp, its packetdrill notation and its
 * tcpdump line), a system call with its arguments and observed result, or a
 * state change of one end (the kernel's socket or the peer, the student).
 * The journal owns copies of everything given to it.
 */
#ifndef TCPSH_JOURNAL_H
#define TCPSH_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum journal_kind {
	JOURNAL_SEGMENT, /* a TCP segment, decoded */
	JOURNAL_OTHER,   /* UDP, ICMP or bytes that did not decode: kept for the pcap */
	JOURNAL_CALL,
	JOURNAL_STATE,
};

enum journal_side { JOURNAL_PEER, JOURNAL_KERNEL };

struct journal_entry {
	enum journal_kind kind;
	int conn;               /* connection index, -1 for none */
	double t;               /* seconds since the session started */
	uint16_t pport, kport;  /* the peer's and the kernel's port */
	char dir;               /* '<' from the peer (injected), '>' from the kernel */
	bool retrans;           /* set by journal_add: this data was sent before */
	/* The fields of each kind overlap: a session keeps every segment, so an
	 * entry is as small as its largest kind. Read only those of e->kind. */
	union {
		struct { /* SEGMENT and OTHER */
			struct timespec ts;     /* the kernel's capture timestamp (for the pcap) */
			uint8_t *bytes;         /* the IP packet as captured */
			size_t len;
			char *pd;               /* packetdrill notation without the direction: "S. 0:0(0) ack 1 win 64240 <mss 1460>" */
			char *line;             /* OTHER: the tcpdump -n line, without the time */
			uint32_t seq;           /* absolute, for spotting retransmissions */
			uint32_t seg_len;       /* sequence space used: payload + SYN + FIN */
		};
		struct { /* CALL */
			char *call;             /* "listen(3, 1)", as typed, without time or result */
			char *result;           /* "= 0", "= -1 ECONNREFUSED (Connection refused)" */
			long long ret;
			int err;                /* errno when ret is -1 */
			bool blocked;           /* it blocked: started at t_start, returned at t */
			double t_start;
		};
		struct { /* STATE (conn and pport as above; conn -1 for a socket with no connection) */
			enum journal_side side;
			char *state;            /* "SYN_RECV", "LISTEN (fd 3)" */
		};
	};
};

struct journal; /* opaque */

/* peer_ip and kernel_ip name the two ends before any segment does. */
struct journal *journal_new(const char *peer_ip, const char *kernel_ip);
void journal_free(struct journal *j);

/* Appends a copy of in (the strings and bytes of its kind copied, kept
 * until journal_free; in->retrans is computed here for segments). */
void journal_add(struct journal *j, const struct journal_entry *in);

/* Records a state of one end under key ("c0k", "c0p", "fd3") unless it is
 * the state already recorded under that key. Returns whether it was added. */
bool journal_note_state(struct journal *j, double t, const char *key, enum journal_side side, int conn,
			uint16_t pport, const char *state);

size_t journal_count(const struct journal *j);
const struct journal_entry *journal_at(const struct journal *j, size_t i);
const char *journal_peer_ip(const struct journal *j);
const char *journal_kernel_ip(const struct journal *j);
/* How many distinct connections the segments belong to. */
int journal_conns(const struct journal *j);

#endif
