# hnsim - High Needs Block Monte Carlo engine.
#
#   make run    install missing packages, build, run the default scenario
#   make test   build and run every test
#   make asan   the tests and full runs under AddressSanitizer + UBSan
#   make valgrind  the tests and full runs under valgrind (leaks are errors)
#   make fuzz   the scenario loader under libFuzzer for FUZZ_SECONDS (clang);
#               FUZZ_TARGET=workbook fuzzes the workbook writer instead; FUZZ_CMP=0
#               builds without comparison tracing (faster, in build/fuzz-edges/)
#   make keys   rewrite docs/keys.md and tests/fuzz/scenario.dict from the key tables
#   make install   the binary, the manual page and the scenario library under
#               PREFIX (default /usr/local; DESTDIR is honoured); make uninstall
#
# Libraries come from Debian's packages through pkg-config; scripts/install-deps.sh
# installs them when pkg-config cannot find them. Nothing is vendored.

CC      ?= gcc
BUILD   ?= build
# `make MPI=1`: the MPI-enabled binary (Open MPI's mpicc, engine/base/par.c with HN_MPI) in
# its own folder, build-mpi/, so that its objects never mix with the plain build's.
MPI     ?= 0
ifeq ($(MPI),1)
CC      := mpicc
BUILD   := build-mpi
MPI_CFLAGS := -DHN_MPI
endif
PKGS    := gsl xlsxwriter inih
TESTPKG := cmocka
SCENARIO ?= scenarios/bromley_ap_5yr.ini

WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow -Wformat=2
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# -O3: decisions P21 (no floating-point reassociation: the same figures as -O2).
OPT     ?= -O3 -g
# Recursively expanded on purpose: pkg-config runs when a recipe needs the
# flags, i.e. after `deps` has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm -lpthread
TEST_CFLAGS = $(shell pkg-config --cflags $(TESTPKG))
TEST_LIBS   = $(shell pkg-config --libs $(TESTPKG))
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Iengine -Ioutput -Icli $(MPI_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)

ENGINE_SRC := $(sort $(wildcard engine/*/*.c))
OUTPUT_SRC := $(sort $(wildcard output/*.c))
CLI_SRC    := $(sort $(wildcard cli/*.c))
TEST_SRC   := $(sort $(wildcard tests/test_*.c))
LIB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(ENGINE_SRC) $(OUTPUT_SRC))
CLI_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
TEST_BIN   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TEST_SUPPORT := $(BUILD)/tests/support/testutil.o

.PHONY: all run test test-mpi deps asan valgrind full-runs clean bench format-check fuzz fuzz-toolchain golden format \
        install uninstall keys
# Keep test objects: they are not throw-away intermediates.
.SECONDARY:

all: $(BUILD)/hnsim

# Install missing build packages only when pkg-config cannot find them (or
# the workbook reader or `man`, which the tests use, is missing).
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || \
	    ! command -v man >/dev/null 2>&1 || \
	    ! pkg-config --exists $(PKGS) $(TESTPKG) || \
	    ! /usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1; then \
		scripts/install-deps.sh; \
	fi
	@if [ "$(MPI)" = 1 ] && { ! command -v mpicc >/dev/null 2>&1 || \
	    ! command -v mpirun >/dev/null 2>&1; }; then \
		scripts/install-deps.sh --mpi; \
	fi

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libhnsim.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/hnsim: $(CLI_OBJ) $(BUILD)/libhnsim.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libhnsim.a $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_SUPPORT) $(BUILD)/libhnsim.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT) $(BUILD)/libhnsim.a $(PKG_LIBS) $(TEST_LIBS)

# The main job: build, run the default scenario, write its workbook.
run: $(BUILD)/hnsim
	$(BUILD)/hnsim run $(SCENARIO) -o $(BUILD)/$(basename $(notdir $(SCENARIO))).xlsx

# Every test: the cmocka suites, then the end-to-end scripts; one summary line.
test: $(BUILD)/hnsim $(TEST_BIN) $(BUILD)/fuzz-replay $(BUILD)/fuzz-replay-workbook $(BUILD)/keys-doc
	@BUILD=$(BUILD) scripts/run-tests.sh $(TEST_BIN)

# The MPI tests (tests/mpi/e2e_mpi.sh, not part of `make test`): builds the plain binary
# and the MPI one (build-mpi/), then checks that `mpirun -n 2` and `-n 3` write what one
# process writes, byte for byte, and that a failure on any process ends them all alike.
test-mpi: $(BUILD)/hnsim
	$(MAKE) MPI=1 build-mpi/hnsim
	HNSIM=$(BUILD)/hnsim HNSIM_MPI=build-mpi/hnsim tests/mpi/e2e_mpi.sh

# `make install PREFIX=/usr/local DESTDIR=`: the binary to PREFIX/bin, the
# manual page to PREFIX/share/man/man1 (its /usr/local paths made PREFIX's),
# and the scenario library with its README (and the history files its
# scenarios name, *.csv) to PREFIX/share/hnsim/scenarios, all under DESTDIR when it is set (a staging folder for packaging).
# `make uninstall` (with the same PREFIX and DESTDIR) removes exactly those
# files and then the folders under share/hnsim that are left empty; bin and
# share/man/man1 stay, as other programs share them. tests/e2e_install.sh
# checks that the two leave a prefix as they found it.
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL_BIN  = $(DESTDIR)$(PREFIX)/bin
INSTALL_MAN  = $(DESTDIR)$(PREFIX)/share/man/man1
INSTALL_DATA = $(DESTDIR)$(PREFIX)/share/hnsim
LIBRARY_FILES := scenarios/README.md \
                 $(sort $(wildcard scenarios/*.ini scenarios/*/*.ini scenarios/*/*.csv))
# The library's folders, each after the folders inside it (rmdir's order).
LIBRARY_DIRS  := $(sort $(patsubst %/,%,$(dir $(wildcard scenarios/*/*.ini)))) scenarios

