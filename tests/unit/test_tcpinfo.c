/*
 * test_tcpinfo: the %{ }% evaluator. Every shape of block the packetdrill
 * corpus uses, run against a tcp_info where it holds and one where it
 * fails; each operator with Python's results (checked against python3 when
 * these were written); comparison chains; "%" formatting; the tcpi_*
 * table against the compiler's struct layout; errors with their line,
 * column and hint; and hostile input (nesting bombs, huge code, overflow).
 */
#include "check.h"
#include "tcpinfo.h"
#include "tcpinfo_int.h"

#include <stdlib.h>
#include <string.h>

/* Room for fields newer than this system's struct tcp_info. */
static union {
	struct tcp_info ti;
	unsigned char bytes[512];
} info;

/* Sets tcp_info fields from "tcpi_snd_cwnd=10 tcpi_ca_state=3" (all others 0). */
static void set(const char *assignments)
{
	memset(&info, 0, sizeof(info));
	char *copy = xstrdup(assignments), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		*eq = '\0';
		const struct ti_field *f = ti_field_find(w);
		CHECK(f != NULL);
		if (!f)
			continue;
		unsigned long long v = strtoull(eq + 1, NULL, 0);
		if (f->bits)
			info.bytes[f->off] |= (unsigned char)(v << f->shift);
		else
			memcpy(info.bytes + f->off, &v, f->size); /* little-endian, as the table assumes */
	}
	free(copy);
}

/* Runs code in env against info (ti_len bytes); out gets the output. */
static int run_len(struct tcpinfo_env *env, const char *code, size_t ti_len, struct sb *out,
		   struct syn_error *err)
{
	sb_reset(out);
	return tcpinfo_eval(env, code, strlen(code), &info.ti, ti_len, out, err);
}

static int run(struct tcpinfo_env *env, const char *code, struct sb *out, struct syn_error *err)
{
	return run_len(env, code, sizeof(struct tcp_info), out, err);
}

/* code, in a fresh env, returns rc with output want. */
static void expect(const char *code, int rc, const char *want)
{
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	int got = run(env, code, &out, &err);
	CHECK_INT(got, rc);
	CHECK_STR(sb_str(&out), want);
	if (got != rc)
		printf("    code: %s\n    error: %d:%d %s\n", code, err.line, err.col, sb_str(&err.msg));
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
}

/* print(expr) prints want. */
static void expect_print(const char *expr, const char *want)
{
	struct sb code = SB_INIT, line = SB_INIT;
	sb_addf(&code, "print(%s)", expr);
	sb_addf(&line, "%s\n", want);
	expect(sb_str(&code), 0, sb_str(&line));
	sb_free(&code);
	sb_free(&line);
}

/* code fails with this error at line:col (hint NULL: any). */
static void expect_error_len(const char *code, size_t len, int line, int col, const char *msg,
			     const char *hint)
{
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	int rc = tcpinfo_eval(env, code, len, &info.ti, sizeof(struct tcp_info), &out, &err);
	CHECK_INT(rc, -1);
	CHECK_INT(err.line, line);
	CHECK_INT(err.col, col);
	CHECK_STR(sb_str(&err.msg), msg);
	if (hint)
		CHECK_STR(sb_str(&err.hint), hint);
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
}

static void expect_error(const char *code, int line, int col, const char *msg, const char *hint)
{
	expect_error_len(code, strlen(code), line, col, msg, hint);
}

/* ---- the corpus ---- */

/* Each block shape of the packetdrill corpus: the tcp_info under which it
 * holds, one under which it fails, and what the failure prints. */
