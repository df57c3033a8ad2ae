/*
 * test_syntax_errors: every kind of bad input, with the exact text tcpsh
 * prints for it (syntax_error_format): one error per input, a caret that
 * lines up, a hint where one helps. Also hostile input: 100 kB lines, NUL
 * bytes, control bytes, nesting bombs, overlong numbers and names.
 */
#include "check.h"
#include "syntax.h"

#include <stdlib.h>
#include <string.h>

/* The formatted error for one prompt line of len bytes ("" if it parsed). */
static char *line_error_n(const char *text, size_t len)
{
	struct syn_event ev;
	struct syn_error err;
	struct sb out = SB_INIT;
	syntax_error_init(&err);
	int rc = syntax_parse_line(text, len, 1, &ev, &err);
	if (rc == SYN_OK)
		syntax_event_free(&ev);
	else if (rc == SYN_INCOMPLETE)
		sb_add(&out, "INCOMPLETE");
	else
		syntax_error_format(&err, "<stdin>", text, len, &out);
	syntax_error_free(&err);
	return sb_detach(&out);
}

static char *line_error(const char *text)
{
	return line_error_n(text, strlen(text));
}

/* The formatted error for a whole script, quoting the line it names. */
static char *script_error(const char *text)
{
	struct syn_script s;
	struct syn_error err;
	struct sb out = SB_INIT;
	syntax_error_init(&err);
	if (syntax_parse_script(text, strlen(text), &s, &err) == SYN_OK) {
		syntax_script_free(&s);
	} else {
		const char *line;
		size_t n;
		syntax_find_line(text, strlen(text), 1, err.line, &line, &n);
		syntax_error_format(&err, "t.pkt", line, n, &out);
	}
	syntax_error_free(&err);
	return sb_detach(&out);
}

#define CHECK_ERR(text, want)                     \
	do {                                      \
		char *got_ = line_error(text);    \
		CHECK_STR(got_, want);            \
		free(got_);                       \
	} while (0)

#define CHECK_SCRIPT_ERR(text, want)              \
	do {                                      \
		char *got_ = script_error(text);  \
		CHECK_STR(got_, want);            \
		free(got_);                       \
	} while (0)

static void test_names(void)
{
	CHECK_ERR("sockt(..., SOCK_STREAM, IPPROTO_TCP) = 3",
		  "<stdin>:1:1: error: unknown system call 'sockt'\n"
		  "  sockt(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
		  "  ^\n"
		  "  hint: did you mean socket?\n");
	CHECK_ERR("epoll_wiat(3, ..., 1, 0) = 0",
		  "<stdin>:1:1: error: unknown system call 'epoll_wiat'\n"
		  "  epoll_wiat(3, ..., 1, 0) = 0\n"
		  "  ^\n"
		  "  hint: did you mean epoll_wait?\n");
	CHECK_ERR("setsockopt(3, SOL_SOCKET, SO_REUSEADR, [1], 4) = 0",
		  "<stdin>:1:27: error: unknown constant 'SO_REUSEADR'\n"
		  "  setsockopt(3, SOL_SOCKET, SO_REUSEADR, [1], 4) = 0\n"
		  "                            ^\n"
		  "  hint: did you mean SO_REUSEADDR?\n");
	CHECK_ERR("sendto(3, ..., 1, MSG_FASTOPN, ..., ...) = 1",
		  "<stdin>:1:19: error: unknown constant 'MSG_FASTOPN'\n"
		  "  sendto(3, ..., 1, MSG_FASTOPN, ..., ...) = 1\n"
		  "                    ^\n"
		  "  hint: did you mean MSG_FASTOPEN?\n");
	CHECK_ERR("fcntl(3, F_SETFL, XYZZY_PLUGH) = 0",
		  "<stdin>:1:19: error: unknown constant 'XYZZY_PLUGH'\n"
		  "  fcntl(3, F_SETFL, XYZZY_PLUGH) = 0\n"
		  "                    ^\n");
	CHECK_ERR("connect(3, ..., ...) = -1 EINPROGRES",
		  "<stdin>:1:27: error: unknown errno name 'EINPROGRES'\n"
		  "  connect(3, ..., ...) = -1 EINPROGRES\n"
		  "                            ^\n"
		  "  hint: did you mean EINPROGRESS?\n");
	CHECK_ERR("< icmp unrechable",
		  "<stdin>:1:8: error: unknown ICMP type 'unrechable'\n"
		  "  < icmp unrechable\n"
		  "         ^\n"
		  "  hint: did you mean unreachable?\n");
	CHECK_ERR("write(3, htons(80), 1) = 1",
		  "<stdin>:1:10: error: function-style values such as htons(...) are not supported\n"
		  "  write(3, htons(80), 1) = 1\n"
		  "           ^\n");
}

