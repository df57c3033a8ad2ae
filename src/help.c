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
	"Teaching: info, conn and @NAME (several connections), sysctl, profile, reset,\n"
	"diagram, save, pcap, explain on|off; each has its help page (help info, ...).\n"
	"Commands: help [TOPIC], state, wait SECONDS, set format|color|time ..., quit.\n"
	"Segment lines end with annotations like (retransmission, RTO 0.2 s): help annotations.\n"
	"Topics: syntax, segments, calls, commands, keys, scripts, lessons, set, explain, annotations.\n";

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
	"  {l_onoff=1, l_linger=0}   a struct linger ({onoff=1, linger=0} too)\n"
	"A call that would block (accept with nothing to accept, read with nothing to\n"
	"read, a blocking connect) waits in the background; its result is printed\n"
	"when it returns. Ctrl-C abandons it.\n";

static const char commands_help[] =
	"help [TOPIC]        this help; topics: syntax segments calls commands keys scripts lessons set explain annotations\n"
	"state               the state of every socket and connection now\n"
	"state info          the same, then every TCP socket as ss -tan shows it (queues,\n"
	"                    addresses, fd, connection) with its tcp_info in one line (state -i too)\n"
	"wait SECONDS        let the kernel run (retransmissions, delayed ACKs) before the next line\n"
	"set format tcpdump|packetdrill   how segments are printed\n"
	"info [FD|NAME]      the kernel's tcp_info for a socket, in words (help info)\n"
	"conn [NAME|new]     list or choose connections; @NAME before a line (help conn)\n"
	"sysctl KEY[=VALUE]  read or change a net.* setting in tcpsh's namespace (help sysctl)\n"
	"profile classic|modern   a textbook TCP (no SACK, timestamps, wscale...) or today's (help profile)\n"
	"reset               a fresh namespace: no sockets, the clock at 0 (help reset)\n"
	"diagram [--ascii | FILE.svg]   the ladder diagram of the session so far (help diagram)\n"
	"save FILE.pkt       the session so far as a packetdrill script (help save)\n"
	"pcap FILE | off     everything captured so far, then the rest, in a pcap file (help pcap)\n"
	"set color auto|always|never      colour by direction (help set)\n"
	"set time relative|absolute|delta the time column (help set)\n"
	"explain on|off      teaching mode: the TCP rule after each segment (help explain)\n"
	"quit                leave (Ctrl-D too); the namespace and its sockets vanish\n"
	"(tcpsh --present: presenter mode for a class, see help present)\n";

static const char diagram_help[] =
	"diagram              the session so far as a ladder diagram: you on the left, the\n"
	"                     kernel on the right, one arrow per segment in packetdrill\n"
	"                     notation, the time on the left, each end's state when it changes,\n"
	"                     the calls beside the kernel; retransmissions dashed and marked\n"
	"diagram --ascii      the same in plain ASCII (the default when the locale is not UTF-8)\n"
	"diagram FILE.svg     the same as an SVG picture, for slides (only that file is written)\n";

static const char save_help[] =
	"save FILE.pkt        writes the session so far as a packetdrill script: your segments\n"
	"                     as '<' lines, the kernel's as '>' expectations, the calls with the\n"
	"                     results they returned, times relative to the line before.\n"
	"                     Replay it with: tcpsh run FILE.pkt (it passes on the same kernel).\n"
	"                     Calls abandoned with Ctrl-C or still blocked, and packets that\n"
	"                     are not TCP, become comments; sysctls set during the session\n"
	"                     are not saved.\n";

static const char pcap_help[] =
	"pcap FILE            writes every packet captured so far (both directions, the kernel's\n"
	"                     timestamps, raw IP) to FILE, and keeps appending the rest of the\n"
	"                     session; open it with tcpdump -r, tshark -r or Wireshark\n"
	"pcap off             stops writing (tcpsh --pcap FILE starts from the first packet)\n";

static const char present_help[] =
	"tcpsh --present [--present-delay=SECONDS]: presenter mode for a live class.\n"
	"Spaced, uncluttered output: no tcpdump or state lines, a short prompt, your segments\n"
	"(cyan) shown at once, then a pause (default 1 s) before the kernel's replies (yellow),\n"
	"then the ladder diagram redrawn, cut to what fits the screen.\n";

static const char keys_help[] =
	"Tab completes call names, constants and commands. Up/Down and Ctrl-R search\n"
	"the history (~/.tcpsh_history). Ctrl-C abandons a blocked call or a waiting\n"
	"expectation, or clears the line. Ctrl-D leaves.\n";

static const char info_help[] =
	"info [FD|NAME]   the kernel's tcp_info for one socket, in words\n"
	"  info           the current connection (else the newest socket)\n"
	"  info 4         the socket of fd 4 (a listener too)\n"
	"  info c2        connection c2, even with no fd (not yet accepted, or orphaned after close)\n"
	"It shows: the state and the congestion state (Open, Disorder, CWR, Recovery,\n"
	"Loss); cwnd and ssthresh in segments; srtt, rttvar, min rtt, the RTO and the\n"
	"delayed-ACK timeout; the MSS sent, received and advertised; segments unacked,\n"
	"sacked, lost and retransmitted; timeouts in a row, backoff and retransmissions\n"
	"in all; the window scale both ways and the windows now; the options negotiated\n"
	"(SACK, timestamps, window scaling, ECN); bytes acknowledged and received\n"
	"(after connect() the kernel counts its SYN as one acknowledged byte).\n"
	"'state info' prints one line of it for every socket, with ss -tan's columns.\n"
	"A SYN_RECV request socket and a TIME_WAIT socket have no tcp_info. In %{ }%\n"
	"blocks the same numbers are tcpi_* names ('help scripts').\n";

