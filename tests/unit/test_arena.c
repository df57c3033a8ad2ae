/*
 * Unit tests for arena (bump allocation for a script's events) and for how
 * the parser uses it: events moved out of a script, times read without
 * strtod.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "syntax.h"

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_alloc(void)
{
	struct arena *a = arena_new();
	CHECK_INT(arena_size(a), 0);
	/* many small objects across several chunks: aligned, zeroed, distinct */
	enum { N = 20000 };
	unsigned char **v = calloc(N, sizeof(*v));
	for (size_t i = 0; i < N; i++) {
		size_t n = 1 + i % 61;
		v[i] = arena_alloc(a, n);
		CHECK(((uintptr_t)v[i] & 7) == 0);
		CHECK(all_zero(v[i], n));
		memset(v[i], (int)(i & 0xff) | 1, n);
	}
	for (size_t i = 0; i < N; i++)
		CHECK(v[i][0] == ((i & 0xff) | 1) && v[i][i % 61] == ((i & 0xff) | 1));
	size_t before = arena_size(a);
	CHECK(before >= (size_t)N * 8);
	/* a large object gets a chunk of its own; small ones go on where they were */
	unsigned char *small = arena_alloc(a, 8);
	unsigned char *big = arena_alloc(a, 3u << 20);
	unsigned char *next = arena_alloc(a, 8);
	CHECK(all_zero(big, 3u << 20));
	CHECK(arena_size(a) >= before + (3u << 20));
	CHECK(next == small + 8 || next > big + (3u << 20) || next < big);
	memset(big, 0xab, 3u << 20);
	CHECK(small[0] == 0 && next[0] == 0);
	/* zero bytes still gives a distinct pointer */
	CHECK(arena_alloc(a, 0) != arena_alloc(a, 0));
	free(v);
	arena_free(a);
	arena_free(NULL);
}

static void test_strndup(void)
{
	struct arena *a = arena_new();
	char *s = arena_strndup(a, "socket(...)", 6);
	CHECK_STR(s, "socket");
	char *z = arena_strndup(a, "a\0b", 3); /* escapes can put NULs in a string */
	CHECK(z[0] == 'a' && z[1] == '\0' && z[2] == 'b' && z[3] == '\0');
	CHECK_STR(arena_strndup(a, "", 0), "");
	arena_free(a);
}

/* The engine takes events out of a script (engine_run_script): freeing one
 * then frees nothing, and the script's arena frees everything once. The
 * sanitizer run and valgrind see a double free or a leak here. */
static void test_moved_events(void)
{
	const char *text = "0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0\n"
			   "+0 < S 0:0(0) win 1000 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
			   "--tolerance_usecs=1000\n"
			   "+.1 write(4, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)\n";
	struct syn_script s = {0};
	struct syn_error err;
	syntax_error_init(&err);
	CHECK_INT(syntax_parse_script(text, strlen(text), &s, &err), SYN_ERR); /* option after events */
	CHECK(s.ev == NULL && s.arena == NULL);
	text = "0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0\n"
	       "+0 < S 0:0(0) win 1000 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"
	       "+.1 write(4, ..., 10) = -1 EAGAIN (Resource temporarily unavailable)\n";
	CHECK_INT(syntax_parse_script(text, strlen(text), &s, &err), SYN_OK);
	CHECK_INT(s.nev, 3);
	CHECK(s.arena != NULL);
	struct syn_event moved = s.ev[2];
	memset(&s.ev[2], 0, sizeof(s.ev[2]));
	CHECK(moved.in_arena);
	CHECK_STR(moved.u.call.name, "write");
	CHECK_STR(moved.u.call.errno_name, "EAGAIN");
	CHECK_STR(moved.u.call.note, "Resource temporarily unavailable");
	CHECK_INT(s.ev[1].u.pkt.nopts, 6);
	syntax_event_free(&moved);
	CHECK(moved.kind == SYN_EMPTY);
	syntax_script_free(&s);
	CHECK(s.ev == NULL && s.nev == 0 && s.arena == NULL);
	/* a line at the prompt is on the heap, freed alone */
	struct syn_event ev;
	CHECK_INT(syntax_parse_line("+0 close(3) = 0", 15, 1, &ev, &err), SYN_OK);
	CHECK(!ev.in_arena);
	syntax_event_free(&ev);
	syntax_error_free(&err);
}

/* Times are read without strtod where the digits allow an exact quotient;
 * the double must be the one strtod gives, bit for bit. */
static void test_times(void)
{
	static const char *const times[] = {"0", "1", ".1", "0.1", "0.100", "+.001", "1.000001", "2.5",
					    "123456789.123456", "0.000000000000001", "999999999.999999",
					    "0.30000000000000004", "7.0000000000000001"};
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		const char *t = times[i][0] == '+' ? times[i] + 1 : times[i];
		char line[64];
		snprintf(line, sizeof(line), "%s close(3) = 0", times[i]);
		struct syn_event ev;
		struct syn_error err;
		syntax_error_init(&err);
		int rc = syntax_parse_line(line, strlen(line), 1, &ev, &err);
		CHECK_INT(rc, SYN_OK);
		if (rc == SYN_OK) {
			double want = strtod(t, NULL);
			if (memcmp(&ev.time.t, &want, sizeof(want)) != 0)
				printf("  time %s: got %.17g, strtod %.17g\n", times[i], ev.time.t, want);
			CHECK(memcmp(&ev.time.t, &want, sizeof(want)) == 0);
			syntax_event_free(&ev);
		}
		syntax_error_free(&err);
	}
}

int main(void)
{
	RUN(test_alloc);
	RUN(test_strndup);
	RUN(test_moved_events);
	RUN(test_times);
	CHECK_EXIT();
}