static void test_calls(void)
{
	CHECK_ERR("socket(..., SOCK_STREAM 6) = 3",
		  "<stdin>:1:25: error: expected ',' or ')' in the argument list opened at column 7, found '6'\n"
		  "  socket(..., SOCK_STREAM 6) = 3\n"
		  "                          ^\n");
	CHECK_ERR("fcntl(3)",
		  "<stdin>:1:8: error: too few arguments: fcntl() takes 2 or 3 arguments, found 1\n"
		  "  fcntl(3)\n"
		  "         ^\n");
	CHECK_ERR("close(3, 4) = 0",
		  "<stdin>:1:10: error: too many arguments: close() takes 1 argument\n"
		  "  close(3, 4) = 0\n"
		  "           ^\n");
	CHECK_ERR("close(3) = 0 0",
		  "<stdin>:1:14: error: expected the end of the line after the system call, found '0'\n"
		  "  close(3) = 0 0\n"
		  "               ^\n");
	CHECK_ERR("fcntl(3, F_SETFL, O_RDWR|[1]) = 0",
		  "<stdin>:1:26: error: '|' combines numbers and constants only\n"
		  "  fcntl(3, F_SETFL, O_RDWR|[1]) = 0\n"
		  "                           ^\n");
	CHECK_ERR("read(3, ..., 99999999999999999999) = 1",
		  "<stdin>:1:14: error: number 99999999999999999999 is too large (at most 9223372036854775807)\n"
		  "  read(3, ..., 99999999999999999999) = 1\n"
		  "               ^\n");
	CHECK_ERR("write(3, \"abc, 10) = 10",
		  "<stdin>:1:10: error: unterminated string: expected '\"' before the end of the line\n"
		  "  write(3, \"abc, 10) = 10\n"
		  "           ^\n");
	CHECK_ERR("write(3, \"a\\q\", 1) = 1",
		  "<stdin>:1:12: error: unknown escape '\\q' in the string\n"
		  "  write(3, \"a\\q\", 1) = 1\n"
		  "             ^\n");
	CHECK_ERR("close(3) = [1]",
		  "<stdin>:1:12: error: expected a number or a constant as the result\n"
		  "  close(3) = [1]\n"
		  "             ^\n");
	CHECK_ERR("poll({}, 1, 0) = 0",
		  "<stdin>:1:7: error: expected a field (name=value) or a value inside '{ }', found '}'\n"
		  "  poll({}, 1, 0) = 0\n"
		  "        ^\n");
}

static void test_packets(void)
{
	CHECK_ERR("< P. 1:11(5) ack 1",
		  "<stdin>:1:11: error: 1:11(5): the range holds 10 bytes, not 5\n"
		  "  < P. 1:11(5) ack 1\n"
		  "            ^\n");
	CHECK_ERR("< . 1:1(0) ack 1 win 70000",
		  "<stdin>:1:22: error: win 70000 is too large (at most 65535)\n"
		  "  < . 1:1(0) ack 1 win 70000\n"
		  "                       ^\n"
		  "  hint: win is the raw 16-bit field; larger windows need the wscale option\n");
	CHECK_ERR("< S 0:0(0) win 1000 <mss 1000,wscale 15>",
		  "<stdin>:1:38: error: window scale 15 is too large (at most 14)\n"
		  "  < S 0:0(0) win 1000 <mss 1000,wscale 15>\n"
		  "                                       ^\n"
		  "  hint: RFC 7323 limits the shift count to 14\n");
	CHECK_ERR("< S 4294967296:4294967296(0) win 1000",
		  "<stdin>:1:5: error: sequence number 4294967296 is too large (at most 4294967295)\n"
		  "  < S 4294967296:4294967296(0) win 1000\n"
		  "      ^\n");
	CHECK_ERR("< S 0:0(0) win 1000 <>",
		  "<stdin>:1:22: error: empty option list '<>': leave it out for a packet without options\n"
		  "  < S 0:0(0) win 1000 <>\n"
		  "                       ^\n");
	CHECK_ERR("< S 0:0(0) <msss 1000>",
		  "<stdin>:1:13: error: unknown TCP option 'msss'\n"
		  "  < S 0:0(0) <msss 1000>\n"
		  "              ^\n"
		  "  hint: did you mean mss?\n");
	CHECK_ERR("< S 0:0(0) <mpcapable 1>",
		  "<stdin>:1:13: error: TCP option 'mpcapable' is not supported yet\n"
		  "  < S 0:0(0) <mpcapable 1>\n"
		  "              ^\n");
	CHECK_ERR("< SX 0:0(0)",
		  "<stdin>:1:4: error: unknown TCP flag 'X': the flags are S F R P . U E W A\n"
		  "  < SX 0:0(0)\n"
		  "     ^\n");
	CHECK_ERR("< [ect01] S 0:0(0)",
		  "<stdin>:1:4: error: [ect01] is only for packets tcpsh expects ('>'); an injected packet needs "
		  "one codepoint\n"
		  "  < [ect01] S 0:0(0)\n"
		  "     ^\n");
	CHECK_ERR("< S 0:0(0) <...>",
		  "<stdin>:1:13: error: '<...>' (any options) is only for packets tcpsh expects ('>')\n"
		  "  < S 0:0(0) <...>\n"
		  "              ^\n");
	CHECK_ERR("0.5 < S 0:0(0) win 1000 <sack>",
		  "<stdin>:1:30: error: expected a SACK block (like 1:1001), found '>'\n"
		  "  0.5 < S 0:0(0) win 1000 <sack>\n"
		  "                               ^\n");
	CHECK_ERR("< S 0:0(0) <FO abc>",
		  "<stdin>:1:16: error: the Fast Open cookie must have an even number of hex digits\n"
		  "  < S 0:0(0) <FO abc>\n"
		  "                 ^\n");
}

