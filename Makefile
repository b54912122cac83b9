# casedesk - one build for the program, its tests and its benchmark.
# The program's version: `casedesk --version` tells it (app/cmd_version.c, compiled in as
# CD_VERSION) and debian/changelog is checked against it.
VERSION := 0.9.0
# Every library comes through pkg-config except iniparser, whose Debian package ships no .pc file.

CC       ?= cc
PKGS     := sqlite3 ncursesw openssl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
INI_LIBS   := -liniparser
# Forms and statistics (print/): libxlsxwriter through pkg-config (its .pc is "xlsxwriter");
# PDFs drawn with Cairo and laid out with Pango (HarfBuzz shaping, fontconfig fallback;
# pangoft2 for telling Pango of a font file fontconfig did not know).
PRINT_PKGS := xlsxwriter pangocairo pangoft2 cairo-pdf cairo-ft fontconfig
PKG_CFLAGS += $(shell pkg-config --cflags $(PRINT_PKGS) 2>/dev/null)
PKG_LIBS   += $(shell pkg-config --libs $(PRINT_PKGS) 2>/dev/null)
# QR codes on forms (libqrencode: Debian's libqrencode-dev, the encoder qrencode(1) is built on).
PKG_CFLAGS += $(shell pkg-config --cflags libqrencode 2>/dev/null)
PKG_LIBS   += $(shell pkg-config --libs libqrencode 2>/dev/null)
# Text (model/base/text.c, utf8.c): libunistring for UTF-8 checks, NFC and display width;
# Debian's libunistring-dev ships no .pc file, hence a plain -lunistring.
PKG_LIBS   += -lunistring
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# The national tier (model/national/, issue 15): PostgreSQL's client library, libpq
# (Debian's libpq-dev; its .pc is "libpq").
PKG_CFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null)
PKG_LIBS   += $(shell pkg-config --libs libpq 2>/dev/null)
# External checks over HTTPS (model/net/, issue 16): libcurl (Debian's libcurl4-openssl-dev,
# the OpenSSL flavour, as the rest of casedesk uses OpenSSL) and json-c for reading the
# gateway's replies (libjson-c-dev: a small, long-kept JSON parser; writing stays ours).
PKG_CFLAGS += $(shell pkg-config --cflags libcurl json-c 2>/dev/null)
PKG_LIBS   += $(shell pkg-config --libs libcurl json-c 2>/dev/null)

DATADIR  ?= $(CURDIR)/data
LOCALEDIR ?= $(CURDIR)/build/locale
FONTDIR  ?= $(CURDIR)/build/fonts
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
# (snprintf cutting text to its buffer is the intent wherever we use it.)
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -I. $(PKG_CFLAGS) \
	-DCD_DATADIR='"$(DATADIR)"' -DCD_LOCALEDIR='"$(LOCALEDIR)"' -DCD_FONTDIR='"$(FONTDIR)"' \
	-D_FILE_OFFSET_BITS=64
