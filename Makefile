# kontrak — contract tests for the KTP OCR APIs of Verihubs, ADVANCE.AI, ekycpro and Kredibel.
# `make help` lists the targets. CI runs `make test` (see .ci/run), exactly as README.md says.
SHELL := bash
GO    ?= go

.PHONY: help conformance test lint bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

conformance: ## the main job: every vendor's documented behaviour, checked in replay mode, with a report
	$(GO) test ./contract/ -run 'TestExamplesConform|TestProvenance' -count=1 -v | grep -E '^(---|ok|FAIL|PASS)'

test: lint ## every test, with the race detector
	$(GO) test -race -count=1 ./...

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...

bench: ## the speed targets: Check vs Decode per vendor, and loading the contracts
	$(GO) test -run '^$$' -bench . -benchmem ./contract/