install: $(BUILD)/hnsim
	install -d $(INSTALL_BIN) $(INSTALL_MAN) $(addprefix $(INSTALL_DATA)/,$(LIBRARY_DIRS))
	install -m 755 $(BUILD)/hnsim $(INSTALL_BIN)/hnsim
	sed 's|/usr/local/share/hnsim|$(PREFIX)/share/hnsim|g' docs/hnsim.1 >$(INSTALL_MAN)/hnsim.1
	chmod 644 $(INSTALL_MAN)/hnsim.1
	@for f in $(LIBRARY_FILES); do \
		install -m 644 "$$f" "$(INSTALL_DATA)/$$f" || exit 1; \
	done
	@echo "installed $(INSTALL_BIN)/hnsim, $(INSTALL_MAN)/hnsim.1 and $(INSTALL_DATA)/scenarios"

uninstall:
	rm -f $(INSTALL_BIN)/hnsim $(INSTALL_MAN)/hnsim.1 $(addprefix $(INSTALL_DATA)/,$(LIBRARY_FILES))
	@for d in $(addprefix $(INSTALL_DATA)/,$(LIBRARY_DIRS)) $(INSTALL_DATA); do \
		[ ! -d "$$d" ] || rmdir "$$d" 2>/dev/null || echo "uninstall: kept $$d: it holds other files"; \
	done

# The key reference and the fuzz dictionary come from the key tables
# (engine/scenario/scenario_keys.h) through tests/keys_doc.c: `make keys`
# rewrites them; tests/e2e_keys.sh (make test) fails when they are out of step.
$(BUILD)/keys-doc: $(BUILD)/tests/keys_doc.o $(BUILD)/libhnsim.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libhnsim.a $(PKG_LIBS)

keys: $(BUILD)/keys-doc
	$(BUILD)/keys-doc md >$(BUILD)/keys.md && mv $(BUILD)/keys.md docs/keys.md
	$(BUILD)/keys-doc dict >$(BUILD)/scenario.dict && mv $(BUILD)/scenario.dict tests/fuzz/scenario.dict

# `make asan` and `make valgrind`: the whole test suite, then full runs of the
# default scenario (full-runs), with zero reports: any ASan/UBSan report
# aborts (-fno-sanitize-recover), any valgrind error or definite leak exits 1.
SAN_ITERATIONS ?= 2000
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect

asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	  EXTRA_CFLAGS='-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all' \
	  EXTRA_LDFLAGS='-fsanitize=address,undefined' test full-runs

valgrind: $(BUILD)/hnsim $(TEST_BIN) $(BUILD)/fuzz-replay $(BUILD)/fuzz-replay-workbook $(BUILD)/keys-doc
	@command -v valgrind >/dev/null 2>&1 || scripts/install-deps.sh --valgrind
	@BUILD=$(BUILD) HN_WRAP='$(VALGRIND)' scripts/run-tests.sh $(TEST_BIN)
	$(MAKE) full-runs HN_WRAP='$(VALGRIND)' SAN_ITERATIONS=$(SAN_ITERATIONS)

# Full runs of the default scenario through the command line, as a user makes
# them: a Monte Carlo workbook and CSV and a deterministic run. HN_WRAP prefixes
# each (valgrind); under `make asan` the binary itself is instrumented.
full-runs: $(BUILD)/hnsim
	$(HN_WRAP) $(BUILD)/hnsim run $(SCENARIO) --iterations $(SAN_ITERATIONS) -q -o $(BUILD)/full-run.xlsx
	$(HN_WRAP) $(BUILD)/hnsim run $(SCENARIO) --iterations $(SAN_ITERATIONS) --threads 2 -q -o $(BUILD)/full-run.csv
	$(HN_WRAP) $(BUILD)/hnsim run $(SCENARIO) --deterministic -o $(BUILD)/full-run-det.xlsx
	$(HN_WRAP) $(BUILD)/hnsim check $(SCENARIO) >/dev/null
	$(HN_WRAP) $(BUILD)/hnsim compare scenarios/bromley_ap/baseline.ini scenarios/bromley_ap/plan.ini --iterations $(SAN_ITERATIONS) -q -o $(BUILD)/full-compare.xlsx
	$(HN_WRAP) $(BUILD)/hnsim compare scenarios/bromley_ap/baseline.ini scenarios/bromley_ap/plan.ini --iterations $(SAN_ITERATIONS) --sampling lhs -q -o $(BUILD)/full-compare.csv
	$(HN_WRAP) $(BUILD)/hnsim solve $(SCENARIO) --vary cost.new_posts.amount --target 'net_cost:all <= 20500000' --iterations $(SAN_ITERATIONS) -q >/dev/null

