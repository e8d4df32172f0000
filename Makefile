# Omniline: `make run` and `make test` are the two set-up commands (see README.md).
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build/asan
JOBS ?= 2
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_DIR ?= $(HOME)/.cache/ccache
# Let clones at other paths (CI's fresh clone) reuse the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
LISTEN ?= 127.0.0.1:8080
DATA_DIR ?= ./data

.PHONY: deps build build-asan run test fuzz bench-store bench bench-reads format clean

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOMNILINE_WEB_TESTS=ON

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)
	@bash scripts/build-web.sh $(BUILD)/web

$(ASAN_BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DOMNILINE_SANITIZE=ON

build-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	OMNILINE_WEB_DIR=$(BUILD)/web $(BUILD)/omniline serve --listen $(LISTEN) --data-dir $(DATA_DIR) --sample-line

# Every test, twice: in the normal build and with everything (server included) built under
# AddressSanitizer + UndefinedBehaviorSanitizer. Unit tests, storage contract tests, integration
# tests against the real binary, and the storage benchmark in smoke mode; in the normal build
# also the web app's component tests and its browser tests in Chromium (screenshots in
# $(BUILD)/e2e-artifacts).
test: build build-asan
	cd $(BUILD) && OMNILINE_WEB_DIR=$(CURDIR)/$(BUILD)/web ctest --output-on-failure
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# Coverage-guided fuzzing (libFuzzer, clang, ASan+UBSan) of the message format for a bounded
# time, starting from fuzz/corpus/bbcode; a crash fails and leaves its input in $(BUILD)/fuzz.
FUZZ_SECONDS ?= 30
fuzz: deps
	mkdir -p $(BUILD)/fuzz/corpus
	clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  -Isrc fuzz/bbcode_fuzz.cc src/domain/bbcode.cc -o $(BUILD)/fuzz/bbcode_fuzz
	$(BUILD)/fuzz/bbcode_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus fuzz/corpus/bbcode

bench-store: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=
	cmake --build build/release -j $(JOBS) --target store_bench
	build/release/store_bench

# End-to-end benchmark (scripts/bench.sh): a Release server on a temporary SQLite data dir,
# driven by the load client bench/load_client.cc; prints a table, writes build/bench/report.json.
bench: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=
	cmake --build build/release -j $(JOBS) --target omniline omniline_bench omniline_read_bench
	bash scripts/bench.sh --out build/bench

# Read-path benchmark (scripts/bench-reads.sh): `omniline demo` fills a temporary data dir with
# 1,000,000 dialogs × 20 messages (many minutes), then a Release server answers the dialog list,
# counts, history and search to bench/read_bench.cc; writes build/bench/report-reads.json.
bench-reads: deps
	cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=
	cmake --build build/release -j $(JOBS) --target omniline omniline_read_bench
	bash scripts/bench-reads.sh --out build/bench

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
