/*
 * Unit tests for lesson (lesson_parse, lesson_answer_ok, lesson_same_effect):
 * the structure a lesson file gives, the errors bad files get, and the
 * judgement of typed answers and lines.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lesson.h"

#define HDR "//! title: T\n//! summary: S\n//! level: beginner\n//! teaches: X\n"

static int parse(const char *text, struct lesson *l, struct sb *err)
{
	return lesson_parse("t.pkt", text, strlen(text), l, err);
}

/* The first line of the error for text, "" when it parses. */
static char *first_error(const char *text)
{
	struct lesson l;
	struct sb err = SB_INIT;
	if (!parse(text, &l, &err)) {
		lesson_free(&l);
		return xstrdup("");
	}
	char *nl = strchr(err.buf, '\n');
	if (nl)
		*nl = '\0';
	char *r = xstrdup(err.buf);
	sb_free(&err);
	return r;
}

static void test_structure(void)
{
	const char *text = HDR "--tolerance_usecs=10000\n"
			   "0 `sysctl -q net.ipv4.tcp_sack=0`\n"
			   "\n"
			   "// First paragraph,\n// two lines.\n//\n// Second paragraph.\n"
			   "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
			   "+0 bind(3, ..., ...) = 0\n"
			   "+0 listen(3, 1) = 0\n"
			   "//! question: What ack?\n//! answer: 1\n//! answer: one\n//! hint: the SYN counts\n"
			   "//! explain: ISN plus one\n//! checkpoint: the SYN-ACK\n//! onfail: a sysctl\n"
			   "+.1 < S 0:0(0) win 1000 <mss 1000>\n"
			   "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
			   "%{ assert tcpi_state == TCP_SYN_RECV }%\n"
			   "// The kernel retransmits on its own.\n"
			   "+1 > S. 0:0(0) ack 1 <mss 1460>\n"
			   "//! yourturn: ack it\n//! hint: flags .\n"
			   "+.1 < . 1:1(0) ack 1 win 1000\n"
			   "/* a block comment\n   is not narration */\n"
			   "// The end.\n";
	struct lesson l;
	struct sb err = SB_INIT;
	CHECK_INT(parse(text, &l, &err), 0);
	CHECK_STR(sb_str(&err), "");
	CHECK_STR(l.title, "T");
	CHECK_STR(l.level, "beginner");
	CHECK_INT(l.nsettings, 1);
	CHECK_INT(l.nsteps, 6);
	if (l.nsteps == 6) {
		CHECK_INT(l.steps[0].narration.n, 2);
		CHECK_STR(l.steps[0].narration.v[0], "First paragraph,\ntwo lines.");
		CHECK_STR(l.steps[0].narration.v[1], "Second paragraph.");
		CHECK(l.steps[0].has_action);
		CHECK_INT(l.steps[1].narration.n, 0);
		const struct lesson_step *s = &l.steps[3];
		CHECK_INT(s->nev, 3); /* the injection, the SYN-ACK, the assert */
		CHECK_INT(s->nq, 1);
		CHECK_STR(s->q[0].text, "What ack?");
		CHECK_INT(s->q[0].answers.n, 2);
		CHECK_INT(s->q[0].hints.n, 1);
		CHECK_STR(s->q[0].explain, "ISN plus one");
		CHECK_STR(s->checkpoint, "the SYN-ACK");
		CHECK_STR(s->onfail, "a sysctl");
		CHECK(!l.steps[4].has_action); /* narration starts a step of checkpoints only */
		CHECK_INT(l.steps[4].nev, 1);
		CHECK_STR(l.steps[5].yourturn, "ack it");
		CHECK_INT(l.steps[5].hints.n, 1);
		CHECK_INT(l.outro.n, 1);
		CHECK_STR(l.outro.n ? l.outro.v[0] : NULL, "The end.");
		struct sb t = SB_INIT;
		lesson_event_text(text, strlen(text), &l.script.ev[s->first], true, &t);
		CHECK_STR(sb_str(&t), "< S 0:0(0) win 1000 <mss 1000>");
		sb_free(&t);
		double *times = xcalloc(l.script.nev, sizeof(*times));
		lesson_event_times(&l.script, times);
		CHECK(times[s->first] > 0.099 && times[s->first] < 0.101);
		CHECK(times[l.steps[4].first] > 1.099 && times[l.steps[4].first] < 1.101);
		free(times);
		int stops[7];
		CHECK_INT(lesson_stops(&l, stops), 4); /* socket+bind+listen, the SYN, the retransmission, the ACK */
		CHECK_INT(stops[0], 0);
		CHECK_INT(stops[1], 3);
		CHECK_INT(stops[2], 4);
		CHECK_INT(stops[3], 5);
		CHECK_INT(stops[4], 6);
	}
	lesson_free(&l);
	sb_free(&err);
}