# The fuzz targets replayed over saved inputs under gcc's sanitizers
# (tests/e2e_fuzz_replay.sh): their own objects, so plain `make test` needs no clang.
# fuzz_scenario: the loader; fuzz_workbook: the workbook writer (XML checked).
SAN_FLAGS  := -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all \
              -fno-omit-frame-pointer
FUZZ_SRC   := tests/fuzz/fuzz_scenario.c tests/fuzz/fuzz_files.c
FUZZ_WB_SRC := tests/fuzz/fuzz_workbook.c tests/fuzz/xml_check.c tests/fuzz/fuzz_files.c
FUZZ_INC   := -Iengine -Ioutput -Itests/fuzz
REPLAY_OBJ := $(patsubst %.c,$(BUILD)/san/%.o,$(ENGINE_SRC) $(FUZZ_SRC) tests/fuzz/replay.c)
REPLAY_WB_OBJ := $(patsubst %.c,$(BUILD)/san/%.o,$(ENGINE_SRC) $(OUTPUT_SRC) $(FUZZ_WB_SRC) \
                 tests/fuzz/replay.c)

$(BUILD)/san/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN_FLAGS) $(FUZZ_INC) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/fuzz-replay: $(REPLAY_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/fuzz-replay-workbook: $(REPLAY_WB_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS)

# libFuzzer (clang, Debian's libclang-rt-14-dev): `make fuzz FUZZ_SECONDS=600 FUZZ_JOBS=2`.
# scripts/fuzz.sh seeds the corpus and reports; crashes land in $(BUILD)/fuzz/artifacts/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# FUZZ_CMP=0: edge coverage only, without libFuzzer's comparison tracing (which takes about
# half of each execution): more executions an hour on the same sanitizers, fewer clues for
# cracking comparisons (the dictionary still gives the keys). Its objects live apart.
FUZZ_CMP     ?= 1
ifeq ($(FUZZ_CMP),0)
FUZZ_COV     := -fsanitize-coverage=inline-8bit-counters,pc-table
FUZZ_DIR     := $(BUILD)/fuzz-edges
else
FUZZ_COV     := -fsanitize=fuzzer-no-link
FUZZ_DIR     := $(BUILD)/fuzz
endif
# clang, unlike gcc, warns when a brace list nested in a designated initializer leaves its
# trailing fields zero (output/compare_rows.c's rows do so on purpose): not a fault to stop on.
FUZZ_WARN    := -Wno-missing-field-initializers
FUZZ_TARGET  ?= scenario
FUZZ_OBJ     := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(ENGINE_SRC) $(FUZZ_SRC))
FUZZ_WB_OBJ  := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(ENGINE_SRC) $(OUTPUT_SRC) $(FUZZ_WB_SRC))

fuzz-toolchain:
	@scripts/fuzz.sh --check-toolchain "$(FUZZ_CC)"

$(FUZZ_DIR)/obj/%.o: %.c | deps fuzz-toolchain
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) $(FUZZ_WARN) -O1 -g $(FUZZ_COV) $(FUZZ_FLAGS) $(FUZZ_INC) \
	  $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_scenario: $(FUZZ_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_FLAGS) -o $@ $^ $(PKG_LIBS)

$(FUZZ_DIR)/fuzz_workbook: $(FUZZ_WB_OBJ)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_FLAGS) -o $@ $^ $(PKG_LIBS)

fuzz: $(FUZZ_DIR)/fuzz_$(FUZZ_TARGET)
	scripts/fuzz.sh $(FUZZ_DIR)/fuzz_$(FUZZ_TARGET) $(FUZZ_SECONDS) $(FUZZ_JOBS)

# Regenerate the pinned numbers under tests/golden/ (scripts/golden.sh): run it
# only when a change moves the numbers on purpose, and say why in the commit.
golden: $(BUILD)/hnsim
	HNSIM=$(BUILD)/hnsim scripts/golden.sh write

bench: $(BUILD)/hnsim
	scripts/bench.sh

# The C sources against .clang-format: `make format-check` fails when
# formatting would change a file (CI runs it); `make format` applies it.
format-check:
	@scripts/format-check.sh

format:
	@scripts/format-check.sh --fix

clean:
	rm -rf build build-asan build-mpi

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
