# Atelier: the two commands of the README, plus a few for developers.
#   make run    install what is missing, build, start the demo shop
#   make test   install what is missing, build, run every test
#   make test-sanitize   the same suite built with ASan + UBSan
BUILD_DIR ?= build
SAN_BUILD_DIR ?= build-asan
PORT ?= 8080
DATA_DIR ?= data/demo
JOBS ?= $(shell nproc)
# ccache keys on paths relative to the checkout and leaves the build
# directory out of the key, so every clone on a machine (CI's fresh ones
# included) reuses what another already compiled. (Debug info then names
# the first clone's build directory as its compilation directory.)
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all deps build web run test bench clean build-sanitize test-sanitize

all: build

deps:
	@scripts/setup-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD_DIR)/build.ninja web
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The storefront: npm ci only when the lock file changed since the last install.
web: deps
	@cd web && if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	cd web && npm run --silent build

run: build
	$(BUILD_DIR)/bin/atelier serve --demo --port $(PORT) --data-dir $(DATA_DIR)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

# The whole suite (browser and PostgreSQL tests included) under AddressSanitizer
# + UndefinedBehaviorSanitizer, in its own build directory: -O1 with asserts on,
# line tables only (-g1: reports name function, file and line; full debug info
# would double the build's time), no benchmarks. Any memory error, undefined behaviour or leak aborts the process
# it happens in, and so fails its test. Processes the tests start (the atelier
# binary, servers) inherit these settings. scripts/lsan.supp lists the only leaks
# tolerated: third-party ones, each with its reason.
$(SAN_BUILD_DIR)/build.ninja:
	cmake -S . -B $(SAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DATELIER_SANITIZE=ON -DATELIER_BUILD_BENCH=OFF

build-sanitize test-sanitize: export ASAN_OPTIONS = detect_leaks=1:halt_on_error=1:abort_on_error=0:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1
build-sanitize test-sanitize: export UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1
build-sanitize test-sanitize: export LSAN_OPTIONS = suppressions=$(CURDIR)/scripts/lsan.supp:print_suppressions=0

build-sanitize: deps $(SAN_BUILD_DIR)/build.ninja web
	cmake --build $(SAN_BUILD_DIR) -j $(JOBS)

test-sanitize: build-sanitize
	cd $(SAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 1800

bench: build
	scripts/setup-deps --bench
	bench/run-all

# libFuzzer targets (fuzz/, FUZZING.md) built with clang + ASan + UBSan in
# their own build directory, each run for FUZZ_SECONDS after replaying its
# past crashes; fails when any target crashes and prints the input's path.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_PARALLEL ?= 2
.PHONY: fuzz fuzz-deps

fuzz-deps: deps
	@scripts/setup-deps --fuzz

$(FUZZ_BUILD_DIR)/build.ninja: | fuzz-deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DATELIER_FUZZ=ON -DATELIER_BUILD_TESTS=OFF -DATELIER_BUILD_BENCH=OFF

fuzz: fuzz-deps $(FUZZ_BUILD_DIR)/build.ninja
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzzers
	fuzz/run $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $(FUZZ_PARALLEL)

clean:
	rm -rf $(BUILD_DIR)
