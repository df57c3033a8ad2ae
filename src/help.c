/*
 * help: the shell's help pages (see help.h). Kept short: a student reads
 * them at the prompt; the man page has the long form.
 */
#include "help.h"

#include <string.h>

struct help_topic {
	const char *name;
	const char *text;
};

static const char overview[] =
	"tcpsh: you are the remote peer; the Linux kernel is the other end.\n"
	"Type a socket call or a segment, one per line, in packetdrill's syntax:\n"
	"  socket(..., SOCK_STREAM, IPPROTO_TCP) = 3     a call; '= 3' is checked, leave it out to just run it\n"
	"  bind(3, ..., ...)                             '...' fills in the obvious (192.168.0.1:8080 here)\n"
	"  listen(3, 1)\n"
	"  < S 0:0(0) win 1000 <mss 1000>                a segment you send (inject)\n"
	"  > S. 0:0(0) ack 1 <...>                       a segment you expect from the kernel (checked)\n"
	"  +0.1 < . 1:1(0) ack 1 win 1000                a time in front: 0.1 s after the previous line\n"
	"Every segment on the wire is printed as tcpdump -n prints it, with the time\n"
	"since the session started; 'state:' lines show each socket's state when it changes.\n"
	"Commands: help [TOPIC], state, wait SECONDS, set format|color|time ..., explain on|off, quit.\n"
	"Segment lines end with annotations like (retransmission, RTO 0.2 s): help annotations.\n"
	"Topics: syntax, segments, calls, commands, keys, scripts, set, explain, annotations.\n";

static const char syntax_help[] =
	"A line is [time] event.\n"
	"  time:  0.5 (seconds since the start), +0.1 or +.1 (after the previous line), * (any)\n"
	"         no time: now\n"
	"  event: a segment (< or >), a system call name(args) [= result], or a command.\n"
	"Comments: // to the end of the line, /* ... */.\n"
	"A line with an open ( [ { or /* continues on the next line.\n";

static const char segments_help[] =
	"  < FLAGS START:END(LEN) [ack N] [win N] [urg N] [<options>]   you send it\n"
	"  > FLAGS START:END(LEN) [ack N] [win N] [<options>|<...>]      the kernel must send it\n"
	"FLAGS: S SYN, F FIN, R RST, P PSH, . ACK, U URG, E ECE, W CWR (together: S. P. F.)\n"
	"Sequence numbers are relative: 0 is the sender's initial sequence number (ISN),\n"
	"so your SYN is 0:0(0) and the kernel's reply acknowledges 1.\n"
	"1:11(10) is ten bytes of payload, bytes 1 to 10; LEN must equal END - START.\n"
	"Options: mss N, wscale N, sackOK, sack A:B [C:D...], TS val N ecr N, nop, eol.\n"
	"An expectation checks flags, sequence range and ack always; win, urg and\n"
	"options only when given (<...> accepts any options).\n";

static const char calls_help[] =
	"socket bind listen accept connect read write send recv shutdown close\n"
	"setsockopt getsockopt fcntl ioctl getsockname getpeername\n"
	"File descriptors are the script's numbers: the first socket is 3, then 4...\n"
	"  = 0                       the call must return 0\n"
	"  = -1 ECONNREFUSED (...)   the call must fail with that errno; (...) is a comment\n"
	"  [1]                       a pointer to the int 1 (setsockopt values)\n"
	"  {l_onoff=1, l_linger=0}   a struct linger\n"
	"A call that would block (accept with nothing to accept, read with nothing to\n"
	"read, a blocking connect) waits in the background; its result is printed\n"
	"when it returns. Ctrl-C abandons it.\n";

static const char commands_help[] =
	"help [TOPIC]        this help; topics: syntax segments calls commands keys scripts set explain annotations\n"
	"state               the state of every socket and connection now\n"
	"wait SECONDS        let the kernel run (retransmissions, delayed ACKs) before the next line\n"
	"set format tcpdump|packetdrill   how segments are printed\n"
	"set color auto|always|never      colour by direction (help set)\n"
	"set time relative|absolute|delta the time column (help set)\n"
	"explain on|off      teaching mode: the TCP rule after each segment (help explain)\n"
	"quit                leave (Ctrl-D too); the namespace and its sockets vanish\n";

static const char keys_help[] =
	"Tab completes call names, constants and commands. Up/Down and Ctrl-R search\n"
	"the history (~/.tcpsh_history). Ctrl-C abandons a blocked call or a waiting\n"
	"expectation, or clears the line. Ctrl-D leaves.\n";

