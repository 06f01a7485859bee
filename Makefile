# Storefront: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
GOTEST_FLAGS ?= -race -count=1
# github.com/gen2brain/webp (product image variants) then always encodes with its embedded
# WebAssembly libwebp, never a system libwebp.so found at run time, and purego (which that
# needs) stays out of the binary. Plain `go build`/`go test` work too, just less uniformly.
export GOFLAGS := -tags=nodynamic $(GOFLAGS)

.PHONY: run build generate assets check-generated lint test test-go tools tools-background e2e fuzz vulncheck bench lighthouse

run: ## serve on :3000 (embedded SQLite + in-memory sessions unless DATABASE_URL / REDIS_URL are set)
	$(GO) run .

build:
	$(GO) build -trimpath -o bin/storefront .

generate: ## regenerate templ output and the common-password list (Go only)
	$(GO) tool templ generate
	$(GO) generate ./models

assets: ## rebuild Tailwind CSS and re-vendor htmx (needs Node: npm ci)
	npm ci --no-audit --no-fund
	npm run build

check-generated: ## fail if committed generated files differ from their sources
	scripts/check-generated.sh

lint: ## gofmt, go vet, templ fmt and the package dependency rules
	scripts/lint.sh

test-go: tools ## go test -race ./... against real PostgreSQL and Redis (started if absent)
	$(GO) test $(GOTEST_FLAGS) ./...

tools: ## build the test servers pinned in tools/go.mod (Mailpit, versitygw, stripe-mock), once per machine
	$(GO) run ./internal/testenv/cmd/testtools

# Starts the tools build without waiting for it, so that on a new machine it
# overlaps lint and check-generated; `tools` (before test-go) then waits for it,
# or builds them itself if it failed. Its log: $(TMPDIR)/storefront-tools-build.log.
tools-background:
	@log=$${TMPDIR:-/tmp}/storefront-tools-build.log; \
	(nohup $(GO) run ./internal/testenv/cmd/testtools >"$$log" 2>&1 &); \
	echo "building the test tools in the background (log: $$log)"

fuzz: ## run each fuzz target briefly on top of its committed seed corpus
	scripts/fuzz.sh

vulncheck: ## govulncheck (says loudly when its database is unreachable; never a fake clean result)
	scripts/vulncheck.sh

e2e: ## Playwright journeys in Debian's Chromium against PostgreSQL + Redis
	scripts/e2e.sh

test: tools-background lint check-generated test-go fuzz e2e vulncheck ## everything CI runs

bench: ## wrk benchmarks of the real pages, ratios to a plaintext ceiling
	scripts/bench.sh

lighthouse: ## Lighthouse scores of the main pages, mobile and desktop, into docs/lighthouse.md (not part of test)
	scripts/lighthouse.sh
