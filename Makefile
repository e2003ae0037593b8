# hnsim - High Needs Block Monte Carlo engine.
#
#   make run    install missing packages, build, run the default scenario
#   make test   build and run every test
#   make asan   the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make valgrind  the tests under valgrind (leaks are errors)
#
# Libraries come from Debian's packages through pkg-config; scripts/install-deps.sh
# installs them when pkg-config cannot find them. Nothing is vendored.

CC      ?= gcc
BUILD   ?= build
PKGS    := gsl xlsxwriter inih
TESTPKG := cmocka
SCENARIO ?= scenarios/bromley_ap_5yr.ini

WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow -Wformat=2
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT     ?= -O2 -g
# Recursively expanded on purpose: pkg-config runs when a recipe needs the
# flags, i.e. after `deps` has installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm -lpthread
TEST_CFLAGS = $(shell pkg-config --cflags $(TESTPKG))
TEST_LIBS   = $(shell pkg-config --libs $(TESTPKG))
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Iengine -Ioutput $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)

ENGINE_SRC := $(sort $(wildcard engine/*.c))
OUTPUT_SRC := $(sort $(wildcard output/*.c))
CLI_SRC    := $(sort $(wildcard cli/*.c))
TEST_SRC   := $(sort $(wildcard tests/test_*.c))
LIB_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(ENGINE_SRC) $(OUTPUT_SRC))
CLI_OBJ    := $(patsubst %.c,$(BUILD)/%.o,$(CLI_SRC))
TEST_BIN   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
TEST_SUPPORT := $(BUILD)/tests/support/testutil.o

.PHONY: all run test deps asan valgrind clean bench format-check
# Keep test objects: they are not throw-away intermediates.
.SECONDARY:

all: $(BUILD)/hnsim

# Install missing build packages only when pkg-config cannot find them.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || \
	    ! pkg-config --exists $(PKGS) $(TESTPKG) || \
	    ! /usr/bin/python3 -c 'import openpyxl' >/dev/null 2>&1; then \
		scripts/install-deps.sh; \
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
test: $(BUILD)/hnsim $(TEST_BIN)
	@BUILD=$(BUILD) scripts/run-tests.sh $(TEST_BIN)

asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	  EXTRA_CFLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all' \
	  EXTRA_LDFLAGS='-fsanitize=address,undefined' test

valgrind: $(BUILD)/hnsim $(TEST_BIN)
	@BUILD=$(BUILD) HN_WRAP='valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect' \
	  scripts/run-tests.sh $(TEST_BIN)

bench: $(BUILD)/hnsim
	scripts/bench.sh

format-check:
	@scripts/format-check.sh

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
