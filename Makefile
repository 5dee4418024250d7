# Storefront: build, run, test, bench, install.
#   make            build cgi-bin/storefront.fcgi, cgi-bin/admin.cgi, bin/storefront
#   make run        install missing packages, build, serve the demo store (PORT=8080)
#   make test       install missing packages, build, run every test (and
#                   scan-check: some of them against the DEBUG=1 build)
#                   but the long suites, which `make test-long` runs
#   make test SAN=1 the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make ci         what CI runs (.ci/run): make test, test-long, valgrind
#   make bench      benchmarks (ratios measured in one run)
#   make install    PREFIX=/usr/local SYSCONFDIR=/etc/storefront
#                   STATEDIR=/var/lib/storefront DESTDIR=   (make uninstall)
#
# CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS are the user's (`make CFLAGS=-O1`);
# the flags the code needs are SF_CFLAGS, always added. WERROR=1 adds
# -Werror: the default in a git checkout (developers, CI), off in a
# release tarball, so a newer compiler's new warning does not stop an
# install. BUILD names the object directory.

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc/storefront
STATEDIR ?= /var/lib/storefront
DESTDIR ?=
PORT ?= 8080
SAN ?= 0
DEBUG ?= 0
WERROR ?= $(if $(wildcard .git),1,0)

PKG_CONFIG ?= pkg-config
PKGS := fcgi sqlite3 mujs libcjson libcurl libargon2 libseccomp libcmark zlib
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# The Debian package of each, for the message when one is missing.
DEB_fcgi := libfcgi-dev
DEB_sqlite3 := libsqlite3-dev
DEB_mujs := libmujs-dev
DEB_libcjson := libcjson-dev
DEB_libcurl := libcurl4-openssl-dev
DEB_libargon2 := libargon2-dev
DEB_libseccomp := libseccomp-dev
DEB_libcmark := libcmark-dev
# libvips: only bin/storefront-image (src/main_image.c) links it; the
# image work runs there, in a child with rlimits, never in a worker.
IMG_PKGS := vips
IMG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(IMG_PKGS) 2>/dev/null)
IMG_LIBS := $(shell $(PKG_CONFIG) --libs $(IMG_PKGS) 2>/dev/null)
DEB_vips := libvips-dev
DEB_zlib := zlib1g-dev

CC ?= cc
CFLAGS ?= -O2 -g
SF_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
	-Wshadow -Wformat=2 -Wno-format-truncation -fno-strict-aliasing $(PKG_CFLAGS)
ifeq ($(WERROR),1)
SF_CFLAGS += -Werror
endif
SF_LIBS := $(PKG_LIBS) -lresolv -lm

ifeq ($(SAN),1)
BUILD := build/san
MODE_CFLAGS := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
MODE_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(DEBUG),1)
BUILD := build/debug
MODE_CFLAGS := -O0 -DSF_DEBUG=1
else
BUILD := build/rel
endif
MODE_CFLAGS_PLAIN := $(MODE_CFLAGS)

