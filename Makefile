# benchpipe: one GNU Makefile, no recursion into subprojects, no configure.
#
#   make            build every command into $(BUILD)/bin
#   make check      install missing Debian packages (deps), then build twice
#                   (plain, and with -fsanitize=address,undefined) and run
#                   every test against both builds
#   make demo       deps, build, run the detect -> run -> agg -> fmt pipeline
#   make bench      speed measurements against the peers named in the issues
#   make install    PREFIX=/usr/local DESTDIR=
#
# A command is cmd/bench-NAME.c, or a folder cmd/bench-NAME/ whose .c files
# link together; both are found by wildcard, so adding one touches no rule
# here.  CUDA sources (lib/cuda/*.cu) become one module loaded at run time.

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
BUILD   ?= build

CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = libcjson hwloc openblas zlib libcurl xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcjson -lhwloc -lopenblas -lz -lcurl -lxlsxwriter)
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

override CFLAGS += -std=c11 -Wall -Wextra -D_GNU_SOURCE -Ilib $(PKG_CFLAGS) \
	-DBP_VERSION='"$(VERSION)"' -DBP_COMMIT='"$(COMMIT)"' \
	-DBP_DATADIR='"$(DATADIR)/benchpipe"' -DBP_LIBDIR='"$(LIBDIR)/benchpipe"'
ifeq ($(WERROR),1)
override CFLAGS += -Werror
endif
# A build directory named *-asan is always the sanitizer build, so a later
# `make BUILD=build-asan install` never mixes plain objects into it.
ifneq ($(filter %-asan,$(BUILD)),)
SAN = 1
endif
ifeq ($(SAN),1)
override CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif
LDLIBS += $(PKG_LIBS) -lpthread -ldl -lm

ifeq ($(V),1)
Q =
else
Q = @
endif

NVCC := $(firstword $(shell command -v nvcc 2>/dev/null) \
	$(wildcard /usr/local/cuda/bin/nvcc))