static void test_times_and_lines(void)
{
	CHECK_ERR("@foo",
		  "<stdin>:1:1: error: garbage: expected a time, a packet ('<' or '>'), a system call or a command, "
		  "found '@'\n"
		  "  @foo\n"
		  "  ^\n");
	CHECK_ERR("3021b9 x",
		  "<stdin>:1:1: error: garbage: expected a time, a packet ('<' or '>'), a system call or a command, "
		  "found '3021b9'\n"
		  "  3021b9 x\n"
		  "  ^\n");
	CHECK_ERR("0.1",
		  "<stdin>:1:4: error: expected a packet ('<' or '>'), a system call, a `command` or a %{ }% block "
		  "after the time, found the end of the line\n"
		  "  0.1\n"
		  "     ^\n");
	CHECK_ERR("* write(3, ..., 10) = 10",
		  "<stdin>:1:1: error: '*' (any time) is only for packets tcpsh expects ('>')\n"
		  "  * write(3, ..., 10) = 10\n"
		  "  ^\n");
	CHECK_ERR("+0~0.1 > . 1:1(0) ack 1",
		  "<stdin>:1:4: error: both ends of a time window are relative (+a~+b) or absolute (a~b)\n"
		  "  +0~0.1 > . 1:1(0) ack 1\n"
		  "     ^\n");
	CHECK_ERR("0.2...0.1 read(3, ..., 1) = 1",
		  "<stdin>:1:7: error: the blocking call ends before it starts\n"
		  "  0.2...0.1 read(3, ..., 1) = 1\n"
		  "        ^\n");
	CHECK_ERR("+0...0.1 < . 1:1(0)",
		  "<stdin>:1:1: error: an end time (a...b) is only for system calls\n"
		  "  +0...0.1 < . 1:1(0)\n"
		  "  ^\n");
	CHECK_ERR("-1 close(3)",
		  "<stdin>:1:1: error: a time cannot be negative\n"
		  "  -1 close(3)\n"
		  "  ^\n");
	CHECK_ERR("help \"unterminated",
		  "<stdin>:1:6: error: unterminated quote: expected '\"' before the end of the line\n"
		  "  help \"unterminated\n"
		  "       ^\n");
	CHECK_ERR("--mss=",
		  "<stdin>:1:7: error: expected a value after '='\n"
		  "  --mss=\n"
		  "        ^\n");
	/* Tabs are shown as spaces to the next multiple of 8, caret included. */
	CHECK_ERR("\tclose(3)\t= 0 @",
		  "<stdin>:1:15: error: expected the end of the line after the system call, found '@'\n"
		  "          close(3)        = 0 @\n"
		  "                              ^\n");
}