static const struct {
	const char *code, *pass, *fail, *fail_out;
	const char *pass_out; /* what print() shows when it holds; NULL: nothing */
} corpus[] = {
	{" assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd ", "tcpi_snd_cwnd=10", "tcpi_snd_cwnd=12",
	 "assert tcpi_snd_cwnd == 10 failed: 12\n", NULL},
	{"\nassert tcpi_ca_state == TCP_CA_Disorder, tcpi_ca_state\n"
	 "assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd  # no cwnd moderation\n",
	 "tcpi_ca_state=1 tcpi_snd_cwnd=10", "tcpi_ca_state=1 tcpi_snd_cwnd=9",
	 "assert tcpi_snd_cwnd == 10 failed: 9\n", NULL},
	{"\nassert tcpi_ca_state == TCP_CA_CWR, tcpi_ca_state\n\n# Since \"tcp: use PRR\" in Linux 3.7,\n"
	 "# we do PRR-CRB and sndcnt = min(3, 1) = 2,\n# so cwnd = 3 + 1 = 4.\nassert tcpi_snd_cwnd == 4, tcpi_snd_cwnd\n",
	 "tcpi_ca_state=2 tcpi_snd_cwnd=4", "tcpi_ca_state=3 tcpi_snd_cwnd=4",
	 "assert tcpi_ca_state == TCP_CA_CWR failed: 3\n", NULL},
	{" assert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd ", "tcpi_snd_cwnd=10", "tcpi_snd_cwnd=11",
	 "assert tcpi_snd_cwnd == 10 failed: cwnd=11\n", NULL},
	{" print(tcpi_snd_cwnd); assert tcpi_snd_cwnd == 20, tcpi_snd_cwnd ", "tcpi_snd_cwnd=20",
	 "tcpi_snd_cwnd=21", "21\nassert tcpi_snd_cwnd == 20 failed: 21\n", "20\n"},
	{" print(tcpi_snd_cwnd);  assert tcpi_snd_cwnd == 48, tcpi_snd_cwnd ", "tcpi_snd_cwnd=48",
	 "tcpi_snd_cwnd=1", "1\nassert tcpi_snd_cwnd == 48 failed: 1\n", "48\n"},
	{" assert tcpi_snd_ssthresh == 36, tcpi_snd_ssthresh ", "tcpi_snd_ssthresh=36",
	 "tcpi_snd_ssthresh=2147483647", "assert tcpi_snd_ssthresh == 36 failed: 2147483647\n", NULL},
	{" assert tcpi_reord_seen == 2 ", "tcpi_reord_seen=2", "tcpi_reord_seen=3",
	 "assert tcpi_reord_seen == 2 failed (tcpi_reord_seen = 3)\n", NULL},
	{" assert tcpi_ca_state == TCP_CA_Recovery, 'ca_state: %d min_rtt: %d rtt: %d' % "
	 "(tcpi_ca_state, tcpi_min_rtt, tcpi_rtt) ",
	 "tcpi_ca_state=3", "tcpi_ca_state=1 tcpi_min_rtt=9000 tcpi_rtt=12000",
	 "assert tcpi_ca_state == TCP_CA_Recovery failed: ca_state: 1 min_rtt: 9000 rtt: 12000\n", NULL},
	{" assert tcpi_sacked  == 1, tcpi_sacked  ", "tcpi_sacked=1", "tcpi_sacked=0",
	 "assert tcpi_sacked == 1 failed: 0\n", NULL},
	{" assert tcpi_snd_cwnd ==  7,tcpi_snd_cwnd ", "tcpi_snd_cwnd=7", "tcpi_snd_cwnd=8",
	 "assert tcpi_snd_cwnd == 7 failed: 8\n", NULL},
	{" assert tcpi_advmss == 1100, tcpi_advmss; assert tcpi_snd_mss == 1100, tcpi_snd_mss ",
	 "tcpi_advmss=1100 tcpi_snd_mss=1100", "tcpi_advmss=1100 tcpi_snd_mss=1460",
	 "assert tcpi_snd_mss == 1100 failed: 1460\n", NULL},
	{"\nassert 5000 <= tcpi_rtt <= 20000, 'srtt=%d us' % tcpi_rtt\n", "tcpi_rtt=12000", "tcpi_rtt=4999",
	 "assert 5000 <= tcpi_rtt <= 20000 failed: srtt=4999 us\n", NULL},
	{" assert tcpi_probes == 0, tcpi_probes; \\\n         assert tcpi_backoff == 0, tcpi_backoff ", "",
	 "tcpi_backoff=2", "assert tcpi_backoff == 0 failed: 2\n", NULL},
	{" assert (tcpi_options & TCPI_OPT_SYN_DATA) != 0, tcpi_options ", "tcpi_options=39",
	 "tcpi_options=7", "assert (tcpi_options & TCPI_OPT_SYN_DATA) != 0 failed: 7\n", NULL},
	{" assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0, tcpi_options ", "tcpi_options=7",
	 "tcpi_options=32", "assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0 failed: 32\n", NULL},
	{" assert tcpi_state == TCP_CLOSE, tcpi_state ", "tcpi_state=7", "tcpi_state=1",
	 "assert tcpi_state == TCP_CLOSE failed: 1\n", NULL},
	{" assert tcpi_state == TCP_CLOSE_WAIT, tcpi_state ", "tcpi_state=8", "tcpi_state=7",
	 "assert tcpi_state == TCP_CLOSE_WAIT failed: 7\n", NULL},
	{" assert tcpi_state == TCP_ESTABLISHED, tcpi_state ", "tcpi_state=1", "tcpi_state=2",
	 "assert tcpi_state == TCP_ESTABLISHED failed: 2\n", NULL},
	{" assert tcpi_delivered == 1, tcpi_state ", "tcpi_delivered=1", "tcpi_delivered=2 tcpi_state=1",
	 "assert tcpi_delivered == 1 failed: 1\n", NULL},
	{" assert 990 <= tcpi_last_data_recv <= 1010, tcpi_last_data_recv ", "tcpi_last_data_recv=1000",
	 "tcpi_last_data_recv=1011", "assert 990 <= tcpi_last_data_recv <= 1010 failed: 1011\n", NULL},
	{" assert tcpi_last_data_recv <= 10, tcpi_last_data_recv ", "tcpi_last_data_recv=10",
	 "tcpi_last_data_recv=11", "assert tcpi_last_data_recv <= 10 failed: 11\n", NULL},
	{" assert 298000 <= tcpi_rwnd_limited <= 310000, tcpi_rwnd_limited;\\\n"
	 "         assert 328000 <= tcpi_busy_time <= 340000, tcpi_busy_time;\\\n",
	 "tcpi_rwnd_limited=300000 tcpi_busy_time=330000", "tcpi_rwnd_limited=300000 tcpi_busy_time=1",
	 "assert 328000 <= tcpi_busy_time <= 340000 failed: 1\n", NULL},
	{" assert 19000 <= tcpi_sndbuf_limited <= 21000, tcpi_sndbuf_limited; \\\n"
	 "\t assert 49000 <= tcpi_busy_time <= 52000, tcpi_busy_time; \\\n"
	 "\t assert 0 == tcpi_rwnd_limited, tcpi_rwnd_limited ",
	 "tcpi_sndbuf_limited=20000 tcpi_busy_time=50000",
	 "tcpi_sndbuf_limited=20000 tcpi_busy_time=50000 tcpi_rwnd_limited=5",
	 "assert 0 == tcpi_rwnd_limited failed: 5\n", NULL},
	{"\nassert tcpi_lost == 6, tcpi_lost              # since 3001:4001 is no longer lost\n"
	 "assert tcpi_reordering == 5, tcpi_reordering  # 7001:8001 -> 3001:4001\n",
	 "tcpi_lost=6 tcpi_reordering=5", "tcpi_lost=6 tcpi_reordering=3",
	 "assert tcpi_reordering == 5 failed: 3\n", NULL},
	{"\nassert tcpi_ca_state == TCP_CA_Open, tcpi_ca_state\nassert tcpi_unacked == 0, tcpi_unacked\n"
	 "assert tcpi_sacked == 0, tcpi_sacked\nassert tcpi_lost == 0, tcpi_lost\nassert tcpi_retrans == 0, tcpi_retrans\n",
	 "", "tcpi_retrans=1", "assert tcpi_retrans == 0 failed: 1\n", NULL},
};

