# User entry points. Each target installs what it needs first, so that on a
# fresh Debian machine every one is a single command.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build run test bench clean image

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	scripts/run-demo $(BUILD_DIR)/src/pipetrace

test: build
	scripts/run-tests $(BUILD_DIR)

bench: build
	scripts/run-bench $(BUILD_DIR)

# The container image (Dockerfile); says so and fails when no container engine is usable.
image:
	@scripts/build-image

clean:
	rm -rf $(BUILD_DIR)

# Fuzzing and sanitizers (docs/fuzzing.md). Both build with clang: the fuzz
# targets need libFuzzer, and test-asan builds them too so that its closing
# smoke run of every target costs no second build.
FUZZ_BUILD_DIR ?= build-fuzz
ASAN_BUILD_DIR ?= build-asan
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
CLANG_FUZZ_FLAGS = -DCMAKE_CXX_COMPILER=clang++ -DPIPETRACE_FUZZ=ON -DPIPETRACE_BENCH=OFF

.PHONY: fuzz fuzz-smoke fuzz-build test-asan

$(FUZZ_BUILD_DIR)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja $(CLANG_FUZZ_FLAGS) -DPIPETRACE_TESTS=OFF

fuzz-build: deps $(FUZZ_BUILD_DIR)/build.ninja
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzz_all

fuzz: fuzz-build
	scripts/run-fuzz $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	FUZZ_SEED=1 scripts/run-fuzz $(FUZZ_BUILD_DIR) $(FUZZ_SMOKE_SECONDS)

$(ASAN_BUILD_DIR)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja $(CLANG_FUZZ_FLAGS) -DPIPETRACE_SANITIZE=ON \
	  -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only"

test-asan: deps $(ASAN_BUILD_DIR)/build.ninja
	cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)
	scripts/run-asan-tests $(ASAN_BUILD_DIR)
	FUZZ_SEED=1 scripts/run-fuzz $(ASAN_BUILD_DIR) $(FUZZ_SMOKE_SECONDS)
