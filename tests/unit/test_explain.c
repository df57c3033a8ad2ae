/*
 * Unit tests for explain: the sentence for each kind of segment, and for each
 * kind of unacceptable segment the kernel's reaction and its RFC section.
 */
#include <string.h>

#include "annot.h"
#include "check.h"
#include "explain.h"

#define KISN 5000u
#define PISN 100u

static struct pkt seg(char who, uint16_t flags, uint32_t seq, uint32_t len, uint32_t ack, uint16_t win)
{
	static const uint8_t K[4] = {192, 168, 0, 1}, P[4] = {192, 0, 2, 1};
	struct pkt p;
	memset(&p, 0, sizeof(p));
	p.family = 4;
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

/* Explains p against a's state, then records it; returns the explanation. */
static const char *say(struct annot *a, struct pkt p)
{
	static struct sb last = SB_INIT;
	bool k = p.sport == 8080;
	sb_reset(&last);
	explain_segment(annot_find(a, &p, k), &p, k, &last);
	struct annot_out o;
	annot_segment(a, &p, k, 0, &o);
	annot_out_free(&o);
	return sb_str(&last);
}

#define HAS(text, part) CHECK(strstr((text), (part)) != NULL)

static struct annot *established(void)
{
	struct annot *a = annot_new();
	HAS(say(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000)), "a SYN consumes one sequence number");
	const char *t = say(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240));
	HAS(t, "it acknowledges 1, your ISN plus one, because a SYN consumes one sequence number");
	HAS(t, "RFC 9293 section 3.5");
	HAS(say(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, 1000)), "handshake is complete");
	return a;
}

static void test_handshake_and_data(void)
{
	struct annot *a = established();
	HAS(say(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 1, 10, KISN + 1, 1000)), "You send 10 bytes, seq 1:11");
	HAS(say(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 11, 64230)), "The kernel acknowledges 11");
	HAS(say(a, seg('k', TCPF_ACK | TCPF_PSH, KISN + 1, 5, PISN + 11, 64230)), "acknowledge 6 to say they arrived");
	HAS(say(a, seg('p', TCPF_ACK | TCPF_FIN, PISN + 11, 0, KISN + 6, 1000)), "the kernel acknowledges 12");
	HAS(say(a, seg('k', TCPF_ACK | TCPF_FIN, KISN + 6, 0, PISN + 12, 64230)), "Acknowledge 7");
	annot_free(a);
}

static void test_unacceptable(void)
{
	struct annot *a = established();
	const char *t = say(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 50, 1000));
	HAS(t, "Your ACK 50 acknowledges data the kernel never sent");
	HAS(t, "RFC 5961 section 5.2");
	t = say(a, seg('p', TCPF_PSH, PISN + 1, 10, 0, 1000));
	HAS(t, "no ACK flag");
	HAS(t, "fifth check");
	t = say(a, seg('p', TCPF_ACK, PISN + 1 + 70000, 10, KISN + 1, 1000));
	HAS(t, "beyond the kernel's receive window");
	t = say(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000));
	HAS(t, "challenge ACK");
	HAS(t, "RFC 5961 section 4");
	t = say(a, seg('p', TCPF_RST, PISN + 300, 0, 0, 0));
	HAS(t, "is in the kernel's window but is not 1");
	say(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 1, 10, KISN + 1, 1000));
	say(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 11, 64230));
	t = say(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 1, 10, KISN + 1, 1000));
	HAS(t, "were all received already (the kernel expects 11)");
	t = say(a, seg('p', TCPF_ACK | TCPF_PSH, PISN + 21, 10, KISN + 1, 1000));
	HAS(t, "ahead of 11");
	annot_free(a);
}

static void test_bad_handshake_ack(void)
{
	struct annot *a = annot_new();
	say(a, seg('p', TCPF_SYN, PISN, 0, 0, 1000));
	say(a, seg('k', TCPF_SYN | TCPF_ACK, KISN, 0, PISN + 1, 64240));
	const char *t = say(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 5, 1000));
	HAS(t, "Your ACK 5 does not acknowledge the kernel's SYN");
	HAS(t, "RST");
	annot_free(a);
	/* An active open: the kernel's SYN first, then a SYN-ACK with a wrong ack. */
	a = annot_new();
	HAS(say(a, seg('k', TCPF_SYN, KISN, 0, 0, 64240)), "accept with a SYN-ACK");
	t = say(a, seg('p', TCPF_SYN | TCPF_ACK, PISN, 0, KISN + 9, 1000));
	HAS(t, "acknowledges 9, but the kernel's SYN asks for 1");
	HAS(t, "RFC 9293 section 3.10.7.3");
	annot_free(a);
}

static void test_probes_and_window_updates(void)
{
	struct annot *a = established();
	HAS(say(a, seg('k', TCPF_ACK, KISN, 0, PISN + 1, 64240)), "A keep-alive");
	say(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, 0));
	HAS(say(a, seg('k', TCPF_ACK, KISN, 0, PISN + 1, 64240)), "A zero window probe");
	HAS(say(a, seg('k', TCPF_ACK, KISN + 1, 0, PISN + 1, 30000)), "A window update");
	HAS(say(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, 0)), "Your window 0 tells the kernel to stop");
	HAS(say(a, seg('p', TCPF_ACK, PISN + 1, 0, KISN + 1, 500)), "you now offer 500 bytes, so the kernel may send up to 501");
	annot_free(a);
}

int main(void)
{
	RUN(test_handshake_and_data);
	RUN(test_unacceptable);
	RUN(test_bad_handshake_ack);
	RUN(test_probes_and_window_updates);
	CHECK_EXIT();
}