static void test_corpus_shapes(void)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		set(corpus[i].pass);
		expect(corpus[i].code, 0, corpus[i].pass_out ? corpus[i].pass_out : "");
		set(corpus[i].fail);
		expect(corpus[i].code, 1, corpus[i].fail_out);
	}
}

/* Blocks that share variables, as cubic-bulk-166k.pkt's do. */
static void test_corpus_variables(void)
{
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	set("tcpi_snd_cwnd=58");
	CHECK_INT(run(env, " print(tcpi_snd_cwnd); cwnd = 58; assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd ",
		      &out, &err), 0);
	CHECK_STR(sb_str(&out), "58\n");
	set("tcpi_snd_cwnd=59");
	CHECK_INT(run(env, " print(tcpi_snd_cwnd); cwnd += 1; assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd ",
		      &out, &err), 0);
	set("tcpi_snd_cwnd=69");
	CHECK_INT(run(env, " print(tcpi_snd_cwnd); cwnd += 10; assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd ",
		      &out, &err), 0);
	set("tcpi_snd_cwnd=80");
	CHECK_INT(run(env, " print(tcpi_snd_cwnd); cwnd += 10; assert tcpi_snd_cwnd == cwnd, tcpi_snd_cwnd ",
		      &out, &err), 1);
	CHECK_STR(sb_str(&out), "80\nassert tcpi_snd_cwnd == cwnd failed: 80\n");
	CHECK_INT(err.line, 1);
	CHECK_INT(err.col, 36);
	CHECK_STR(sb_str(&err.msg), "assert tcpi_snd_cwnd == cwnd failed: 80");
	/* The script defines a constant tcpsh also knows. */
	set("tcpi_snd_ssthresh=2147483647");
	CHECK_INT(run(env, " TCP_INFINITE_SSTHRESH = 0x7fffffff ", &out, &err), 0);
	CHECK_INT(run(env, " assert tcpi_snd_ssthresh == TCP_INFINITE_SSTHRESH, tcpi_snd_ssthresh ", &out, &err), 0);
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
}

/* ---- the language ---- */

