/*
 * explain: the teaching mode's sentences (see explain.h).
 *
 * The peer's (student's) segments are checked in the order RFC 9293 section
 * 3.10.7.4 checks an arriving segment (sequence number, RST, SYN, ACK), so
 * the first rule that rejects it is the one named; the kernel's segments are
 * explained by what they carry. Numbers are relative to the sender's ISN for
 * seq and to the receiver's ISN for ack, as in the student's script lines.
 */
#include "explain.h"

static bool lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* Relative number of a on the side that chose isn (absolute when unknown). */
static uint32_t rel(const struct annot_side *s, uint32_t a)
{
	return s && s->syn ? a - s->isn : a;
}

static void peer_rst(const struct annot_flow *f, const struct pkt *p, struct sb *out)
{
	const struct annot_side *k = &f->kernel;
	if (!annot_synchronized(f) || !k->has_ack || p->seq == k->ack)
		sb_add(out, "A RST whose seq is exactly the next one the kernel expects resets the connection at once; "
			    "nobody answers a RST (RFC 9293 section 3.10.7.4, second check).");
	else if (lt(k->ack, p->seq) && lt(p->seq, k->ack + (k->win ? k->win : 1)))
		sb_addf(out, "Your RST's seq %u is in the kernel's window but is not %u, the next one it expects: "
			     "the kernel does not reset, it sends a challenge ACK, so a blind attacker cannot guess "
			     "a reset (RFC 5961 section 3).",
			rel(&f->peer, p->seq), rel(&f->peer, k->ack));
	else
		sb_addf(out, "Your RST's seq %u is outside the kernel's receive window: the kernel ignores it "
			     "(RFC 9293 section 3.10.7.4, second check).",
			rel(&f->peer, p->seq));
}

/* The handshake, from the peer's side: SYN, SYN-ACK, and the ACK of the kernel's SYN. */
static bool peer_handshake(const struct annot_flow *f, const struct pkt *p, struct sb *out)
{
	const struct annot_side *k = f ? &f->kernel : NULL;
	bool syn = p->flags & TCPF_SYN, ack = p->flags & TCPF_ACK;
	if (syn && f && annot_synchronized(f)) {
		sb_add(out, "A SYN on an established connection: the kernel neither resets nor starts over, it "
			    "answers with a challenge ACK and drops the SYN (RFC 5961 section 4, RFC 9293 section "
			    "3.10.7.4 fourth check).");
		return true;
	}
	if (syn && !ack) {
		sb_add(out, "Your SYN opens a connection: its seq is your ISN, and a SYN consumes one sequence number, "
			    "so the kernel must acknowledge your ISN plus one, relative 1 (RFC 9293 section 3.4).");
		return true;
	}
	if (syn && k && k->syn) {
		if (p->ack == k->isn + 1)
			sb_add(out, "Your SYN-ACK acknowledges 1, the kernel's ISN plus one: the kernel answers with the "
				    "ACK that completes the three-way handshake (RFC 9293 section 3.5).");
		else
			sb_addf(out, "Your SYN-ACK acknowledges %u, but the kernel's SYN asks for 1 (its ISN plus one): "
				     "an unacceptable ACK in SYN-SENT is answered with a RST (RFC 9293 section 3.10.7.3).",
				rel(k, p->ack));
		return true;
	}
	if (ack && k && k->syn && !f->kernel_syn_acked && !(p->flags & TCPF_RST)) {
		if (p->ack == k->isn + 1)
			sb_add(out, "Your ACK of 1 acknowledges the kernel's SYN (its ISN plus one): the three-way "
				    "handshake is complete and both ends are ESTABLISHED (RFC 9293 section 3.5).");
		else
			sb_addf(out, "Your ACK %u does not acknowledge the kernel's SYN (it expects 1): in SYN-RECEIVED "
				     "the kernel answers an unacceptable ACK with a RST (RFC 9293 section 3.10.7.4, "
				     "fifth check).",
				rel(k, p->ack));
		return true;
	}
	return false;
}

