# umlab — build, test and install.
#
#   make               build ./umlab and the default rootfs (build/rootfs.ext2)
#   make run           install dependencies, build, start umlab in a sandboxed lab
#   make check         install dependencies, build, run every test (also under ASan+UBSan)
#   make unit          cmocka unit tests only (no root)
#   make progs         the small programs integration tests run (tests/prog/)
#   make fuzz          libFuzzer harnesses (clang) into build-fuzz/; make fuzz-check runs each 60 s
#   make SANITIZE=1 …  the same targets built with -fsanitize=address,undefined
#   make install PREFIX=/usr/local DESTDIR=…
#   make format / make format-check

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= gcc

PKGS    := vterm libnl-3.0 libnl-route-3.0 libip4tc ncursesw readline

ifeq ($(SANITIZE),1)
BUILD   ?= build-asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD   ?= build
SANFLAGS :=
endif

# pkg-config may be missing before `make deps`; keep going so that target can run.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
# -Wno-format-truncation: paths and names are cut by snprintf on purpose and checked
# where it matters; the warning fires on every fixed-size buffer.
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-missing-field-initializers \
           -Wno-format-truncation $(SANFLAGS) -I. $(PKG_CFLAGS) \
           -DUMLAB_DATADIR='"$(PREFIX)/share/umlab"' -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS  += $(PKG_LIBS)

LIB_SRC  := $(wildcard base/*.c core/*.c pty/*.c netcfg/*.c tui/*.c)
LIB_SRC  := $(filter-out tui/main.c,$(LIB_SRC))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/tui/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Programs the integration tests run (root, in their namespaces): make progs.
PROG_SRC := $(wildcard tests/prog/*.c)
PROG_BIN := $(PROG_SRC:tests/prog/%.c=$(BUILD)/tests/prog/%)

ifeq ($(SANITIZE),1)
all: $(BUILD)/umlab $(BUILD)/rootfs.ext2 $(BUILD)/umlab-xstate.so
else
all: umlab $(BUILD)/rootfs.ext2 $(BUILD)/umlab-xstate.so
endif

umlab: $(BUILD)/umlab
	cp $< $@

$(BUILD)/umlab: $(MAIN_OBJ) $(BUILD)/libumlab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libumlab.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# Preloaded into linux.uml (core/umlshim/xstate.c): never sanitized, it runs
# inside UML's own processes.
$(BUILD)/umlab-xstate.so: core/umlshim/xstate.c
	@mkdir -p $(BUILD)
	$(CC) -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fPIC -shared -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/rootfs.ext2: scripts/mkrootfs.sh $(wildcard core/rootfs/*)
	@mkdir -p $(BUILD)
	sh scripts/mkrootfs.sh core/rootfs $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libumlab.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/tests/prog/%: tests/prog/%.c $(BUILD)/libumlab.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(LDLIBS)

progs: $(PROG_BIN)

# The side pane's drawing cost alone (bench/sidebench.c): make sidebench.
$(BUILD)/sidebench: bench/sidebench.c $(BUILD)/libumlab.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

sidebench: $(BUILD)/sidebench

.PHONY: all deps need-root run check unit progs sidebench integration check-one asan format format-check layers \
        install uninstall clean bench fuzz fuzz-check

deps:
	sh scripts/deps.sh

run: need-root deps
	$(MAKE) all
	./umlab --sandbox

need-root:
	@[ "$$(id -u)" = 0 ] || { echo "make: this target needs root (taps, namespaces, iptables): sudo make $(MAKECMDGOALS)" >&2; exit 1; }

# test_docs reads README.md and docs/umlab.1 from here
unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; UMLAB_SRCDIR=$(CURDIR) $$t; done

integration: all $(PROG_BIN)
	sh tests/integration/run.sh $(BUILD)/umlab

# One full pass: unit, integration and TUI tests with this build.
check-one: all $(UNIT_BIN) $(PROG_BIN)
	sh tests/run-all.sh $(BUILD)

check: need-root deps
	$(MAKE) format-check
	$(MAKE) layers
	$(MAKE) check-one
	$(MAKE) SANITIZE=1 check-one
	$(MAKE) fuzz-check

asan:
	$(MAKE) SANITIZE=1 check-one

# Side by side in one run: bare linux.uml (default, pinned) vs umlab; see docs/PERFORMANCE.md.
bench: all
	sh bench/compare.sh $(BUILD)/umlab

FORMAT_SRC = $(wildcard core/umlshim/*.c base/*.[ch] core/*.[ch] pty/*.[ch] netcfg/*.[ch] tui/*.[ch] tests/unit/*.[ch] \
                        tests/fuzz/*.[ch] tests/prog/*.[ch])

format:
	clang-format -i $(FORMAT_SRC)

# Includes only go down the layers: base < pty, netcfg < core < tui.
layers:
	sh scripts/layers.sh

format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

install: all
	install -D -m 0755 $(BUILD)/umlab $(DESTDIR)$(PREFIX)/bin/umlab
	install -D -m 0644 $(BUILD)/rootfs.ext2 $(DESTDIR)$(PREFIX)/share/umlab/rootfs.ext2
	install -D -m 0644 $(BUILD)/umlab-xstate.so $(DESTDIR)$(PREFIX)/lib/umlab/umlab-xstate.so
	install -D -m 0644 docs/umlab.1 $(DESTDIR)$(PREFIX)/share/man/man1/umlab.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/umlab $(DESTDIR)$(PREFIX)/share/umlab/rootfs.ext2 \
	      $(DESTDIR)$(PREFIX)/lib/umlab/umlab-xstate.so \
	      $(DESTDIR)$(PREFIX)/share/man/man1/umlab.1
	-rmdir $(DESTDIR)$(PREFIX)/share/umlab $(DESTDIR)$(PREFIX)/lib/umlab

# ---- fuzzing: clang + libFuzzer + ASan/UBSan, its own objects (see tests/fuzz/README.md).
# clang knows no -Wformat-truncation and warns on the TUN flags' short; the rest is as above.
FUZZ_CC     ?= clang
FUZZ_BUILD  := build-fuzz
FUZZ_SECS   ?= 60
FUZZ_CFLAGS := $(filter-out $(SANFLAGS),$(CFLAGS)) -Wno-unknown-warning-option \
               -Wno-constant-conversion -fno-omit-frame-pointer -fno-sanitize-recover=all \
               -fsanitize=fuzzer-no-link,address,undefined
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJ    := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)

fuzz: $(FUZZ_BIN)

fuzz-check: fuzz
	nice -n 10 sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECS)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libumlab.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libumlab.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.a,$^) $(LDLIBS) -lpthread

clean:
	rm -rf build build-asan build-fuzz umlab

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(PROG_BIN:=.d) $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)