# The mode's flags come last: SAN=1 and DEBUG=1 pick their own -O.
ALL_CFLAGS = $(SF_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(MODE_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(MODE_LDFLAGS)
ALL_LDLIBS = $(SF_LIBS) $(LDLIBS)
# Header dependencies: each compile writes its .d file beside its output.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@

PROGS_SRC := src/main_storefront.c src/main_admin.c src/main_cli.c src/main_image.c
# The vibe engine (src/vibe/, see src/vibe/README.md) is its own archive,
# libvibe.a, compiled with only its own headers and the shared helpers'
# (VIBE_SHARED: modules of src/ that include nothing but libc and each
# other; copied to build/vibe-shared) on the include path: an #include of
# db.h, http.h, config.h or log.h from the engine does not compile. The
# shared helpers' objects are in libvibe.a, so it links on its own
# (make vibe-boundary checks both). Everything else sees -Isrc -Isrc/vibe.
VIBE_SHARED := util html text money
VIBE_SRC := $(wildcard src/vibe/*.c) $(VIBE_SHARED:%=src/%.c)
VIBE_OBJ := $(VIBE_SRC:src/%.c=$(BUILD)/%.o)
VIBE_H := $(wildcard src/vibe/*.h) $(VIBE_SHARED:%=build/vibe-shared/%.h)
VIBE_INC := -Isrc/vibe -Ibuild/vibe-shared
LIB_SRC := $(filter-out $(PROGS_SRC) $(VIBE_SRC),$(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
LIBS_A := $(BUILD)/libstorefront.a $(BUILD)/libvibe.a
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

PROGS := cgi-bin/storefront.fcgi cgi-bin/admin.cgi bin/storefront bin/storefront-image
BUILD_PROGS := $(BUILD)/storefront.fcgi $(BUILD)/admin.cgi $(BUILD)/storefront $(BUILD)/storefront-image

.PHONY: editor dist test-long all programs deps-build deps-run deps-test deps-test-long deps-bench run test ci unit unit-bins \
	valgrind scan-check integration browser pytests fuzz fuzz-smoke vibe-boundary test262 test262-fast bench \
	install uninstall clean pkg-check bench-bins FORCE

all: $(PROGS)

# The programs in $(BUILD) only, without copying them to cgi-bin/ and bin/.
programs: $(BUILD_PROGS)

deps-build: ; @sh scripts/deps.sh build
deps-run: ; @sh scripts/deps.sh run
deps-test: ; @sh scripts/deps.sh test
deps-test-long: ; @sh scripts/deps.sh test-long
deps-bench: ; @sh scripts/deps.sh bench

# Every compile waits for this: a missing library is named once, with the
# package to install, instead of a cascade of errors about its headers.
PKG_MISSING := $(shell command -v $(PKG_CONFIG) >/dev/null 2>&1 && \
	for p in $(PKGS) $(IMG_PKGS); do $(PKG_CONFIG) --exists $$p || echo $$p; done)
pkg-check:
ifeq ($(shell command -v $(PKG_CONFIG) 2>/dev/null),)
	@echo "make: $(PKG_CONFIG) is not installed. Run:" >&2
	@echo "  sudo apt-get install -y pkg-config   (or as root: sh scripts/deps.sh build)" >&2
	@exit 1
else ifneq ($(PKG_MISSING),)
	@echo "make: missing libraries (pkg-config cannot find: $(PKG_MISSING)). Run:" >&2
	@echo "  sudo apt-get install -y $(foreach p,$(PKG_MISSING),$(or $(DEB_$(p)),$(p)))   (or as root: sh scripts/deps.sh build)" >&2
	@exit 1
endif

# Rebuild when the flags change (CFLAGS=-O1 after a plain make, WERROR):
# $(BUILD)/flags holds the command line of the last build and is remade,
# making every object out of date, only when it differs (so `make -n`
# tells the truth). config.o also depends on the install paths compiled
# into it ($(BUILD)/paths).
PATH_DEFS := -DSF_SHARE_DIR='"$(PREFIX)/share/storefront"' \
	-DSF_SYSCONF_DIR='"$(SYSCONFDIR)"' -DSF_STATE_DIR='"$(STATEDIR)"'
FLAGS_LINE = $(subst ',,$(strip $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(ALL_LDLIBS)))
PATHS_LINE = $(subst ',,$(strip $(PREFIX) $(SYSCONFDIR) $(STATEDIR)))
ifneq ($(shell cat $(BUILD)/flags 2>/dev/null),$(FLAGS_LINE))
$(BUILD)/flags: FORCE
endif
ifneq ($(shell cat $(BUILD)/paths 2>/dev/null),$(PATHS_LINE))
$(BUILD)/paths: FORCE
endif
$(BUILD)/flags:
	@mkdir -p $(dir $@)
	@echo '$(FLAGS_LINE)' > $@
$(BUILD)/paths:
	@mkdir -p $(dir $@)
	@echo '$(PATHS_LINE)' > $@
$(BUILD)/config.o: $(BUILD)/paths
$(BUILD)/config.o: OBJ_DEFS = $(PATH_DEFS)
$(BUILD)/main_image.o: OBJ_DEFS = $(IMG_CFLAGS)

$(BUILD)/%.o: src/%.c $(BUILD)/flags | pkg-check
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(OBJ_DEFS) $(DEPFLAGS) -Isrc -Isrc/vibe -c -o $@ $<

$(BUILD)/libstorefront.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(VIBE_SHARED:%=build/vibe-shared/%.h): build/vibe-shared/%.h: src/%.h
	@mkdir -p $(dir $@)
	@cp $< $@
$(BUILD)/vibe/%.o: src/vibe/%.c $(BUILD)/flags | pkg-check $(VIBE_H)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(VIBE_INC) -c -o $@ $<
$(BUILD)/libvibe.a: $(VIBE_OBJ)
	@rm -f $@
	@ar rcs $@ $^

# The boundary: no engine file names a header from outside (tests/unit/
# vibe_boundary.sh), and libvibe.a links with only its own libraries.
VIBE_LIBS := $(shell pkg-config --libs mujs libcjson libseccomp 2>/dev/null) -lm
vibe-boundary: $(BUILD)/libvibe.a
	@sh tests/unit/vibe_boundary.sh
	@echo 'int main(void) { return 0; }' > $(BUILD)/vibe-link.c
	@$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $(BUILD)/vibe-link $(BUILD)/vibe-link.c \
		-Wl,--whole-archive $(BUILD)/libvibe.a -Wl,--no-whole-archive $(VIBE_LIBS) \
		|| { echo "vibe-boundary: libvibe.a needs symbols from outside the engine"; exit 1; }
	@echo "vibe-boundary: ok"

$(BUILD)/storefront.fcgi: $(BUILD)/main_storefront.o $(LIBS_A)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
$(BUILD)/admin.cgi: $(BUILD)/main_admin.o $(LIBS_A)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
$(BUILD)/storefront: $(BUILD)/main_cli.o $(LIBS_A)
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)
# The image helper: libc and libvips only (not the library: it decodes
# untrusted files and needs nothing else). Never built with the
# sanitizers: it runs under an address-space rlimit (media_helper_mem)
# that ASan's shadow memory cannot fit in.
$(BUILD)/main_image.o $(BUILD)/storefront-image: MODE_CFLAGS = $(if $(filter 1,$(SAN)),-O1,$(MODE_CFLAGS_PLAIN))
$(BUILD)/storefront-image: MODE_LDFLAGS =
$(BUILD)/storefront-image: $(BUILD)/main_image.o
	@echo "  LD      $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(IMG_LIBS) $(LDLIBS)

# The installed names always hold the build of the last make (plain or SAN=1).
cgi-bin/storefront.fcgi: $(BUILD)/storefront.fcgi FORCE
	@mkdir -p cgi-bin; cmp -s $< $@ || cp $< $@
cgi-bin/admin.cgi: $(BUILD)/admin.cgi FORCE
	@mkdir -p cgi-bin; cmp -s $< $@ || cp $< $@
bin/storefront: $(BUILD)/storefront FORCE
	@mkdir -p bin; cmp -s $< $@ || cp $< $@
bin/storefront-image: $(BUILD)/storefront-image FORCE
	@mkdir -p bin; cmp -s $< $@ || cp $< $@

$(BUILD)/tests/%: tests/unit/%.c $(LIBS_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Isrc -Isrc/vibe $(ALL_LDFLAGS) -o $@ $< $(LIBS_A) $(ALL_LDLIBS)

# Fuzz harnesses (libFuzzer, clang): `make fuzz FUZZ_SECONDS=60` explores;
# `make fuzz-smoke` (part of make test) replays the seeds plus a few
# thousand mutations of each, as a regression check. New inputs go to
# build/fuzz/ (the first corpus directory), never into the tracked seeds.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_OBJ := $(LIB_SRC:src/%.c=build/fuzz/obj/%.o) $(VIBE_SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ_CFLAGS := -g -O1 -std=c11 -D_GNU_SOURCE $(PKG_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
	$(PATH_DEFS)
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 4000

FUZZ_LINE = $(subst ',,$(strip $(FUZZ_CFLAGS) $(SF_LIBS)))
ifneq ($(shell cat build/fuzz/flags 2>/dev/null),$(FUZZ_LINE))
build/fuzz/flags: FORCE
endif
build/fuzz/flags:
	@mkdir -p $(dir $@)
	@echo '$(FUZZ_LINE)' > $@

build/fuzz/obj/%.o: src/%.c build/fuzz/flags | pkg-check
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@clang $(FUZZ_CFLAGS) $(DEPFLAGS) -Isrc -Isrc/vibe -c -o $@ $<
build/fuzz/obj/vibe/%.o: src/vibe/%.c build/fuzz/flags | pkg-check $(VIBE_H)
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@clang $(FUZZ_CFLAGS) $(DEPFLAGS) $(VIBE_INC) -c -o $@ $<
build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@echo "  LD      $@"
	@clang $(FUZZ_CFLAGS) $(DEPFLAGS) -Isrc -Isrc/vibe -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(SF_LIBS)

.SECONDARY: $(FUZZ_OBJ)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; mkdir -p build/fuzz/corpus/$$n; \
		echo "== $$f ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus/$$n tests/fuzz/corpus/$$n || exit 1; done

fuzz-smoke: $(FUZZ_BIN)
	@pass=0; for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; \
		rm -rf build/fuzz/smoke/$$n; mkdir -p build/fuzz/smoke/$$n; \
		if FUZZ_SMOKE=1 $$f -runs=$(FUZZ_RUNS) -max_len=16384 -seed=1 build/fuzz/smoke/$$n tests/fuzz/corpus/$$n >build/fuzz/$$n.log 2>&1; \
		then pass=$$((pass + 1)); else echo "FAIL: $$f (see build/fuzz/$$n.log)"; tail -30 build/fuzz/$$n.log; exit 1; fi; done; \
		echo "fuzz: $$pass passed, 0 failed"

# test262: the ES2015 lowering against the official suite's subset in
# ../shared/test262 (TEST262=DIR to point elsewhere). `make test262` runs it
# all and prints the table; `make test262-fast` (part of make test) runs
# every 5th test. Both fail on a failure not listed in known-mujs.txt.
TEST262 ?= $(firstword $(wildcard ../shared/test262 ../../shared/test262) ../shared/test262)
T262_BIN := $(BUILD)/tests/run262
T262_ARGS := --root $(TEST262) --known tests/test262/known-mujs.txt --min 97

$(T262_BIN): tests/test262/run262.c $(BUILD)/libvibe.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(VIBE_INC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libvibe.a $(ALL_LDLIBS)

test262: $(T262_BIN)
	@$(T262_BIN) $(T262_ARGS)

test262-fast: $(T262_BIN)
	@if [ -d $(TEST262)/test ]; then $(T262_BIN) $(T262_ARGS) --every 5 >$(BUILD)/test262-fast.txt; \
		rc=$$?; if [ $$rc = 0 ]; then tail -3 $(BUILD)/test262-fast.txt; else cat $(BUILD)/test262-fast.txt; fi; exit $$rc; \
		else echo "test262: $(TEST262) not found, skipped"; fi

unit-bins: $(UNIT_BIN) ; @:
unit: unit-bins vibe-boundary
	@sh tests/unit/run.sh $(UNIT_BIN)

# The unit tests under valgrind's memcheck (uninitialised reads, invalid
# accesses, definite leaks), on the plain build: part of `make ci`.
VG_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/rel/tests/%)
valgrind:
	@$(MAKE) --no-print-directory SAN=0 DEBUG=0 BUILD=build/rel unit-bins
	@VALGRIND=1 sh tests/unit/run.sh $(VG_UNIT_BIN)

# The debug build warns of every statement whose query plan scans a whole
# table (db.c, SF_DEBUG); these tests, run against build/debug, fail on
# any such warning (tests/integration/stack.py). Part of `make test`.
SCAN_TESTS ?= test_access_matrix.py test_storefront.py test_admin.py test_cart.py test_vibe_contract.py \
	test_merchant.py test_orders_admin.py test_delivery.py test_seo.py test_blog_feeds.py test_search.py test_chat.py test_shopper.py test_customers.py test_page_cache.py
SCAN_TESTS += test_product_type.py
SCAN_TESTS += test_currency.py
scan-check:
	@$(MAKE) --no-print-directory SAN=0 DEBUG=1 programs
	@cd tests && SF_PROGRAM_DIR=build/debug $(PYTEST) $(addprefix integration/,$(SCAN_TESTS))

# Integration and browser tests share one pytest run (one summary line),
# PYTEST_JOBS test files at a time (pytest-xdist, --dist loadfile: a file's
# tests and its servers stay in one process). The tests mostly wait for
# servers, browsers and fakes, so three at a time on two cores roughly
# halve the run; every test starts its own servers on free ports, in its
# own temporary directory. PYTEST_JOBS=0 runs them one after another, as
# the sanitizer build does (SAN=1: two to three times slower, it would
# spend the render budgets' wall-clock time on sharing the CPU).
PYTEST_JOBS ?= $(if $(filter 1,$(SAN)),0,3)
PYTEST = /usr/bin/python3 -m pytest -q -p no:cacheprovider $(if $(filter-out 0,$(PYTEST_JOBS)),-n $(PYTEST_JOBS) --dist loadfile)

integration: $(PROGS)
	@cd tests && SAN=$(SAN) $(PYTEST) integration

browser: $(PROGS)
	@sh tests/browser/run.sh
	@cd tests && SAN=$(SAN) $(PYTEST) browser

# The long suites: every web server really run, the pods behind HAProxy,
# the backup and kill -9 drills, Lighthouse + the Nu checker, the web
# editor's flows in firefox-esr. `make test` leaves them to `make
# test-long` to stay under ten minutes on two cores; CI (.ci/run, make ci)
# runs both. (The web editor and the shopper's store in chromium are in
# `make test`.)
LONG_TESTS := integration/test_webservers.py integration/test_pods.py integration/test_backup.py \
	browser/test_quality.py browser/test_firefox.py
# the assistant's stream through every web server (beside test_webservers)
LONG_TESTS += integration/test_chat_stream_servers.py

pytests: $(PROGS)
	@sh tests/browser/run.sh
	@cd tests && SAN=$(SAN) $(PYTEST) integration browser $(LONG_TESTS:%=--ignore=%)

test-long: deps-test-long
	@$(MAKE) --no-print-directory all editor
	@sh tests/browser/run.sh
	@cd tests && SAN=$(SAN) $(PYTEST) $(LONG_TESTS)

# The web editor's bundle (htdocs/admin/editor.js, scripts/editor.sh):
# built with npm's esbuild and CodeMirror when its sources change.
EDITOR_SRC := $(wildcard editor/src/*.js) editor/package.json editor/package-lock.json
htdocs/admin/editor.js: $(EDITOR_SRC)
	@echo "  ESBUILD $@"
	@sh scripts/editor.sh
editor: htdocs/admin/editor.js

# A release tarball: the tracked files plus the built editor bundle, so a
# host without Node.js installs it as it is (make; make install).
VERSION ?= $(shell git describe --tags --always 2>/dev/null || date +%Y%m%d)
dist: editor
	@rm -rf build/dist && mkdir -p build/dist/storefront-$(VERSION)
	@git ls-files | tar -cf - -T - | tar -xf - -C build/dist/storefront-$(VERSION)
	@cp htdocs/admin/editor.js build/dist/storefront-$(VERSION)/htdocs/admin/
	@touch build/dist/storefront-$(VERSION)/htdocs/admin/editor.js
	@tar -czf storefront-$(VERSION).tar.gz -C build/dist storefront-$(VERSION)
	@echo "dist: storefront-$(VERSION).tar.gz"

run: deps-run
	@$(MAKE) --no-print-directory all editor
	@PORT=$(PORT) sh scripts/run.sh

test: deps-test
	@$(MAKE) --no-print-directory all bench-bins editor
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory test262-fast
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory pytests
	@$(MAKE) --no-print-directory scan-check

# CI (.ci/run): every test with -Werror (make test, then the long suites),
# then the unit tests under valgrind.
ci:
	@$(MAKE) --no-print-directory WERROR=1 test
	@$(MAKE) --no-print-directory WERROR=1 test-long
	@$(MAKE) --no-print-directory WERROR=1 valgrind

$(BUILD)/bench/%: bench/%.c $(LIBS_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -Isrc -Isrc/vibe $(ALL_LDFLAGS) -o $@ $< $(LIBS_A) $(ALL_LDLIBS)

BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
# make test builds them too, so a change that breaks a benchmark fails there.
bench-bins: $(BENCH_BIN) ; @:

bench: deps-bench
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@BUILD=$(BUILD) sh bench/run.sh

# Installs the programs, the tracked files of templates/ sql/ htdocs/ conf/
# (git ls-files; every file of them in a release tarball), a
# storefront.conf in SYSCONFDIR unless there is one, and STATEDIR for the
# database. uninstall removes what install put, except the database and a
# storefront.conf that was edited. See scripts/install.sh.
INSTALL_ENV = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SYSCONFDIR='$(SYSCONFDIR)' STATEDIR='$(STATEDIR)'
install: all editor
	@$(INSTALL_ENV) sh scripts/install.sh install
uninstall:
	@$(INSTALL_ENV) sh scripts/install.sh uninstall

clean:
	rm -rf build $(PROGS)

-include $(wildcard $(BUILD)/*.d $(BUILD)/vibe/*.d $(BUILD)/tests/*.d $(BUILD)/bench/*.d build/fuzz/*.d build/fuzz/obj/*.d build/fuzz/obj/vibe/*.d)