/* The first check of RFC 9293 section 3.10.7.4: is the segment in the receive window? */
static bool peer_window(const struct annot_flow *f, const struct pkt *p, struct sb *out)
{
	const struct annot_side *k = &f->kernel, *me = &f->peer;
	uint32_t len = p->payload_len + ((p->flags & TCPF_FIN) ? 1 : 0);
	if (!k->has_ack || !len)
		return false;
	uint32_t nxt = k->ack, end = p->seq + len;
	if (!lt(nxt, end)) {
		sb_addf(out, "Your bytes %u:%u were all received already (the kernel expects %u): an old duplicate; "
			     "the kernel drops it and acknowledges %u again (RFC 9293 section 3.10.7.4, first check).",
			rel(me, p->seq), rel(me, end), rel(me, nxt), rel(me, nxt));
		return true;
	}
	if (k->win && !lt(p->seq, nxt + k->win)) {
		sb_addf(out, "Your seq %u is beyond the kernel's receive window (%u to %u): the kernel drops the "
			     "segment and answers with an ACK of %u (RFC 9293 section 3.10.7.4, first check).",
			rel(me, p->seq), rel(me, nxt), rel(me, nxt + k->win), rel(me, nxt));
		return true;
	}
	if (lt(nxt, p->seq)) {
		sb_addf(out, "Your seq %u is ahead of %u, the next byte the kernel expects: it keeps the data out of "
			     "order and sends a duplicate ACK of %u, asking for the gap (RFC 9293 section 3.10.7.4; "
			     "RFC 5681 section 4.2).",
			rel(me, p->seq), rel(me, nxt), rel(me, nxt));
		return true;
	}
	return false;
}

static void peer_segment(const struct annot_flow *f, const struct pkt *p, struct sb *out)
{
	if (p->flags & TCPF_RST) {
		if (f)
			peer_rst(f, p, out);
		else
			sb_add(out, "A RST for no connection: the kernel ignores it (RFC 9293 section 3.10.7.1).");
		return;
	}
	if (peer_handshake(f, p, out))
		return;
	if (!f)
		return;
	const struct annot_side *k = &f->kernel, *me = &f->peer;
	if (annot_synchronized(f) && peer_window(f, p, out))
		return;
	if (annot_synchronized(f) && !(p->flags & TCPF_ACK)) {
		sb_add(out, "Your segment has no ACK flag: on a synchronized connection the kernel drops a segment "
			    "without ACK, silently (RFC 9293 section 3.10.7.4, fifth check).");
		return;
	}
	if ((p->flags & TCPF_ACK) && k->has_nxt && lt(k->nxt, p->ack)) {
		sb_addf(out, "Your ACK %u acknowledges data the kernel never sent (it has sent up to %u): the kernel "
			     "drops the segment and sends an ACK (RFC 9293 section 3.10.7.4; RFC 5961 section 5.2).",
			rel(k, p->ack), rel(k, k->nxt));
		return;
	}
	uint32_t end = p->seq + p->payload_len;
	if (p->flags & TCPF_FIN)
		sb_addf(out, "Your FIN says you will send no more; it consumes one sequence number, so the kernel "
			     "acknowledges %u, and its application reads end of file (RFC 9293 section 3.6).",
			rel(me, end + 1));
	else if (p->payload_len)
		sb_addf(out, "You send %u bytes, seq %u:%u: the kernel acknowledges %u, the next byte it expects, at "
			     "once or after a short delay (delayed ACK, RFC 9293 section 3.8.6.3).",
			p->payload_len, rel(me, p->seq), rel(me, end), rel(me, end));
	else if (!p->win)
		sb_add(out, "Your window 0 tells the kernel to stop sending: it probes with zero window probes until "
			    "you open the window again (RFC 9293 section 3.8.6.1).");
	else if (me->has_ack && p->ack == me->ack && p->win != me->raw_win)
		sb_addf(out, "A window update: same ACK, but you now offer %u bytes, so the kernel may send up to %u "
			     "(RFC 9293 section 3.8.6).",
			p->win, rel(k, p->ack + p->win));
	else if (me->has_ack && p->ack == me->ack && p->win == me->raw_win && k->has_nxt && lt(p->ack, k->nxt))
		sb_addf(out, "The same ACK %u again, with data outstanding: a duplicate ACK. Three in a row make the "
			     "kernel retransmit at once (fast retransmit, RFC 5681 section 3.2).",
			rel(k, p->ack));
	else if (p->flags & TCPF_ACK)
		sb_addf(out, "Your ACK %u says every byte the kernel sent before %u arrived; it may now send up to "
			     "your window, %u bytes beyond it (RFC 9293 section 3.8.6).",
			rel(k, p->ack), rel(k, p->ack), p->win);
}

