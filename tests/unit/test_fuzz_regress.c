/*
 * test_fuzz_regress: replays, through the same code the libFuzzer targets
 * run (tests/fuzz/fuzz_*.c, included here without their libFuzzer entry),
 * every seed in tests/fuzz/seeds/TARGET/ and every input that once crashed
 * or leaked in tests/fuzz/regress/TARGET/. Under `make check SANITIZE=1`
 * ASan/UBSan/LeakSanitizer judge them; in the ordinary build the known leaks
 * are also checked by counting the heap with mallinfo2.
 */
#define FUZZ_NO_MAIN
#include "../fuzz/fuzz_line.c"
#include "../fuzz/fuzz_script.c"
#include "../fuzz/fuzz_packet.c"
#include "../fuzz/fuzz_tcpinfo.c"

#include "check.h"

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(const uint8_t *, size_t);
} targets[] = {
	{"line", fuzz_line_one},
	{"script", fuzz_script_one},
	{"packet", fuzz_packet_one},
	{"tcpinfo", fuzz_tcpinfo_one},
};

static int read_all(const char *path, struct sb *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_addn(out, buf, n);
	fclose(f);
	return 0;
}

/* Runs fn on every file of dir; returns how many (-1 if dir is missing). */
static int replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct sb data = SB_INIT;
		CHECK(read_all(path, &data) == 0);
		fn((const uint8_t *)(data.buf ? data.buf : ""), data.len);
		sb_free(&data);
		n++;
	}
	closedir(d);
	return n;
}

static void test_seeds(void)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		char dir[256];
		snprintf(dir, sizeof dir, "tests/fuzz/seeds/%s", targets[i].name);
		int n = replay_dir(dir, targets[i].fn);
		if (n < 10)
			printf("  %s: %d seeds\n", dir, n);
		CHECK(n >= 10);
	}
}

static void test_regressions(void)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		char dir[256];
		snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", targets[i].name);
		replay_dir(dir, targets[i].fn); /* a target may have none */
	}
}

/* Heap bytes in use after running code n times, less before. */
static long heap_growth(const char *code, int n)
{
	fuzz_tcpinfo_one((const uint8_t *)code, strlen(code)); /* warm up */
	size_t before = mallinfo2().uordblks;
	for (int i = 0; i < n; i++)
		fuzz_tcpinfo_one((const uint8_t *)code, strlen(code));
	return (long)mallinfo2().uordblks - (long)before;
}

/* Found by fuzz_tcpinfo: "" + "" (and '%' formatting or a string literal
 * giving "") left a 64-byte buffer behind. */
static void test_empty_string_leak(void)
{
	static const char *codes[] = {
		"x = '' + ''",
		"x = '%s' % ''",
		"x = '\\\n'",
		"0*u\"\"&\"\"u\"\"+\"\"u\"\"+1&u1&u",
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		long g = heap_growth(codes[i], 1000);
		if (g > 4096)
			printf("  leak: [%s] grew the heap by %ld bytes in 1000 runs\n", codes[i], g);
		CHECK(g <= 4096);
	}
}

int main(void)
{
	RUN(test_seeds);
	RUN(test_regressions);
	RUN(test_empty_string_leak);
	CHECK_EXIT();
}
