# tcpsh — build, set-up, run and test.
#   make run     install missing Debian packages, build, start the shell
#   make check   same set-up, then every test; ends with "N passed, N failed"
#   make install / uninstall (PREFIX, DESTDIR)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
PKGS := libnl-3.0 libnl-route-3.0 libnl-idiag-3.0 libpcap
# The Debian packages the build and the tests need (checked by `make deps`).
DEB_PKGS := gcc make pkg-config libc6-dev libreadline-dev libnl-3-dev libnl-route-3-dev \
	libnl-idiag-3-dev libpcap-dev tcpdump tmux iproute2 procps
# And what only the tests use (make check installs these too).
DEB_TEST_PKGS := zsh fish mandoc bash-completion groff-base man-db valgrind python3

ifeq ($(SANITIZE),1)
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

# The diagram's SVG is parsed by xmllint, the pcap read by tshark (tests/kernel/artefacts.sh).
DEB_TEST_PKGS += libxml2-utils tshark

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
ALL_CPPFLAGS = -D_GNU_SOURCE -Isrc $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS)
LIBS = $(PKG_LIBS) -lreadline -lpthread -lm

SRC := $(wildcard src/*.c)
OBJ := $(SRC:src/%.c=build/%.o)
LIBOBJ := $(filter-out build/main.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=build/tools/%)

.PHONY: all deps run check unit-tests tools clean install uninstall compat
all: tcpsh

# Start-up: libpcap and readline (with tinfo) are linked statically when
# their -dev packages ship the archives (Debian's do): three fewer shared
# objects to load and relocate, about 3 ms of CPU per start on the test
# machine (perf stat; README "Performance"). libpcap's D-Bus source is left
# out (PCAP_NODBUS below). libnl is static too, as whole archives: its tc
# modules register from constructors, and the list they register on is only
# set up by the first registration, so a link that leaves every module out
# crashes in rtnl_tc_set_kind; with the whole archive all are in (about
# 1 ms less per start than the three shared objects). STATIC=0, or a missing
# archive, links that library shared.
STATIC ?= 1
STATIC_LIBS := pcap readline tinfo
STATIC_AR = $(foreach l,$(STATIC_LIBS),$(shell $(CC) -print-file-name=lib$(l).a))
# libpcap's private libraries that can be linked (dbus-1 lists -lsystemd,
# which Debian ships without a .so link; libdbus-1 loads it anyway)
PCAP_STATIC_DEPS = $(foreach l,$(filter-out -lpcap,$(shell pkg-config --static --libs-only-l libpcap)),\
	$(if $(filter /%,$(shell $(CC) -print-file-name=lib$(l:-l%=%).so)),$(l)))
TCPSH_STATIC = $(if $(filter 1,$(STATIC)),$(if $(filter-out /%,$(STATIC_AR)),,1))
NL_LIBS = $(filter -lnl%,$(PKG_LIBS))
NL_AR = $(foreach l,$(NL_LIBS:-l%=%),$(shell $(CC) -print-file-name=lib$(l).a))
NL_LINK = $(if $(filter-out /%,$(NL_AR)),$(NL_LIBS),\
	-Wl,-Bstatic -Wl,--whole-archive $(NL_LIBS) -Wl,--no-whole-archive -Wl,-Bdynamic)
STATIC_LINK = $(NL_LINK) -Wl,-Bstatic $(STATIC_LIBS:%=-l%) -Wl,-Bdynamic \
	-Wl,--as-needed $(PCAP_STATIC_DEPS) -lpthread -lm
TCPSH_LIBS = $(if $(TCPSH_STATIC),$(STATIC_LINK),$(LIBS))
# With the static libpcap, its D-Bus capture source is left out, and with it
# libdbus-1 and the seven libraries it loads (src/link/capture_nodbus.c):
# when libpcap.a defines the two entry points that file replaces.
PCAP_AR = $(word 1,$(STATIC_AR))
PCAP_NODBUS = $(if $(TCPSH_STATIC),$(if $(filter 2,$(shell nm $(PCAP_AR) 2>/dev/null | \
	grep -c -E ' T dbus_(create|findalldevs)$$')),build/link/capture_nodbus.o))

tcpsh: $(OBJ) $(PCAP_NODBUS)
	$(CC) $(LDFLAGS) -o $@ $(OBJ) $(PCAP_NODBUS) $(TCPSH_LIBS)

build/link/%.o: src/link/%.c | build/link
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

build/%.o: src/%.c $(wildcard src/*.h) | build
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c tests/unit/check.h $(LIBOBJ) | build/tests
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LIBS)

build/tools/%: tests/tools/%.c $(LIBOBJ) | build/tools
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LIBS)

# One rule per directory: build/ may already exist (make fuzz-build makes
# build/fuzz/ first) without its subdirectories.
build build/tests build/tools build/link:
	mkdir -p $@

unit-tests: $(UNIT_BIN)
tools: $(TOOL_BIN)

# Installs whatever Debian package is missing; a no-op when all are there.
deps:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "tcpsh: installing Debian packages:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "tcpsh: need root to install:$$missing (run: sudo make deps)"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
	@for p in $(PKGS); do pkg-config --exists $$p || { echo "tcpsh: pkg-config cannot find $$p (install its -dev package)"; exit 1; }; done

run: deps
	$(MAKE) all
	./tcpsh

# The last suite, tests/sanitize/run, builds a second copy with ASan+UBSan in
# build/asan/ and runs the whole suite against it (skipped when this run is
# itself SANITIZE=1, or with TCPSH_NO_SANITIZE=1).
check:
	$(MAKE) deps EXTRA_PKGS="$(DEB_TEST_PKGS)"
	$(MAKE) all unit-tests tools
	SANITIZE=$(SANITIZE) tests/run-all

# make compat CORPUS=DIR VERDICTS=FILE [FAMILY=ipv6]: agreement with packetdrill's verdicts
compat: deps
	$(MAKE) all
	tests/compat/run

# make bench [PACKETDRILL=PATH] [CORPUS=DIR VERDICTS=FILE]: prints figures, never fails (bench/README.md)
.PHONY: bench
bench: deps
	$(MAKE) all
	bench/run

# make fuzz [FUZZ_SECONDS=N]: the libFuzzer targets of tests/fuzz/ (line and
# script parsers, packet decoder + printers, %{ }% evaluator), built with
# clang, ASan and UBSan over the pure modules (compiled again into
# build/fuzz/), each run N seconds from its seeds (tests/fuzz/run).
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := line script packet tcpinfo
FUZZ_SRC := $(wildcard src/sb.c src/arena.c src/consts*.c src/syntax*.c src/codec*.c src/view*.c src/tcpinfo*.c \
	src/annot.c src/explain.c src/json.c)
FUZZ_OBJ := $(FUZZ_SRC:src/%.c=build/fuzz/%.o)
FUZZ_BIN := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_FLAGS := -D_GNU_SOURCE -Isrc -std=gnu11 -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined

.PHONY: fuzz fuzz-build
fuzz: fuzz-build
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_BIN)
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wall -Wextra -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) -lm

clean:
	rm -rf build tcpsh

DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
# Where `tcpsh lesson` finds the installed lessons (also found relative to the
# binary, and lessons/ next to it in the source tree).
build/lesson_main.o: ALL_CPPFLAGS += -DTCPSH_LESSONDIR='"$(DATADIR)/tcpsh/lessons"'
# Besides the binary and tcpsh.1: the lesson man page and the lessons once they exist;
# INSTALLED is every file `make install` puts in place, for `make uninstall`.
MAN5 := $(wildcard man/tcpsh-lesson.5)
LESSONS := $(wildcard lessons/*.pkt)
COMPLETIONS := bash-completion/completions/tcpsh zsh/site-functions/_tcpsh \
	fish/vendor_completions.d/tcpsh.fish
INSTALLED := $(BINDIR)/tcpsh $(MANDIR)/man1/tcpsh.1 $(if $(MAN5),$(MANDIR)/man5/tcpsh-lesson.5) \
	$(COMPLETIONS:%=$(DATADIR)/%) $(addprefix $(DATADIR)/tcpsh/lessons/,$(notdir $(LESSONS)))

install: tcpsh
	install -D -m 755 tcpsh $(DESTDIR)$(BINDIR)/tcpsh
	install -D -m 644 man/tcpsh.1 $(DESTDIR)$(MANDIR)/man1/tcpsh.1
	$(if $(MAN5),install -D -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/tcpsh-lesson.5)
	install -D -m 644 completions/tcpsh.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/tcpsh
	install -D -m 644 completions/_tcpsh $(DESTDIR)$(DATADIR)/zsh/site-functions/_tcpsh
	install -D -m 644 completions/tcpsh.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/tcpsh.fish
	$(if $(LESSONS),install -d $(DESTDIR)$(DATADIR)/tcpsh/lessons)
	$(if $(LESSONS),install -m 644 $(LESSONS) $(DESTDIR)$(DATADIR)/tcpsh/lessons)

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	rmdir $(DESTDIR)$(DATADIR)/tcpsh/lessons $(DESTDIR)$(DATADIR)/tcpsh 2>/dev/null || true