static void kernel_segment(const struct annot_flow *f, const struct pkt *p, struct sb *out)
{
	const struct annot_side *peer = f ? &f->peer : NULL, *me = f ? &f->kernel : NULL;
	uint32_t end = p->seq + p->payload_len;
	if (p->flags & TCPF_RST)
		sb_add(out, "A RST ends the connection at once, and is never acknowledged (RFC 9293 section 3.5.2).");
	else if ((p->flags & TCPF_SYN) && (p->flags & TCPF_ACK))
		sb_addf(out, "The kernel accepts your SYN: it acknowledges %u, your ISN plus one, because a SYN "
			     "consumes one sequence number; its own SYN carries its ISN, which your ACK of 1 "
			     "acknowledges (RFC 9293 section 3.5).",
			rel(peer, p->ack));
	else if (p->flags & TCPF_SYN)
		sb_add(out, "connect() sends the kernel's SYN with its ISN and options: accept with a SYN-ACK "
			    "acknowledging 1 (its ISN plus one), or refuse with a RST (RFC 9293 section 3.5).");
	else if (p->flags & TCPF_FIN)
		sb_addf(out, "The kernel's FIN: its application closed the socket or shut down writing. Acknowledge %u, "
			     "since a FIN consumes one sequence number (RFC 9293 section 3.6).",
			rel(me, end + 1));
	else if (p->payload_len)
		sb_addf(out, "The kernel sends %u bytes, seq %u:%u: acknowledge %u to say they arrived, or it "
			     "retransmits them when its retransmission timer expires (RFC 6298).",
			p->payload_len, rel(me, p->seq), rel(me, end), rel(me, end));
	else if (me && me->has_nxt && p->seq == me->nxt - 1 && peer->has_ack && !peer->raw_win)
		sb_add(out, "A zero window probe: your window is 0, so the kernel sends a byte-less segment one below "
			    "its next seq, asking for your window; it backs off like a retransmission until you open "
			    "it (RFC 9293 section 3.8.6.1).");
	else if (me && me->has_nxt && p->seq == me->nxt - 1)
		sb_add(out, "A keep-alive: the connection was idle, so the kernel sends a segment one below its next "
			    "seq, which you must answer with an ACK to show you are still there (RFC 9293 section "
			    "3.8.4).");
	else if (me && me->has_ack && p->ack == me->ack && p->win != me->raw_win)
		sb_addf(out, "A window update: same ACK, but the kernel's window is now %u (its application read "
			     "data, or its buffer filled), so you may send up to that much beyond %u (RFC 9293 "
			     "section 3.8.6).",
			p->win, rel(peer, p->ack));
	else if (me && me->has_ack && p->ack == me->ack)
		sb_addf(out, "The kernel acknowledges %u again: it still expects byte %u from you.", rel(peer, p->ack),
			rel(peer, p->ack));
	else
		sb_addf(out, "The kernel acknowledges %u: every byte of yours before %u arrived (a cumulative ACK, "
			     "RFC 9293 section 3.4).",
			rel(peer, p->ack), rel(peer, p->ack));
}

void explain_segment(const struct annot_flow *f, const struct pkt *p, bool from_kernel, struct sb *out)
{
	if (p->proto && p->proto != PKT_TCP)
		return;
	if (from_kernel)
		kernel_segment(f, p, out);
	else
		peer_segment(f, p, out);
}
