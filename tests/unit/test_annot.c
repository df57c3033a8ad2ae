/*
 * Unit tests for annot: each expert annotation on a synthetic sequence of
 * segments, both directions, as they would cross the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "check.h"

#define KISN 5000u
#define PISN 100u

/* A segment: 'k' from the kernel (192.168.0.1.8080), 'p' from the peer (192.0.2.1.40000). */
static struct pkt seg(char who, uint16_t flags, uint32_t seq, uint32_t len, uint32_t ack, uint16_t win)
{
	static const uint8_t K[4] = {192, 168, 0, 1}, P[4] = {192, 0, 2, 1};
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.proto = PKT_TCP;
	memcpy(p.src, who == 'k' ? K : P, 4);
	memcpy(p.dst, who == 'k' ? P : K, 4);
	p.sport = who == 'k' ? 8080 : 40000;
	p.dport = who == 'k' ? 40000 : 8080;
	p.seq = seq;
	p.ack = ack;
	p.flags = flags;
	p.payload_len = len;
	p.win = win;
	return p;
}

/* Feeds one segment and returns its annotations joined ("" for none). */
static const char *feed(struct annot *a, struct pkt p, double t)
{
	static struct sb last = SB_INIT;
	struct annot_out o;
	annot_segment(a, &p, p.sport == 8080, t, &o);
	sb_reset(&last);
	annot_out_join(&o, &last);
	annot_out_free(&o);
	return sb_str(&last);
}

/* A passive open: the peer's SYN, the kernel's SYN-ACK, the peer's ACK (window w). */
static struct annot *handshake(uint16_t w)
{
	struct annot *a = annot_new();
	CHECK_STR(feed(a, seg('p', TCPF_SYN, PISN, 0, 0, w), 0.0), "");
	CHECK_STR(feed(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240), 0.001), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, w), 0.002), "");
	return a;
}

static void test_rto_backoff(void)
{
	struct annot *a = handshake(1000);
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1, 10, PISN + 1, 64240), 1.0), "");
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1, 10, PISN + 1, 64240), 1.21),
		  "retransmission, RTO 0.2 s");
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1, 10, PISN + 1, 64240), 1.63),
		  "retransmission #2, RTO 0.4 s, backed off x2");
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1, 10, PISN + 1, 64240), 2.47),
		  "retransmission #3, RTO 0.8 s, backed off x4");
	annot_free(a);
}

static void test_syn_ack_retransmission(void)
{
	struct annot *a = annot_new();
	feed(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000), 0.0);
	feed(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240), 0.0);
	CHECK_STR(feed(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240), 1.004), "retransmission, RTO 1.0 s");
	/* The peer's SYN again: the kernel answers at once, no timer involved. */
	CHECK_STR(feed(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000), 1.5), "retransmission");
	CHECK_STR(feed(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240), 1.501),
		  "retransmission #2, answering a repeated SYN");
	/* Then its timer again: twice the first timeout, measured from its latest send. */
	CHECK_STR(feed(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240), 3.505),
		  "retransmission #3, RTO 2.0 s, backed off x2");
	annot_free(a);
}

static void test_tail_loss_probe(void)
{
	struct annot *a = handshake(10000);
	feed(a, seg('k', TCPF_ACK, KISN + 1, 1000, PISN + 1, 64240), 1.0);
	feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1001, 1000, PISN + 1, 64240), 1.0);
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1001, 1000, PISN + 1, 64240), 1.012),
		  "retransmission, tail loss probe after 0.012 s");
	annot_free(a);
}

static void test_dupacks_fast_retransmission(void)
{
	struct annot *a = handshake(10000);
	for (uint32_t i = 0; i < 3; i++)
		feed(a, seg('k', TCPF_ACK, KISN + 1 + 1000 * i, 1000, PISN + 1, 64240), 1.0);
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1001, 10000), 1.01), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1001, 10000), 1.02), "duplicate ACK #1");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1001, 10000), 1.03), "duplicate ACK #2");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1001, 10000), 1.04), "duplicate ACK #3");
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 1001, 1000, PISN + 1, 64240), 1.05),
		  "fast retransmission, after 3 duplicate ACKs");
	/* A new ACK ends the run: the next repeat counts from 1 again. */
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 3001, 10000), 1.06), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 3001, 10000), 1.07), "duplicate ACK #1");
	annot_free(a);
}

static void test_gap_out_of_order_peer_retransmission(void)
{
	struct annot *a = handshake(1000);
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 10, KISN + 1, 1000), 1.0), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 21, 10, KISN + 1, 1000), 1.1), "previous segment not seen");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 11, 10, KISN + 1, 1000), 1.2), "out-of-order");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 10, KISN + 1, 1000), 1.3), "retransmission");
	annot_free(a);
}

static void test_windows(void)
{
	struct annot *a = handshake(3000);
	feed(a, seg('k', TCPF_ACK, KISN + 1, 1000, PISN + 1, 64240), 1.0);
	feed(a, seg('k', TCPF_ACK, KISN + 1001, 1000, PISN + 1, 64240), 1.0);
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 2001, 1000, PISN + 1, 64240), 1.0), "window full");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 3001, 0), 1.1), "zero window");
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 3000, 0, PISN + 1, 64240), 1.3), "zero window probe");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 3001, 0), 1.3), "zero window probe ACK; zero window");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 3001, 3000), 1.5), "window update");
	annot_free(a);
}

