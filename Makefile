# kontrak — contract tests for the KTP OCR APIs of Verihubs, ADVANCE.AI, ekycpro and Kredibel.
# `make help` lists the targets. CI runs `make test` (see .ci/run), exactly as README.md says.
SHELL   := bash
GO      ?= go
GINKGO  := $(GO) tool ginkgo
REPORTS := reports
VENDOR  ?=
TMPDIR  ?= /tmp
# WAIVERS names the waivers file whose known drift is accepted (shown as waived): waivers.yaml when it
# exists, so that a newcomer's `make conformance` (live, record) reads the same file CI does; WAIVERS= turns
# it off. `kontrak waive` writes one. VENDORS=advance,verihubs makes a live run fail when it cannot run those
# vendors (no credentials) instead of skipping them (REQUIRE=, its former name, still works). A live run in
# which no vendor ran fails anyway. A run that proved nothing exits 3, drift 1 (kontrak help).
WAIVERS  ?= $(if $(wildcard waivers.yaml),waivers.yaml)
REQUIRE  ?=
VENDORS  ?= $(REQUIRE)
FUZZTIME ?= 30s
export KONTRAK_WAIVERS := $(WAIVERS)
export KONTRAK_VENDORS := $(VENDORS)
# The vendor suites are one test binary, ./suites, with a container a vendor (every suites/<vendor>/ with a
# scenarios.yaml); VENDOR=x selects one by its label. The suite writes the JUnit report itself (KONTRAK_JUNIT),
# with paths relative to the repository; -trimpath keeps build paths out of the rest.
SUITES   = ./suites
SELECT   = $(if $(VENDOR),--label-filter=vendor:$(VENDOR))
GINKGO_RUN = $(GINKGO) --trimpath --keep-going --succinct --no-color $(SELECT)

.PHONY: help conformance test lint lint-specs bench loadtest fuzz cassettes live record docs

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

conformance: ## the main job: every vendor's suite in replay mode, reports/junit.xml + report.json and a summary
	@mkdir -p $(REPORTS) && rm -f $(REPORTS)/report.json $(REPORTS)/junit.xml
	@KONTRAK_MODE=replay KONTRAK_JUNIT=$(CURDIR)/$(REPORTS)/junit.xml $(GINKGO_RUN) --json-report=report.json \
		--output-dir=$(REPORTS) $(SUITES); rc=$$?; \
	$(GO) run ./cmd/kontrak report $(REPORTS)/report.json; rs=$$?; \
	if [ $$rs -eq 3 ]; then echo "conformance: the run proved nothing (see above)"; exit 3; fi; \
	if [ $$rc -ne 0 ] || [ $$rs -ne 0 ]; then echo "conformance: breaking drift (see the failures above)"; exit 1; fi

test: lint ## every test (race detector on; the memory bounds too), the suites in replay mode, and the leak scan of cassettes/
	$(GO) test -race -count=1 ./...
	$(GO) run ./cmd/kontrak scan cassettes

