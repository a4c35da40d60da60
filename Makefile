# fugong — the two commands a newcomer needs:
#   make run    build and serve http://localhost:8080 on embedded defaults (SQLite + uploads/), with demo data
#   make test   everything, with -race, against SQLite + local store AND real MariaDB + MinIO (provisioned by scripts/services.sh)
SHELL := /bin/bash
# Go 1.27.3 (fetched once from the Go module proxy, ~10 s): go1.26.8's
# standard library has 13 advisories govulncheck finds reachable (net/http,
# html/template...); 1.27.3 has none. The machines ship GOTOOLCHAIN=local,
# so every script exports it.
export GOTOOLCHAIN ?= go1.27.3
.SHELLFLAGS := -eo pipefail -c
GO ?= go
BIN := bin/fugong
# The version `fugong version` and GET /api/v1/version report (internal/buildinfo).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
PKGS := ./...

.PHONY: run build test test-short test-ui vet vulncheck bench bench-check fuzz services-start services-stop clean cluster-start cluster-stop cluster-test

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X fugong/internal/buildinfo.version=$(VERSION)" -o $(BIN) ./cmd/fugong

run: build
	./$(BIN) seed demo
	./$(BIN) serve

vet:
	$(GO) vet $(PKGS)

# make test starts MariaDB and MinIO on loopback (installing/building them the
# first time), runs the whole suite with -race under them, and stops them
# again whatever the outcome. Under CI=true a test that cannot reach a service
# fails instead of skipping.
test:
	@env_file=$$(scripts/services.sh start); \
	trap 'scripts/services.sh stop' EXIT; \
	source "$$env_file"; \
	$(GO) vet $(PKGS); \
	$(MAKE) --no-print-directory vulncheck; \
	$(MAKE) --no-print-directory rules-check; \
	$(MAKE) --no-print-directory bench-check; \
	{ CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 30m -v $(PKGS) 2>&1 || exit 1; \
	  echo "== volume tests (TestVolume*), without -race: see internal/testenv.Volume"; \
	  $(GO) test -count=1 -timeout 30m -v -run '^TestVolume' $(PKGS) 2>&1; } | scripts/testfilter.sh; \
	scripts/ui-build-check.sh; \
	scripts/ui-test.sh

# Only the SQLite + local-store tests: no services needed (they skip outside CI).
test-short:
	CGO_ENABLED=1 $(GO) test -race -count=1 $(PKGS)

# The web UI: the committed dist matches a fresh build of frontend/src (npm ci,
# API types, vue-tsc, Vitest, Vite), then the browser test (Debian's Chromium +
# playwright-core + axe-core). Also the last steps of make test.
test-ui:
	scripts/ui-build-check.sh
	scripts/ui-test.sh

rules-check:
	@if [ -f cmd/fugong/rules.go ]; then \
	  $(GO) run ./cmd/fugong rules check && $(GO) run ./cmd/fugong rules test; \
	fi

bench:
	@env_file=$$(scripts/services.sh start); \
	trap 'scripts/services.sh stop' EXIT; \
	source "$$env_file"; \
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS); \
	cd bench && $(GO) test -run '^$$' -bench . -benchmem ./...

# The peer-library comparisons (cel-go) live in the nested module bench/, so the
# main go.mod requires only what the binary links. Its tests (the CEL rules
# raise what rules/*.yaml raise) run with make test.
bench-check:
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./...

# govulncheck offline, as docs/security.md §10 describes: 0 reachable findings is the goal.
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
# Every fuzz target in the repository, one after another, ~10 minutes in all
# (FUZZTIME=30s for a set time per target; FUZZTOTAL=seconds to share).
fuzz:
	scripts/fuzz.sh

vulncheck:
	@dir=$$(GOFLAGS=-mod=mod $(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'); \
	db=$${TMPDIR:-/tmp}/fugong-vulndb; \
	if [ ! -d "$$db" ]; then (cd "$$dir" && GOFLAGS=-mod=mod $(GO) build -o $$db.indexdb ./cmd/indexdb) && $$db.indexdb -vulns "$$dir/data/osv" -out "$$db"; fi; \
	$(GO) run golang.org/x/vuln/cmd/govulncheck@v1.9.0 -db "file://$$db" ./...

# A 3-node Galera + 4-node MinIO + 3 replicas + HAProxy cluster on loopback
# (scripts/cluster.sh), and the chaos test against it (docs/deploy.md).
cluster-start:
	scripts/cluster.sh start

cluster-stop:
	scripts/cluster.sh stop

cluster-test:
	scripts/cluster-test.sh

services-start:
	scripts/services.sh start

services-stop:
	scripts/services.sh stop

clean:
	rm -rf bin