static void test_keepalive(void)
{
	struct annot *a = handshake(3000);
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN, 0, PISN + 1, 64240), 2.0), "keep-alive");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, 3000), 2.0), "keep-alive ACK");
	/* A peer's keep-alive: one byte behind, a garbage byte allowed. */
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN, 1, KISN + 1, 3000), 3.0), "keep-alive");
	annot_free(a);
}

static void test_challenge_acks(void)
{
	struct annot *a = handshake(3000);
	CHECK_STR(feed(a, seg('p', TCPF_SYN, PISN + 7, 0, 0, 3000), 1.0), "");
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 1, 64240), 1.0),
		  "challenge ACK: a SYN on a synchronized connection, RFC 5961 section 4");
	CHECK_STR(feed(a, seg('p', TCPF_RST, PISN + 500, 0, 0, 0), 2.0), "");
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 1, 64240), 2.0),
		  "challenge ACK: the RST's seq is in the window but not the next expected one, RFC 5961 section 3");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 900, 3000), 3.0), "");
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 1, 64240), 3.0),
		  "challenge ACK: your ACK acknowledges data never sent, RFC 5961 section 5");
	/* A RST exactly at the next expected seq is accepted: no challenge. */
	CHECK_STR(feed(a, seg('p', TCPF_RST, PISN + 1, 0, 0, 0), 4.0), "");
	annot_free(a);
}

static void test_rst_reasons(void)
{
	struct annot *a = annot_new();
	feed(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000), 0.0);
	CHECK_STR(feed(a, seg('k', TCPF_RST | TCPF_ACK, 0, 0, PISN + 1, 0), 0.0), "RST: no socket listens on port 8080");
	annot_free(a);

	a = annot_new();
	feed(a, seg('p', TCPF_ACK, PISN, 0, KISN, 1000), 0.0);
	CHECK_STR(feed(a, seg('k', TCPF_RST, KISN, 0, 0, 0), 0.0),
		  "RST: no socket has this connection, RFC 9293 section 3.10.7.1");
	annot_free(a);

	a = annot_new();
	feed(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000), 0.0);
	feed(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240), 0.0);
	feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 5, 1000), 0.0);
	CHECK_STR(feed(a, seg('k', TCPF_RST, KISN + 5, 0, 0, 0), 0.0),
		  "RST: bad ACK, it does not acknowledge the kernel's SYN, RFC 9293 section 3.10.7.3");
	/* That RST did not end the handshake: the right ACK still completes it, and
	 * data after the application's FIN is reset. */
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, 1000), 0.1), "");
	CHECK_STR(feed(a, seg('k', TCPF_FIN | TCPF_ACK, KISN + 1, 0, PISN + 1, 64240), 0.2), "");
	feed(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 1, 10, KISN + 2, 1000), 0.3);
	CHECK_STR(feed(a, seg('k', TCPF_RST, KISN + 2, 0, 0, 0), 0.3),
		  "RST: data after the application closed the socket, RFC 1122 section 4.2.2.13");
	annot_free(a);

	a = handshake(1000);
	feed(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 1, 10, KISN + 1, 1000), 1.0);
	feed(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 11, 64230), 1.0);
	CHECK_STR(feed(a, seg('k', TCPF_RST | TCPF_ACK, KISN + 1, 0, PISN + 11, 64230), 2.0),
		  "RST: the application aborted: closed with unread data, or SO_LINGER 0");
	/* After it, a segment on the dead connection is no duplicate ACK: the RST says why. */
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 11, 0, KISN + 1, 1000), 2.1), "");
	CHECK_STR(feed(a, seg('k', TCPF_RST, KISN + 1, 0, 0, 0), 2.1),
		  "RST: no socket has this connection, RFC 9293 section 3.10.7.1");
	/* A new SYN on the same 4-tuple starts over. */
	CHECK_STR(feed(a, seg('p', TCPF_SYN, 9000, 0, 0, 1000), 3.0), "");
	CHECK_STR(feed(a, seg('k', TCPF_SYN | TCPF_ACK, 77, 0, 9001, 64240), 3.0), "");
	annot_free(a);
}

static void test_nothing_on_a_clean_exchange(void)
{
	struct annot *a = handshake(1000);
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1, 10, PISN + 1, 64240), 1.0), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 11, 1000), 1.1), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 1, 2, KISN + 11, 4000), 1.2), "");
	CHECK_STR(feed(a, seg('k', TCPF_ACK, KISN + 11, 0, PISN + 3, 64238), 1.2), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK | TCPF_FIN, PISN + 3, 0, KISN + 11, 4000), 1.3), "");
	CHECK_STR(feed(a, seg('k', TCPF_ACK | TCPF_FIN, KISN + 11, 0, PISN + 4, 64237), 1.3), "");
	CHECK_STR(feed(a, seg('p', TCPF_ACK, PISN + 4, 0, KISN + 12, 4000), 1.4), "");
	annot_free(a);
}

int main(void)
{
	RUN(test_rto_backoff);
	RUN(test_syn_ack_retransmission);
	RUN(test_tail_loss_probe);
	RUN(test_dupacks_fast_retransmission);
	RUN(test_gap_out_of_order_peer_retransmission);
	RUN(test_windows);
	RUN(test_keepalive);
	RUN(test_challenge_acks);
	RUN(test_rst_reasons);
	RUN(test_nothing_on_a_clean_exchange);
	CHECK_EXIT();
}
