/*
 * libFuzzer target: a %{ }% block -> tcpinfo_eval. The input is the code,
 * optionally followed by a NUL and the raw tcp_info bytes to evaluate it
 * against (ti_len = their number, up to 512, in a buffer of exactly that
 * size so an over-read is caught); without a NUL, a plausible tcp_info of
 * sizeof(struct tcp_info) bytes is used. The block runs twice in one env,
 * as consecutive blocks of a script do (variables carry over); then the
 * same tcp_info goes through the words of `info` and `state info`.
 * Built by `make fuzz`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "sb.h"
#include "syntax.h"
#include "tcpinfo.h"


int fuzz_tcpinfo_one(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t code_len = nul ? (size_t)(nul - data) : size;
	char *code = xmalloc(code_len ? code_len : 1);
	memcpy(code, data, code_len);

	size_t ti_len;
	struct tcp_info *ti;
	if (nul) {
		ti_len = size - code_len - 1;
		if (ti_len > 512)
			ti_len = 512;
		ti = ti_len ? xmalloc(ti_len) : NULL;
		if (ti_len)
			memcpy(ti, nul + 1, ti_len);
	} else {
		ti_len = sizeof *ti;
		ti = xcalloc(1, sizeof *ti);
		ti->tcpi_state = 1;
		ti->tcpi_snd_cwnd = 10;
		ti->tcpi_snd_mss = 1448;
		ti->tcpi_rcv_mss = 536;
		ti->tcpi_rtt = 1000;
		ti->tcpi_max_pacing_rate = ~0ULL;
		ti->tcpi_snd_ssthresh = 0x7fffffff;
	}

	struct tcpinfo_env *env = tcpinfo_env_new();
	for (int i = 0; i < 2; i++) {
		struct sb out;
		struct syn_error err;
		sb_init(&out);
		syntax_error_init(&err);
		tcpinfo_eval(env, code, code_len, ti, ti_len, &out, &err);
		syntax_error_free(&err);
		sb_free(&out);
	}
	tcpinfo_env_free(env);
	struct sb words; /* `info` and `state info` print any tcp_info the kernel gives */
	sb_init(&words);
	tcpinfo_describe(ti, ti_len, "  ", &words);
	tcpinfo_summary(ti, ti_len, &words);
	sb_free(&words);
	free(ti);
	free(code);
	return 0;
}

FUZZ_ENTRY(fuzz_tcpinfo_one)
