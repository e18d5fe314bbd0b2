# bwvoice — build, test, demo. `make help` lists the targets.

CARGO   ?= cargo
CC      ?= cc
PYTHON  ?= python3
GO      ?= go

RELEASE := $(CURDIR)/target/release
LIB     := $(RELEASE)/libbwvoice.so
SIM     := $(RELEASE)/bwvoice-sim
HEADER  := include/bwvoice.h
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -pedantic
EXE_DIR := target/examples
# In-tree pkg-config files (bwvoice, bwvoice-static) so cgo finds the
# repository's own build.
PC_DIR  := $(CURDIR)/target/pkgconfig
# Go's build cache does not notice a changed C header; keying CGO_CFLAGS on
# the header's hash makes it rebuild the binding when the header changes.
GO_ENV  := PKG_CONFIG_PATH=$(PC_DIR) \
           CGO_CFLAGS="-O2 -g -DBWVOICE_HEADER_HASH=$(shell sha256sum $(CURDIR)/include/bwvoice.h | cut -c1-16)"

PREFIX     ?= /usr/local
DESTDIR    ?=
LIBDIR     ?= lib
INCLUDEDIR ?= include
INSTALL_ENV = PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' LIBDIR='$(LIBDIR)' INCLUDEDIR='$(INCLUDEDIR)'

.PHONY: all build examples header python-bindings bxml-table demo test test-rust test-c test-python test-go test-install \
        test-ivr test-dist install uninstall dist lint bench fuzz soak miri help clean

all: build examples

help:
	@echo "make demo        build, start the simulator, redirect and hang up calls from C, Python and Go"
	@echo "make test        every test (Rust, C under ASan/UBSan and valgrind, Python, Go, install, dist) and lint"
	@echo "make test-dist   make dist, then install and use each artifact (C, CMake, Go, pip) against the simulator"
	@echo "make header      refresh include/bwvoice.h after changing src/ffi"
	@echo "make python-bindings  regenerate bindings/python/src/bwvoice/_bindings.py from the header"
	@echo "make bxml-table  after changing src/bxml/verbs.rs or ssml.rs: its JSON export and the typed builders"
	@echo "make examples    build examples/c and the C++ IVR app into $(EXE_DIR)"
	@echo "make test-ivr    the IVR webhook app in C, C++, Python and Go: same answers, byte for byte"
	@echo "make install     install library, headers, pkg-config and CMake files (PREFIX=/usr/local DESTDIR= LIBDIR=lib)"
	@echo "make uninstall   remove them (same PREFIX/DESTDIR/LIBDIR)"
	@echo "make dist        release artifacts in target/dist: C tarball, manylinux wheel, sdist (glibc 2.17 build)"
	@echo "make bench       C, Python and Go side by side with libcurl, requests, bandwidth-sdk, net/http (~1 min)"
	@echo "make fuzz        run each fuzz target for FUZZ_SECONDS (60) s; needs nightly + cargo-fuzz"
	@echo "make soak        100,000 mixed calls from 16 threads against the simulator; fails on RSS/fd growth"
	@echo "make miri        the C ABI's pointer handling and argument checks under Miri (nightly + miri)"

build:
	$(CARGO) build --release --workspace --locked
	scripts/install.sh build-link

# No dependency on build: `make build` as your user, then `sudo make install`.
install:
	$(INSTALL_ENV) scripts/install.sh install

uninstall:
	$(INSTALL_ENV) scripts/install.sh uninstall

# Builds on its own (cargo zigbuild into target/dist-build), not from `make build`.
dist:
	CARGO=$(CARGO) scripts/dist.sh

$(PC_DIR)/bwvoice.pc: Makefile scripts/install.sh
	scripts/install.sh build-pc $(PC_DIR)

