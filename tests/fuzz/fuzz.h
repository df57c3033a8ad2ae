/*
 * fuzz.h: the four fuzz entry points. Each fuzz_*.c defines its
 * fuzz_<name>_one() and, unless FUZZ_NO_MAIN is defined, the libFuzzer entry
 * LLVMFuzzerTestOneInput calling it; tests/unit/test_fuzz_regress.c includes
 * all four with FUZZ_NO_MAIN to replay the seeds and past crashes in the
 * ordinary unit suite.
 */
#ifndef TCPSH_FUZZ_H
#define TCPSH_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int fuzz_line_one(const uint8_t *data, size_t size);
int fuzz_script_one(const uint8_t *data, size_t size);
int fuzz_packet_one(const uint8_t *data, size_t size);
int fuzz_tcpinfo_one(const uint8_t *data, size_t size);

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define FUZZ_ENTRY(fn)                                                   \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)     \
	{                                                                \
		return fn(data, size);                                   \
	}
#else
#define FUZZ_ENTRY(fn)
#endif
#endif
