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

ifeq ($(SANITIZE),1)
CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

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

tcpsh: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

build/%.o: src/%.c $(wildcard src/*.h) | build
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c tests/unit/check.h $(LIBOBJ) | build
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LIBS)

build/tools/%: tests/tools/%.c $(LIBOBJ) | build
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJ) $(LIBS)

build:
	mkdir -p build/tests build/tools

unit-tests: $(UNIT_BIN)
tools: $(TOOL_BIN)

# Installs whatever Debian package is missing; a no-op when all are there.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
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

check: deps
	$(MAKE) all unit-tests tools
	tests/run-all

# make compat CORPUS=DIR VERDICTS=FILE [FAMILY=ipv6]: agreement with packetdrill's verdicts
compat: deps
	$(MAKE) all
	tests/compat/run

clean:
	rm -rf build tcpsh

MANDIR ?= $(PREFIX)/share/man

install: tcpsh
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 tcpsh $(DESTDIR)$(BINDIR)/tcpsh
	install -m 644 man/tcpsh.1 $(DESTDIR)$(MANDIR)/man1/tcpsh.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tcpsh $(DESTDIR)$(MANDIR)/man1/tcpsh.1