static const char scripts_help[] =
	"Lines from packetdrill scripts work at the prompt too:\n"
	"  %{ print(tcpi_snd_cwnd) }%        the kernel's tcp_info for the connection, evaluated\n"
	"  %{ assert tcpi_state == TCP_ESTABLISHED }%\n"
	"  +0...0.2 read(4, ..., 100)        a call that may block until 0.2 s after the previous line\n"
	"  `sysctl -q net.ipv4.tcp_sack=0`   net.* sysctls apply inside tcpsh's namespace;\n"
	"                                    other commands need tcpsh --allow-shell\n"
	"To replay a whole script as a test: tcpsh run FILE.pkt (man tcpsh).\n";

static const char explain_help[] =
	"explain on|off (or tcpsh --explain): the teaching mode. After each segment,\n"
	"one or two sentences name the TCP rule at work, as script comments:\n"
	"       // The kernel accepts your SYN: it acknowledges 1, your ISN plus one,\n"
	"       // because a SYN consumes one sequence number ... (RFC 9293 section 3.5).\n"
	"When a segment of yours is not acceptable (an ACK of data never sent, a seq\n"
	"outside the receive window, no ACK flag, a SYN on an established connection,\n"
	"a RST off the expected seq) it says what the kernel will do and why, with the\n"
	"RFC section. See also 'help annotations'.\n";

static const char annotations_help[] =
	"Segment lines end with expert annotations, like Wireshark's TCP analysis:\n"
	"  (retransmission, RTO 0.2 s)          the kernel resent bytes after its timeout;\n"
	"  (retransmission #2, RTO 0.4 s, backed off x2)   the timeout doubles each time\n"
	"  (retransmission, tail loss probe after 0.012 s) a probe sooner than any RTO\n"
	"  (fast retransmission, after 3 duplicate ACKs)\n"
	"  (duplicate ACK #n) (out-of-order) (previous segment not seen)\n"
	"  (zero window) (zero window probe) (window full) (window update)\n"
	"  (keep-alive) (keep-alive ACK) (challenge ACK: ..., RFC 5961 section N)\n"
	"  (RST: no socket listens on port P) (RST: bad ACK ...) (RST: data after the\n"
	"  application closed the socket) (RST: the application aborted ...)\n"
	"In packetdrill format they follow the line as a // comment. tcpsh run shows\n"
	"them with --verbose; its verdicts do not depend on them.\n";

static const char set_help[] =
	"set format tcpdump|packetdrill   segment lines as tcpdump -n prints them, or in\n"
	"                                 packetdrill notation (ready to paste into a script)\n"
	"set color auto|always|never      colour: your segments cyan, the kernel's yellow,\n"
	"                                 failures red, explanations dim; auto = only on a\n"
	"                                 terminal and when NO_COLOR is not set (--color=WHEN)\n"
	"set time relative|absolute|delta the time column: seconds since the session began\n"
	"                                 (default), the wall clock, or since the previous\n"
	"                                 segment (--time=WHEN)\n"
	"tcpsh --json prints one JSON object per line and event instead of text:\n"
	"  {\"type\":\"segment\",\"time\":0.2,\"direction\":\"kernel\",\"flags\":\"P.\",\"seq\":...,\n"
	"   \"line\":\"IP ...\",\"annotations\":[\"retransmission, RTO 0.2 s\"]}\n"
	"  and input, result, state, expect_ok, expect_fail, error, help, text objects.\n";

static const struct help_topic topics[] = {
	{"explain", explain_help}, {"annotations", annotations_help}, {"set", set_help},
	{"syntax", syntax_help},     {"segments", segments_help}, {"calls", calls_help},
	{"commands", commands_help}, {"keys", keys_help},         {"scripts", scripts_help},
};

int help_text(const char *topic, struct sb *out)
{
	if (!topic) {
		sb_add(out, overview);
		return 0;
	}
	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++) {
		if (!strcmp(topics[i].name, topic)) {
			sb_add(out, topics[i].text);
			return 0;
		}
	}
	sb_addf(out, "help: no topic '%s'; topics: syntax segments calls commands keys scripts set explain annotations\n", topic);
	return -1;
}

const char *help_topic_at(size_t i)
{
	return i < sizeof(topics) / sizeof(topics[0]) ? topics[i].name : NULL;
}
