/*
 * check.h: the tiny unit-test harness. Each test is a function; RUN(fn)
 * runs it and prints "PASS name" or "FAIL name" (after the failed checks),
 * which tests/run-all counts. A test binary exits non-zero if any test failed.
 */
#ifndef TCPSH_CHECK_H
#define TCPSH_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;      /* in the current test */
static int check_tests_failed;  /* in this binary */

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                            \
		}                                                                    \
	} while (0)

#define CHECK_STR(got, want)                                                         \
	do {                                                                         \
		const char *g_ = (got), *w_ = (want);                                \
		if (strcmp(g_ ? g_ : "(null)", w_ ? w_ : "(null)") != 0) {           \
			printf("  %s:%d: got\n    [%s]\n  want\n    [%s]\n", __FILE__, __LINE__, \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)");              \
			check_failures++;                                            \
		}                                                                    \
	} while (0)

#define CHECK_INT(got, want)                                                         \
	do {                                                                         \
		long long g_ = (long long)(got), w_ = (long long)(want);             \
		if (g_ != w_) {                                                      \
			printf("  %s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
			check_failures++;                                            \
		}                                                                    \
	} while (0)

#define RUN(fn)                                                                      \
	do {                                                                         \
		check_failures = 0;                                                  \
		fn();                                                                \
		printf("%s %s\n", check_failures ? "FAIL" : "PASS", #fn);            \
		if (check_failures)                                                  \
			check_tests_failed++;                                        \
	} while (0)

#define CHECK_EXIT() return check_tests_failed ? 1 : 0

#endif
