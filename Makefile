# keyutils-go: build, install and uninstall the commands, their man pages
# and keyctl's bash completion (README.md, "Install").
#
#   make                        build the static commands into build/
#   sudo make install           install under /usr/local (PREFIX)
#   sudo make install SYSTEM=1  also as the system's /bin/keyctl,
#                               /sbin/request-key and /sbin/key.dns_resolver
#                               (the files there kept aside, restored by
#                               uninstall) and /etc/request-key.conf if none
#   sudo make uninstall         undo what install did
#   make install PREFIX=/usr DESTDIR=pkgroot    stage a package
#   make check                  the tests (go test)
#
# scripts/install does the installing; see its header for the details.

PREFIX ?= /usr/local
DESTDIR ?=
SYSTEM ?=
BUILDDIR ?= build
GO ?= go

# Every command under cmd/.
COMMANDS := $(notdir $(wildcard cmd/*))
SOURCES := $(shell find . -name '*.go' -not -path './$(BUILDDIR)/*') go.mod go.sum $(wildcard .git/HEAD .git/index)
# Stamp the commit into the binaries (keyctl --version) when git can read
# the clone: the go command fails otherwise (as root in a user's clone,
# git refuses it).
BUILDVCS := $(shell git rev-parse --git-dir >/dev/null 2>&1 && echo auto || echo false)

.PHONY: all install uninstall check clean

all: $(BUILDDIR)/.built

# Static (no cgo), reproducible paths (-trimpath), one go build for all.
$(BUILDDIR)/.built: $(SOURCES)
	@mkdir -p $(BUILDDIR)
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=$(BUILDVCS) -o $(BUILDDIR)/ $(addprefix ./cmd/,$(COMMANDS))
	@touch $@

install: all
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' SYSTEM='$(SYSTEM)' BUILDDIR='$(BUILDDIR)' sh scripts/install install

uninstall:
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' sh scripts/install uninstall

check:
	$(GO) test -race -count=1 ./...

clean:
	rm -rf $(BUILDDIR)