static void test_arithmetic(void)
{
	set("");
	static const char *const cases[][2] = {
		{"1 + 2 * 3 - 4", "3"}, {"(1 + 2) * 3", "9"}, {"10 - 3 - 2", "5"}, {"1/3", "0.3333333333333333"},
		{"10/2", "5.0"}, {"7//2", "3"}, {"-7//2", "-4"}, {"7//-2", "-4"}, {"-7%3", "2"}, {"7%-3", "-2"},
		{"-7%-3", "-1"}, {"7.5//2", "3.0"}, {"-7.5//2", "-4.0"}, {"-7.5%2", "0.5"}, {"7.5%-2", "-0.5"},
		{"-0.0 % 5", "0.0"}, {"2**10", "1024"}, {"2**100", "1267650600228229401496703205376"},
		{"2**-1", "0.5"}, {"-2**2", "-4"}, {"(-2)**3", "-8"}, {"2**3**2", "512"}, {"7 ** -2", "0.02040816326530612"},
		{"2.0 ** -1074", "5e-324"}, {"2.5 ** 3", "15.625"}, {"(-2.0) ** 3", "-8.0"}, {"100 // 7 // 2", "7"}, {"2 * 3 % 4", "2"},
		{"-7 // 2.0", "-4.0"}, {"7 % 2.5", "2.0"}, {"True + True", "2"}, {"+5", "5"}, {"--5", "5"},
		{"4294967295 + 1", "4294967296"}, {"18446744073709551615 * 2", "36893488147419103230"},
		{"1_000_000", "1000000"}, {"0x10 + 0o10 + 0b10", "26"}, {".5", "0.5"}, {"5.", "5.0"},
		{"1e3", "1000.0"}, {"1E-3", "0.001"}, {"0.1 + 0.2", "0.30000000000000004"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_bits(void)
{
	set("");
	static const char *const cases[][2] = {
		{"5 & 3", "1"}, {"5 | 3", "7"}, {"5 ^ 3", "6"}, {"~5", "-6"}, {"~True", "-2"}, {"True & False", "False"},
		{"True | 1", "1"}, {"1 << 10", "1024"}, {"-1 >> 3", "-1"}, {"-17 >> 2", "-5"}, {"17 >> 200", "0"},
		{"-1 << 127", "-170141183460469231731687303715884105728"}, {"1 | 2 ^ 3 & 4", "3"},
		{"1 << 2 + 1", "8"}, {"1 & 3 == 1", "True"}, {"0x7fffffff", "2147483647"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_comparisons(void)
{
	set("tcpi_rtt=12000");
	static const char *const cases[][2] = {
		{"1 < 2 < 3", "True"}, {"1 < 3 < 2", "False"}, {"3 > 2 == 2", "True"}, {"1 == 1.0", "True"},
		{"0.1 + 0.2 == 0.3", "False"}, {"2**53 + 1 == float(2**53 + 1)", "False"},
		{"2**53 + 1 > float(2**53)", "True"}, {"5000 <= tcpi_rtt <= 20000", "True"},
		{"5000 <= tcpi_rtt <= 10000", "False"}, {"'a' < 'b'", "True"}, {"'abc' == 'abc'", "True"},
		{"(1, 2) == (1, 2)", "True"}, {"(1, 2) < (1, 3)", "True"}, {"5 == 'a'", "False"},
		{"5 != 'a'", "True"}, {"None == None", "True"}, {"None == 0", "False"},
		{"float('nan') == float('nan')", "False"}, {"float('nan') != float('nan')", "True"},
		{"1 < 2 == True", "False"}, {"not 1 == 2", "True"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
	/* Chains stop at the first false link: 1/0 is never evaluated. */
	expect_print("3 < 2 < 1/0", "False");
}

static void test_logic(void)
{
	set("");
	static const char *const cases[][2] = {
		{"1 and 2", "2"}, {"0 and 2", "0"}, {"0 or 5", "5"}, {"'' or 'x'", "x"}, {"not 0", "True"},
		{"not 'a'", "False"}, {"3 if 1 else 4", "3"}, {"3 if 0 else 4", "4"}, {"0 and 1/0", "0"},
		{"1 or 1/0", "1"}, {"1 if True else 1/0", "1"}, {"True and not False", "True"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_strings_and_tuples(void)
{
	set("");
	static const char *const cases[][2] = {
		{"'a' + 'b'", "ab"}, {"'ab' * 3", "ababab"}, {"3 * 'ab'", "ababab"}, {"'a' 'b'", "ab"},
		{"'\\x41\\101\\t|'", "AA\t|"}, {"r'a\\nb'", "a\\nb"}, {"'''tri'''", "tri"}, {"\"it's\"", "it's"},
		{"(1,)", "(1,)"}, {"()", "()"}, {"(1, 'a', 2.5)", "(1, 'a', 2.5)"}, {"repr('a\\nb')", "'a\\nb'"},
		{"repr(\"it's\")", "\"it's\""}, {"1, 2", "1 2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_formatting(void)
{
	set("tcpi_snd_cwnd=10 tcpi_rtt=12345");
	static const char *const cases[][2] = {
		{"'cwnd=%d' % tcpi_snd_cwnd", "cwnd=10"}, {"'%d %d' % (tcpi_snd_cwnd, tcpi_rtt)", "10 12345"},
		{"'%d' % 3.7", "3"}, {"'%d' % -3.7", "-3"}, {"'%5d|' % 42", "   42|"}, {"'%-5d|' % 42", "42   |"},
		{"'%05d' % -42", "-0042"}, {"'%+d' % 5", "+5"}, {"'% d' % 5", " 5"}, {"'%x' % 255", "ff"},
		{"'%X' % 255", "FF"}, {"'%#x' % 255", "0xff"}, {"'%#o' % 8", "0o10"}, {"'%.3d' % 5", "005"},
		{"'%8.3d|' % -5", "    -005|"}, {"'%f' % 1.5", "1.500000"}, {"'%.2f' % 2.675", "2.67"},
		{"'%010.3f' % -3.14159", "-00003.142"}, {"'%e' % 12345.6789", "1.234568e+04"},
		{"'%g' % 1e-5", "1e-05"}, {"'%.3g' % 3.14159", "3.14"}, {"'%#g' % 1.0", "1.00000"},
		{"'%5s|' % 'hi'", "   hi|"}, {"'%-5s|' % 'hi'", "hi   |"}, {"'%.1s' % 'hi'", "h"},
		{"'%r' % 'hi'", "'hi'"}, {"'%s' % (1,)", "1"}, {"'%s' % None", "None"}, {"'%s' % True", "True"},
		{"'%d' % True", "1"}, {"'%c' % 65", "A"}, {"'%c' % 'z'", "z"}, {"'%d%%' % 50", "50%"},
		{"'%*d|' % (5, 3)", "    3|"}, {"'%.*f' % (2, 3.14159)", "3.14"}, {"'%f' % float('-inf')", "-inf"},
		{"'%05f' % float('inf')", "00inf"}, {"'%s' % 1e100", "1e+100"}, {"'%d' % 2**100",
		"1267650600228229401496703205376"}, {"'%x' % -255", "-ff"}, {"'%s' % -0.0", "-0.0"},
		{"'%i %u' % (1, 2)", "1 2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_float_repr(void)
{
	set("");
	static const char *const cases[][2] = {
		{"1e16", "1e+16"}, {"1e15", "1000000000000000.0"}, {"123456789012345678.0", "1.2345678901234568e+17"},
		{"1e-5", "1e-05"}, {"0.0001", "0.0001"}, {"1.5e300", "1.5e+300"}, {"-0.0", "-0.0"}, {"1e22", "1e+22"},
		{"5e-324", "5e-324"}, {"1.7976931348623157e308", "1.7976931348623157e+308"}, {"2/3", "0.6666666666666666"},
		{"1e300*1e10", "inf"}, {"-1e300*1e10", "-inf"}, {"float('nan')", "nan"}, {"100.0", "100.0"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_builtins(void)
{
	set("");
	static const char *const cases[][2] = {
		{"abs(-5)", "5"}, {"abs(-5.5)", "5.5"}, {"min(3, 1, 2)", "1"}, {"max(3, 1, 2)", "3"},
		{"max((4, 9, 2))", "9"}, {"min(1, 2.5)", "1"}, {"max('a', 'b')", "b"}, {"int(3.9)", "3"},
		{"int(-3.9)", "-3"}, {"int(' -42 ')", "-42"}, {"int('1_000')", "1000"}, {"float(3)", "3.0"},
		{"float('1.5')", "1.5"}, {"str(1.0) + str(True)", "1.0True"}, {"hex(255)", "0xff"}, {"hex(-255)", "-0xff"},
		{"len('abc')", "3"}, {"len((1, 2))", "2"}, {"round(2.5)", "2"}, {"round(3.5)", "4"}, {"round(-2.5)", "-2"},
		{"round(2.675, 2)", "2.67"}, {"bool('x')", "True"}, {"bool()", "False"}, {"print()", "\nNone"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_print(cases[i][0], cases[i][1]);
}

static void test_statements(void)
{
	set("tcpi_snd_cwnd=10");
	expect("x = 5; x += 2; x -= 1; x *= 3; x //= 4; x %= 3; print(x)", 0, "1\n");
	expect("x = 6; x /= 4; print(x)", 0, "1.5\n");
	expect("x = 3; x **= 2; x <<= 2; x >>= 1; x &= 0x1f; x |= 0x40; x ^= 1; print(x)", 0, "83\n");
	expect("tcpi_snd_cwnd += 1; print(tcpi_snd_cwnd)", 0, "11\n");
	expect("pass; print('a');", 0, "a\n");
	expect("a = 1\n\n   \n# comment only\nprint(a)\n", 0, "1\n");
	expect("x = (1 +\n     2)\nprint(x)", 0, "3\n");
	expect("if tcpi_snd_cwnd > 5: print('big')\nelse: print('small')", 0, "big\n");
	expect("if tcpi_snd_cwnd > 50:\n    print('big')\nelif tcpi_snd_cwnd > 5:\n    print('mid')\n"
	       "    if 1:\n        print('nested')\nelse:\n    print('small')\nprint('end')",
	       0, "mid\nnested\nend\n");
	expect("  x = 1\n  if x:\n      print(x)\n  print(2)", 0, "1\n2\n");
}

/* Statements before a failure keep their effect; a syntax error runs nothing. */
static void test_partial_effects(void)
{
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	set("");
	CHECK_INT(run(env, "x = 1; print('before'); assert x == 2, 'x is %d' % x; x = 3", &out, &err), 1);
	CHECK_STR(sb_str(&out), "before\nassert x == 2 failed: x is 1\n");
	CHECK_INT(err.col, 25);
	CHECK_INT(run(env, "y = 1; print(1/0); y = 2", &out, &err), -1);
	CHECK_STR(sb_str(&out), "");
	CHECK_INT(run(env, "print(x, y)", &out, &err), 0);
	CHECK_STR(sb_str(&out), "1 1\n");
	CHECK_INT(run(env, "x = 5; print('ran')\nprint(", &out, &err), -1);
	CHECK_INT(run(env, "print(x)", &out, &err), 0);
	CHECK_STR(sb_str(&out), "1\n");
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
}

/* Each block starts with the true tcpi_* values and constants. */
static void test_refresh(void)
{
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	set("tcpi_snd_cwnd=10");
	CHECK_INT(run(env, "tcpi_snd_cwnd = 99; TCP_CA_Loss = 7; keep = 1; print(tcpi_snd_cwnd, TCP_CA_Loss)",
		      &out, &err), 0);
	CHECK_STR(sb_str(&out), "99 7\n");
	CHECK_INT(run(env, "print(tcpi_snd_cwnd, TCP_CA_Loss, keep)", &out, &err), 0);
	CHECK_STR(sb_str(&out), "10 4 1\n");
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
}

static void test_assert_messages(void)
{
	set("tcpi_snd_cwnd=12 tcpi_rtt=300");
	expect("assert tcpi_snd_cwnd == 10", 1, "assert tcpi_snd_cwnd == 10 failed (tcpi_snd_cwnd = 12)\n");
	expect("c = 3\nassert (tcpi_snd_cwnd   < c \\\n   and tcpi_rtt > 0)  # why\n", 1,
	       "assert (tcpi_snd_cwnd < c and tcpi_rtt > 0) failed (tcpi_snd_cwnd = 12, c = 3, tcpi_rtt = 300)\n");
	expect("assert 'a  b' == tcpi_rtt", 1, "assert 'a  b' == tcpi_rtt failed (tcpi_rtt = 300)\n");
	expect("assert tcpi_rtt < 100, 'rtt=%d' % tcpi_rtt", 1, "assert tcpi_rtt < 100 failed: rtt=300\n");
	expect("assert 0, (1, 'a')", 1, "assert 0 failed: (1, 'a')\n");
	expect("assert 0", 1, "assert 0 failed\n");
	expect("assert tcpi_snd_cwnd", 0, "");
}

/* ---- the tcpi_* fields ---- */

#define SAME(field, value)                                                          \
	do {                                                                        \
		memset(&info, 0, sizeof(info));                                     \
		info.ti.field = value;                                              \
		struct sb want_ = SB_INIT;                                          \
		sb_addf(&want_, "%llu\n", (unsigned long long)info.ti.field);       \
		expect("print(" #field ")", 0, sb_str(&want_));                     \
		sb_free(&want_);                                                    \
	} while (0)

/* The table agrees with the compiler's layout, bitfields included. */
static void test_fields_match_struct(void)
{
	SAME(tcpi_state, 10);
	SAME(tcpi_ca_state, 4);
	SAME(tcpi_retransmits, 3);
	SAME(tcpi_probes, 6);
	SAME(tcpi_backoff, 5);
	SAME(tcpi_options, 0x27);
	SAME(tcpi_snd_wscale, 14);
	SAME(tcpi_rcv_wscale, 7);
	SAME(tcpi_delivery_rate_app_limited, 1);
	SAME(tcpi_fastopen_client_fail, 3);
	SAME(tcpi_rto, 200000);
	SAME(tcpi_ato, 40000);
	SAME(tcpi_snd_mss, 1448);
	SAME(tcpi_rcv_mss, 536);
	SAME(tcpi_unacked, 11);
	SAME(tcpi_sacked, 12);
	SAME(tcpi_lost, 13);
	SAME(tcpi_retrans, 14);
	SAME(tcpi_fackets, 15);
	SAME(tcpi_last_data_sent, 16);
	SAME(tcpi_last_ack_sent, 17);
	SAME(tcpi_last_data_recv, 18);
	SAME(tcpi_last_ack_recv, 19);
	SAME(tcpi_pmtu, 1500);
	SAME(tcpi_rcv_ssthresh, 64076);
	SAME(tcpi_rtt, 12345);
	SAME(tcpi_rttvar, 6000);
	SAME(tcpi_snd_ssthresh, 0x7fffffff);
	SAME(tcpi_snd_cwnd, 10);
	SAME(tcpi_advmss, 1460);
	SAME(tcpi_reordering, 3);
	SAME(tcpi_rcv_rtt, 20);
	SAME(tcpi_rcv_space, 14600);
	SAME(tcpi_total_retrans, 21);
	SAME(tcpi_pacing_rate, 123456789012ULL);
	SAME(tcpi_max_pacing_rate, ~0ULL);
	SAME(tcpi_bytes_acked, 1ULL << 40);
	SAME(tcpi_bytes_received, (1ULL << 63) + 5);
	SAME(tcpi_segs_out, 22);
	SAME(tcpi_segs_in, 23);
	SAME(tcpi_notsent_bytes, 24);
	SAME(tcpi_min_rtt, 25);
	SAME(tcpi_data_segs_in, 26);
	SAME(tcpi_data_segs_out, 27);
	SAME(tcpi_delivery_rate, 28);
	SAME(tcpi_busy_time, 29);
	SAME(tcpi_rwnd_limited, 30);
	SAME(tcpi_sndbuf_limited, 31);
	SAME(tcpi_delivered, 32);
	SAME(tcpi_delivered_ce, 33);
	SAME(tcpi_bytes_sent, 34);
	SAME(tcpi_bytes_retrans, 35);
	SAME(tcpi_dsack_dups, 36);
	SAME(tcpi_reord_seen, 37);
	SAME(tcpi_rcv_ooopack, 38);
	SAME(tcpi_snd_wnd, 0xffffffffU);
	/* Neighbouring bitfields do not leak into each other. */
	memset(&info, 0, sizeof(info));
	info.ti.tcpi_snd_wscale = 15;
	info.ti.tcpi_delivery_rate_app_limited = 1;
	expect("print(tcpi_snd_wscale, tcpi_rcv_wscale, tcpi_delivery_rate_app_limited, tcpi_fastopen_client_fail)",
	       0, "15 0 1 0\n");
}

static void test_u64_fields(void)
{
	set("tcpi_max_pacing_rate=0xffffffffffffffff");
	expect_print("tcpi_max_pacing_rate == 2**64 - 1", "True");
	expect_print("tcpi_max_pacing_rate + tcpi_max_pacing_rate", "36893488147419103230");
	expect_print("tcpi_max_pacing_rate / 2", "9.223372036854776e+18");
	expect_print("'%x' % tcpi_max_pacing_rate", "ffffffffffffffff");
}

/* Only the bytes the kernel returned are fields; newer ones need a bigger buffer. */
static void test_fields_and_ti_len(void)
{
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	set("tcpi_total_retrans=4 tcpi_pacing_rate=5");
	size_t short_len = offsetof(struct tcp_info, tcpi_pacing_rate);
	CHECK_INT(run_len(env, "print(tcpi_total_retrans)", short_len, &out, &err), 0);
	CHECK_STR(sb_str(&out), "4\n");
	CHECK_INT(run_len(env, "x = 1\nprint(tcpi_pacing_rate)", short_len, &out, &err), -1);
	CHECK_INT(err.line, 2);
	CHECK_INT(err.col, 7);
	CHECK_STR(sb_str(&err.msg), "tcpi_pacing_rate is not available: the kernel returned 104 bytes of "
		  "tcp_info, and this field needs 112");
	CHECK_INT(run_len(env, "print(tcpi_rcv_wnd)", sizeof(struct tcp_info), &out, &err), -1);
	uint32_t wnd = 65535;
	uint16_t rto = 3;
	memcpy(info.bytes + 232, &wnd, 4);
	memcpy(info.bytes + 240, &rto, 2);
	CHECK_INT(run_len(env, "print(tcpi_rcv_wnd, tcpi_total_rto)", 248, &out, &err), 0);
	CHECK_STR(sb_str(&out), "65535 3\n");
	CHECK_INT(tcpinfo_eval(env, "print(tcpi_rtt)", 15, NULL, 0, &out, &err), -1);
	CHECK_INT(tcpinfo_eval(env, "print(TCP_CA_Loss)", 18, NULL, 0, &out, &err), 0);
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
}

static void test_constants(void)
{
	set("");
	expect_print("TCP_ESTABLISHED, TCP_SYN_SENT, TCP_CLOSE, TCP_LISTEN, TCP_CLOSING", "1 2 7 10 11");
	expect_print("TCP_CA_Open, TCP_CA_Disorder, TCP_CA_CWR, TCP_CA_Recovery, TCP_CA_Loss", "0 1 2 3 4");
	expect_print("TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE | TCPI_OPT_ECN", "15");
	expect_print("TCPI_OPT_ECN_SEEN, TCPI_OPT_SYN_DATA, TCPI_OPT_USEC_TS", "16 32 64");
	expect_print("hex(TCP_INFINITE_SSTHRESH)", "0x7fffffff");
}

static void test_names(void)
{
	size_t n = 0;
	bool cwnd = false, loss = false, print = false, assert_kw = false;
	for (const char *s; (s = tcpinfo_name_at(n)); n++) {
		cwnd |= strcmp(s, "tcpi_snd_cwnd") == 0;
		loss |= strcmp(s, "TCP_CA_Loss") == 0;
		print |= strcmp(s, "print") == 0;
		assert_kw |= strcmp(s, "assert") == 0;
		for (size_t j = 0; j < n; j++)
			if (strcmp(tcpinfo_name_at(j), s) == 0)
				printf("  duplicate name %s\n", s), check_failures++;
	}
	CHECK(n > 80);
	CHECK(cwnd && loss && print && assert_kw);
	CHECK_INT(tcpinfo_field_end("tcpi_snd_cwnd"), offsetof(struct tcp_info, tcpi_snd_cwnd) + 4);
	CHECK_INT(tcpinfo_field_end("tcpi_rcv_wnd"), 236);
	CHECK_INT(tcpinfo_field_end("cwnd"), 0);
}

/* ---- errors ---- */

static void test_syntax_errors(void)
{
	expect_error("assert tcpi_snd_cwnd = 10", 1, 22,
		     "expected ';' or the end of the line after the statement, found '='", "to compare, write '=='");
	expect_error("print((1 + 2)", 1, 6, "this bracket is never closed before the end of the code", NULL);
	expect_error("x = 1)", 1, 6, "')' closes nothing", NULL);
	expect_error("\nassert 1 +", 2, 11, "expected an expression, found the end of the line", NULL);
	expect_error("print('abc)", 1, 7, "this string is never closed (no matching ')", NULL);
	expect_error("x = 1\n  y = 2", 2, 3, "unexpected indentation", NULL);
	expect_error("if 1:\n    x = 1\n  y = 2", 3, 3, "this line's indentation matches no enclosing block", NULL);
	expect_error("if 1:\nx = 1", 2, 1, "expected an indented line after ':', found 'x'", NULL);
	expect_error("for i in x: pass", 1, 1, "'for' is not supported in %{ }% code",
		     "tcpsh runs assert, print(), assignments and if/elif/else");
	expect_error("import os", 1, 1, "'import' is not supported in %{ }% code", NULL);
	expect_error("print tcpi_rtt", 1, 1, "print is a function here", "write print(...), with parentheses");
	expect_error("assert (tcpi_rtt > 1, 'msg')", 1, 8, "this assert tests a tuple, which is always true", NULL);
	expect_error("x = 1 && 2", 1, 8, "expected an expression, found '&'", "Python writes && as 'and'");
	expect_error("x = 1 ! 2", 1, 7, "unexpected character '!'", NULL);
	expect_error("x = f'{a}'", 1, 5, "f- strings are not supported", NULL);
	expect_error("x = 007", 1, 5, "leading zeros are not allowed in a decimal number", "write 0o07 for an octal number");
	expect_error("x = 12abc", 1, 5, "invalid number '12a'", NULL);
	expect_error("x = 1 \\ 2", 1, 7, "'\\' continues a line only at the end of one", NULL);
	expect_error("print(x, sep='')", 1, 10, "keyword arguments are not supported", NULL);
	expect_error("x = a.b", 1, 6, "attributes ('.') are not supported in %{ }% code", NULL);
	expect_error("x = a[1]", 1, 6, "indexing ('[') is not supported in %{ }% code", NULL);
	expect_error("x = 1 in y", 1, 7, "'in' comparisons are not supported in %{ }% code", NULL);
	expect_error("True = 1", 1, 1, "cannot assign to True", NULL);
	expect_error("else: x = 1", 1, 1, "'else' without an 'if' before it", NULL);
	expect_error("x = 1 if 2", 1, 11, "expected 'else' (a conditional expression is: x if condition else y), "
		     "found the end of the line", NULL);
	expect_error("x = 1, 2", 1, 6, "expected ';' or the end of the line after the statement, found ','", NULL);
	expect_error("x = 170141183460469231731687303715884105728", 1, 5,
		     "integer literal too large (tcpsh integers are 128-bit)", NULL);
	expect_error_len("x = 1\0", 6, 1, 6, "NUL byte in code", NULL);
	expect_error("x = \xc3\xa9", 1, 5, "unexpected byte \\xc3 (non-ASCII text belongs inside a string)", NULL);
}

static void test_runtime_errors(void)
{
	set("tcpi_snd_cwnd=10");
	expect_error("x = tcpi_snd_cwn", 1, 5, "name 'tcpi_snd_cwn' is not defined", "did you mean tcpi_snd_cwnd?");
	expect_error("assert tcpi_ca_state == TCP_CA_Recovry", 1, 25, "name 'TCP_CA_Recovry' is not defined",
		     "did you mean TCP_CA_Recovery?");
	expect_error("cwnd = 1\nprint(cwdn)", 2, 7, "name 'cwdn' is not defined", "did you mean cwnd?");
	expect_error("x = true", 1, 5, "name 'true' is not defined", "did you mean True?");
	expect_error("x = 1 +\\\n  tcpi_rtt / 0", 2, 12, "division by zero", NULL);
	expect_error("x = 1 // 0", 1, 7, "integer division or modulo by zero", NULL);
	expect_error("x = 1 % 0", 1, 7, "integer division or modulo by zero", NULL);
	expect_error("x = 1.0 / 0", 1, 9, "division by zero (float division)", NULL);
	expect_error("x = 0 ** -1", 1, 7, "division by zero: 0 cannot be raised to a negative power", NULL);
	expect_error("x = 1 + 'a'", 1, 7, "unsupported operand type(s) for +: 'int' and 'str'", NULL);
	expect_error("x = -'a'", 1, 5, "bad operand type for unary -: 'str'", NULL);
	expect_error("x = 5 < 'a'", 1, 7, "'<' not supported between instances of 'int' and 'str'", NULL);
	expect_error("x = 1 << -1", 1, 7, "negative shift count", NULL);
	expect_error("x = 2 ** 127", 1, 7, "integer overflow: the result does not fit in 128 bits", NULL);
	expect_error("x = 2 ** 0.5", 1, 7, "'**' takes a whole exponent in %{ }% code (no fractional or huge powers)",
		     NULL);
	expect_error("x = '%d' % 'a'", 1, 10, "%d format: a real number is required, not str", NULL);
	expect_error("x = '%d %d' % (1,)", 1, 13, "not enough arguments for format string", NULL);
	expect_error("x = '%d' % (1, 2)", 1, 10, "not all arguments converted during string formatting", NULL);
	expect_error("x = '%q' % 1", 1, 10, "unsupported format character 'q' (0x71) at index 1", NULL);
	expect_error("x = '%99999d' % 1", 1, 15, "format width or precision above 4096", NULL);
	expect_error("x = abs('a')", 1, 5, "bad operand type for abs(): 'str'", NULL);
	expect_error("x = abs(1, 2)", 1, 5, "abs() takes exactly 1 argument (2 given)", NULL);
	expect_error("x = min()", 1, 5, "min() takes at least 1 argument (0 given)", NULL);
	expect_error("x = max(())", 1, 5, "max() arg is an empty sequence", NULL);
	expect_error("x = int('x')", 1, 5, "invalid literal for int() with base 10: 'x'", NULL);
	expect_error("x = tcpi_rtt(1)", 1, 5, "tcpi_rtt is not a function", NULL);
	expect_error("x = foo(1)", 1, 5, "name 'foo' is not defined", NULL);
	expect_error("x = abs", 1, 5, "abs is a function: call it, as in abs(...)", NULL);
	expect_error("y += 1", 1, 1, "name 'y' is not defined", NULL);
	expect_error("assert 0, 1/0", 1, 12, "division by zero", NULL);
}

/* What the user sees: the error formatted the one tcpsh way. */
static void test_formatted_error(void)
{
	const char *code = "cwnd = 10\nassert tcpi_snd_cwnd == cwdn, cwnd";
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT, shown = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	set("");
	CHECK_INT(run(env, code, &out, &err), -1);
	const char *line;
	size_t n;
	syntax_find_line(code, strlen(code), 1, err.line, &line, &n);
	syntax_error_format(&err, "t.pkt", line, n, &shown);
	CHECK_STR(sb_str(&shown), "t.pkt:2:25: error: name 'cwdn' is not defined\n"
		  "  assert tcpi_snd_cwnd == cwdn, cwnd\n"
		  "                          ^\n"
		  "  hint: did you mean cwnd?\n");
	syntax_error_free(&err);
	sb_free(&out);
	sb_free(&shown);
	tcpinfo_env_free(env);
}

/* ---- hostile input ---- */

static void test_limits(void)
{
	set("");
	struct sb code = SB_INIT;
	/* 65 parentheses: past the nesting limit, refused without recursing further. */
	sb_add(&code, "x = ");
	sb_addrep(&code, '(', 65);
	sb_add(&code, "1");
	sb_addrep(&code, ')', 65);
	expect_error(sb_str(&code), 1, 69, "brackets nested too deeply (the limit is 64)", NULL);
	/* 60 are fine. */
	sb_reset(&code);
	sb_add(&code, "print(");
	sb_addrep(&code, '(', 59);
	sb_add(&code, "1");
	sb_addrep(&code, ')', 59);
	sb_add(&code, ")");
	expect(sb_str(&code), 0, "1\n");
	/* A unary bomb. */
	sb_reset(&code);
	sb_add(&code, "x = ");
	sb_addrep(&code, '-', 1000);
	sb_add(&code, "1");
	expect_error(sb_str(&code), 1, 69, "nested too deeply (the limit is 64 levels)", NULL);
	sb_reset(&code);
	sb_add(&code, "x = ");
	for (int i = 0; i < 1000; i++)
		sb_add(&code, "not ");
	sb_add(&code, "1");
	expect_error(sb_str(&code), 1, 261, "nested too deeply (the limit is 64 levels)", NULL);
	/* A long flat chain makes a tall tree. */
	sb_reset(&code);
	sb_add(&code, "x = 1");
	for (int i = 0; i < 1000; i++)
		sb_add(&code, " + 1");
	expect_error(sb_str(&code), 1, 1027, "expression too long or too deeply nested (the limit is 256 levels)",
		     "split it over several statements with variables");
	/* Too much code. */
	sb_reset(&code);
	sb_addrep(&code, '#', 70000);
	expect_error(sb_str(&code), 1, 1, "code block too long (70000 bytes; the limit is 65536)", NULL);
	/* Strings cannot grow without bound. */
	expect_error("s = 'x' * 1000000\ns = s + s", 2, 7, "string too long (tcpsh allows 1048576 bytes)", NULL);
	expect_error("s = 'x' * 2000000", 1, 9, "string too long (tcpsh allows 1048576 bytes)", NULL);
	expect("s = 'ab' * 500000; print(len(s))", 0, "1000000\n");
	/* print() output is bounded per block. */
	expect_error("s = 'y' * 1000000\nprint(s)\nprint(s)", 3, 1, "too much output (tcpsh allows 1048576 bytes per block)",
		     NULL);
	/* Many if-suites deep. */
	sb_reset(&code);
	for (int i = 0; i < 70; i++) {
		sb_addrep(&code, ' ', (size_t)i);
		sb_add(&code, "if 1:\n");
	}
	sb_addrep(&code, ' ', 70);
	sb_add(&code, "pass\n");
	struct tcpinfo_env *env = tcpinfo_env_new();
	struct sb out = SB_INIT;
	struct syn_error err;
	syntax_error_init(&err);
	CHECK_INT(run(env, sb_str(&code), &out, &err), -1);
	syntax_error_free(&err);
	sb_free(&out);
	tcpinfo_env_free(env);
	sb_free(&code);
}

/* Integers are 128-bit: the extremes work, one past them is an error. */
static void test_int_limits(void)
{
	set("");
	expect_print("2**126 + (2**126 - 1)", "170141183460469231731687303715884105727");
	expect_print("-2**126 * 2", "-170141183460469231731687303715884105728");
	expect_print("(-2**126 * 2) % -1", "0");
	expect_print("(-2**126 * 2) >> 200", "-1");
	expect_print("int('-170141183460469231731687303715884105728')", "-170141183460469231731687303715884105728");
	expect_error("x = -2**126 * 2 // -1", 1, 17, "integer overflow: the result does not fit in 128 bits", NULL);
	expect_error("x = -(-2**126 * 2)", 1, 5, "integer overflow: the result does not fit in 128 bits", NULL);
	expect_error("x = abs(-2**126 * 2)", 1, 5, "integer overflow: the result does not fit in 128 bits", NULL);
	expect_error("x = 1 << 127", 1, 7, "integer overflow: the result does not fit in 128 bits", NULL);
	expect_error("x = int(1e40)", 1, 5, "integer overflow: the float is too large for a 128-bit integer", NULL);
	expect_error("x = int(float('inf'))", 1, 5, "cannot convert float infinity to integer", NULL);
}

int main(void)
{
	RUN(test_corpus_shapes);
	RUN(test_corpus_variables);
	RUN(test_arithmetic);
	RUN(test_bits);
	RUN(test_comparisons);
	RUN(test_logic);
	RUN(test_strings_and_tuples);
	RUN(test_formatting);
	RUN(test_float_repr);
	RUN(test_builtins);
	RUN(test_statements);
	RUN(test_partial_effects);
	RUN(test_refresh);
	RUN(test_assert_messages);
	RUN(test_fields_match_struct);
	RUN(test_u64_fields);
	RUN(test_fields_and_ti_len);
	RUN(test_constants);
	RUN(test_names);
	RUN(test_syntax_errors);
	RUN(test_runtime_errors);
	RUN(test_formatted_error);
	RUN(test_limits);
	RUN(test_int_limits);
	CHECK_EXIT();
}