static const char conn_help[] =
	"Several connections in one session. Each is named c1, c2... in the order it\n"
	"opened; once there are two, the prompt shows the current one: tcpsh[c2]>.\n"
	"Typed segments go on the current connection; the kernel's segments are\n"
	"matched to theirs by addresses and ports.\n"
	"  conn              list the connections (* marks the current one)\n"
	"  conn c2           make c2 current (a port works too: conn 40001)\n"
	"  conn new [PORT]   a new peer for the listener, from the next free port (or\n"
	"                    PORT): the next segment you type, its SYN, opens it\n"
	"  @c2 LINE          LINE on connection c2, which stays current:\n"
	"                      @c1 < . 1:1(0) ack 11 win 1000\n"
	"                      @c2 > P. 1:21(20) ack 1     checked on c2's segments only\n"
	"  @40005 < S 0:0(0) win 1000   a port no connection has: a new peer from it\n"
	"A second connect() is a connection of its own (its SYN leaves from another\n"
	"port): answer each with @c1 < S. ... and @c2 < S. ....\n"
	"An expectation without @NAME is checked against any connection's segments.\n"
	"'@' starts no packetdrill line: the prefix is the shell's own, and scripts\n"
	"(tcpsh run) are unchanged. With 'set format packetdrill', segment lines end\n"
	"with // c2 once there are two connections, so they still paste into a script.\n";

static const char sysctl_help[] =
	"sysctl KEY          read a net.* setting of tcpsh's namespace\n"
	"sysctl KEY=VALUE    change it (several KEY[=VALUE] on one line are fine)\n"
	"  sysctl net.ipv4.tcp_sack=0      no SACK in the connections opened from now on\n"
	"  sysctl net.ipv4.tcp_rmem        the receive buffer sizes\n"
	"Only net.* keys: they belong to tcpsh's private namespace, which vanishes\n"
	"when tcpsh exits; kernel.*, vm.* and the rest would reach the host and are\n"
	"refused. Scripts do the same with `sysctl -q net.ipv4.tcp_sack=0` lines.\n"
	"'profile' switches the usual set at once.\n";

static const char profile_help[] =
	"profile classic     an RFC 793-era TCP for textbook lessons: no SACK, no D-SACK,\n"
	"                    no timestamps, no window scaling, no ECN, no F-RTO, no tail\n"
	"                    loss probes, no RACK (three duplicate ACKs make the fast\n"
	"                    retransmit), no Fast Open, no SYN cookies, Reno congestion\n"
	"                    control, no metrics kept between connections, no autocorking\n"
	"profile modern      this kernel's defaults again\n"
	"profile             the settings now, and which profile they match\n"
	"Connections opened afterwards use the new settings; open ones keep what\n"
	"they negotiated. The profile outlives 'reset'. One setting: 'help sysctl'.\n";

static const char reset_help[] =
	"reset               a fresh namespace: every socket and connection gone, the\n"
	"                    clock back at 0, connection names from c1 again.\n"
	"The profile chosen last is applied again; settings changed one by one with\n"
	"sysctl are not. Your typing history stays. Lines typed ahead of reset and\n"
	"not yet run are dropped.\n";

static const char scripts_help[] =
	"Lines from packetdrill scripts work at the prompt too:\n"
	"  %{ print(tcpi_snd_cwnd) }%        the kernel's tcp_info for the connection, evaluated\n"
	"  %{ assert tcpi_state == TCP_ESTABLISHED }%\n"
	"  +0...0.2 read(4, ..., 100)        a call that may block until 0.2 s after the previous line\n"
	"  `sysctl -q net.ipv4.tcp_sack=0`   net.* sysctls apply inside tcpsh's namespace;\n"
	"                                    other commands need tcpsh --allow-shell\n"
	"To replay a whole script as a test: tcpsh run FILE.pkt (man tcpsh).\n";

static const char lessons_help[] =
	"Guided lessons: tcpsh lesson lists them, tcpsh lesson NAME|NUMBER|FILE plays one.\n"
	"Each step shows its narration, may ask a question (type the answer) or give you\n"
	"a goal ('your turn': type the line; any line with the same effect is accepted),\n"
	"then runs and checks what the kernel does. At the step prompt:\n"
	"  Enter/next  run it        back    replay up to the previous step (fresh namespace)\n"
	"  repeat      show it again hint    a hint          skip   show the answer, go on\n"
	"  auto [SECONDS]  advance by itself   state   the sockets now   quit  leave\n"
	"tcpsh lesson --then-shell NAME ends in this shell with the lesson's connection;\n"
	"tcpsh lesson --check FILE... replays lessons as tests. Format: man 5 tcpsh-lesson.\n";

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
	{"info", info_help},         {"conn", conn_help},         {"sysctl", sysctl_help},
	{"profile", profile_help},   {"reset", reset_help},
	{"explain", explain_help}, {"annotations", annotations_help}, {"set", set_help},
	{"syntax", syntax_help},     {"segments", segments_help}, {"calls", calls_help},
	{"commands", commands_help}, {"keys", keys_help},         {"scripts", scripts_help},
	{"lessons", lessons_help},
	{"diagram", diagram_help},   {"save", save_help},         {"pcap", pcap_help},
	{"present", present_help},
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
	sb_addf(out, "help: no topic '%s'; topics: syntax segments calls commands keys scripts lessons set explain annotations\n", topic);
	return -1;
}

const char *help_topic_at(size_t i)
{
	return i < sizeof(topics) / sizeof(topics[0]) ? topics[i].name : NULL;
}