NVCCFLAGS ?= -O3
CUDA_SRC   = $(wildcard lib/cuda/*.cu)
CUDA_MOD   = $(BUILD)/lib/benchpipe/bench-cuda.so

LIB_SRC   = $(wildcard lib/*.c)
LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBBP     = $(BUILD)/libbp.a
FLAT_CMDS = $(patsubst cmd/%.c,%,$(wildcard cmd/bench-*.c))
DIR_CMDS  = $(patsubst cmd/%/,%,$(dir $(wildcard cmd/bench-*/main.c)))
CMDS      = $(sort $(FLAT_CMDS) $(DIR_CMDS))
BINS      = $(CMDS:%=$(BUILD)/bin/%)
UNIT_SRC  = $(wildcard tests/unit/*.c)
UNIT_BINS = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
MAN1      = $(wildcard share/man/man1/*.1)
MAN5      = $(wildcard share/man/man5/*.5)
MAN7      = $(wildcard share/man/man7/*.7)

# Debian packages: what builds, what the pipeline uses at run time, what
# only the tests need.  `deps` needs nothing but sh and dpkg-query.
DEB_BUILD = build-essential pkg-config libcjson-dev libhwloc-dev \
	libopenblas-dev zlib1g-dev libcurl4-openssl-dev libxlsxwriter-dev
DEB_RUN   = jq gnuplot-nox dataset-fashion-mnist
DEB_TEST  = bats python3-numpy python3-scipy clang mandoc shellcheck chromium zsh fish python3-yaml python3-openpyxl

.PHONY: all check check-build demo bench install uninstall clean deps \
	deps-test lint cuda-status
.DEFAULT_GOAL := all
# keep object files of the unit tests: no relinking on the next make
.SECONDARY:

all: $(BINS) $(UNIT_BINS) cuda-status

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBBP): $(LIB_OBJ)
	@$(if $(Q),echo '  AR      $@')
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(LIBBP)
	@mkdir -p $(@D)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Folder commands: every .c under cmd/bench-NAME/ links into one program.
define dircmd
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIBBP)
	@mkdir -p $$(@D)
	@$$(if $(Q),echo '  LINK    $$@')
	$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach c,$(DIR_CMDS),$(eval $(call dircmd,$(c))))

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIBBP)
	@$(if $(Q),echo '  LINK    $@')
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

ifneq ($(NVCC),)
ifneq ($(CUDA_SRC),)
all: $(CUDA_MOD)
cuda-status: $(CUDA_MOD)
$(CUDA_MOD): $(CUDA_SRC) $(wildcard lib/cuda/*.h) lib/bp_cuda_module.h
	@mkdir -p $(@D)
	@$(if $(Q),echo '  NVCC    $@')
	$(Q)$(NVCC) $(NVCCFLAGS) -Ilib -shared -Xcompiler -fPIC -o $@ \
		$(CUDA_SRC) -lcublas -Xlinker -rpath,$(dir $(NVCC))../lib64
endif
endif

cuda-status:
ifeq ($(NVCC),)
	@echo 'benchpipe: CUDA parts not built (no nvcc on PATH or in /usr/local/cuda/bin)'
else ifeq ($(CUDA_SRC),)
	@echo 'benchpipe: CUDA parts: none to build yet (nvcc found: $(NVCC))'
else
	@echo 'benchpipe: CUDA parts built with $(NVCC) -> $(CUDA_MOD)'
endif

deps:
	@sh share/benchpipe/deps.sh $(DEB_BUILD) $(DEB_RUN)

deps-test:
	@sh share/benchpipe/deps.sh $(DEB_BUILD) $(DEB_RUN) $(DEB_TEST)

# The suite runs against two builds that never share an object file.
check: deps-test
	$(Q)$(MAKE) --no-print-directory WERROR=1 all
	$(Q)$(MAKE) --no-print-directory WERROR=1 BUILD=$(BUILD)-asan SAN=1 all
	$(Q)sh tests/run.sh $(BUILD) $(BUILD)-asan

check-build: all

# examples/slurm on a one-node Slurm cluster on localhost (its daemons run
# as root from a temporary folder); not part of check.
.PHONY: check-slurm
check-slurm: deps-test all
	$(Q)sh share/benchpipe/deps.sh slurm-wlm munge
	$(Q)BP_BUILD=$(abspath $(BUILD)) bats tests/slurm/examples-slurm.bats

# clang -Werror over every C file, mandoc and shellcheck: tests/run.sh runs
# this as one of its tests.
lint:
	$(Q)for c in $(LIB_SRC) $(wildcard cmd/*.c cmd/*/*.c tests/unit/*.c); do \
		clang -fsyntax-only -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE \
		-Ilib $(PKG_CFLAGS) -DBP_VERSION='""' -DBP_COMMIT='""' \
		-DBP_DATADIR='""' -DBP_LIBDIR='""' $$c || exit 1; done
	$(Q)$(if $(MAN1)$(MAN5)$(MAN7),mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN7))
	$(Q)shellcheck share/benchpipe/*.sh tests/run.sh .ci/run

demo: deps all
	$(Q)sh share/benchpipe/demo.sh $(BUILD)

bench: all
	$(Q)sh tests/bench/run.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/benchpipe \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	$(if $(MAN7),install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7)
	cp -R share/benchpipe/. $(DESTDIR)$(DATADIR)/benchpipe/
	for f in completions/bash/*; do install -m 644 $$f \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/; done
	for f in completions/zsh/*; do install -m 644 $$f \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions/; done
	for f in completions/fish/*; do install -m 644 $$f \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/; done
	if [ -f $(CUDA_MOD) ]; then install -d $(DESTDIR)$(LIBDIR)/benchpipe && \
		install -m 755 $(CUDA_MOD) $(DESTDIR)$(LIBDIR)/benchpipe/; fi

uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(patsubst share/man/man1/%,$(DESTDIR)$(MANDIR)/man1/%,$(MAN1))
	rm -f $(patsubst share/man/man5/%,$(DESTDIR)$(MANDIR)/man5/%,$(MAN5))
	rm -f $(patsubst share/man/man7/%,$(DESTDIR)$(MANDIR)/man7/%,$(MAN7))
	rm -rf $(DESTDIR)$(DATADIR)/benchpipe $(DESTDIR)$(LIBDIR)/benchpipe
	rm -f $(patsubst completions/bash/%,$(DESTDIR)$(DATADIR)/bash-completion/completions/%,$(wildcard completions/bash/*))
	rm -f $(patsubst completions/zsh/%,$(DESTDIR)$(DATADIR)/zsh/vendor-completions/%,$(wildcard completions/zsh/*))
	rm -f $(patsubst completions/fish/%,$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/%,$(wildcard completions/fish/*))

clean:
	rm -rf build build-* demo

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