static void test_scripts(void)
{
	CHECK_SCRIPT_ERR("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
			 "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1,\n"
			 "+0 close(3) = 0\n",
			 "t.pkt:3:1: error: expected a value (a number, a constant, '...', NULL, \"string\", [list] or "
			 "{struct}), found '+'\n"
			 "  +0 close(3) = 0\n"
			 "  ^\n"
			 "  hint: the '[' at line 2, column 44 is still open\n");
	CHECK_SCRIPT_ERR("0 poll({fd=3,\n  events=POLLIN, 1, 0) = 0\n",
			 "t.pkt:2:22: error: expected ',' or '}' in the struct opened at line 1, column 8, found ')'\n"
			 "    events=POLLIN, 1, 0) = 0\n"
			 "                       ^\n");
	CHECK_SCRIPT_ERR("0 close(3) = 0\n/* unterminated\n comment\n",
			 "t.pkt:2:1: error: unterminated comment: expected '*/' to close it\n"
			 "  /* unterminated\n"
			 "  ^\n");
	CHECK_SCRIPT_ERR("0 close(3) = 0\n+0 %{ assert 1\n",
			 "t.pkt:2:4: error: unterminated %{ block: expected '}%' to close it\n"
			 "  +0 %{ assert 1\n"
			 "     ^\n");
	CHECK_SCRIPT_ERR("`abc\n0 close(3)\n",
			 "t.pkt:1:1: error: unterminated `command`: expected '`' to close it\n"
			 "  `abc\n"
			 "  ^\n");
	CHECK_SCRIPT_ERR("0 close(3) = 0\n--mss=1000\n",
			 "t.pkt:2:1: error: option lines (--name=value) must come before the first event\n"
			 "  --mss=1000\n"
			 "  ^\n");
	CHECK_SCRIPT_ERR("0 close(3) = 0 (note\n)\n",
			 "t.pkt:1:16: error: unterminated note: expected ')' to close the '(' before the end of the line\n"
			 "  0 close(3) = 0 (note\n"
			 "                 ^\n");
	CHECK_SCRIPT_ERR("0 socket(..., SOCK_STREAM, IPPROTO_TCP\n",
			 "t.pkt:1:39: error: expected ')' to close the argument list opened at column 9, found the end of "
			 "the file\n"
			 "  0 socket(..., SOCK_STREAM, IPPROTO_TCP\n"
			 "                                        ^\n");
}

/* A 100 kB line is shown as a window around the caret, "..." at cut ends. */
static void test_long_lines(void)
{
	struct sb text = SB_INIT;
	sb_add(&text, "close(3) = 0 ");
	sb_addrep(&text, ' ', 100000);
	sb_add(&text, "@ and more text after the at sign, which is cut off after some characters");
	char *got = line_error_n(text.buf, text.len);
	CHECK_STR(got, "<stdin>:1:100014: error: expected the end of the line after the system call, found '@'\n"
		       "  ...                                   @ and more text after the at sign, ...\n"
		       "                                        ^\n");
	free(got);
	sb_reset(&text);
	sb_add(&text, "close(");
	sb_addrep(&text, '7', 100000);
	sb_add(&text, ")");
	got = line_error_n(text.buf, text.len);
	/* A window is 70 columns: "close(" and 64 of the digits. */
	struct sb want = SB_INIT;
	sb_add(&want, "<stdin>:1:7: error: number 777777777777777777777... is too large (at most "
		      "9223372036854775807)\n  close(");
	sb_addrep(&want, '7', 64);
	sb_add(&want, "...\n        ^\n");
	CHECK_STR(got, sb_str(&want));
	free(got);
	sb_free(&want);
	sb_reset(&text);
	sb_add(&text, "fcntl(3, F_GETFL, ");
	sb_addrep(&text, 'X', 100000);
	sb_add(&text, ")");
	got = line_error_n(text.buf, text.len);
	CHECK_STR(got, "<stdin>:1:19: error: unknown constant 'XXXXXXXXXXXXXXXXXXXXX...'\n"
		       "  fcntl(3, F_GETFL, XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX...\n"
		       "                    ^\n");
	free(got);
	sb_free(&text);
}

