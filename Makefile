# Thin wrappers: the real work lives in scripts/ and bench/ so CI and people
# run exactly the same steps. Two cores are shared, hence -j2 everywhere.
SHELL := /bin/bash
JOBS ?= 2
# Extra arguments: `make test ARGS="-R unit"` (ctest), `make bench ARGS="--check"`.
ARGS ?=

.PHONY: run test build debug web bench format tidy clean

# Install, build, migrate, load the demo county once, serve on 127.0.0.1:8080.
run:
	scripts/run.sh

# Every suite (unit, integration on SQLite and PostgreSQL, api, e2e) under ASan+UBSan.
test:
	scripts/test.sh $(ARGS)

build:
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

debug:
	cmake --preset debug
	cmake --build --preset debug -j $(JOBS)

web:
	scripts/build-web.sh --force

bench: build
	bench/http_bench.sh $(ARGS)

format:
	find src tests bench \( -name '*.h' -o -name '*.cpp' \) -not -path '*/node_modules/*' -print0 \
	  | xargs -0 -r clang-format -i

# Uses the compile database of the release build (configured by `make build`).
tidy:
	@[ -f build/release/compile_commands.json ] || cmake --preset release
	run-clang-tidy -quiet -j $(JOBS) -p build/release '^$(CURDIR)/src/'

clean:
	rm -rf build web/dist bench/out