EXAMPLES := $(patsubst examples/c/%.c,$(EXE_DIR)/%,$(wildcard examples/c/*.c))
examples: build $(EXAMPLES) $(EXE_DIR)/ivr-cpp
# The IVR webhook app serves HTTP with libmicrohttpd (.ci/run installs it);
# the library itself does not link it.
MHD_FLAGS = $(shell pkg-config --cflags --libs libmicrohttpd)
$(EXE_DIR)/ivr: EXAMPLE_LIBS = $(MHD_FLAGS)
$(EXE_DIR)/ivr-cpp: examples/cpp/ivr.cpp include/bwvoice.hpp $(HEADER)
	@mkdir -p $(EXE_DIR)
	$(CXX) -std=c++17 -Wall -Wextra -Werror -pedantic $(CFLAGS) -Iinclude $< -o $@ \
	  -L$(RELEASE) -Wl,-rpath,$(RELEASE) -lbwvoice $(MHD_FLAGS)
$(EXE_DIR)/%: examples/c/%.c examples/c/example.h $(HEADER)
	@mkdir -p $(EXE_DIR)
	$(CC) $(WARN) $(CFLAGS) -Iinclude $< -o $@ -L$(RELEASE) -Wl,-rpath,$(RELEASE) -lbwvoice $(EXAMPLE_LIBS)

# build.rs runs cbindgen into OUT_DIR; copy what it wrote.
header:
	@out=$$($(CARGO) build --locked -p bwvoice --message-format=json-render-diagnostics | \
	  $(PYTHON) -c 'import json, sys; print(*{m["out_dir"] for m in map(json.loads, sys.stdin) if m.get("reason") == "build-script-executed" and "#bwvoice@" in m["package_id"]})') && \
	  cp "$$out/bwvoice.h" $(HEADER) && echo "$(HEADER) <- $$out/bwvoice.h"

# The Python binding's ctypes declarations, generated from the header (needs pycparser).
python-bindings:
	$(PYTHON) bindings/python/scripts/generate_bindings.py

# After a change to the BXML table (src/bxml/verbs.rs, ssml.rs): its JSON
# export, and the typed builders generated from it.
bxml-table:
	BWVOICE_WRITE_BXML=1 cargo test --lib bxml::
	$(PYTHON) bindings/python/scripts/generate_bxml.py

demo: build examples $(PC_DIR)/bwvoice.pc
	BWVOICE_SIM=$(SIM) EXE_DIR=$(EXE_DIR) GO=$(GO) BWVOICE_LIBRARY=$(LIB) \
	  $(GO_ENV) $(PYTHON) scripts/demo.py

# Every suite runs and reports even when an earlier one (lint, say) fails;
# the run fails if any did.
TEST_SUITES := lint test-rust test-c test-python test-go test-install test-dist test-ivr
test:
	@failed=; for suite in $(TEST_SUITES); do \
	  echo "== make $$suite"; \
	  $(MAKE) --no-print-directory $$suite || failed="$$failed $$suite"; \
	done; \
	if [ -n "$$failed" ]; then echo "== failed:$$failed"; exit 1; fi; \
	echo "== all suites passed:$(foreach s,$(TEST_SUITES), $(s))"

test-rust:
	$(CARGO) test --workspace --locked

test-c: build
	BWVOICE_SIM=$(SIM) bash tests/c/run.sh

test-python: build
	BWVOICE_LIBRARY=$(LIB) BWVOICE_SIM=$(SIM) $(PYTHON) -m pytest -q bindings/python/tests

test-go: build $(PC_DIR)/bwvoice.pc
	cd bindings/go && $(GO_ENV) BWVOICE_SIM=$(SIM) $(GO) vet ./...
	cd bindings/go && $(GO_ENV) BWVOICE_SIM=$(SIM) $(GO) test -race -count=1 ./...

# The IVR app in C (also under valgrind), C++, Python and Go, driven over HTTP
# (tests/ivr builds the Go one); test_ivr_sim.py skips until the simulator
# plays calls.
test-ivr: build examples $(PC_DIR)/bwvoice.pc
	EXE_DIR=$(EXE_DIR) BWVOICE_LIBRARY=$(LIB) BWVOICE_SIM=$(SIM) GO=$(GO) IVR_VALGRIND=1 \
	  $(GO_ENV) $(PYTHON) -m pytest -q -rs tests/ivr

# Python outside the binding, linted with the binding's settings.
PY_EXTRA := ../../examples/python ../../scripts ../../tests/install/sim.py ../../tests/ivr

test-install: build
	BWVOICE_SIM=$(SIM) bash tests/install/run.sh

# Runs scripts/dist.sh itself; needs `make build` only for the simulator.
test-dist: build
	BWVOICE_SIM=$(SIM) CARGO=$(CARGO) CC=$(CC) GO=$(GO) bash tests/dist/run.sh

lint:
	$(CARGO) fmt --all --check
	$(CARGO) fmt --check --manifest-path fuzz/Cargo.toml
	$(CARGO) fmt --check --manifest-path bench/server/Cargo.toml
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	RUSTDOCFLAGS='-D warnings' $(CARGO) doc --no-deps --locked -p bwvoice
	cd bindings/python && ruff check . $(PY_EXTRA) && ruff format --check . $(PY_EXTRA) && mypy
	MYPYPATH=bindings/python/src mypy --strict scripts/demo.py scripts/demo_ivr.py tests/install/sim.py tests/ivr

bench: build $(PC_DIR)/bwvoice.pc
	CARGO=$(CARGO) CC=$(CC) GO=$(GO) PYTHON=$(PYTHON) bash bench/run.sh

FUZZ_SECONDS ?= 60
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

soak: build
	BWVOICE_SIM=$(SIM) $(CARGO) run --release --locked --example soak

miri:
	MIRIFLAGS=-Zmiri-disable-isolation $(CARGO) +nightly miri test --lib -- ffi:: --include-ignored

clean:
	$(CARGO) clean