/* NULs, control bytes and bad UTF-8 are escaped so the caret lines up. */
static void test_hostile_bytes(void)
{
	static const char nul[] = "close(3)\0 = 0";
	char *got = line_error_n(nul, sizeof(nul) - 1);
	CHECK_STR(got, "<stdin>:1:9: error: unexpected NUL byte (\\x00)\n"
		       "  close(3)\\x00 = 0\n"
		       "          ^\n"
		       "  hint: text never holds a NUL byte: is this a binary file?\n");
	free(got);
	CHECK_ERR("close(3)\x01 = 0",
		  "<stdin>:1:9: error: expected the end of the line after the system call, found the byte \\x01\n"
		  "  close(3)\\x01 = 0\n"
		  "          ^\n");
	CHECK_ERR("\xff\xc3\xa9 @",
		  "<stdin>:1:1: error: garbage: expected a time, a packet ('<' or '>'), a system call or a command, "
		  "found the byte \\xff\n"
		  "  \\xff\xc3\xa9 @\n"
		  "  ^\n");
	CHECK_ERR("close(3) = 0 \xc3\xa9 @",
		  "<stdin>:1:14: error: expected the end of the line after the system call, found the byte \\xc3\n"
		  "  close(3) = 0 \xc3\xa9 @\n"
		  "               ^\n");
}

static void test_nesting_bomb(void)
{
	struct sb text = SB_INIT;
	sb_add(&text, "write(3, ");
	sb_addrep(&text, '[', 100000);
	char *got = line_error_n(text.buf, text.len);
	/* The caret sits mid-window: 35 columns in, after the "...". */
	struct sb want = SB_INIT;
	sb_add(&want, "<stdin>:1:74: error: too deeply nested: at most 64 levels of brackets and braces\n  ...");
	sb_addrep(&want, '[', 70);
	sb_add(&want, "...\n");
	sb_addrep(&want, ' ', 2 + 3 + 35);
	sb_add(&want, "^\n");
	CHECK_STR(got, sb_str(&want));
	sb_free(&want);
	free(got);
	sb_reset(&text);
	sb_add(&text, "fcntl(3, F_SETFL, 1");
	for (int i = 0; i < 10000; i++)
		sb_add(&text, "|1");
	sb_add(&text, ") = 0");
	got = line_error_n(text.buf, text.len);
	CHECK(strstr(got, "error: too many '|' terms: at most 64\n") != NULL);
	free(got);
	sb_free(&text);
}

/* A failed parse leaves the event alone; the error struct is reusable. */
static void test_untouched(void)
{
	struct syn_event ev;
	struct syn_error err;
	syntax_error_init(&err);
	memset(&ev, 0x5a, sizeof(ev));
	CHECK_INT(syntax_parse_line("close(", 6, 1, &ev, &err), SYN_INCOMPLETE);
	CHECK_INT(syntax_parse_line("close(x", 7, 1, &ev, &err), SYN_ERR);
	CHECK_INT(ev.line, 0x5a5a5a5a);
	CHECK_INT(syntax_parse_line("close(3)", 8, 9, &ev, &err), SYN_OK);
	CHECK_INT(ev.line, 9);
	CHECK_STR(sb_str(&err.msg), "");
	syntax_event_free(&ev);
	CHECK_INT(syntax_parse_line(NULL, 0, 1, &ev, &err), SYN_OK);
	CHECK_INT(ev.kind, SYN_EMPTY);
	syntax_error_free(&err);
}

static void test_format(void)
{
	struct syn_error err;
	struct sb out = SB_INIT;
	syntax_error_init(&err);
	err.line = 4;
	sb_add(&err.msg, "the whole line is wrong");
	syntax_error_format(&err, NULL, "abc", 3, &out);
	CHECK_STR(sb_str(&out), "<stdin>:4: error: the whole line is wrong\n  abc\n");
	sb_reset(&out);
	err.col = 4;
	syntax_error_format(&err, "x.pkt", NULL, 0, &out);
	CHECK_STR(sb_str(&out), "x.pkt:4:4: error: the whole line is wrong\n");
	const char *text = "one\ntwo\nthree", *line;
	size_t n;
	syntax_find_line(text, strlen(text), 1, 2, &line, &n);
	CHECK_INT(n, 3);
	CHECK(strncmp(line, "two", 3) == 0);
	syntax_find_line(text, strlen(text), 10, 12, &line, &n);
	CHECK_INT(n, 5);
	syntax_find_line(text, strlen(text), 1, 9, &line, &n);
	CHECK_INT(n, 0);
	sb_free(&out);
	syntax_error_free(&err);
}

int main(void)
{
	RUN(test_names);
	RUN(test_calls);
	RUN(test_packets);
	RUN(test_times_and_lines);
	RUN(test_scripts);
	RUN(test_long_lines);
	RUN(test_hostile_bytes);
	RUN(test_nesting_bomb);
	RUN(test_untouched);
	RUN(test_format);
	CHECK_EXIT();
}
