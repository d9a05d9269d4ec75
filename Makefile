# The two commands of the README. Everything slow (Debian packages, npm packages, the llama.cpp
# build) is installed once by scripts/setup and cached outside the work tree.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
CONFIG ?= config/switchyard.yaml
JOBS ?= $(shell nproc)

.PHONY: all setup setup-server configure configure-server build build-server demo-model run test bench clean

all: build

# Everything: the server, every test, fuzz corpus and benchmark, and the npm packages of the
# end-to-end tests and benchmarks.
setup:
	@scripts/setup

configure: setup
	@cmake --preset $(PRESET) -DCMAKE_PREFIX_PATH="$$(scripts/setup-llama)" -DSWITCHYARD_REQUIRE_E2E=ON >/dev/null

build: configure
	@cmake --build --preset $(PRESET) -j $(JOBS)

# Only what `make run` serves: the switchyard binary, without npm packages, tests or benchmarks.
setup-server:
	@SWITCHYARD_SKIP_NPM=1 scripts/setup

configure-server: setup-server
	@cmake --preset $(PRESET) -DCMAKE_PREFIX_PATH="$$(scripts/setup-llama)" -DSWITCHYARD_REQUIRE_E2E=OFF >/dev/null

build-server: configure-server
	@cmake --build --preset $(PRESET) -j $(JOBS) --target switchyard

# The demo model is trained here from data/faq (a few minutes the first time, then cached in
# ~/.cache/switchyard/models, keyed by the data and the code that makes it).
demo-model: build-server
	@scripts/demo-model $(BUILD_DIR)/switchyard

run: demo-model
	exec $(BUILD_DIR)/switchyard serve --config $(CONFIG)

test: build
	ctest --preset $(PRESET) --timeout 300

bench: build
	bench/gateway_overhead.sh
	bench/local_engine.sh

clean:
	rm -rf build
