# Atelier: the two commands of the README, plus a few for developers.
#   make run    install what is missing, build, start the demo shop
#   make test   install what is missing, build, run every test
BUILD_DIR ?= build
PORT ?= 8080
DATA_DIR ?= data/demo
JOBS ?= $(shell nproc)
# ccache keys on paths relative to the checkout and leaves the build
# directory out of the key, so every clone on a machine (CI's fresh ones
# included) reuses what another already compiled. (Debug info then names
# the first clone's build directory as its compilation directory.)
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all deps build web run test bench clean

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

bench: build
	scripts/setup-deps --bench
	bench/run-all

clean:
	rm -rf $(BUILD_DIR)