static void test_errors(void)
{
	const char *ok_step = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
	struct {
		const char *text, *want;
	} cases[] = {
		{HDR "//! titel: x\n0 close(3) = 0\n", "t.pkt:5:5: error: unknown marker 'titel'"},
		{HDR "//!\n0 close(3) = 0\n", "t.pkt:5:4: error: expected 'key: value' after //!"},
		{HDR "//! question:\n0 close(3) = 0\n", "t.pkt:5:14: error: 'question:' needs a text after it"},
		{HDR "//! question: q?\n0 close(3) = 0\n", "t.pkt:5:5: error: a question without an answer"},
		{HDR "//! question: q?\n//! question: r?\n//! answer: 1\n0 close(3) = 0\n",
		 "t.pkt:5:5: error: a question without an answer"},
		{HDR "//! answer: 1\n0 close(3) = 0\n", "t.pkt:5:5: error: 'answer:' without a question before it"},
		{HDR "//! explain: x\n0 close(3) = 0\n", "t.pkt:5:5: error: 'explain:' without a question before it"},
		{"//! title: T\n//! summary: S\n//! level: beginner\n0 close(3) = 0\n",
		 "t.pkt:1: error: the header has no 'teaches:'"},
		{"//! summary: S\n//! level: beginner\n//! teaches: X\n0 close(3) = 0\n",
		 "t.pkt:1: error: the header has no 'title:'"},
		{HDR "//! title: again\n0 close(3) = 0\n", "t.pkt:5:5: error: a second 'title:' (the first is on line 1)"},
		{HDR "0 close(3) = 0\n//! title: late\n+0 close(3) = 0\n",
		 "t.pkt:6:5: error: 'title:' belongs in the header, before the first line of the script"},
		{"//! title: T\n//! summary: S\n//! level: expert\n//! teaches: X\n0 close(3) = 0\n",
		 "t.pkt:3:5: error: unknown level 'expert'"},
		{HDR "0 clse(3) = 0\n", "t.pkt:5:3: error: unknown system call 'clse'"},
		{HDR "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n//! yourturn: watch\n+0 > S 0:0(0) <...>\n",
		 "t.pkt:6:5: error: 'yourturn:' is not followed by an action line"},
		{HDR "0 close(3) = 0\n//! yourturn: more\n", "t.pkt:6:5: error: 'yourturn:' is not followed by an action line"},
		{HDR "0 close(3) = 0\n//! question: q?\n//! answer: a\n", "t.pkt:6:5: error: a question after the last step"},
		{HDR, "t.pkt:1: error: the lesson has no step"},
		{HDR "//! yourturn: a\n//! yourturn: b\n0 close(3) = 0\n", "t.pkt:6:5: error: a second 'yourturn:' before the step"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = first_error(cases[i].text);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
	struct sb text = SB_INIT;
	sb_addf(&text, "%s%s", HDR, ok_step);
	char *got = first_error(sb_str(&text));
	CHECK_STR(got, "");
	free(got);
	sb_free(&text);
	/* The whole message: the line, a caret under the key, the hint. */
	struct lesson l;
	struct sb err = SB_INIT;
	CHECK_INT(parse(HDR "  //! hnt: x\n0 close(3) = 0\n", &l, &err), -1);
	CHECK(strstr(sb_str(&err), "\n    //! hnt: x\n        ^\n") != NULL);
	CHECK(strstr(sb_str(&err), "hint: did you mean 'hint:'?") != NULL);
	sb_free(&err);
}

static void test_answers(void)
{
	struct lesson_question q;
	memset(&q, 0, sizeof(q));
	char *answers[] = {"1", "SYN-ACK", "Close Wait"};
	q.answers.v = answers;
	q.answers.n = 3;
	CHECK(lesson_answer_ok(&q, "1"));
	CHECK(lesson_answer_ok(&q, " 1.0 "));
	CHECK(lesson_answer_ok(&q, "0x1"));
	CHECK(!lesson_answer_ok(&q, "2"));
	CHECK(!lesson_answer_ok(&q, "11"));
	CHECK(lesson_answer_ok(&q, "syn-ack"));
	CHECK(lesson_answer_ok(&q, "SYN-ACK."));
	CHECK(lesson_answer_ok(&q, "close   wait"));
	CHECK(!lesson_answer_ok(&q, "closewait"));
	CHECK(!lesson_answer_ok(&q, ""));
}

/* The explanation for typed against ref ("" when they have the same effect). */
static char *compare(const char *ref, const char *typed)
{
	struct syn_event r, t;
	struct syn_error e;
	syntax_error_init(&e);
	if (syntax_parse_line(ref, strlen(ref), 1, &r, &e) || syntax_parse_line(typed, strlen(typed), 1, &t, &e)) {
		syntax_error_free(&e);
		return xstrdup("(parse error)");
	}
	syntax_error_free(&e);
	struct sb why = SB_INIT;
	bool same = lesson_same_effect(&r, &t, &why);
	if (same != (why.len == 0))
		sb_add(&why, "(verdict and explanation disagree)");
	syntax_event_free(&r);
	syntax_event_free(&t);
	sb_addc(&why, '\0');
	return sb_detach(&why);
}

static void test_same_effect(void)
{
	struct {
		const char *ref, *typed, *want;
	} cases[] = {
		{"+.1 < . 1:1(0) ack 1 win 1000", "< . 1:1(0) ack 1 win 1000", ""},
		{"+.1 < . 1:1(0) ack 1 win 1000", "0.5 < . 1:1(0) ack 1 win 1000", ""},
		{"< . 1:1(0) ack 1 win 1000", "< . 1:1(0) ack 0 win 1000", "your ack is 0; the kernel's ISN plus one is 1\n"},
		{"< . 1:1(0) ack 1 win 1000", "< S 0:0(0) win 1000",
		 "your flags are S; this step needs . ('.' is the ACK flag)\n"
		 "your sequence range is 0:0(0); this step's is 1:1(0) (your ISN plus one)\n"
		 "your segment has no ack; this step's acknowledges 1 (write 'ack 1')\n"},
		{"< . 1:1(0) ack 1 win 1000", "< . 1:1(0) ack 1 win 500", "your window is 500; this step's is 1000\n"},
		{"< P. 1:11(10) ack 1 win 1000", "< P. 1:21(20) ack 1 win 1000",
		 "your sequence range is 1:21(20); this step's is 1:11(10) (10 bytes of data, not 20)\n"},
		{"< S 0:0(0) win 1000 <mss 1000,sackOK>", "< S 0:0(0) win 1000 <sackOK,mss 1000>",
		 "your options are <sackOK,mss 1000>; this step's are <mss 1000,sackOK> (same options, same order)\n"},
		{"< S 0:0(0) win 1000 <mss 1000>", "> S 0:0(0) win 1000 <mss 1000>",
		 "your line expects a segment from the kernel ('>'); this step injects one: you are the peer, start with "
		 "'<'\n"},
		{"bind(3, ..., ...) = 0", "bind(3, {sa_family=AF_INET}, 16)", ""},
		{"listen(3, 1) = 0", "listen(3, 5) = 0", "argument 2 of listen(): yours is 5; this step's is 1\n"},
		{"listen(3, 1) = 0", "accept(3, ..., ...) = 4", "you called accept(); this step calls listen()\n"},
		{"setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0", "setsockopt(3, 1, 2, [1], 4)", ""},
		{"listen(3, 1) = 0", "< S 0:0(0) win 1000", "your line is a segment you inject ('<'); this step is a system call\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = compare(cases[i].ref, cases[i].typed);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	RUN(test_structure);
	RUN(test_errors);
	RUN(test_answers);
	RUN(test_same_effect);
	CHECK_EXIT();
}