# Only app/cmd_version.c needs the version; it is rebuilt when the Makefile changes.
build/app/cmd_version.o build/asan/app/cmd_version.o build/inst/app/cmd_version.o: ALL_CFLAGS += -DCD_VERSION='"$(VERSION)"'
build/app/cmd_version.o build/asan/app/cmd_version.o build/inst/app/cmd_version.o: Makefile
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC  := $(wildcard model/*/*.c workflow/*.c print/*.c)
APP_SRC  := $(wildcard app/*.c) $(wildcard screens/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TOOL_SRC := $(wildcard tests/tool/tool_*.c)

# Two flavours of every object: build/ (release) and build/asan/ (what `make check` runs).
define objs
$(patsubst %.c,$(1)/%.o,$(2))
endef

.PHONY: all deps check asan unit test bench demo clean lint-workflows pot fonts install FORCE fuzz fuzz-bins deb
.PHONY: man install-docs
all: casedesk catalogues fonts

# The MRZ is printed in OCR-B.  Debian ships it as CFF OpenType (fonts-ocr-b); Cairo 1.16
# (Debian 12) writes a PDF that lacks the font when it subsets that file (tried: pdffonts
# finds no font object), so print/otf2ttf.py converts it to TrueType with fontTools
# (python3-fonttools), which Cairo embeds.
OCRB_OTF := /usr/share/fonts/opentype/ocr-b/OCRB.otf
fonts: build/fonts/OCRB.ttf
build/fonts/OCRB.ttf: $(OCRB_OTF) print/otf2ttf.py
	@mkdir -p $(dir $@)
	@echo "  FONT    $@"
	@/usr/bin/python3 print/otf2ttf.py $< $@.part && mv -f $@.part $@

# Message catalogues: locale/LANG.po -> build/locale/LANG/LC_MESSAGES/casedesk.mo
# (`msgfmt -c` checks every translation keeps its printf conversions).
LANGS    := $(basename $(notdir $(wildcard locale/*.po)))
MO_FILES := $(patsubst %,build/locale/%/LC_MESSAGES/casedesk.mo,$(LANGS))
catalogues: $(MO_FILES)
build/locale/%/LC_MESSAGES/casedesk.mo: locale/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $<"
	@msgfmt -c -o $@ $<

# After changing user-visible strings: refresh the template and merge it into every catalogue.
pot:
	xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8 --language=C \
		--add-comments=TRANSLATORS --package-name=casedesk -o locale/casedesk.pot \
		$(sort $(wildcard app/*.c screens/*.c model/*/*.c workflow/*.c print/*.c))
	for po in locale/*.po; do msgmerge -q -U --backup=none $$po locale/casedesk.pot; done

deps:
	@sh .ci/deps

build/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -MMD -MP -c $< -o $@

build/libcasedesk.a: $(call objs,build,$(LIB_SRC))
	@rm -f $@; ar rcs $@ $^
build/asan/libcasedesk.a: $(call objs,build/asan,$(LIB_SRC))
	@rm -f $@; ar rcs $@ $^

casedesk: $(call objs,build,$(APP_SRC)) build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

build/asan/casedesk: $(call objs,build/asan,$(APP_SRC)) build/asan/libcasedesk.a
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

# casedesk-enrol, the biometric helper (app/enrol/, issue 6): its own process, the only
# one linked with libfprint (Debian's .pc pulls in GLib); it shares the wire codec
# (model/bio/wire.c) and model/base/buf.c with casedesk.  Built next to casedesk, where
# casedesk looks for it.
FPRINT_CFLAGS := $(shell pkg-config --cflags libfprint-2 2>/dev/null)
FPRINT_LIBS   := $(shell pkg-config --libs libfprint-2 2>/dev/null) -lpthread
ENROL_SRC     := $(wildcard app/enrol/*.c) model/bio/wire.c model/base/buf.c model/base/clock.c model/base/json.c model/base/error.c model/base/pnm.c
build/app/enrol/%.o build/asan/app/enrol/%.o build/inst/app/enrol/%.o: ALL_CFLAGS += $(FPRINT_CFLAGS)
casedesk-enrol: $(call objs,build,$(ENROL_SRC))
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(FPRINT_LIBS) -lm
build/asan/casedesk-enrol: $(call objs,build/asan,$(ENROL_SRC))
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(FPRINT_LIBS) -lm
all: casedesk-enrol

build/asan/tests/%: build/asan/tests/%.o build/asan/libcasedesk.a
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) $(CMOCKA_LIBS) -lm

# Issue 16: the check gateway's client driven from the command line (tests/bench/bench_gateway.sh).
build/tool_gateway: build/tests/tool/tool_gateway.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

build/tool_ttybench: build/tests/tool/tool_ttybench.o
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^

# Issue 15: the national search timed as `search --national` runs it (tests/bench/bench_national.sh).
build/tool_natsearch: build/tests/tool/tool_natsearch.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

# Issue 15: a bench store's ops signed as the store would sign them, for timing `store check`.
build/tool_opsign: build/tests/tool/tool_opsign.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

build/bench: build/tests/bench/bench.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

# Issue 5: fuzzy search and duplicate check on the seeded duplicates (tests/bench/bench_names.c).
build/bench_names: build/tests/bench/bench_names.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

# Issue 6: the helper's round trip, 1:1 and 1:N at 10,000 templates (tests/bench/bench_bio.c), driving
# the release casedesk-enrol.
build/bench_bio: build/tests/bench/bench_bio.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lpthread -lm

# Issue 12 item 9: the cost of one field kit passphrase check (tests/bench/bench_kdf.c).
build/bench_kdf: build/tests/bench/bench_kdf.o build/libcasedesk.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm

# The text editor of the forms (screens/input.c) is tested without a terminal: its test links
# the screens' editor and the terminal layer it draws through.
build/asan/tests/unit/test_input: build/asan/tests/unit/test_input.o build/asan/screens/input.o \
		build/asan/screens/term.o build/asan/libcasedesk.a
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) $(CMOCKA_LIBS) -lm

UNIT_BINS := $(patsubst tests/%.c,build/asan/tests/%,$(TEST_SRC))

# The read-error shim (tests/tool/vfs_fail.c): LD_PRELOADed by tests/script/t_store_errors.sh
# into the real binary to fail the Nth read of a store; a test artefact, never installed.
VFS_SHIM := build/asan/tests/tool/vfs_fail.so
$(VFS_SHIM): tests/tool/vfs_fail.c
	@mkdir -p $(dir $@)
	@echo "  SHIM    $@"
	@$(CC) -std=gnu11 $(WARN) -O1 -g -fPIC -shared $(shell pkg-config --cflags sqlite3 2>/dev/null) -o $@ $< \
		$(shell pkg-config --libs sqlite3 2>/dev/null)
TOOL_BINS := $(patsubst tests/%.c,build/asan/tests/%,$(TOOL_SRC))

# libFuzzer targets, built with clang (libFuzzer is clang's): one per tests/fuzz/fuzz_NAME.c,
# linked against a clang-built ASan+UBSan+fuzzer copy of model/, workflow/ and print/ (the linker takes only the
# modules a target calls).  tests/script/t_fuzz.sh runs each for a few seconds from its kept
# corpus tests/fuzz/corpus/NAME/ and fails `make check` on a crash; `make fuzz` runs each for
# FUZZ_SECONDS and merges the new interesting inputs into the corpus.
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 300
FUZZ_CFLAGS := -std=gnu11 -g -O1 -I. $(PKG_CFLAGS) -DCD_DATADIR='"$(DATADIR)"' -DCD_LOCALEDIR='"$(LOCALEDIR)"' \
	-DCD_FONTDIR='"$(FONTDIR)"' -D_FILE_OFFSET_BITS=64 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_LIB_SRC := $(wildcard model/*/*.c workflow/*.c print/*.c)
# The helper's side of the protocol (app/enrol/io.c, included by fuzz_enrol.c) needs GLib.
FUZZ_CFLAGS_enrol := $(FPRINT_CFLAGS)
FUZZ_LIBS_enrol := $(FPRINT_LIBS)

build/fuzz/lib/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
build/fuzz/libcasedesk.a: $(call objs,build/fuzz/lib,$(FUZZ_LIB_SRC))
	@rm -f $@; ar rcs $@ $^
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libcasedesk.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(filter-out -Wno-format-truncation,$(WARN)) $(FUZZ_CFLAGS_$*) -fsanitize=fuzzer -MMD -MP -MF $@.d -MT $@ -o $@ $< \
		build/fuzz/libcasedesk.a $(PKG_LIBS) $(INI_LIBS) $(FUZZ_LIBS_$*) -lm
fuzz-bins: $(FUZZ_BINS)

# Each target for FUZZ_SECONDS (default 300), one after the other, niced; new interesting
# inputs are merged into tests/fuzz/corpus/NAME/ (commit them), crashes land in build/fuzz/.
# FUZZ_TARGETS="csv pnm" picks some.
fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=1 FUZZ_TARGETS="$(FUZZ_TARGETS)" CASEDESK_FUZZ_DIR=$(CURDIR)/build/fuzz \
		nice sh tests/script/t_fuzz.sh

# ASan's defaults miss a pointer into a returned function's frame (a struct copied out of
# its own storage, issue 11): fake stacks catch it; leaks fail the run too.  Options from
# the environment come last and win.
CHECK_ASAN_OPTIONS := detect_stack_use_after_return=1:detect_leaks=1$(if $(ASAN_OPTIONS),:$(ASAN_OPTIONS))

# The test command: release build with warnings as errors, then every test under ASan + UBSan.
check: deps
	$(MAKE) casedesk catalogues fonts build/asan/casedesk build/asan/casedesk-enrol $(UNIT_BINS) $(TOOL_BINS) $(VFS_SHIM) $(FUZZ_BINS)
	$(MAKE) man
	ASAN_OPTIONS=$(CHECK_ASAN_OPTIONS) LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	CASEDESK_BIN=$(CURDIR)/build/asan/casedesk CASEDESK_LOCALEDIR=$(CURDIR)/build/locale CASEDESK_FUZZ_DIR=$(CURDIR)/build/fuzz \
		sh tests/run.sh $(UNIT_BINS)

asan: check

DEMO_STORE ?= demo.casedesk
DEMO_PERSONS ?= 5000

# The demo: build, make the demo store once, open the TUI on it (on a terminal; elsewhere
# print the worklist and how to explore).  F9 switches between the training users.
demo: deps
	@$(MAKE) --no-print-directory casedesk catalogues fonts
	@test -f $(DEMO_STORE) || ./casedesk --store $(DEMO_STORE) demo --persons $(DEMO_PERSONS) --seed 1
	@if [ -t 0 ] && [ -t 1 ]; then \
		echo "Opening casedesk as caseworker: ? shows the keys, F9 switches user (training), F10 quits."; \
		CASEDESK_USER=$${CASEDESK_USER:-caseworker} ./casedesk --store $(DEMO_STORE); \
	else \
		echo; echo "Worklist of caseworker (overdue first):"; echo; \
		./casedesk --store $(DEMO_STORE) --user caseworker case list --limit 15; \
		echo; echo "On a terminal, make demo opens the TUI. Explore with the command line:"; \
		echo "  export CASEDESK_STORE=$(DEMO_STORE) CASEDESK_USER=caseworker"; \
		echo "  ./casedesk            # the terminal interface"; \
		echo "  ./casedesk search Шевченко        ./casedesk --help"; \
	fi

# BENCH_PERSONS=20000 make bench for a quick run; the store is cached in build/bench-*.casedesk.
bench: deps
	$(MAKE) casedesk casedesk-enrol catalogues fonts build/bench build/tool_ttybench build/bench_names build/bench_bio build/bench_kdf build/tool_gateway build/tool_natsearch  # bench_names: issue 5, bench_bio: issue 6, bench_kdf: issue 12, tool_gateway: issue 16, tool_natsearch: issue 15
	sh tests/bench/bench.sh

# Installing on an office server (README, "An office server with thin clients"): casedesk is
# built again into build/inst/ with the installed paths compiled in (data, catalogues and
# fonts under PREFIX/share, which a setgid program must not take from the environment), and
# installed setgid to the group `casedesk`, which alone may open the store's folder.  As
# root the group is created when missing; otherwise the install says what root must do.
PREFIX   ?= /usr/local
DESTDIR  ?=
INST_DATADIR   = $(PREFIX)/share/casedesk
INST_LOCALEDIR = $(PREFIX)/share/locale
INST_FONTDIR   = $(INST_DATADIR)/fonts
CASEDESK_GROUP ?= casedesk
# INSTALL_GROUP=no: install without creating the group or setting the setgid bit, for a package
# build (fakeroot looks like root); the package's postinst does both (debian/postinst).
INSTALL_GROUP ?= yes
build/inst/%: DATADIR = $(INST_DATADIR)
build/inst/%: LOCALEDIR = $(INST_LOCALEDIR)
build/inst/%: FONTDIR = $(INST_FONTDIR)

# The paths are compiled in: a new PREFIX rebuilds every object.
build/inst/paths: FORCE
	@mkdir -p $(dir $@)
	@echo '$(INST_DATADIR) $(INST_LOCALEDIR) $(INST_FONTDIR)' | cmp -s - $@ || \
		echo '$(INST_DATADIR) $(INST_LOCALEDIR) $(INST_FONTDIR)' >$@
FORCE:
build/inst/%.o: %.c build/inst/paths
	@mkdir -p $(dir $@)
	@echo "  CC inst $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@
build/inst/libcasedesk.a: $(call objs,build/inst,$(LIB_SRC))
	@rm -f $@; ar rcs $@ $^
build/inst/casedesk: $(call objs,build/inst,$(APP_SRC)) build/inst/libcasedesk.a
	@echo "  LD inst $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) -lm
build/inst/casedesk-enrol: $(call objs,build/inst,$(ENROL_SRC))
	@echo "  LD inst $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(FPRINT_LIBS) -lm

install: build/inst/casedesk build/inst/casedesk-enrol catalogues fonts
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(INST_DATADIR) $(DESTDIR)$(INST_FONTDIR)
	install -m 0755 build/inst/casedesk-enrol $(DESTDIR)$(PREFIX)/bin/casedesk-enrol
	install -m 0755 build/inst/casedesk $(DESTDIR)$(PREFIX)/bin/casedesk
	cp -R data/. $(DESTDIR)$(INST_DATADIR)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(INST_DATADIR)
	install -m 0644 build/fonts/OCRB.ttf $(DESTDIR)$(INST_FONTDIR)/OCRB.ttf
	for l in $(LANGS); do \
		install -D -m 0644 build/locale/$$l/LC_MESSAGES/casedesk.mo \
			$(DESTDIR)$(INST_LOCALEDIR)/$$l/LC_MESSAGES/casedesk.mo || exit 1; \
	done
	@if [ "$(INSTALL_GROUP)" = no ]; then \
		echo "INSTALL_GROUP=no: $(DESTDIR)$(PREFIX)/bin/casedesk installed without its group; the package's postinst sets it"; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		getent group $(CASEDESK_GROUP) >/dev/null || groupadd --system $(CASEDESK_GROUP) || exit 1; \
		chgrp $(CASEDESK_GROUP) $(DESTDIR)$(PREFIX)/bin/casedesk && \
		chmod 2755 $(DESTDIR)$(PREFIX)/bin/casedesk && \
		echo "installed $(DESTDIR)$(PREFIX)/bin/casedesk setgid $(CASEDESK_GROUP)"; \
	else \
		echo "not root: $(DESTDIR)$(PREFIX)/bin/casedesk is installed without its group; as root run"; \
		echo "  groupadd --system $(CASEDESK_GROUP); chgrp $(CASEDESK_GROUP) $(DESTDIR)$(PREFIX)/bin/casedesk; chmod 2755 $(DESTDIR)$(PREFIX)/bin/casedesk"; \
	fi

# Man pages and bash completion (issue 17).  casedesk(1) and casedesk-workflow(5) are
# written by hand in data/man/ (tests/script/t_man.sh holds them to the command table,
# the options, error.h and wf_load.c); casedesk.ini(5) is written by the program from its
# settings table (app/config.c), so it cannot drift.  The footer carries VERSION.
MAN_PAGES := build/man/casedesk.1 build/man/casedesk-enrol.1 build/man/casedesk.ini.5 build/man/casedesk-workflow.5
man: $(MAN_PAGES)
build/man/casedesk.ini.5: casedesk Makefile
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	@CASEDESK_CONFIG=/nonexistent LC_ALL=C.UTF-8 LANGUAGE= ./casedesk config --man \
		| sed '/^\.TH /s/"casedesk"/"casedesk $(VERSION)"/' >$@.part && mv -f $@.part $@
build/man/%: data/man/% Makefile
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	@sed '/^\.TH /s/"casedesk"/"casedesk $(VERSION)"/' $< >$@.part && mv -f $@.part $@

# Installed with the program: man1, man5 and bash-completion's folder under PREFIX.
MANDIR        ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
install: install-docs
install-docs: man
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(COMPLETIONDIR)
	install -m 0644 build/man/casedesk.1 build/man/casedesk-enrol.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 build/man/casedesk.ini.5 build/man/casedesk-workflow.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 data/completion/casedesk $(DESTDIR)$(COMPLETIONDIR)/casedesk

# The Debian package (README, "Installing the Debian package"): debian/ drives Debian's own
# tools over `make install`.  It is built in a copy of this tree under build/deb/ (the files
# git knows, with their uncommitted changes; outside git, the tree without build/ and
# stores), since dpkg-buildpackage cleans its tree first and `make clean` here would take
# build/ with it.  The package is then build/casedesk_VERSION_ARCH.deb, checked by lintian
# (an error fails the target).  Packaging tools missing are installed first.
DEB_TOOLS := debhelper fakeroot dpkg-dev lintian
DEB_ARCH   = $(shell dpkg --print-architecture)
DEB_FILE   = build/casedesk_$(VERSION)_$(DEB_ARCH).deb
deb: deps
	@missing=""; for p in $(DEB_TOOLS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "casedesk: installing missing Debian packages:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y --no-install-recommends $$missing || exit 1; \
	fi
	@test "$$(dpkg-parsechangelog -S Version)" = "$(VERSION)" || \
		{ echo "debian/changelog is at $$(dpkg-parsechangelog -S Version), the Makefile's VERSION is $(VERSION): add a changelog entry (dch -v $(VERSION))"; exit 1; }
	rm -rf build/deb && mkdir -p build/deb/casedesk-$(VERSION)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
			tar --null -T - -cf - | tar -xf - -C build/deb/casedesk-$(VERSION); \
	else \
		tar --anchored --no-wildcards-match-slash --exclude=./build --exclude=./casedesk --exclude=./casedesk-enrol \
			--exclude='./*.casedesk*' -cf - . | \
			tar -xf - -C build/deb/casedesk-$(VERSION); \
	fi
	cd build/deb/casedesk-$(VERSION) && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" \
		nice dpkg-buildpackage -us -uc -b >../build.log 2>&1 || { tail -30 ../build.log; exit 1; }
	mv -f build/deb/casedesk_$(VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "built $(DEB_FILE) ($$(du -k $(DEB_FILE) | cut -f1) kB); the build's log is build/deb/build.log"
	lintian --fail-on error $(DEB_FILE)

clean:
	rm -rf build casedesk casedesk-enrol

-include $(shell find build -name '*.d' 2>/dev/null)

# The column layout lives with the screens (screens/columns.c) but speaks no curses: its
# unit test links it beside the library.
build/asan/tests/unit/test_columns: build/asan/tests/unit/test_columns.o build/asan/screens/columns.o build/asan/libcasedesk.a
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS) $(INI_LIBS) $(CMOCKA_LIBS) -lm