lint: ## gofmt, go vet, actionlint on .github/workflows/ and the workflow's rules (least privilege, pins, timeouts: TestWorkflow*)
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool actionlint -shellcheck= -pyflakes= .github/workflows/*.yml
	$(GO) test -count=1 -run '^TestWorkflow' ./cmd/kontrak

# make bench runs every package's benchmarks (contract's Check vs Decode per vendor and Load, the sandbox's
# p50/p99, each vendor's image request against a bare loopback call (x-loopback, server-B/op) and a
# generate-token call after 1k and 100k tokens (x-1k), the monitor's transport, redaction, scan and redact of
# a 10k cassette against its check (x-check, peak heap), rendering, strict JSON), then traffic's big ones at one pass
# each (their sizes are the work): BenchmarkTraffic (interactions/s, cost in decodes, peak heap, per shape
# and size) and BenchmarkMemory200MB, which fails when checking a 200 MB log takes more than 64 MiB of heap.
BENCH_ONCE = ^Benchmark(Traffic|Memory200MB)$$
bench: ## every package's benchmarks, then BenchmarkTraffic and BenchmarkMemory200MB (fails past its heap bound) one pass each
	$(GO) test -run '^$$' -bench . -skip '$(BENCH_ONCE)' -benchmem ./...
	$(GO) test -run '^$$' -bench '$(BENCH_ONCE)' -benchtime 1x -benchmem ./traffic/

fuzz: ## every fuzz target of the repository (go test -list Fuzz), FUZZTIME each (default 30s); make test runs their seed corpora
	@set -o pipefail; $(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ {f[n++] = $$1} /^ok/ {for (i = 0; i < n; i++) print $$2, f[i]; n = 0}' | \
	while read -r pkg target; do echo "fuzz $$pkg $$target for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10x "$$pkg" || exit 1; done

cassettes: ## (re)build the cassettes no live recording made, from the specs' examples and tables (VENDOR=x for one)
	KONTRAK_MODE=derive $(GO) test -count=1 $(SUITES) $(if $(VENDOR),-args -ginkgo.label-filter=vendor:$(VENDOR))

live: ## the same suites over real HTTP (VENDOR=x for one): reports/live.json, live-junit.xml; see README for the variables
	@echo "live: KONTRAK_MAX_BILLABLE=$${KONTRAK_MAX_BILLABLE:-5} a vendor; a run of every scenario needs (kontrak budget):"; \
	$(GO) run ./cmd/kontrak budget || exit 2
	@mkdir -p $(REPORTS) && rm -f $(REPORTS)/live.json $(REPORTS)/live-junit.xml
	@KONTRAK_MODE=live KONTRAK_JUNIT=$(CURDIR)/$(REPORTS)/live-junit.xml $(GINKGO_RUN) --json-report=live.json \
		--output-dir=$(REPORTS) $(SUITES); rc=$$?; \
	$(GO) run ./cmd/kontrak report $(REPORTS)/live.json; rs=$$?; \
	if [ $$rs -eq 3 ]; then echo "live: the run proved nothing (see above)"; exit 3; fi; \
	if [ $$rc -ne 0 ] || [ $$rs -ne 0 ]; then echo "live: drift (see above)"; exit 1; fi

record: ## live, then VENDOR's cassettes rewritten, redacted — only if the whole run passed (else exit 1, saying why); the budget (KONTRAK_MAX_BILLABLE) defaults to what kontrak budget says it needs, and a smaller one stops before any call
	@if [ -z "$(VENDOR)" ]; then echo "make record needs VENDOR=verihubs|advance|ekycpro|kredibel"; exit 2; fi
	@need=$$($(GO) run ./cmd/kontrak budget --vendor $(VENDOR)) || exit 2; have=$${KONTRAK_MAX_BILLABLE:-$$need}; \
	echo "record $(VENDOR): a full recording needs $$need billable calls (kontrak budget); the budget is $$have"; \
	if [ "$$have" -lt "$$need" ]; then echo "record $(VENDOR): KONTRAK_MAX_BILLABLE=$$have is less than the $$need it needs: nothing spent"; exit 1; fi; \
	mkdir -p $(REPORTS) && rm -f $(REPORTS)/record.json; \
	KONTRAK_MAX_BILLABLE=$$have KONTRAK_MODE=record $(GINKGO_RUN) --json-report=record.json --output-dir=$(REPORTS) $(SUITES)

docs: ## regenerate docs/ (one page a vendor and an index) and the README's generated tables from the data; make test fails while either is stale
	$(GO) run ./cmd/kontrak docs
	@$(MAKE) --no-print-directory changelog

# The contract changelog: the repository has no tags, so the versions are the specs' info.version values in
# git log; for each earlier version, `kontrak diff` from the newest commit that carried it to the working
# tree. Needs the git history: the test that checks the file (TestContractChangelog) fails under CI in a shallow
# clone, skips elsewhere; the workflow checks out the whole history (fetch-depth: 0).
CHANGELOG := docs/contract-changelog.md
changelog: ## docs/contract-changelog.md: kontrak diff between each spec's earlier info.version (git log) and now
	@$(GO) build -o $(TMPDIR)/kontrak-changelog ./cmd/kontrak
	@{ echo '<!-- Generated by `make changelog` (kontrak diff over the specs'"'"' info.version history in git log). Do not edit. -->'; \
	  echo; echo '# Contract changelog'; echo; \
	  echo 'Per vendor, what changed since each earlier `info.version` of its spec, as `kontrak diff` classifies it for a client.'; \
	  for f in specs/*.yaml; do \
	    cur=$$(sed -n 's/^  version: "\(.*\)"$$/\1/p' $$f | head -1); echo; echo "## $$(basename $$f .yaml) $$cur"; seen=" $$cur "; \
	    for rev in $$(git log --format=%h -- $$f); do \
	      v=$$(git show $$rev:$$f 2>/dev/null | sed -n 's/^  version: "\(.*\)"$$/\1/p' | head -1); \
	      case "$$seen" in *" $$v "*) continue;; esac; seen="$$seen$$v "; \
	      echo; echo "Since $$v (commit $$rev):"; echo; \
	      $(TMPDIR)/kontrak-changelog diff --format markdown git:$$rev:$$f $$f | sed 's/^### /#### /'; \
	    done; \
	  done; } > $(CHANGELOG)
	@rm -f $(TMPDIR)/kontrak-changelog
	@echo "wrote $(CHANGELOG)"

# Stock Spectral (spectral:oas, .spectral.yaml) and Redocly (recommended, redocly.yaml: one option, said why)
# over the specs, at pinned versions installed into .tools/ (gitignored) with npm; not part of make test (it
# needs npm and the network once). Both must report 0 errors and 0 warnings.
SPECTRAL_VERSION := 6.16.3
REDOCLY_VERSION  := 2.77.0
TOOLS := .tools
lint-specs: ## Spectral (spectral:oas) and Redocly (recommended) over specs/*.yaml, pinned, installed locally with npm
	@test -x $(TOOLS)/node_modules/.bin/spectral -a -x $(TOOLS)/node_modules/.bin/redocly || \
		npm install --prefix $(TOOLS) --no-save --no-audit --no-fund @stoplight/spectral-cli@$(SPECTRAL_VERSION) @redocly/cli@$(REDOCLY_VERSION)
	$(TOOLS)/node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity warn specs/*.yaml
	$(TOOLS)/node_modules/.bin/redocly lint --config redocly.yaml --max-problems 1000 specs/*.yaml

# kontrak serve against Prism (`prism mock`, the reference mock of the same specs) side by side: each vendor's
# documented image request (a ~100 KB synthetic JPEG) over LOAD_FLAGS' connections (default 8 and 32), the
# two servers in turn, interleaved rounds, medians of req/s, p50, p99, CPU a request, RSS and the ratio
# (cmd/kontrak-load says how). Prism is pinned and installed into .tools/prism with npm, apart from
# lint-specs' tools (an npm install prunes what it was not asked for). Not part of make test: it needs npm
# once and minutes of every core. LOAD_FLAGS='--vendors kredibel --rounds 5 --duration 20s' narrows or widens it.
PRISM_VERSION := 5.14.2
PRISM := $(TOOLS)/prism/node_modules/.bin/prism
LOAD_FLAGS ?=
loadtest: ## kontrak serve against Prism (pinned, npm into .tools/): each vendor's image request, req/s, p50, p99, serve/Prism
	@test "$$($(PRISM) --version 2>/dev/null)" = "$(PRISM_VERSION)" || \
		npm install --prefix $(TOOLS)/prism --no-save --no-audit --no-fund @stoplight/prism-cli@$(PRISM_VERSION)
	$(GO) build -o $(TMPDIR)/kontrak-loadtest ./cmd/kontrak
	$(GO) run ./cmd/kontrak-load --kontrak $(TMPDIR)/kontrak-loadtest --prism $(PRISM) $(LOAD_FLAGS); rc=$$?; \
		rm -f $(TMPDIR)/kontrak-loadtest; exit $$rc
